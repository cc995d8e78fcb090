"""The glmer quantities of a GLMM :class:`~conformance.cases.Case`, extracted in R.

:func:`conformance.r_side.fit_case` fits a case with a ``family`` by ``glmer()`` and
extracts the groups below instead of lmer's. Besides ``fm`` (the fit) the case
environment holds

* ``f0``: ``glmer(..., nAGQ = 0, devFunOnly = TRUE)``, lme4's θ-only deviance right after
  the initial PIRLS (its ``lp0``); ``theta_start``, ``beta_start``, ``lp0_start``: that
  PIRLS's θ, β and linear predictor, read before ``f0`` is first called;
* ``f``: the case's own call with ``devFunOnly = TRUE``: for nAGQ ≥ 1 the deviance of
  (θ, β) after stage 1 (Laplace or quadrature), for nAGQ = 0 the θ-only one;
  ``theta_stage1``, ``beta_stage1`` and ``lp0``: stage 1's θ̂ and β and the linear
  predictor stage 2 restarts from, read before ``f`` is first called;
* ``par_hat``: the fit's parameters in ``f``'s order (θ̂, then β̂ for nAGQ ≥ 1);
* ``fm0``: the same model with ``nAGQ = 0`` (its ``feval`` is stage 1's count).

Every deterministic quantity is a function of (θ̂, β̂) and ``lp0`` only: pylme evaluates
it at lme4's parameters from lme4's ``lp0`` (kept, unsummarised, under
``devfun_inputs``), so it isolates the deviance and PIRLS from both optimizers.
"""

from __future__ import annotations

from typing import Any

from conformance.cases import Case
from conformance.r_side import (OPTIMIZER, PRINT, STRUCTURE, Quantity, _extract, _q, _s,
                                value_record)

__all__ = ["glmer_call", "fit_glmm", "GLMM_STRUCTURE", "GLMM_DETERMINISTIC",
           "GLMM_OPTIMIZER", "STAGE1", "DEVFUN_INPUTS"]


def glmer_call(case: Case, devfun_only: bool = False, n_agq: int | None = None) -> str:
    """R text of the glmer call for `case` (another ``nAGQ``, ``devFunOnly = TRUE`` when asked)."""
    n_agq = case.nAGQ if n_agq is None else n_agq
    args = [case.formula, f"data = {case.data_name}", f"family = {case.family}"]
    if n_agq != 1:
        args.append(f"nAGQ = {n_agq}")
    if case.weights:
        args.append(f"weights = {case.weights}")
    if case.offset:
        args.append(f"offset = {case.offset}")
    if case.control:
        args.append(f"control = glmerControl({case.control})")
    if devfun_only:
        args.append("devFunOnly = TRUE")
    return f"glmer({', '.join(args)})"


#: lmer's structure plus the binomial trials and the family.
GLMM_STRUCTURE: tuple[Quantity, ...] = STRUCTURE + (
    _q("n_trials", "fm@resp$n"),
    _q("family", "unlist(family(fm)[c('family', 'link')])"),
)

#: Functions of lme4's (θ̂, β̂) and lp0: the deviance functions and the PIRLS state.
GLMM_DETERMINISTIC: tuple[Quantity, ...] = (
    _q("theta_start", "theta_start"),
    _q("beta_start", "beta_start"),
    _q("lp0_start", "lp0_start"),
    _s("devfun0_theta_start", "f0(theta_start)"),
    _s("devfun0_theta_hat", "f0(getME(fm, 'theta'))"),
    _s("devfun_theta_hat", "f(par_hat)"),
    _q("u", "getME(fm, 'u')"),
    _q("b", "as.vector(getME(fm, 'b'))"),
    _q("mu", "unname(getME(fm, 'mu'))"),
    _q("eta", "unname(fm@resp$eta)"),
    _q("RX", "getME(fm, 'RX')"),
    _s("sigma", "sigma(fm)"),
    _q("vcov_RX", "as.matrix(sigma(fm)^2 * chol2inv(getME(fm, 'RX')))"),
    _q("devcomp_cmp", "getME(fm, 'devcomp')$cmp"),
)

#: Stage 1 of a two-stage fit (nAGQ ≥ 1): its end point, value and count.
STAGE1: tuple[Quantity, ...] = (
    _q("theta_stage1", "theta_stage1"),
    _q("beta_stage1", "beta_stage1"),
    _s("objective_stage1", "f0(theta_stage1)"),
    _s("feval_stage1", "fm0@optinfo$feval"),
)

_REPLACED = {"objective", "se", "residuals_response", "residuals_pearson"}
#: lmer's optimizer quantities with the GLMM's objective, residual types, vcov and μ/η.
GLMM_OPTIMIZER: tuple[Quantity, ...] = (
    _s("objective", "-2 * as.numeric(logLik(fm))"),
    *(q for q in OPTIMIZER if q.name not in _REPLACED),
    _q("se", "sqrt(diag(as.matrix(vcov(fm))))"),
    _q("vcov", "as.matrix(vcov(fm))"),
    _s("deviance", "deviance(fm)"),
    *(_q(f"residuals_{t}", f"unname(residuals(fm, type = '{t}'))")
      for t in ("deviance", "pearson", "working", "response")),
    _q("predict_link", "unname(predict(fm))"),
    _q("predict_response", "unname(predict(fm, type = 'response'))"),
)

#: lme4's linear predictors the deterministic quantities start PIRLS from (not compared).
DEVFUN_INPUTS = {"lp0": "environment(f)$lp0", "lp0_start": "environment(f0)$lp0"}

_BIND = """f0 <- {f0_call}
theta_start <- environment(f0)$pp$theta + 0
beta_start <- environment(f0)$pp$delb + 0
lp0_start <- environment(f0)$lp0 + 0
f <- {f_call}
theta_stage1 <- environment(f)$pp$theta + 0
beta_stage1 <- environment(f)$pp$delb + 0
par_hat <- {par_hat}
fm0 <- {fm0}"""


def fit_glmm(session: Any, env: Any, case: Case, record: dict) -> None:
    """Fill `record` (already holding ``fit``) with every GLMM group, evaluated in `env`."""
    staged = case.nAGQ > 0
    code = _BIND.format(
        f0_call=glmer_call(case, devfun_only=True, n_agq=0),
        f_call=glmer_call(case, devfun_only=True) if staged else "f0",
        par_hat="c(getME(fm, 'theta'), fixef(fm))" if staged else "getME(fm, 'theta')",
        fm0=glmer_call(case, n_agq=0) if staged else "fm")
    captured = value_record(session, env, f"{{{code}; NULL}}")
    if captured.get("kind") == "error":
        record["fit"]["devfun_error"] = captured["error"]
    record["devfun_inputs"] = {name: _full(session, env, expr) for name, expr in DEVFUN_INPUTS.items()}
    record["structure"] = _extract(session, env, GLMM_STRUCTURE)
    deterministic = GLMM_DETERMINISTIC + tuple(
        _s(f"devfun_at_{i}", f"f(c({', '.join(repr(float(t)) for t in par)}))")
        for i, par in enumerate(case.devfun_at))
    record["deterministic"] = _extract(session, env, deterministic)
    record["optimizer"] = _extract(session, env, GLMM_OPTIMIZER + (STAGE1 if staged else ()))
    record["print"] = _extract(session, env, PRINT)


def _full(session: Any, env: Any, expr: str) -> dict:
    """A numeric vector at full length (never summarised: pylme starts PIRLS from it)."""
    return value_record(session, env, f"unname({expr})")
