"""A GLMM :class:`~conformance.cases.Case` fitted with ``pylme.glmer``, extracted as
:mod:`conformance.r_side_glmm` extracts it from lme4.

:func:`conformance.py_side.fit_case` hands cases with a ``family`` here. The groups and
quantity names are those of the R record, so :mod:`conformance.compare` aligns both by
name. The deterministic group is evaluated at lme4's (θ̂, β̂) with lme4's linear
predictors ``lp0`` (``devfun_inputs`` of the reference): pylme's θ-only and (θ, β)
deviance functions (:mod:`pylme.glmm.devfun`) restart PIRLS from exactly lme4's state,
so their values, û, μ, R_X and ``devcomp$cmp`` must agree to the deterministic tier
whatever either optimizer did.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

import pylme
from conformance.cases import Case
from conformance.regen import decode_value

__all__ = ["family_from_r", "glmer_control_from_r", "glmer_fit", "glmm_groups",
           "deterministic", "optimizer"]


def family_from_r(text: str):
    """An R family call (``binomial``, ``binomial(link = "probit")``, ``Gamma(link = "log")``,
    ``poisson()``) as the :mod:`pylme.families` object."""
    from conformance.py_side import _r_args

    match = re.fullmatch(r"\s*([A-Za-z_.]+)\s*(?:\((.*)\))?\s*", text)
    if match is None:
        raise ValueError(f"cannot read the R family {text!r}")
    name, args = match.group(1), (match.group(2) or "").strip()
    constructor = getattr(pylme.families, name.replace(".", "_"))
    kwargs = dict(_r_args(args)) if args else {}
    return constructor(**kwargs)


def glmer_control_from_r(text: str):
    """The arguments of an R ``glmerControl(...)`` call as :class:`pylme.GlmerControl`."""
    from conformance.py_side import _r_args

    if not text.strip():
        return None
    renamed = {"optCtrl": "opt_ctrl", "tolPwrss": "tol_pwrss", "compDev": "comp_dev",
               "nAGQ0initStep": "nAGQ0_init_step"}
    kwargs = {renamed.get(name, name.replace(".", "_")): value for name, value in _r_args(text)}
    return pylme.GlmerControl(**kwargs)


def _column(case: Case, what: str, expr: str | None, data: pd.DataFrame) -> str | None:
    """glmer's `weights`/`offset`: a column of the data (R evaluates the same name)."""
    if expr is None or expr in data.columns:
        return expr
    raise ValueError(f"case {case.id}: {what} = {expr!r} must name a column for a GLMM case "
                     "(write an expression into the formula, e.g. offset(log(x)))")


def glmer_fit(case: Case, data: pd.DataFrame):
    """``pylme.glmer`` with the case's formula, family, nAGQ, weights, offset and control."""
    return pylme.glmer(case.formula, data, family=family_from_r(case.family),
                       weights=_column(case, "weights", case.weights, data),
                       offset=_column(case, "offset", case.offset, data), nAGQ=case.nAGQ,
                       control=glmer_control_from_r(case.control), data_name=case.data_name)


def glmm_groups(model: Any, case: Case, reference: Mapping | None) -> dict[str, dict]:
    """``structure``, ``deterministic``, ``optimizer`` and ``print`` of a fitted GLMM."""
    from conformance import py_side

    structure = py_side.structure(model)
    structure["n_trials"] = py_side._rec(np.asarray(model.inputs.n_trials, dtype=float))
    structure["family"] = py_side._rec([model.family.family, model.family.link.name],
                                       names=["family", "link"])
    return {"structure": structure, "deterministic": deterministic(model, case, reference),
            "optimizer": optimizer(model, case), "print": py_side.printed(model)}


# ---------------------------------------------------------------- deterministic


def _vector(reference: Mapping | None, group: str, name: str) -> np.ndarray | None:
    record = (reference or {}).get(group, {}).get(name)
    if not isinstance(record, Mapping) or record.get("kind") != "value" or record.get("value") is None:
        return None
    return np.atleast_1d(np.asarray(decode_value(record["value"]), dtype=float))


def _by_name(values: np.ndarray | None, names: Any, ours: list[str]) -> np.ndarray | None:
    """lme4's values put in pylme's order by name (by position when the names differ)."""
    if values is None or not names or sorted(names) != sorted(ours):
        return values
    lookup = dict(zip(names, values))
    return np.array([lookup[n] for n in ours])


def _r_parameters(model: Any, reference: Mapping | None) -> tuple[np.ndarray, np.ndarray]:
    """lme4's θ̂ and β̂ in pylme's order (pylme's own when the reference lacks them)."""
    opt = (reference or {}).get("optimizer", {})
    theta = _by_name(_vector(reference, "optimizer", "theta"),
                     (opt.get("theta") or {}).get("names"), list(model.inputs.re_terms.theta_names))
    beta = _by_name(_vector(reference, "optimizer", "fixef"),
                    (opt.get("fixef") or {}).get("names"), list(model.inputs.X_columns))
    return (model.theta if theta is None else theta), (model.beta if beta is None else beta)


