"""Profiled deviance / REML criterion of a linear mixed model (lme4: ``mkLmerDevfun``).

Model (lme4 ``lmer.Rnw``): ``y | u ~ N(Xβ + ZΛu + o, σ²W⁻¹)``, ``u ~ N(0, σ²I)``.
For a given θ the criterion is (lme4 ``lmerResp::Laplace``)

* ML:   ``ldL2 − ldW + n(1 + log(2π·pwrss) − log n)``
* REML: ``ldL2 − ldW + ldRX2 + (n−p)(1 + log(2π·pwrss) − log(n−p))`` (only if p > 0)

with ``ldL2 = log det(ΛᵀZᵀWZΛ + I)``, ``ldRX2 = log det(R_XᵀR_X)`` and
``pwrss`` the penalized weighted residual sum of squares.

Unlike lme4 (which redoes O(n) work on every evaluation), the cross-products of
``[Z X y]`` are formed once and each evaluation runs the blocked Cholesky of
:mod:`pylme.linalg` (MixedModels.jl ``updateL!``/``objective``): ``pwrss`` is the
square of the last pivot ``r_yy``, so :meth:`DevianceProblem.objective` costs
nothing proportional to ``n``.  :meth:`DevianceProblem.evaluate` recovers β̂, û and
the fitted values (lme4 ``merPredD::solve`` + ``lmerResp::updateMu``) once.

To keep ``r_yy²`` accurate when the response has a large mean, the response is
first replaced by its weighted least-squares residual on X (``y − o − Xβ₀``):
this changes neither pwrss nor the criterion, only the rounding error.
"""

from __future__ import annotations

import functools
import math

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.linalg import lapack, lstsq, solve_triangular

from .blas_threads import single_blas_thread
from .errors import NumericalError
from .linalg import BlockedSystem, GroupedColumns, PivotError, TemplateLayout

__all__ = ["TermData", "PlsSolution", "DevianceProblem", "make_deviance", "group_terms"]

_LOG_2PI = float(np.log(2.0 * np.pi))


@functools.lru_cache(maxsize=256)
def _log_count(n: int) -> float:
    """NumPy's ``log(n)`` of a count (the criterion's constants, once per count)."""
    return float(np.log(n))

_VTV_MESSAGE = "Downdated VtV is not positive definite"  # lme4 merPredD::updateDecomp
#: pwrss below (this × ‖√W(y − o)‖)² is rounding noise of a perfect fit: criterion −∞.
_PERFECT_FIT = 16.0 * np.finfo(float).eps


@dataclass(frozen=True, eq=False)
class TermData:
    """One random-effects term, as lme4's ``mkReTrms`` lays it out.

    Attributes
    ----------
    refs : ndarray of int, shape (n,)
        0-based level of the term's grouping factor for every observation.
    z : ndarray of float, shape (n, p_i)
        The term's model matrix (its left-hand side), e.g. ``[1, Days]``.
    nlevels : int
        Number of levels of the grouping factor.
    """

    refs: np.ndarray
    z: np.ndarray
    nlevels: int

    def __post_init__(self):
        refs = np.ascontiguousarray(self.refs, dtype=np.int64).ravel()
        z = np.asarray(self.z, dtype=float)
        z = np.ascontiguousarray(z.reshape(-1, 1) if z.ndim == 1 else z)
        nlevels = int(self.nlevels)
        if z.ndim != 2 or z.shape[0] != refs.size or z.shape[1] < 1:
            raise ValueError(f"term z must be (n, p_i) with n = {refs.size}, got shape {z.shape}")
        if nlevels < 1 or (refs.size and (refs.min() < 0 or refs.max() >= nlevels)):
            raise ValueError(f"term refs must lie in [0, {nlevels})")
        object.__setattr__(self, "refs", refs)
        object.__setattr__(self, "z", z)
        object.__setattr__(self, "nlevels", nlevels)


