"""Random-effects structure exactly as lme4 builds it (lme4: ``mkReTrms``, ``mkBlist``).

For each bar term ``(lhs | group)`` this module evaluates the grouping factor (with
lme4's ``%i%`` coding of ``a:b``) and the term's model matrix ``model.matrix(~lhs)``,
then orders the terms, lays out θ, its lower bounds, ``Lind`` and ``Gp`` as lme4 does.
Nothing here depends on θ's value: Λ is applied later by the deviance.

Orderings that conformance depends on (lme4 1.1-31):

* terms are sorted by decreasing number of levels with ``rev(order(nl))`` — which
  *reverses* tied terms — and only when the level counts are not already non-increasing;
* θ of a term is the lower triangle of its factor ``T_i`` in column-major order;
* ``Zt`` rows are level-major with the components of a level adjacent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ..errors import DataError, FormulaError
from ..formula import deparse
from ..formula.ast import BinOp, Name, Paren
from ..formula.bars import Bar
from .columns import r_interaction, used_levels
from .frame import Factor, ModelFrame
from .model_matrix import model_matrix

__all__ = ["GroupingFactor", "ReTerm", "ReTerms", "grouping_factor", "make_re_terms"]


@dataclass(frozen=True)
class GroupingFactor:
    """A grouping factor after lme4's ``factor(ff, exclude = NA)`` (unused levels dropped)."""

    name: str  # deparsed grouping expression, e.g. "cask:batch"
    codes: np.ndarray  # int index into `levels` per observation
    levels: tuple[str, ...]

    @property
    def nlevels(self) -> int:
        return len(self.levels)


@dataclass(frozen=True, eq=False)
class ReTerm:
    """One random-effects term (lme4: an element of ``reTrms$Ztlist`` and its ``cnms``).

    Attributes
    ----------
    label : str
        Deparsed bar, e.g. ``"Days | Subject"`` (lme4: ``names(Ztlist)``).
    group : GroupingFactor
        The grouping factor.
    cnms : tuple of str
        Column names of the term's model matrix, e.g. ``("(Intercept)", "Days")``.
    z : ndarray, shape (n, p)
        The term's model matrix ``model.matrix(~lhs, frame)``.
    """

    label: str
    group: GroupingFactor
    cnms: tuple[str, ...]
    z: np.ndarray

    @property
    def p(self) -> int:
        """Number of components (lme4: ``nc``)."""
        return len(self.cnms)

    @property
    def nlevels(self) -> int:
        return self.group.nlevels

    @property
    def q(self) -> int:
        """Number of random effects of this term (p × levels)."""
        return self.p * self.nlevels

    @property
    def n_theta(self) -> int:
        return self.p * (self.p + 1) // 2


