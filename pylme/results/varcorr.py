"""Estimated variance components (lme4: ``VarCorr.merMod``, ``mkVarCorr``, ``as.data.frame.VarCorr.merMod``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..design.random import relative_factor

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["VarCorrTerm", "VarCorr", "make_names"]


@dataclass(frozen=True)
class VarCorrTerm:
    """One random-effects term's covariance: Σ_i = (σ̂ T_i)(σ̂ T_i)ᵀ."""

    group: str  # lme4's list name (make.names()-ed when factor names repeat)
    components: tuple[str, ...]
    cov: np.ndarray

    @property
    def stddev(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    @property
    def corr(self) -> np.ndarray:
        sd = self.stddev
        with np.errstate(invalid="ignore", divide="ignore"):
            c = self.cov / np.outer(sd, sd)
        np.fill_diagonal(c, 1.0)
        return c


@dataclass(frozen=True)
class VarCorr:
    """Variance components of a fit; ``str()`` prints like lme4's ``print(VarCorr(fm))``."""

    terms: tuple[VarCorrTerm, ...]
    sigma: float
    #: lme4's ``useSc``: False for binomial/Poisson GLMMs (σ ≡ 1, no ``Residual`` row)
    use_sc: bool = True

    @classmethod
    def from_fit(cls, fit: "LmerFit") -> "VarCorr":
        re_terms = fit.inputs.re_terms
        names = [t.group.name for t in re_terms.terms]
        if len(set(names)) < len(names):  # lme4 applies make.names(unique=TRUE) only then
            names = make_names(names)
        out = []
        for name, term, sl in zip(names, re_terms.terms, re_terms.theta_slices):
            T = fit.sigma * relative_factor(fit.theta[sl], term.p)
            out.append(VarCorrTerm(name, term.cnms, T @ T.T))
        return cls(tuple(out), fit.sigma, bool(getattr(fit, "use_sc", True)))

    def keys(self) -> list[str]:
        """lme4's ``names(VarCorr(fm))``: the terms' group names."""
        return [t.group for t in self.terms]

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, key: str | int) -> pd.DataFrame:
        """One term's covariance matrix (lme4: ``VarCorr(fm)$Subject``, ``VarCorr(fm)[[1]]``).

        Parameters
        ----------
        key : str or int
            The group name (as :meth:`keys` lists it) or the term's position (0-based).

        Returns
        -------
        pandas.DataFrame
            The matrix, rows and columns named by the term's components; its ``attrs``
            hold R's attributes ``stddev`` and ``correlation`` (pandas objects).

        Raises
        ------
        KeyError
            No term of that name or position.
        """
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -len(self.terms) <= key < len(self.terms):
                raise KeyError(key)
            term = self.terms[key]
        else:
            found = [t for t in self.terms if t.group == key]
            if not found:
                raise KeyError(f"{key!r}: VarCorr has the terms {', '.join(map(repr, self.keys()))}")
            term = found[0]
        names = list(term.components)
        out = pd.DataFrame(term.cov, index=names, columns=names)
        out.attrs["stddev"] = pd.Series(term.stddev, index=names)
        out.attrs["correlation"] = pd.DataFrame(term.corr, index=names, columns=names)
        return out

    def to_frame(self) -> pd.DataFrame:
        """lme4's ``as.data.frame(VarCorr(fm))`` (``order = "cov.last"``)."""
        rows = []
        for t in self.terms:
            sd = t.stddev
            for i, c in enumerate(t.components):
                rows.append((t.group, c, None, t.cov[i, i], sd[i]))
            corr = t.corr
            for col in range(len(t.components)):
                for row in range(col + 1, len(t.components)):
                    rows.append((t.group, t.components[col], t.components[row], t.cov[row, col], corr[row, col]))
        if self.use_sc:
            rows.append(("Residual", None, None, self.sigma**2, self.sigma))
        return pd.DataFrame(rows, columns=["grp", "var1", "var2", "vcov", "sdcor"])

    def __str__(self) -> str:
        from ..printing import varcorr_text
        from .text import varcorr_inputs

        return varcorr_text(varcorr_inputs(self)).rstrip("\n")

    __repr__ = __str__


def make_names(names: list[str]) -> list[str]:
    """R's ``make.names(names, unique = TRUE)``: syntactic, de-duplicated with ``.1``, ``.2``."""
    syntactic = []
    for name in names:
        s = re.sub(r"[^A-Za-z0-9._]", ".", name)
        if not re.match(r"^([A-Za-z]|\.(?![0-9]))", s):
            s = "X" + s
        syntactic.append(s)
    seen: dict[str, int] = {}
    out = []
    taken = set(syntactic)
    for s in syntactic:
        if s not in seen:
            seen[s] = 0
            out.append(s)
            continue
        k = seen[s]
        while True:
            k += 1
            candidate = f"{s}.{k}"
            if candidate not in taken:
                break
        seen[s] = k
        taken.add(candidate)
        out.append(candidate)
    return out