@dataclass(frozen=True, eq=False)
class PlsSolution:
    """The penalized least-squares solution at one θ (lme4: ``merPredD``/``lmerResp`` state).

    Attributes
    ----------
    theta : ndarray
    objective : float
        REML criterion or ML deviance (see ``reml``), from ``pwrss`` below.
    beta : ndarray, shape (p,)
        β̂ (lme4 ``pp$beta(1)``).
    u : ndarray, shape (q,)
        Spherical conditional modes û, term-major (lme4 ``pp$u(1)``).
    b : ndarray, shape (q,)
        ``Λû`` (lme4 ``pp$b(1)``).
    ldL2, ldRX2 : float
        ``log det(ΛᵀZᵀWZΛ + I)`` and ``log det(R_XᵀR_X)`` (lme4 ``pp$ldL2()``, ``pp$ldRX2()``).
    wrss, ussq, pwrss : float
        ``‖√W(y − μ)‖²``, ``‖û‖²`` and their sum (lme4 ``resp$wrss()``, ``pp$sqrL(1)``).
    sigma_ml, sigma_reml : float
        ``sqrt(pwrss/n)`` and ``sqrt(pwrss/(n − p))``.
    RX : ndarray, shape (p, p)
        Upper-triangular R_X (lme4 ``pp$RX()``).
    mu : ndarray, shape (n,)
        Fitted values ``o + Xβ̂ + ZΛû`` (lme4 ``resp$mu``).
    reml : bool
        Whether ``objective`` is the REML criterion (``reml`` requested and p > 0).
    """

    theta: np.ndarray
    objective: float
    beta: np.ndarray
    u: np.ndarray
    b: np.ndarray
    ldL2: float
    ldRX2: float
    wrss: float
    ussq: float
    pwrss: float
    sigma_ml: float
    sigma_reml: float
    RX: np.ndarray
    mu: np.ndarray
    reml: bool


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.flags.writeable = False
    return a