@dataclass(frozen=True, eq=False)
class ReTerms:
    """All random-effects terms in lme4's order, with θ's layout (lme4: ``mkReTrms`` value).

    ``theta0`` is the default start (1 on diagonals, 0 elsewhere); the intercept-only
    variance-ratio start is chosen later, where the response is known.
    """

    terms: tuple[ReTerm, ...]
    order: tuple[int, ...]  # formula position of each term (lme4 `ord`, 0-based)

    @cached_property
    def theta0(self) -> np.ndarray:
        return np.concatenate([_lower_tri_template(t.p, diag=1.0, off=0.0) for t in self.terms])

    @cached_property
    def lower(self) -> np.ndarray:
        return np.concatenate([_lower_tri_template(t.p, diag=0.0, off=-np.inf) for t in self.terms])

    @cached_property
    def theta_names(self) -> tuple[str, ...]:
        """lme4 ``tnames()``: ``g.c`` on the diagonal, ``g.row.col`` below it."""
        names = []
        for t in self.terms:
            for col in range(t.p):
                for row in range(col, t.p):
                    if row == col:
                        names.append(f"{t.group.name}.{t.cnms[row]}")
                    else:
                        names.append(f"{t.group.name}.{t.cnms[row]}.{t.cnms[col]}")
        return tuple(names)

    @cached_property
    def theta_slices(self) -> tuple[slice, ...]:
        bounds = np.cumsum([0] + [t.n_theta for t in self.terms])
        return tuple(slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]))

    @cached_property
    def Gp(self) -> np.ndarray:
        """Offsets of each term in ``b``/``u`` (lme4 ``Gp``)."""
        return np.concatenate([[0], np.cumsum([t.q for t in self.terms])]).astype(int)

    @property
    def q(self) -> int:
        return int(self.Gp[-1])

    @cached_property
    def flist(self) -> dict[str, GroupingFactor]:
        """Distinct grouping factors, first occurrence in term order (lme4 ``flist``)."""
        out: dict[str, GroupingFactor] = {}
        for t in self.terms:
            out.setdefault(t.group.name, t.group)
        return out

    @cached_property
    def assign(self) -> tuple[int, ...]:
        """Index into :attr:`flist` of each term (lme4 ``attr(flist, "assign")``, 0-based)."""
        names = list(self.flist)
        return tuple(names.index(t.group.name) for t in self.terms)

    @cached_property
    def cnms(self) -> list[tuple[str, tuple[str, ...]]]:
        """(grouping-factor name, component names) per term (lme4 ``cnms``; names repeat)."""
        return [(t.group.name, t.cnms) for t in self.terms]

    @cached_property
    def Lind(self) -> np.ndarray:
        """θ index (0-based) of each non-zero of ``Lambdat`` in CSC order (lme4 ``Lind`` − 1)."""
        parts = []
        for t, sl in zip(self.terms, self.theta_slices):
            block = _lind_block(t.p) + sl.start
            parts.append(np.tile(block, t.nlevels))
        return np.concatenate(parts) if parts else np.zeros(0, int)

    def Zt(self) -> sp.csc_matrix:
        """The sparse q×n transposed random-effects model matrix (lme4 ``Zt``, ``drop0``-ed)."""
        blocks = [_term_zt(t) for t in self.terms]
        return sp.vstack(blocks, format="csc")

    def Lambdat(self, theta: np.ndarray) -> sp.csc_matrix:
        """Λᵀ at ``theta`` with lme4's fixed pattern, ``Lambdat@x = theta[Lind]`` (lme4 ``Lambdat``).

        The pattern keeps explicit zeros (e.g. θ = 0 off the diagonal) so that its
        non-zeros line up with :attr:`Lind` for any θ.
        """
        indptr, indices = self._lambdat_pattern
        data = np.asarray(theta, float)[self.Lind]
        return sp.csc_matrix((data, indices, indptr), shape=(self.q, self.q))

    @cached_property
    def _lambdat_pattern(self) -> tuple[np.ndarray, np.ndarray]:
        counts, rows = [], []
        for t, start in zip(self.terms, self.Gp[:-1]):
            for level in range(t.nlevels):
                offset = start + level * t.p
                for col in range(t.p):
                    counts.append(col + 1)
                    rows.extend(range(offset, offset + col + 1))
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return indptr, np.asarray(rows, dtype=np.int64)


def relative_factor(theta_i: np.ndarray, p: int) -> np.ndarray:
    """The lower-triangular p×p ``T_i`` from its θ entries (column-major lower triangle)."""
    T = np.zeros((p, p))
    rows, cols = np.triu_indices(p)  # (col, row) pairs of the lower triangle, column-major
    T[cols, rows] = theta_i
    return T


def _lower_tri_template(p: int, diag: float, off: float) -> np.ndarray:
    cols, rows = np.triu_indices(p)
    return np.where(rows == cols, diag, off).astype(float)


def _lind_block(p: int) -> np.ndarray:
    """θ indices of one level's block of ``Lambdat`` in CSC order (column c holds T[c, 0..c])."""
    index = {}
    k = 0
    for col in range(p):
        for row in range(col, p):
            index[(row, col)] = k
            k += 1
    return np.array([index[(c, r)] for c in range(p) for r in range(c + 1)], dtype=int)


