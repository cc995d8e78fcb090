"""Post-fit convergence checks (lme4 1.1-31: ``checkConv``, ``checkHess``, ``isSingular``).

Order and texts follow lme4 exactly: the singular-fit check comes first and, when it
fires, skips every derivative-based check; then the scaled gradient; then the Hessian's
eigenvalues.  The checks return their messages; :func:`emit` issues them as Python
warnings with the action configured in :class:`~pylme.control.LmerControl`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .control import ConvCheck, LmerControl
from .errors import ConvergenceWarning, PylmeMessage, SingularFitMessage
from .optimize import Derivs

__all__ = ["ConvResult", "SINGULAR_MESSAGE", "LME4_WORDING", "lme4_wording", "is_singular", "check_conv",
           "gradient_check_fails"]

#: lme4's singular-fit message with a help pointer a Python user can follow: lme4 says
#: ``see help('isSingular')``, an R help page; Python's ``help('isSingular')`` finds nothing.
SINGULAR_MESSAGE = "boundary (singular) fit: see help(pylme.isSingular)"

#: Where pylme's message texts deliberately differ from lme4's: each pylme-specific
#: substring mapped to lme4's original substring.  Replacing every key by its value
#: (:func:`lme4_wording`) gives lme4's exact text, e.g. for comparing with R's output.
LME4_WORDING: dict[str, str] = {
    "help(pylme.isSingular)": "help('isSingular')",
}


def lme4_wording(text: str) -> str:
    """``text`` (a message, or printed text that contains messages) in lme4's words:
    every substring of :data:`LME4_WORDING` replaced by lme4's original."""
    for ours, theirs in LME4_WORDING.items():
        text = text.replace(ours, theirs)
    return text


@dataclass(frozen=True)
class ConvResult:
    """lme4's ``optinfo$conv$lme4``: a code and the messages, in the order issued.

    ``signals`` are what lme4 raises, with their actions: usually one per message, but
    several Hessian messages go out as one warning joined by ``";"``, and the NA-gradient
    result is recorded without being signalled.
    """

    code: tuple[int, ...] = ()
    messages: tuple[str, ...] = ()
    signals: tuple[tuple[str, str], ...] = ()  # (text, action)


def is_singular(theta: np.ndarray, lower: np.ndarray, tol: float = 1e-4) -> bool:
    """True when a diagonal element of some relative factor is below ``tol`` (lme4 ``isSingular``)."""
    theta, lower = np.asarray(theta), np.asarray(lower)
    return bool(np.any(theta[lower == 0] < tol))


def check_conv(derivs: Derivs | None, theta: np.ndarray, lower: np.ndarray, control: LmerControl) -> ConvResult:
    """Run lme4's ``checkConv`` and return its result (nothing is emitted here)."""
    singular = control.check_conv_singular
    if singular.action != "ignore" and is_singular(theta, lower, singular.tol):
        return ConvResult((), (SINGULAR_MESSAGE,), ((SINGULAR_MESSAGE, singular.action),))
    if derivs is None:
        return ConvResult()
    if np.any(np.isnan(derivs.gradient)):
        return ConvResult((-5,), ("Gradient contains NAs",))  # recorded, not signalled (lme4)
    code: tuple[int, ...] = ()
    messages, signals = [], []
    grad = control.check_conv_grad
    if grad.action != "ignore":
        grad_code, text = _gradient_check(derivs, grad)
        if text:
            code = (grad_code,)
            messages.append(text)
            signals.append((text, grad.action))
        if grad.relTol is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = float(np.max(np.abs(derivs.gradient / theta)))
            if rel > grad.relTol:  # lme4 overwrites the messages here
                text = f"Model failed to converge with max|relative grad| = {rel:g} (tol = {grad.relTol:g})"
                code, messages = (-2,), [text]
                signals.append((text, grad.action))
    hess = control.check_conv_hess
    if hess.action != "ignore":
        found = _hessian_check(derivs.Hessian, hess.tol)
        if found:
            code = tuple(c for c, _ in found)  # lme4: res$code <- resHess$code
            messages.extend(text for _, text in found)
            signals.append((";".join(text for _, text in found), hess.action))
    return ConvResult(code, tuple(messages), tuple(signals))


def gradient_check_fails(derivs: Derivs | None, policy: ConvCheck) -> bool:
    """Whether lme4's scaled-gradient check would report a problem at these derivatives."""
    return derivs is not None and bool(_gradient_check(derivs, policy)[1])


def _gradient_check(derivs: Derivs, policy: ConvCheck) -> tuple[int, str]:
    """max(pmin(|H^{-1/2} g|, |g|)) against the tolerance (``component`` is always 1 in lme4)."""
    try:
        R = np.linalg.cholesky(derivs.Hessian).T  # upper factor, as R's chol()
        scaled = np.linalg.solve(R, derivs.gradient)
        if not np.all(np.isfinite(scaled)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        return -1, "unable to evaluate scaled gradient"
    worst = float(np.max(np.minimum(np.abs(scaled), np.abs(derivs.gradient))))
    if worst > policy.tol:
        return -1, (
            f"Model failed to converge with max|grad| = {worst:g} (tol = {policy.tol:g}, component 1)"
        )
    return 0, ""


def _hessian_check(H: np.ndarray, tol: float) -> list[tuple[int, str]]:
    """lme4 ``checkHess`` (``hesstype`` is empty for lmer, hence the double space)."""
    if not np.all(np.isfinite(H)):
        return [(-6, "Problem with Hessian check (infinite or missing values?)")]
    ev = np.linalg.eigvalsh(H)
    negative = int(np.sum(ev < -tol))
    if negative:
        return [(-3, f"Model failed to converge: degenerate  Hessian with {negative} negative eigenvalues")]
    if np.any(np.abs(ev) < tol) or not _is_pos_def(H):
        return [(-4, " Hessian is numerically singular: parameters are not uniquely determined")]
    out = []
    if ev.max() * tol > 1:
        out.append((2, "Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?"))
    if ev.min() / ev.max() < tol:
        out.append((3, "Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?"))
    return out


def _is_pos_def(H: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(H)
        return True
    except np.linalg.LinAlgError:
        return False


def emit(result: ConvResult, stacklevel: int = 3) -> None:
    """Signal the conditions of a :class:`ConvResult` as lme4 would (message/warning/stop)."""
    from .errors import ModelSpecError

    for text, action in result.signals:
        if action == "stop":
            raise ModelSpecError(text)
        if text == SINGULAR_MESSAGE:
            category = SingularFitMessage if action == "message" else ConvergenceWarning
        else:
            category = PylmeMessage if action == "message" else ConvergenceWarning
        warnings.warn(text, category, stacklevel=stacklevel)
