"""Random effects and per-level coefficients (lme4: ``ranef.merMod``, ``coef.merMod``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..arguments import r_flag

if TYPE_CHECKING:
    from .model import LmerFit

__all__ = ["Ranef", "ranef", "coef", "term_blocks"]


class Ranef(dict):
    """``ranef()`` result (lme4: class ``ranef.mer``): a dict of DataFrames by grouping
    factor that prints as lme4's ``print(ranef(fm))``.

    ``str()`` (what ``print()`` writes) and ``repr()`` are R's text less the final newline
    ``print()`` adds back, so ``print(fit.ranef())`` shows R's lines exactly: each frame
    under its ``$name`` tag followed by a blank line, then, for conditional variances,
    ``with conditional variances for “Subject” `` (curly quotes, trailing blank).
    """

    def __str__(self) -> str:
        from ..printing import RanefGroup, ranef_text

        groups = [RanefGroup(name, tuple(map(str, frame.columns)), tuple(map(str, frame.index)),
                             frame.to_numpy(float), has_condvar="postVar" in frame.attrs)
                  for name, frame in self.items()]
        text = ranef_text(groups)
        # only the one newline print() adds back: R's blank line after the last frame stays
        return text[:-1] if text.endswith("\n") else text

    __repr__ = __str__


def term_blocks(fit: "LmerFit", vector: np.ndarray) -> list[np.ndarray]:
    """Split a length-q vector (``b`` or ``u``) into one (levels × p) array per term."""
    re = fit.inputs.re_terms
    return [vector[a:b].reshape(t.nlevels, t.p) for t, a, b in zip(re.terms, re.Gp[:-1], re.Gp[1:])]


def ranef(fit: "LmerFit", condVar: bool = True) -> Ranef:
    """Conditional modes ``b = Λû`` per grouping factor (lme4 ``ranef.merMod``).

    Terms on the same factor are bound column-wise in term order (lme4 ``cbind``).
    With ``condVar`` (lme4 1.1-31's default, read as R's ``if (condVar)`` reads it) the
    conditional covariances ``σ² Λ (ΛᵀZᵀWZΛ + I)⁻¹ Λᵀ`` (diagonal blocks per level) go
    into ``attrs["postVar"]`` with shape (levels, p, p); a list of such arrays, one per
    term, when several terms share the factor (lme4's layout).  Code that needs only the
    modes passes ``condVar=False``: the covariances cost a factorization per level block.

    Raises
    ------
    ArgumentError
        ``condVar`` that R's ``if`` rejects (``argument is not interpretable as logical``).
    """
    with_cond = r_flag(condVar, "condVar")
    re = fit.inputs.re_terms
    blocks = term_blocks(fit, fit.solution.b)
    cond = fit.problem.cond_var(fit.theta) if with_cond else None
    out = Ranef()
    for index, name in enumerate(re.flist):
        members = [i for i, a in enumerate(re.assign) if a == index]
        levels = list(re.flist[name].levels)
        columns = [c for i in members for c in re.terms[i].cnms]
        frame = pd.DataFrame(np.hstack([blocks[i] for i in members]), index=levels, columns=columns)
        frame.index.name = None
        if cond is not None:
            post = [fit.sigma**2 * np.asarray(cond[i]) for i in members]
            frame.attrs["postVar"] = post[0] if len(post) == 1 else post
        out[name] = frame
    return out


def coef(fit: "LmerFit") -> dict[str, pd.DataFrame]:
    """Fixed effects plus each level's random effects (lme4 ``coef.merMod``).

    Random-effect columns that are not fixed effects are prepended with a fixed value of
    0 in every factor's frame, as lme4 does.
    """
    fixef = fit.fixef()
    effects = ranef(fit, condVar=False)  # coef() shows the modes only
    re_names = [c for frame in effects.values() for c in frame.columns]
    missing = [c for c in dict.fromkeys(re_names) if c not in fixef.index]
    base = pd.concat([pd.Series(0.0, index=missing), fixef]) if missing else fixef
    out = {}
    for name, frame in effects.items():
        table = pd.DataFrame(np.tile(base.to_numpy(), (len(frame), 1)), index=frame.index, columns=base.index)
        for column in frame.columns:
            table[column] = table[column] + frame[column].to_numpy()
        out[name] = table
    return out
