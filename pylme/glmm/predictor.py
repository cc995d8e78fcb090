"""The linear predictor of a GLMM and its weighted decompositions (lme4: ``merPredD``).

``η = o + Xβ + ZΛu``.  PIRLS needs, at every iteration, the factorization of
``ΛᵀZᵀWZΛ + I`` and the solution of the penalized weighted least-squares problem for
new working weights ``W``.  Both come from the blocked Cholesky of :mod:`pylme.linalg`
(the one :func:`pylme.deviance.make_deviance` uses for lmer): the grouped structure of
``Z`` (blocks, level maps, θ layout) is derived once here, and every iteration only
forms the weighted cross-products of that fixed structure — O(nnz(Z)·k) work, never a
dense ``n × q`` matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.linalg.lapack import dtrtrs

from ..deviance import TermData, group_terms
from ..errors import NumericalError
from ..linalg import GroupedColumns, PivotError, ReweightPlan, TemplateLayout
from ..linalg.pls_kernels import PLS_RANDOM_PIVOT
from ..linalg.reweight import DeferredFactor

__all__ = ["Predictor", "PlsStep"]

_VTV_MESSAGE = "Downdated VtV is not positive definite"  # lme4 merPredD::updateDecomp


@dataclass(frozen=True, eq=False)
class PlsStep:
    """One weighted penalized least-squares solution (lme4 ``merPredD::solve``/``solveU``).

    Attributes
    ----------
    u : ndarray, shape (q,)
        Spherical random effects, term-major (lme4 ``delu`` with ``u0 = 0``).
    beta : ndarray, shape (p,)
        Fixed effects (zeros for a u-only step, lme4 ``delb``).
    ldL2 : float
        ``log det(ΛᵀZᵀWZΛ + I)`` of this decomposition (lme4 ``pp$ldL2()``).
    RX : ndarray, shape (p, p)
        Upper-triangular ``R_X`` of this decomposition (lme4 ``pp$RX()``).
    factor : BlockedFactor
        The decomposition itself (conditional variances, AGQ's diagonal of L).
    """

    u: np.ndarray
    beta: np.ndarray
    ldL2: float
    RX: np.ndarray
    factor: object


class Predictor:
    """Random-effects structure and fixed-effects matrix of one model, fixed for a fit.

    Parameters
    ----------
    terms : sequence of TermData
        Random-effects terms in lme4's order (θ follows it).
    X : ndarray, shape (n, p)
        Fixed-effects model matrix.
    """

    def __init__(self, terms: Sequence[TermData], X: np.ndarray):
        self.terms = tuple(terms)
        self.X = np.ascontiguousarray(X, dtype=float)
        groups = group_terms(self.terms)
        self.layout = TemplateLayout([t.z.shape[1] for t in self.terms], [t.nlevels for t in self.terms], groups)
        self._blocks = [GroupedColumns(self.terms[g[0]].refs, np.hstack([self.terms[t].z for t in g]),
                                       self.terms[g[0]].nlevels) for g in groups]
        # The structure of every PIRLS decomposition (lme4: CHOLMOD's symbolic analysis of
        # ΛᵀZᵀZΛ + I, once): each iteration then forms only the weighted values on it.
        self._plan = ReweightPlan(self._blocks, self.X.shape[1] + 1)
        self._unit_z = [t.z.shape[1] == 1 and bool(np.all(t.z == 1.0)) for t in self.terms]
        # one term (or terms already in block order): u needs no reordering
        self._term_order = not np.array_equal(self.layout.internal_to_term, np.arange(self.layout.size))

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]

    @property
    def q(self) -> int:
        return self.layout.size

    @property
    def n_theta(self) -> int:
        return self.layout.n_par

    @property
    def lower(self) -> np.ndarray:
        """lme4's θ lower bounds: 0 for diagonal template entries, −∞ otherwise."""
        return np.where(self.layout.diagonal_mask(), 0.0, -np.inf)

    def theta_template(self) -> np.ndarray:
        """lme4's start θ for glmer: 1 on template diagonals, 0 elsewhere (no heuristic)."""
        return np.where(self.layout.diagonal_mask(), 1.0, 0.0)

    # ------------------------------------------------------------------ products
    def scale_u(self, theta: np.ndarray, u: np.ndarray) -> np.ndarray:
        """``b = Λu`` term by term (``b_l = T u_l`` for every level)."""
        out = np.empty_like(u)
        offs = self.layout.term_offsets
        for t, tmpl in enumerate(self.layout.term_templates(theta)):
            k = tmpl.shape[0]
            if k == 1:  # a scalar term: b = θ·u (the same product as the 1×1 matmul)
                out[offs[t] : offs[t + 1]] = u[offs[t] : offs[t + 1]] * tmpl[0, 0]
            else:
                out[offs[t] : offs[t + 1]] = (u[offs[t] : offs[t + 1]].reshape(-1, k) @ tmpl.T).ravel()
        return out

    def unit_z(self, term: int) -> bool:
        """Whether a term's model matrix is the single column 1 (``(1 | g)``)."""
        return bool(self._unit_z[term])

    def z_times(self, b: np.ndarray) -> np.ndarray:
        """``Zb`` by gathering every term's level effects (O(n·Σp_i))."""
        out = np.zeros(self.n)
        offs = self.layout.term_offsets
        for t, term in enumerate(self.terms):
            effects = b[offs[t] : offs[t + 1]]
            if self._unit_z[t]:  # (1 | g): z_i = 1, so z_i·b = b exactly
                out += np.take(effects, term.refs)
            elif term.z.shape[1] == 1:
                out += term.z[:, 0] * np.take(effects, term.refs)
            else:
                out += np.einsum("ij,ij->i", term.z, effects.reshape(term.nlevels, -1)[term.refs])
        return out

    def lin_pred(self, theta: np.ndarray, beta: np.ndarray, u: np.ndarray) -> np.ndarray:
        """``Xβ + ZΛu`` (lme4 ``pp$linPred(1)``: the linear predictor without the offset)."""
        out = self.z_times(self.scale_u(theta, u))
        if self.p and np.any(beta != 0.0):
            out = out + self.X @ beta
        return out

    # ------------------------------------------------------------------ decompositions
    def solve(self, theta: np.ndarray, weights: np.ndarray, z: np.ndarray, u_only: bool) -> PlsStep:
        """Decompose with working weights ``W`` and solve the PWLS problem for response ``z``.

        ``min ‖W^½(z − Xβ − ZΛu)‖² + ‖u‖²`` over (u, β) (lme4 ``solve``), or over u alone
        with β = 0 (``solveU``: glmer's stage 2, where β enters through the offset).

        Raises
        ------
        NumericalError
            ``Downdated VtV is not positive definite`` when R_X cannot be formed.
        """
        # X is always decomposed, as lme4's updateDecomp does: R_X (hence unsc(), the
        # stage-2 step sizes and the "Downdated VtV" check) exists after u-only steps too
        p = self.p
        templates = self.layout.block_templates(theta)
        try:  # the structure was analysed once (__init__): only the weighted values are new
            if self._plan.compiled:  # one compiled pass per stage (pylme.linalg.pls_kernels)
                sol = self._plan.pls_solve(weights, self.X, z, templates, u_only)
                u = self.layout.to_terms(sol.u) if self._term_order else sol.u
                return PlsStep(u=u, beta=sol.beta, ldL2=sol.logdet, RX=sol.RX, factor=sol.factor)
            dense = np.empty((self.n, p + 1))
            dense[:, :p] = self.X
            dense[:, p] = z
            fac = self._plan.factor(weights, dense, templates)
        except PivotError as err:
            raise _pivot_failure(err) from err
        cross = fac.scaled_dense_cross()
        rx_lower = fac.tail[:p, :p]  # fac.tail is lower triangular: its transpose is R_X
        RX = np.array(rx_lower.T)
        if u_only or not p:
            beta, rhs = np.zeros(p), cross[:, p]
        else:
            # R_X β = r_Xy: LAPACK's trtrs on Lᵀ, the call solve_triangular(L.T, ·) makes
            beta, _ = dtrtrs(rx_lower, fac.tail[p, :p], lower=1, trans=1)
            rhs = cross[:, p] - cross[:, :p] @ beta
        u = fac.solve(rhs)
        if self._term_order:
            u = self.layout.to_terms(u)
        return PlsStep(u=u, beta=beta, ldL2=float(fac.logdet), RX=RX, factor=fac)

    # ------------------------------------------------------------------ compiled PIRLS
    def kernel_args(self, theta: np.ndarray):
        """What :func:`pylme.glmm.pirls_kernel.pirls_loop` reads of this predictor at θ, or None.

        None where the compiled decomposition does not apply (:attr:`ReweightPlan.compiled`).

        Returns
        -------
        pls : tuple
            :meth:`ReweightPlan.kernel_structure` (``X``, the structure) and ``(t1, Λ_r)``.
        terms : tuple
            ``(to_term, t_refs, t_z, t_zoff, t_uoff, t_k, t_unit, t_tmpl, t_toff)``: the
            internal-to-term order (empty when the same), every term's levels, ``z`` columns,
            offsets, widths, unit-``z`` flags and templates (θ's, row-major) for ``η``.
        """
        if not self._plan.compiled:
            return None
        fixed = self.__dict__.get("_kernel_fixed")
        if fixed is None:
            fixed = self._kernel_fixed = self._kernel_fixed_args()
        structure, terms, scalar = fixed
        theta = np.asarray(theta, dtype=float)
        if scalar is not None:  # every block one scalar term: the templates are θ's entries
            t1 = theta[scalar[:1]].reshape(1, 1)
            lam = self._plan.rest_lambda(theta[scalar[1:]])
            tmpl = np.ascontiguousarray(theta[self.layout.par_offsets[:-1]])
        else:
            t1, lam = self._plan.kernel_templates(self.layout.block_templates(theta))
            tmpl = np.concatenate([t.ravel() for t in self.layout.term_templates(theta)])
        return structure + (t1, _read_only(lam)), terms[:7] + (_read_only(tmpl), terms[7])

    def _kernel_fixed_args(self):
        """The parts of :meth:`kernel_args` fixed for a fit (read-only views, built once)."""
        structure = tuple(_read_only(a) if isinstance(a, np.ndarray) else a
                          for a in self._plan.kernel_structure(self.X))
        nt = len(self.terms)
        widths = np.array([t.z.shape[1] for t in self.terms], dtype=np.intp)
        t_refs = np.empty((nt, self.n), dtype=np.intp)
        for i, t in enumerate(self.terms):
            t_refs[i] = t.refs
        to_term = self.layout.internal_to_term if self._term_order else np.zeros(0)
        terms = tuple(_read_only(a) for a in (
            np.asarray(to_term, dtype=np.intp), t_refs,
            np.ascontiguousarray(np.hstack([t.z for t in self.terms]), dtype=float),
            np.concatenate([[0], np.cumsum(widths)]).astype(np.intp),
            np.asarray(self.layout.term_offsets, dtype=np.intp), widths, np.array(self._unit_z, dtype=np.bool_),
            np.concatenate([[0], np.cumsum(widths * widths)]).astype(np.intp)))
        scalar = None
        if all(len(g) == 1 and self.layout.widths[g[0]] == 1 for g in self.layout.groups):
            scalar = np.array([self.layout.par_offsets[g[0]] for g in self.layout.groups], dtype=np.intp)
        return structure, terms, scalar

    def kernel_step(self, theta: np.ndarray, u, beta, ldL2: float, RX, weights, z) -> PlsStep:
        """The :class:`PlsStep` of a decomposition made in compiled code (its factor deferred).

        ``weights`` and ``z`` are the decomposition's working weights and response: the
        factor, when asked for (conditional variances), is the general path's of them.
        """
        return PlsStep(u=u, beta=beta, ldL2=float(ldL2), RX=RX,
                       factor=DeferredFactor(self._plan, weights, self.X, z, _BlockTemplates(self.layout, theta)))

    @staticmethod
    def pivot_failure(info: int, n_random: int) -> NumericalError:
        """lme4's error for :func:`pylme.linalg.pls_kernels.pls_step`'s pivot report ``info``."""
        part = "random" if info == PLS_RANDOM_PIVOT or info - 1 < n_random else "dense"
        err = PivotError(-1 if info == PLS_RANDOM_PIVOT else (info - 1 if part == "random" else info - 1 - n_random),
                         part)
        out = _pivot_failure(err)
        out.__cause__ = err
        return out

    def cond_var(self, theta: np.ndarray, step: PlsStep) -> list:
        """Diagonal blocks of ``Λ(ΛᵀZᵀWZΛ + I)⁻¹Λᵀ`` per term (lme4 ``condVar``, unscaled)."""
        blocks = step.factor.inverse_diag_blocks()
        scaled = [np.matmul(np.matmul(t, blk), t.T) for t, blk in zip(self.layout.block_templates(theta), blocks)]
        return self.layout.split_block_diag(scaled)


def _pivot_failure(err: PivotError) -> NumericalError:
    """lme4's message for a failed pivot: ``Downdated VtV`` in the fixed-effects part."""
    if err.part == "dense":
        return NumericalError(_VTV_MESSAGE)
    return NumericalError("Cholesky factor of the random-effects cross-product is not positive definite")


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view: the compiled loop is compiled for one array type (frozen arrays are read-only)."""
    view = a.view()
    view.flags.writeable = False
    return view


class _BlockTemplates:
    """The block templates at θ, formed when a deferred factor is first built (most never are)."""

    def __init__(self, layout: TemplateLayout, theta):
        self._layout, self._theta = layout, np.array(theta, dtype=float)

    def __iter__(self):
        return iter([np.asarray(t, dtype=float) for t in self._layout.block_templates(self._theta)])