def _initial_pirls(model: Any, theta0: np.ndarray):
    """pylme's initial PIRLS (glmer's first step: joint in u and β at the start θ)."""
    from pylme.glmm.fitting import start_eta
    from pylme.glmm.pirls import pirls

    resp = model.resp
    eta0 = start_eta(resp, model.inputs.mustart)
    return pirls(model.predictor, resp, theta0, eta0, resp.offset, u_only=False,
                 tol=float(model.control.tol_pwrss))


def _start_theta(model: Any) -> np.ndarray:
    """The θ pylme's first stage started from (its first evaluation)."""
    first = model.optimum.stage1 or model.opt
    trace = getattr(first, "trace", None) or ()
    if trace:
        return np.asarray(trace[0][0], dtype=float)[: model.theta.size]
    return model.predictor.theta_template()


def deterministic(model: Any, case: Case, reference: Mapping | None) -> dict[str, dict]:
    """Functions of lme4's (θ̂, β̂) and lp0, computed by pylme (R: GLMM_DETERMINISTIC)."""
    from conformance.py_side import _call, _rec
    from pylme.glmm.devfun import ThetaBetaDevfun, ThetaDevfun, laplace

    pred, resp = model.predictor, model.resp
    tol = float(model.control.tol_pwrss)
    theta0 = _start_theta(model)
    init = _initial_pirls(model, theta0)
    theta_hat, beta_hat = _r_parameters(model, reference)
    lp0_start = _vector(reference, "devfun_inputs", "lp0_start")
    lp0 = _vector(reference, "devfun_inputs", "lp0")
    own_lp0_start = init.eta - resp.offset
    f0 = ThetaDevfun(pred, resp, own_lp0_start if lp0_start is None else lp0_start, tol)
    out = {"theta_start": _rec(theta0), "beta_start": _rec(np.asarray(init.beta, dtype=float)),
           "lp0_start": _rec(own_lp0_start),
           "devfun0_theta_start": _rec(_call(f0, theta0)),
           "devfun0_theta_hat": _rec(_call(f0, theta_hat))}
    if case.nAGQ > 0:
        f = ThetaBetaDevfun(pred, resp, model.optimum.state.eta - model.optimum.state.offset
                            if lp0 is None else lp0, tol, case.nAGQ)
        par = np.concatenate([theta_hat, beta_hat])
    else:
        f = ThetaDevfun(pred, resp, own_lp0_start if lp0 is None else lp0, tol)
        par = theta_hat
    try:
        state = f.state(par)
    except Exception as exc:  # noqa: BLE001 - R has a value: report pylme's failure
        error = {"kind": "error", "error": f"{type(exc).__name__}: {exc}"}
        return {**out, **{name: error for name in (
            "devfun_theta_hat", "u", "b", "mu", "eta", "RX", "sigma", "vcov_RX", "devcomp_cmp")}}
    value = f.value(state) if case.nAGQ > 0 else laplace(resp, state)
    out["devfun_theta_hat"] = _rec(float(value))
    for k, at in enumerate(case.devfun_at):
        out[f"devfun_at_{k}"] = _rec(_call(f, np.asarray(at, dtype=float)))
    out.update(_state_records(model, state, float(value), state.theta))
    return out


def _state_records(model: Any, state: Any, value: float, theta: np.ndarray) -> dict[str, dict]:
    """û, b, μ, η, R_X, σ, σ²(R_XᵀR_X)⁻¹ and ``devcomp$cmp`` of one PIRLS state."""
    from conformance.py_side import _matrix, _named, _rec
    from pylme.glmm.sums import sequential_sum

    names = list(model.inputs.X_columns)
    n = model.nobs
    pearson = model.resp.pearson(state.mu)
    wrss = float(sequential_sum(pearson * pearson))  # lme4 adds left to right
    ussq = float(state.ussq)
    pwrss = wrss + ussq
    use_sc = bool(model.family.has_scale)
    sigma = float(np.sqrt(pwrss / n)) if use_sc else 1.0
    RX = np.asarray(state.step.RX, dtype=float)
    if RX.size:
        inv = np.linalg.inv(RX)
        vcov = sigma**2 * (inv @ inv.T)
        ldRX2 = float(2.0 * np.sum(np.log(np.abs(np.diag(RX)))))
    else:
        vcov, ldRX2 = np.zeros((0, 0)), 0.0
    cmp = {"ldL2": float(state.ldL2), "ldRX2": ldRX2, "wrss": wrss, "ussq": ussq, "pwrss": pwrss,
           "drsum": float(state.drsum), "REML": np.nan, "dev": value,
           "sigmaML": sigma if use_sc else np.nan, "sigmaREML": np.nan,
           "tolPwrss": float(model.control.tol_pwrss)}
    return {"u": _rec(np.asarray(state.u, dtype=float)),
            "b": _rec(np.asarray(model.predictor.scale_u(theta, state.u), dtype=float)),
            "mu": _rec(np.asarray(state.mu, dtype=float)),
            "eta": _rec(np.asarray(state.eta, dtype=float)),
            "RX": _matrix(RX, names, names), "sigma": _rec(sigma),
            "vcov_RX": _matrix(vcov, names, names),
            "devcomp_cmp": _named(list(cmp.values()), list(cmp))}


