"""The one failure the blocked Cholesky reports: a non-positive pivot, and where it was."""

from __future__ import annotations

from ..errors import NumericalError

__all__ = ["PivotError"]


class PivotError(NumericalError):
    """A Cholesky pivot was not positive (or not finite).

    Callers translate it into their own message (lme4's ``Downdated VtV is not
    positive definite`` for the fixed-effects part), so no ``LinAlgError`` ever
    escapes from :mod:`pylme.linalg`.

    Attributes
    ----------
    index : int
        0-based position of the failing pivot within ``part`` (``-1`` if unknown).
    part : str
        ``"random"`` for the grouped (random-effects) blocks, ``"dense"`` for the
        trailing dense columns (fixed effects and response).
    """

    def __init__(self, index: int, part: str):
        self.index = int(index)
        self.part = part
        super().__init__(f"Cholesky factorization failed: pivot {index} of the {part} block is not positive")