def _term_zt(t: ReTerm) -> sp.csc_matrix:
    n = t.z.shape[0]
    rows = (t.group.codes[:, None] * t.p + np.arange(t.p)[None, :]).ravel()
    cols = np.repeat(np.arange(n), t.p)
    vals = t.z.ravel()
    nz = vals != 0.0
    return sp.csc_matrix((vals[nz], (rows[nz], cols[nz])), shape=(t.q, n))


# --- grouping factors ---------------------------------------------------------------


def grouping_factor(group, frame: ModelFrame) -> GroupingFactor:
    """Evaluate a grouping expression as lme4's ``mkBlist`` does.

    Variables are converted with R's ``factor()``; ``a:b`` is lme4's ``%i%``
    (:func:`~pylme.design.columns.r_interaction`): labels ``"a:b"``, levels the
    *observed* pasted labels (two combinations that paste to the same text are one
    group, as in lme4) ordered by ``a``'s level then ``b``'s of their first occurrence.
    ``a/b`` reaches here already expanded to ``b:a`` and ``a`` (lme4's order).
    """
    name = deparse(group)
    factor = _evaluate_group(group, frame, name)
    return _drop_unused(name, factor)


def _evaluate_group(node, frame: ModelFrame, name: str) -> Factor:
    while isinstance(node, Paren):
        node = node.expr
    if isinstance(node, BinOp) and node.op == ":":
        return r_interaction(
            _evaluate_group(node.left, frame, name), _evaluate_group(node.right, frame, name)
        )
    if isinstance(node, Name):
        return frame.as_factor(node)
    raise FormulaError(
        f"Invalid grouping factor specification, {name}: a grouping factor must be a "
        "variable or an interaction of variables written with ':' (or nested with '/')"
    )


def _drop_unused(name: str, f: Factor) -> GroupingFactor:
    if f.codes.size and f.codes.min() < 0:  # an NA code (never after the model frame): as np.unique
        used, codes = np.unique(f.codes, return_inverse=True)
    else:  # O(n): count the codes instead of sorting them
        used = used_levels(f.codes, f.nlevels)
        remap = np.zeros(max(f.nlevels, 1), dtype=np.int64)
        remap[used] = np.arange(used.size)
        codes = remap[f.codes]
    if used.size == 0:
        raise DataError(f"Invalid grouping factor specification, {name}")
    return GroupingFactor(name=name, codes=codes.astype(np.int64), levels=tuple(f.levels[i] for i in used))


# --- assembling the terms --------------------------------------------------------------


def make_re_terms(bars: list[Bar], frame: ModelFrame) -> ReTerms:
    """Build lme4's random-effects structure from the bar terms (lme4: ``mkReTrms``).

    Raises
    ------
    FormulaError
        When there is no random-effects term (lme4's text).
    """
    if not bars:
        raise FormulaError("No random effects terms specified in formula")
    terms = [_make_term(bar, frame) for bar in bars]
    order = lme4_term_order([t.nlevels for t in terms])
    return ReTerms(terms=tuple(terms[i] for i in order), order=tuple(order))


def lme4_term_order(nlevels: list[int]) -> list[int]:
    """lme4's ``if (any(diff(nl) > 0)) ord <- rev(order(nl))``: ties end up reversed."""
    nl = np.asarray(nlevels)
    if nl.size < 2 or not np.any(np.diff(nl) > 0):
        return list(range(nl.size))
    ascending = np.argsort(nl, kind="stable")
    return [int(i) for i in ascending[::-1]]


def _make_term(bar: Bar, frame: ModelFrame) -> ReTerm:
    group = grouping_factor(bar.group, frame)
    mm = model_matrix(bar.lhs, frame)  # default contrasts: lme4 ignores `contrasts=` here
    label = f"{deparse(bar.lhs)} | {deparse(bar.group)}"
    if not mm.columns:
        # lme4 builds the term and then fails with "length(theta) > 0L is not TRUE"
        raise FormulaError(f"random-effects term ({label}) has no columns: it needs an intercept or a variable")
    return ReTerm(label=label, group=group, cnms=tuple(mm.columns), z=np.asarray(mm.values, float))
