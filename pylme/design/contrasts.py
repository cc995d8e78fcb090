"""Contrast matrices and orthogonal polynomials (R: ``contr.treatment``, ``contr.sum``,
``contr.helmert``, ``contr.poly``, ``contr.SAS``, and ``poly()``, which shares contr.poly's
algorithm).

A contrast matrix has one row per factor level and one column per coded column; its
column names (or None, as R leaves them for ``contr.sum``/``contr.helmert``) are what
``model.matrix`` appends to the variable name: ``SexFemale``, ``f1``,
``temperature.L``.

:func:`resolve_contrast` (:mod:`pylme.design.contrast_spec` does the work) reads a user's ``contrasts={"f": ...}`` value as R's ``model.matrix(contrasts.arg =)``
reads ``list(f = ...)``: the same accepted values (names looked up exactly, matrices kept
whole, vectors completed with R's QR, functions called with the number of levels) and
R's error texts first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError

__all__ = [
    "Contrast",
    "CONTRASTS",
    "contr_treatment",
    "contr_sum",
    "contr_helmert",
    "contr_poly",
    "contr_sas",
    "orthogonal_poly_basis",
    "poly_fit",
    "poly_predict",
    "resolve_contrast",
]

# R refuses contr.poly beyond this many levels (accuracy of the orthogonal basis).
_MAX_POLY_LEVELS = 95


@dataclass(frozen=True, eq=False)
class Contrast:
    """A contrast matrix with R's column names.

    Attributes
    ----------
    name : str
        What R records in ``attr(X, "contrasts")``: the function name, or
        ``"matrix"`` for a user-supplied matrix.
    matrix : ndarray, shape (nlevels, ncol)
    colnames : tuple of str or None
        None means R numbers the columns ``1, 2, ...``.
    """

    name: str
    matrix: np.ndarray = field(repr=False)
    colnames: tuple | None

    def column_suffixes(self) -> tuple[str, ...]:
        """What ``model.matrix`` appends to the variable name for each column."""
        if self.colnames is not None:
            return tuple(self.colnames)
        return tuple(str(j + 1) for j in range(self.matrix.shape[1]))


def _level_names(levels) -> tuple[str, ...]:
    """The level labels; an integer ``n`` stands for ``1, ..., n`` as in R (``contr.sum(3)``).

    R's ``model.matrix`` calls a contrast *function* with the number of levels, so a
    function passed as ``contrasts={"f": contr_treatment}`` gets an ``int`` here.
    """
    if isinstance(levels, (int, np.integer)) and not isinstance(levels, (bool, np.bool_)):
        return tuple(str(j) for j in range(1, int(levels) + 1))
    return tuple(levels)


def _check_levels(levels) -> int:
    k = len(levels)
    if k < 2:
        raise DataError("contrasts can be applied only to factors with 2 or more levels")
    return k


def contr_treatment(levels) -> Contrast:
    """Treatment (dummy) coding against the first level (R: ``contr.treatment``).

    Parameters
    ----------
    levels : sequence of str or int
        The factor levels, or their number (R: ``contr.treatment(3)``, columns ``2 3``).
    """
    levels = _level_names(levels)
    k = _check_levels(levels)
    return Contrast("contr.treatment", np.eye(k)[:, 1:], tuple(levels[1:]))


def contr_sas(levels) -> Contrast:
    """Treatment coding against the *last* level (R: ``contr.SAS``).

    Parameters
    ----------
    levels : sequence of str or int
        The factor levels, or their number (R: ``contr.SAS(3)``, columns ``1 2``).
    """
    levels = _level_names(levels)
    k = _check_levels(levels)
    return Contrast("contr.SAS", np.eye(k)[:, :-1], tuple(levels[:-1]))


def contr_sum(levels) -> Contrast:
    """Sum-to-zero coding; the last level is ``-1`` everywhere (R: ``contr.sum``).

    Parameters
    ----------
    levels : sequence of str or int
        The factor levels, or their number.
    """
    k = _check_levels(_level_names(levels))
    m = np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])
    return Contrast("contr.sum", m, None)


def contr_helmert(levels) -> Contrast:
    """Helmert coding: column j contrasts level j+1 with the mean of levels 1..j (R: ``contr.helmert``).

    Parameters
    ----------
    levels : sequence of str or int
        The factor levels, or their number.
    """
    k = _check_levels(_level_names(levels))
    m = np.zeros((k, k - 1))
    for j in range(k - 1):
        m[: j + 1, j] = -1.0
        m[j + 1, j] = j + 1.0
    return Contrast("contr.helmert", m, None)


def orthogonal_poly_basis(x: np.ndarray, degree: int) -> np.ndarray:
    """Gram–Schmidt residuals of ``1, x, x^2, ...`` (R: ``qr.qy(QR, diag(R))`` in ``poly``).

    Returns the ``(len(x), degree + 1)`` matrix whose column j is ``x^j`` minus its
    projection on the lower powers.  R computes ``Q %*% diag(diag(R))`` from a
    Householder QR; that product does not depend on the sign convention of the QR,
    so numpy's QR gives the same columns up to rounding.
    """
    X = np.power.outer(np.asarray(x, dtype=float), np.arange(degree + 1))
    q, r = np.linalg.qr(X)
    return q * np.diag(r)[None, :]


def _r_mean(x: np.ndarray) -> float:
    """R ``mean()``: long-double sum, then one refinement pass (R: ``summary.c``)."""
    n = x.size
    s = np.sum(x, dtype=np.longdouble) / n
    s += np.sum(x.astype(np.longdouble) - s) / n
    return float(s)


def poly_fit(x: np.ndarray, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R ``poly(x, degree)``: orthonormal polynomial columns and their coefficients.

    Returns
    -------
    z : ndarray, shape (n, degree)
        The columns R returns (``poly(x, degree)[, 1:degree]``).
    alpha, norm2 : ndarray
        R's ``attr(, "coefs")``, which :func:`poly_predict` needs for new data.
    """
    if degree >= np.unique(x).size:
        raise DataError("'degree' must be less than number of unique points")
    xbar = _r_mean(x)
    xc = x - xbar
    z = orthogonal_poly_basis(xc, degree)
    norm2 = np.sum(z**2, axis=0)
    alpha = (np.sum(xc[:, None] * z**2, axis=0) / norm2 + xbar)[:degree]
    norm2 = np.concatenate([[1.0], norm2])
    z = z / np.sqrt(norm2[1:])[None, :]
    return z[:, 1:], alpha, norm2


