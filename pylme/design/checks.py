"""lme4's input checks on the model structure (lme4: ``checkNlevels``, ``checkZdims``,
``checkZrank``, ``checkScaleX`` in ``R/modular.R``).

Each check computes its condition, builds lme4's exact message and hands it to
:func:`pylme.control.apply_action` with the action configured in
:class:`~pylme.control.LmerControl`.  They run in lme4's order (see
:func:`pylme.design.lformula.l_formula`).
"""

from __future__ import annotations

import numpy as np

from ..control import LmerControl, apply_action
from ..errors import ScaleWarning
from .random import ReTerms
from .rank import qr_rank

__all__ = ["check_nlevels", "check_z_dims", "check_z_rank", "check_scale_x"]

_UNIDENTIFIABLE = (
    "the random-effects parameters and the residual variance (or scale parameter) "
    "are probably unidentifiable"
)


def check_nlevels(re_terms: ReTerms, n: int, control: LmerControl, allow_n: bool = False) -> None:
    """Level counts of the grouping factors (lme4 ``checkNlevels``).

    ``allow_n``: lme4's ``allow.n`` (TRUE for glmer): as many levels as observations is
    allowed (an observation-level random effect), only more is an error.
    """
    nlevels = {name: f.nlevels for name, f in re_terms.flist.items()}
    if any(v < 2 for v in nlevels.values()):
        apply_action(control.check_nlev_gtr_1, "grouping factors must have > 1 sampled level")
    problems = [name for name, v in nlevels.items() if (v > n if allow_n else v >= n)]
    if problems:
        apply_action(
            control.check_nobs_vs_nlev,
            f"number of levels of each grouping factor must be {'<=' if allow_n else '<'} number of "
            f"observations (problems: {', '.join(problems)})",
        )
    if any(v < 5 for v in nlevels.values()):
        apply_action(
            control.check_nlev_gtreq_5,
            "grouping factors with < 5 sampled levels may give unreliable estimates",
        )


def _unidentifiable(n: int, value: int, allow_n: bool, what: str, where: str = "") -> str | None:
    """lme4 ``wmsg``: the message when ``n`` observations cannot identify ``value`` parameters."""
    if (n < value) if allow_n else (n <= value):
        # allow.n (glmer): no residual variance competes with the random effects
        tail = _UNIDENTIFIABLE.replace(" and the residual variance (or scale parameter)", "") if allow_n else _UNIDENTIFIABLE
        return f"number of observations (={n}) {'<' if allow_n else '<='} {what} (={value}){where}; {tail}"
    return None


def check_z_dims(re_terms: ReTerms, n: int, control: LmerControl, allow_n: bool = False) -> None:
    """Observations versus random effects per term (lme4 ``checkZdims``)."""
    if control.check_nobs_vs_nRE == "ignore":
        return
    for term in re_terms.terms:
        text = _unidentifiable(n, term.q, allow_n, "number of random effects", f" for term ({term.label})")
        if text:
            apply_action(control.check_nobs_vs_nRE, text)


def check_z_rank(re_terms: ReTerms, n: int, control: LmerControl, non_small: float = 1e6,
                 allow_n: bool = False) -> None:
    """Observations versus rank(Z) (lme4 ``checkZrank``; off by default because it is costly)."""
    action = control.check_nobs_vs_rankZ
    if action == "ignore":
        return
    q = re_terms.q
    if action.endswith("Small") and n * q > non_small:
        return
    Z = re_terms.Zt().T.toarray()
    rank = qr_rank(Z, 1e-7).rank if n >= q else qr_rank(Z.T, 1e-7).rank
    text = _unidentifiable(n, rank, allow_n, "rank(Z)")
    if text:
        apply_action(action, text)


def check_scale_x(values: np.ndarray, control: LmerControl, tol: float = 1e3) -> tuple[np.ndarray, str | None]:
    """Warn about (or rescale) predictors on very different scales (lme4 ``checkScaleX``).

    Returns X — rescaled only for the ``*rescale`` actions (results are then not
    back-transformed, as in lme4) — and the message lme4 stores in X's ``msgScaleX``
    attribute (``summary()`` lists it under ``fit warnings:``), or None.
    """
    action = control.check_scaleX
    if action == "ignore" or values.shape[1] == 0:
        return values, None
    continuous = ~np.all(np.isin(values, (0.0, 1.0)), axis=0)
    if not continuous.any():
        return values, None
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = values[:, continuous].std(axis=0, ddof=1)
        log_sd = np.log(sd)
        pairwise = np.abs(log_sd[:, None] - log_sd[None, :])[np.tril_indices(sd.size, -1)]
        bad = np.any(np.concatenate([pairwise, np.abs(log_sd)]) > np.log(tol))
    if not bad:
        return values, None
    text = "Some predictor variables are on very different scales:"
    if action in ("warning", "stop"):
        message = f"{text} consider rescaling"
        apply_action(action, message, warning=ScaleWarning)
        return values, message
    rescaled = values.copy()
    rescaled[:, continuous] = values[:, continuous] / sd
    message = f"{text} auto-rescaled (results NOT adjusted)"
    if action == "warn+rescale":
        apply_action("warning", message, warning=ScaleWarning)
    elif action == "message+rescale":
        apply_action("message", message)
    return rescaled, message
