"""The dense-Cholesky floor of a model: what one ``dpotrf`` of its largest dense block costs.

pylme factors ``[ΛᵀZᵀWZΛ + I, ΛᵀZᵀWD; DᵀWZΛ, DᵀWD]`` blockwise (``pylme.linalg.blocked``):
block 1 is block diagonal, and the later grouped blocks plus the dense columns form one
dense trailing matrix factored by LAPACK ``dpotrf`` in place (the sparse back-end is used
only when that matrix would be huge or sparse).  No evaluation of the deviance can cost
less than that one factorization, so its time, measured on the *actual* trailing matrix
at the fitted θ, is the floor issue 11 compares the time per evaluation with.

This reaches into pylme's internal structures on purpose (a benchmark of them); it uses
the same calls as ``BlockedSystem.logdet_and_tail`` to assemble the matrix.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

from .timing import time_per_call

__all__ = ["dense_floor"]


def _trailing_matrix(problem, theta) -> np.ndarray | None:
    """The assembled dense trailing matrix (C order, lower triangle significant) at θ,
    or ``None`` when the sparse back-end factors the later blocks."""
    from pylme.linalg.blockdiag import factor_inflated

    system = problem._system
    if system._dense is None:
        return None
    templates = system._check_templates(problem._layout.block_templates(problem._theta(theta)))
    fac1 = factor_inflated(system._cp.a11, templates[0])
    corr_dr, corr_dd = system._corrections(fac1)
    if not system._cp.n_rest:  # one grouped factor: the trailing matrix is the dense columns' m × m
        return np.ascontiguousarray(np.tril(system._dense._base - corr_dd))
    ws = np.empty((system._dense.size, system._dense.size))
    system._dense.assemble(ws, system._bvec(fac1), corr_dr, corr_dd, templates[1:])
    return ws


def dense_floor(problem, theta, budget: float = 0.5) -> dict:
    """Time of an in-place ``dpotrf`` of the model's largest dense block at θ.

    Parameters
    ----------
    problem : pylme.deviance.DevianceProblem
        A fitted model's ``problem``.
    theta : array_like
        The fitted θ.
    budget : float
        Seconds of repetitions to spend (at least three calls).

    Returns
    -------
    dict
        ``order`` (the block's order, or None), ``seconds`` (median per factorization, or
        None) and ``backend`` (``"dense"`` or ``"sparse"``: no dense trailing block).
    """
    from pylme.blas_threads import single_blas_thread

    src = _trailing_matrix(problem, theta)
    if src is None:
        return {"order": None, "seconds": None, "backend": "sparse"}
    buf = np.empty_like(src)

    def prepare():
        np.copyto(buf, src)

    def factor():
        # buf.T is Fortran-contiguous: dpotrf works in place on it, as pylme's fit does
        _, info = lapack.dpotrf(buf.T, lower=0, overwrite_a=1, clean=0)
        if info < 0:
            raise RuntimeError(f"dpotrf argument error {info}")

    with single_blas_thread():  # as pylme's fits (one BLAS thread)
        seconds = time_per_call(factor, budget=budget, prepare=prepare)
    return {"order": int(src.shape[0]), "seconds": seconds, "backend": "dense"}