def poly_predict(x: np.ndarray, alpha, norm2) -> np.ndarray:
    """R ``poly(x, coefs = list(alpha, norm2))``: the three-term recurrence on new data."""
    degree = len(alpha)
    z = np.ones((x.size, degree + 1))
    z[:, 1] = x - alpha[0]
    for i in range(1, degree):
        z[:, i + 1] = (x - alpha[i]) * z[:, i] - (norm2[i + 1] / norm2[i]) * z[:, i - 1]
    z = z / np.sqrt(np.asarray(norm2)[1:])[None, :]
    return z[:, 1:]


def _poly_suffixes(n: int) -> tuple[str, ...]:
    names = [f"^{j}" for j in range(1, n)]
    for j, s in enumerate((".L", ".Q", ".C")[: n - 1]):
        names[j] = s
    return tuple(names)


def contr_poly(levels, scores=None) -> Contrast:
    """Orthonormal polynomial contrasts (R: ``contr.poly``); columns ``.L .Q .C ^4 ...``.

    Parameters
    ----------
    levels : sequence of str or int
        The factor levels, or their number (only the number matters).
    scores : sequence of float, optional
        Positions of the levels; R's default ``1:n``.
    """
    k = _check_levels(_level_names(levels))
    if k > _MAX_POLY_LEVELS:
        raise DataError(
            f"orthogonal polynomials cannot be represented accurately enough for {k} degrees of freedom"
        )
    s = np.arange(1.0, k + 1) if scores is None else np.asarray(scores, dtype=float)
    raw = orthogonal_poly_basis(s - s.mean(), k - 1)
    z = raw / np.sqrt(np.sum(raw**2, axis=0))[None, :]
    return Contrast("contr.poly", z[:, 1:], _poly_suffixes(k))


#: The contrast functions a contrast name can refer to (R's ``stats`` package).
CONTRASTS = {
    "contr.treatment": contr_treatment,
    "contr.sum": contr_sum,
    "contr.helmert": contr_helmert,
    "contr.poly": contr_poly,
    "contr.SAS": contr_sas,
}


def resolve_contrast(spec, levels, variable: str = "", ordered: bool | None = None) -> Contrast:
    """Build a factor's contrast from a user's specification (R: ``contrasts<-`` and the
    lookup ``model.matrix(contrasts.arg =)`` does); see
    :func:`pylme.design.contrast_spec.resolve_contrast` for the accepted values and errors.

    Parameters
    ----------
    spec : str, array-like, pandas.DataFrame, callable or Contrast
        A contrast name (``"contr.sum"``), a numeric matrix or vector, R's contrast
        function (a callable taking the number of levels) or a Contrast.
    levels : sequence of str
        The factor's levels.
    variable : str
        The variable's name, used in error messages.
    ordered : bool, optional
        Whether the factor is ordered (for a callable returning None, R's default coding).
    """
    # the reader builds on this module's functions and imports them: import it on use
    from .contrast_spec import resolve_contrast as resolve

    return resolve(spec, levels, variable, ordered)