# ---------------------------------------------------------------- optimizer


def _guarded(makers: Mapping[str, Any]) -> dict[str, dict]:
    """Each record from its maker; one that raises becomes an error record (the
    comparison then fails on that quantity alone, with pylme's message)."""
    out = {}
    for name, make in makers.items():
        try:
            out[name] = make()
        except Exception as exc:  # noqa: BLE001 - reported per quantity, never raised
            out[name] = {"kind": "error", "error": f"{type(exc).__name__}: {exc}"}
    return out


def optimizer(model: Any, case: Case) -> dict[str, dict]:
    """pylme's own optimum and what follows from it (R: GLMM_OPTIMIZER, STAGE1)."""
    from conformance.py_side import _cond_var, _frame_record, _matrix, _named, _or_null, _ranef, _rec

    loglik = model.logLik()
    opt, conv = model.opt, model.conv
    derivs = opt.derivs
    theta_names = model.inputs.re_terms.theta_names

    def vcov():
        return model.vcov()

    makers = {
        "objective": lambda: _rec(-2.0 * float(loglik)),
        "theta": lambda: _named(model.theta, theta_names),
        "fixef": lambda: _named(model.fixef().to_numpy(), model.fixef().index),
        "sigma": lambda: _rec(float(model.sigma)),
        "ranef": lambda: _ranef(model),
        "condVar": lambda: _cond_var(model),
        "fitted": lambda: _rec(np.asarray(model.fitted(), dtype=float)),
        "logLik": lambda: _rec(float(loglik)),
        "logLik_df": lambda: _rec(int(loglik.df)),
        "AIC": lambda: _rec(float(model.AIC())),
        "BIC": lambda: _rec(float(model.BIC())),
        "df_residual": lambda: _rec(int(model.df_residual)),
        "VarCorr": lambda: _frame_record(model.VarCorr().to_frame()),
        "nobs": lambda: _rec(int(model.nobs)),
        "ngrps": lambda: _named(list(model.ngrps().values()), list(model.ngrps())),
        "isSingular": lambda: _rec(bool(model.isSingular())),
        "feval": lambda: _rec(opt.feval),
        "optimizer": lambda: _rec(opt.optimizer),
        "conv_opt": lambda: _rec(opt.conv),
        "conv_lme4_messages": lambda: _rec(_or_null(conv.messages)),
        "conv_lme4_code": lambda: _rec(_or_null(conv.code)),
        "optinfo_message": lambda: _rec(opt.message),
        "optinfo_warnings": lambda: _rec(_or_null(opt.warnings)),
        "derivs_gradient": lambda: _rec(None if derivs is None else np.asarray(derivs.gradient, float)),
        "derivs_hessian": lambda: (_rec(None) if derivs is None
                                   else _matrix(np.asarray(derivs.Hessian, dtype=float))),
        "se": lambda: _named(np.sqrt(np.diag(vcov().to_numpy())), vcov().index),
        "vcov": lambda: _matrix(vcov().to_numpy(), vcov().index, vcov().columns),
        "deviance": lambda: _rec(float(model.deviance())),
        **{f"residuals_{t}": (lambda t=t: _rec(np.asarray(model.residuals(t), dtype=float)))
           for t in ("deviance", "pearson", "working", "response")},
        "predict_link": lambda: _rec(np.asarray(model.predict(), dtype=float)),
        "predict_response": lambda: _rec(np.asarray(model.predict(type="response"), dtype=float)),
    }
    out = _guarded(makers)
    if case.nAGQ > 0:
        stage1 = _guarded({"stage1": lambda: _stage1(model)})["stage1"]
        if stage1.get("kind") == "error":
            stage1 = dict.fromkeys(("theta_stage1", "beta_stage1", "objective_stage1",
                                    "feval_stage1"), stage1)
        out.update(stage1)
    return out


def _stage1(model: Any) -> dict[str, dict]:
    """Stage 1's end point, value and count (lme4: the devfun's state after stage 1)."""
    from conformance.py_side import _rec
    from pylme.glmm.devfun import ThetaDevfun

    stage1 = model.optimum.stage1
    if stage1 is None:  # nAGQ0initStep = FALSE: no stage 1 (lme4 then has none either)
        return {}
    init = _initial_pirls(model, _start_theta(model))
    f1 = ThetaDevfun(model.predictor, model.resp, init.eta - model.resp.offset,
                     float(model.control.tol_pwrss))
    state = f1.state(np.asarray(stage1.par, dtype=float))
    return {"theta_stage1": _rec(np.asarray(stage1.par, dtype=float)),
            "beta_stage1": _rec(np.asarray(state.beta, dtype=float)),
            "objective_stage1": _rec(float(stage1.fval)),
            "feval_stage1": _rec(int(stage1.feval))}


def with_labels(model: Any, case: Case) -> Any:
    """The fit labelled with the case's R texts for weights/offset (summary's header)."""
    return dataclasses.replace(model, weights_name=case.weights, offset_name=case.offset)