class DevianceProblem:
    """The criterion of one model as a function of θ; build it with :func:`make_deviance`.

    Immutable from the outside: evaluating never changes a previously returned
    result, and concurrent evaluations from several threads are safe.
    """

    __slots__ = ("_system", "_layout", "_terms", "_X", "_y", "_w", "_offset", "_beta0",
                 "_n", "_p", "_reml", "_reml_df", "_ldW", "_tiny", "_cache")

    def __init__(self, system, layout, terms, X, y, w, offset, beta0, reml, tiny, reml_df=None):
        self._system, self._layout, self._terms = system, layout, tuple(terms)
        self._X, self._y, self._w, self._offset, self._beta0 = X, y, w, offset, beta0
        self._n, self._p = X.shape
        self._reml = bool(reml) and self._p > 0  # lme4: resp$REML = p or 0
        # what the REML criterion subtracts from n (lme4's resp$REML): p, except after
        # refit(), whose rebuilt response module stores REML = 1 (see with_response)
        self._reml_df = self._p if reml_df is None else int(reml_df)
        with np.errstate(divide="ignore"):
            self._ldW = float(np.sum(np.log(w)))
        self._tiny = tiny
        self._cache = None

    # ------------------------------------------------------------------ pickling
    # The one-entry factor cache is left out: its sparse back-end factor (SuperLU) cannot
    # be pickled, and the next evaluate() rebuilds it as after any cache miss.  Explicit
    # methods also make pickle protocols 0 and 1 work (a class with __slots__ needs them).
    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__ if name != "_cache"}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        if "_reml_df" not in state:  # pickled before refit's REML degrees were kept
            self._reml_df = self._p
        self._cache = None

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of observations."""
        return self._n

    @property
    def p(self) -> int:
        """Number of fixed-effects columns."""
        return self._p

    @property
    def q(self) -> int:
        """Number of random effects (length of u)."""
        return self._layout.size

    @property
    def n_theta(self) -> int:
        """Length of θ."""
        return self._layout.n_par

    @property
    def reml(self) -> bool:
        """Whether the criterion is REML (requested and p > 0; lme4 fits p = 0 by ML)."""
        return self._reml

    @property
    def ldW(self) -> float:
        """``Σ log w``."""
        return self._ldW

    @property
    def lower(self) -> np.ndarray:
        """lme4's θ lower bounds: 0 for diagonal template entries, −∞ otherwise."""
        return np.where(self._layout.diagonal_mask(), 0.0, -np.inf)

    @property
    def theta_offsets(self) -> np.ndarray:
        """Start of every term's θ slice (length = number of terms + 1)."""
        return self._layout.par_offsets.copy()

    @property
    def perfect_fit(self) -> bool:
        """True when X fits ``y − o`` exactly (e.g. a constant response): pwrss = 0 at every θ.

        pwrss(θ) is at most the least-squares residual on X alone (β = β₀, u = 0), so the
        criterion is −∞ for every θ and θ cannot be estimated (lme4 returns such a fit).
        """
        r = self._y - self._offset - self._X @ self._beta0
        return not float(np.sum(self._w * r * r)) > self._tiny

    @property
    def method(self) -> str:
        """Back-end of the trailing blocks: ``"dense"`` or ``"sparse"``."""
        return self._system.method

    # ------------------------------------------------------------------ evaluation
    def _theta(self, theta) -> np.ndarray:
        th = np.asarray(theta, dtype=float).ravel()
        if th.size != self._layout.n_par:
            raise ValueError(f"theta must have length {self.n_theta}, got {th.size}")
        if not math.isfinite(th.sum()) and not np.isfinite(th).all():  # the sum: one cheap call
            raise ValueError("theta must be finite")
        return th

    def _criterion(self, ldL2: float, ldRX2: float, pwrss: float) -> float:
        """lme4 ``lmerResp::Laplace``."""
        if not pwrss > self._tiny:
            return -np.inf
        # Python floats: the same IEEE operations as NumPy's scalars, at a fraction of the cost
        lnum = _LOG_2PI + float(np.log(pwrss))
        if self._reml:
            nmp = self._n - self._reml_df
            return float(ldL2 + ldRX2 + nmp * (1.0 + lnum - _log_count(nmp)) - self._ldW)
        return float(ldL2 + self._n * (1.0 + lnum - _log_count(self._n)) - self._ldW)

    def _pivot_error(self, err: PivotError):
        if err.part == "dense":
            raise NumericalError(_VTV_MESSAGE) from err
        raise NumericalError("Cholesky factor of the random-effects cross-product is not positive definite") from err

    def objective(self, theta) -> float:
        """The criterion at θ (the optimizer's fast path: no O(n) work).

        Parameters
        ----------
        theta : array_like, shape (n_theta,)

        Returns
        -------
        float
            REML criterion or ML deviance; ``-inf`` for a perfect fit (pwrss = 0).

        Raises
        ------
        NumericalError
            ``Downdated VtV is not positive definite`` if R_X cannot be formed.
        """
        return self._criterion(*self.parts(theta))

    @property
    def reml_df(self) -> int:
        """What the REML criterion subtracts from n (lme4's ``resp$REML``, p for a fit)."""
        return self._reml_df if self._reml else 0

    def with_response(self, y, reml_df: int | None = None) -> "DevianceProblem":
        """The same model with a new response (lme4 ``refit``): a new problem.

        Only the cross-products involving y are recomputed; the random-effects
        structure, X, weights and offset are shared (they are never modified).

        Parameters
        ----------
        y : array_like
            The new response.
        reml_df : int, optional
            What the REML criterion subtracts from n; defaults to this problem's.
            lme4 1.1-31's ``refit.merMod`` rebuilds the response module with
            ``mkRespMod(REML = isREML(object))``, which stores ``TRUE`` as 1, so a
            refitted REML model optimises ``n - 1`` where the fit used ``n - p``
            (sleepstudy: REMLcrit 1751.947 against 1743.628); its σ̂ keeps ``n - p``.
        """
        y = np.ascontiguousarray(y, dtype=float).ravel()
        if y.size != self._n or not np.all(np.isfinite(y)):
            raise ValueError(f"the new response must have {self._n} finite values")
        dense, beta0, tiny = _dense_columns(self._X, y, self._w, self._offset)
        system = self._system.with_dense(dense)
        return DevianceProblem(system, self._layout, self._terms, self._X, y, self._w, self._offset,
                               beta0, self._reml, tiny, self._reml_df if reml_df is None else reml_df)

    def parts(self, theta) -> tuple[float, float, float]:
        """``(ldL2, ldRX2, pwrss)`` at θ from the fast path (no O(n) work).

        The pieces of the criterion, for callers that combine them differently (lme4's
        ``devfun2`` for profiling uses the deviance with σ given).
        """
        th = self._theta(theta)
        try:
            ldL2, tail = self._system.logdet_and_tail_of(self._layout.block_templates(th))
        except PivotError as err:
            self._pivot_error(err)
        p = self._p
        ldRX2 = 2.0 * float(np.log(tail[:p]).sum())
        return float(ldL2), ldRX2, float(tail[p]) ** 2

    def _factor(self, th: np.ndarray):
        """The full factorization at θ (one-entry cache: evaluate/cond_var/vcov share it)."""
        key = th.tobytes()
        cached = self._cache
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            # one BLAS thread, as in lmer(): the factor (hence β̂, û, vcov) must not depend on
            # whether it is rebuilt inside a fit or later (a cache miss, an unpickled fit)
            with single_blas_thread():
                fac = self._system.factor(self._layout.block_templates(th))
        except PivotError as err:
            self._pivot_error(err)
        self._cache = (key, fac)
        return fac

    def evaluate(self, theta) -> PlsSolution:
        """β̂, û, b, μ and the criterion's parts at θ (lme4 ``lmer_Deviance`` + accessors)."""
        th = self._theta(theta)
        fac = self._factor(th)
        p = self._p
        rx_lower = fac.tail[:p, :p]
        beta_c = solve_triangular(rx_lower.T, fac.tail[p, :p], lower=False) if p else np.zeros(0)
        cross = fac.scaled_dense_cross()
        u = self._layout.to_terms(fac.solve(cross[:, p] - cross[:, :p] @ beta_c))
        b = self._scale_u(th, u)
        beta = self._beta0 + beta_c
        mu = self._fitted(beta, b)
        wrss = float(np.sum(self._w * (self._y - mu) ** 2))
        ussq = float(u @ u)
        pwrss = wrss + ussq
        if not pwrss > self._tiny:  # a perfect fit (criterion −∞): lme4 has exact zeros, not noise
            u, b = np.zeros_like(u), np.zeros_like(b)
            mu = self._fitted(beta, b)
            wrss = ussq = pwrss = 0.0
        ldRX2 = 2.0 * float(np.sum(np.log(np.diagonal(rx_lower)))) if p else 0.0
        nmp = self._n - p
        return PlsSolution(
            theta=_frozen(th), objective=self._criterion(fac.logdet, ldRX2, pwrss),
            beta=_frozen(beta), u=_frozen(u), b=_frozen(b), ldL2=float(fac.logdet), ldRX2=ldRX2,
            wrss=wrss, ussq=ussq, pwrss=pwrss, sigma_ml=float(np.sqrt(pwrss / self._n)),
            sigma_reml=float(np.sqrt(pwrss / nmp)) if nmp > 0 else np.nan,
            RX=_frozen(np.triu(rx_lower.T)), mu=_frozen(mu), reml=self._reml,
        )

    def _scale_u(self, th: np.ndarray, u: np.ndarray) -> np.ndarray:
        """``b = Λu`` term by term (``b_l = T u_l`` for every level)."""
        out = np.empty_like(u)
        offs = self._layout.term_offsets
        for t, tmpl in enumerate(self._layout.term_templates(th)):
            k = tmpl.shape[0]
            out[offs[t] : offs[t + 1]] = (u[offs[t] : offs[t + 1]].reshape(-1, k) @ tmpl.T).ravel()
        return out

    def _fitted(self, beta: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``o + Xβ + Zb`` by gathering every term's level effects (O(n·Σp_i))."""
        mu = self._offset + self._X @ beta
        offs = self._layout.term_offsets
        for t, term in enumerate(self._terms):
            effects = b[offs[t] : offs[t + 1]].reshape(term.nlevels, -1)
            mu = mu + np.einsum("ij,ij->i", term.z, effects[term.refs])
        return mu

    def unscaled_vcov(self, theta) -> np.ndarray:
        """``R_X⁻¹ R_X⁻ᵀ`` (lme4 ``pp$unsc()``; ``vcov = σ²·unsc``)."""
        th = self._theta(theta)
        p = self._p
        if p == 0:
            return np.zeros((0, 0))
        rx_lower = np.tril(self._factor(th).tail[:p, :p])
        inv, info = lapack.dtrtri(rx_lower, lower=1)
        if info != 0:  # pragma: no cover - pivots are positive after a successful factor
            raise NumericalError(_VTV_MESSAGE)
        inv = np.tril(inv)
        return inv.T @ inv

    def cond_var(self, theta) -> list:
        """Unscaled conditional covariances of b, per term: (nlevels, p_i, p_i) arrays.

        The diagonal blocks of ``Λ(ΛᵀZᵀWZΛ + I)⁻¹Λᵀ`` (lme4 ``condVar``/``ranef(condVar =
        TRUE)`` ``postVar`` divided by σ²).
        """
        th = self._theta(theta)
        blocks = self._factor(th).inverse_diag_blocks()
        scaled = [np.matmul(np.matmul(t, blk), t.T) for t, blk in zip(self._layout.block_templates(th), blocks)]
        return self._layout.split_block_diag(scaled)


def group_terms(terms: Sequence[TermData]):
    """Terms sharing a grouping factor (same refs) form one block; largest block first."""
    groups: dict = {}
    for t, term in enumerate(terms):
        groups.setdefault((term.nlevels, term.refs.tobytes()), []).append(t)
    ordered = list(groups.values())
    size = [terms[g[0]].nlevels * sum(terms[t].z.shape[1] for t in g) for g in ordered]
    order = sorted(range(len(ordered)), key=lambda i: -size[i])  # stable: ties keep term order
    return [ordered[i] for i in order]


def make_deviance(terms: Sequence[TermData], X, y, weights=None, offset=None, reml: bool = True,
                  *, method: str = "auto") -> DevianceProblem:
    """Build the deviance problem (lme4 ``mkLmerDevfun``): all cross-products, once.

    Parameters
    ----------
    terms : sequence of TermData
        Random-effects terms in lme4's order (θ follows this order).
    X : ndarray, shape (n, p)
        Fixed-effects model matrix (p may be 0).
    y : ndarray, shape (n,)
    weights : ndarray, shape (n,), optional
        Prior weights (``W = diag(weights)``); default 1.
    offset : ndarray, shape (n,), optional
        Default 0.
    reml : bool
        REML criterion (used only when p > 0, as lme4).
    method : {"auto", "dense", "sparse"}
        Back-end for the trailing blocks (same numbers; "auto" picks by estimated cost).

    Returns
    -------
    DevianceProblem
    """
    terms = [t if isinstance(t, TermData) else TermData(*t) for t in terms]
    if not terms:
        raise ValueError("at least one random-effects term is required")
    y = np.ascontiguousarray(y, dtype=float).ravel()
    n = y.size
    X = np.ascontiguousarray(np.asarray(X, dtype=float).reshape(n, -1))
    w = np.ones(n) if weights is None else np.ascontiguousarray(weights, dtype=float).ravel()
    o = np.zeros(n) if offset is None else np.ascontiguousarray(offset, dtype=float).ravel()
    if w.size != n or o.size != n or any(t.refs.size != n for t in terms):
        raise ValueError("X, y, weights, offset and every term must have the same number of rows")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y)) and np.all(np.isfinite(o))
            and all(np.all(np.isfinite(t.z)) for t in terms)):
        raise ValueError("X, y, offset and the random-effects model matrices must be finite")
    groups = group_terms(terms)
    layout = TemplateLayout([t.z.shape[1] for t in terms], [t.nlevels for t in terms], groups)
    blocks = [GroupedColumns(terms[g[0]].refs, np.hstack([terms[t].z for t in g]), terms[g[0]].nlevels) for g in groups]
    dense, beta0, tiny = _dense_columns(X, y, w, o)
    system = BlockedSystem(blocks, dense, w, method=method)
    return DevianceProblem(system, layout, terms, X, y, w, o, beta0, reml, tiny)


def _dense_columns(X: np.ndarray, y: np.ndarray, w: np.ndarray, o: np.ndarray):
    """``[X, r]`` with r the weighted LS residual of y − o on X, the shift β₀, and the perfect-fit threshold.

    Working with the residual instead of y only makes r_yy² more accurate; β̂ = β₀ + β_c.
    """
    resid = y - o
    tiny = (_PERFECT_FIT**2) * float(np.sum(w * resid * resid))
    beta0 = np.zeros(X.shape[1])
    if X.shape[1]:
        sw = np.sqrt(w)
        beta0 = lstsq(X * sw[:, None], resid * sw, lapack_driver="gelsy", check_finite=False)[0]
        resid = resid - X @ beta0
    return np.ascontiguousarray(np.column_stack([X, resid])), beta0, tiny
