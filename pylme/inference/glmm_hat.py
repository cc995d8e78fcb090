"""Leverages of a fitted GLMM (lme4 1.1-31: ``hatvalues.merMod``, which warns that the hat
matrix may not make sense for GLMMs).

lme4 applies its LMM formula: with the final decomposition's factor ``L``, ``R_ZX`` and
``R_X`` — which, for a GLMM, carry the PIRLS working weights ``W`` of the last
iteration — and the square roots of the *prior* weights ``√w`` on the columns,

    h = colSums(C_L²) + colSums(C_R²),   C_L = L⁻¹PΛᵀZᵀ√w,   C_R = R_X⁻ᵀ(Xᵀ√w − R_ZXᵀC_L).

That is ``h_i = a_iᵀ M⁻¹ a_i`` with ``a_i = √w_i (ΛᵀZᵀ, Xᵀ)_i`` and ``M`` the penalized
weighted cross-product ``[[ΛᵀZᵀWZΛ + I, ΛᵀZᵀWX], [XᵀWZΛ, XᵀWX]]``, which is what is
computed here (a sparse LU of ``M``, right-hand sides in blocks of columns).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..errors import PylmeWarning
from ..results.vectors import labelled

if TYPE_CHECKING:
    from ..results.glmer_model import GlmerFit

__all__ = ["glmer_hatvalues", "HAT_WARNING"]

#: lme4's warning for a GLMM.
HAT_WARNING = "the hat matrix may not make sense for GLMMs"
_BLOCK = 2048  # right-hand sides per solve: bounds the dense (q + p) × block work array


def glmer_hatvalues(fit: "GlmerFit") -> pd.Series:
    """Diagonal of lme4's hat matrix for a GLMM (lme4 ``hatvalues.merMod``), with its warning.

    Parameters
    ----------
    fit : GlmerFit

    Returns
    -------
    pandas.Series
        One value per row used, labelled (and ``na.exclude``-padded) as ``fitted()``.
    """
    warnings.warn(HAT_WARNING, PylmeWarning, stacklevel=3)
    re = fit.inputs.re_terms
    X = np.asarray(fit.inputs.X, dtype=float)
    W = np.asarray(fit.optimum.state.weights, dtype=float)  # the last decomposition's weights
    sw = np.sqrt(np.asarray(fit.weights(), dtype=float))  # prior weights, as lme4's sqrtW
    A = (re.Lambdat(fit.theta) @ re.Zt()).tocsr()  # ΛᵀZᵀ, q × n
    q = A.shape[0]
    AW = A @ sp.diags(W)
    M = sp.bmat([[AW @ A.T + sp.identity(q), sp.csr_matrix(AW @ X)],
                 [sp.csr_matrix((AW @ X).T), sp.csr_matrix(X.T @ (X * W[:, None]))]], format="csc")
    B = sp.vstack([A @ sp.diags(sw), sp.csr_matrix((X * sw[:, None]).T)], format="csc")
    lu = splu(M)
    n = B.shape[1]
    h = np.empty(n)
    for start in range(0, n, _BLOCK):
        cols = B[:, start:start + _BLOCK].toarray()
        h[start:start + cols.shape[1]] = np.einsum("ij,ij->j", cols, lu.solve(cols))
    return labelled(fit, h, "hatvalues")
