"""Fit a :class:`~conformance.cases.Case` with pylme and extract what ``r_side`` extracts.

The result mirrors a reference case file (``r_reference/README.md``): the same
groups (``structure``, ``deterministic``, ``optimizer``, ``print``, ``extras``,
``lrt``), the same quantity names, and records shaped like R's (``value`` plus
``names``/``dim``/``dimnames``/``columns``/``rownames``), so that
:mod:`conformance.compare` can align both sides *by name* (θ names, factor
levels, term components, β column names) rather than by position.

Values stay full size here; when the reference summarised a quantity as a
checksum, :mod:`conformance.compare` summarises pylme's value the same way.

No R is needed: weights and offsets that the case writes as R expressions are
taken from the reference (``structure.weights``/``structure.offset``, aligned
with ``structure.frame_rows``), and the case's ``lmerControl()`` text is
translated to :class:`pylme.LmerControl`.

A GLMM case (one with a ``family``) is fitted by ``pylme.glmer`` and extracted by
:mod:`conformance.py_side_glmm`; the data of a :class:`~conformance.cases.LocalData`
case are read from its shipped CSV.
"""

from __future__ import annotations

import dataclasses
import re
import time
import traceback
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import pylme
from conformance.cases import Case, dataset_source, get_case, local_data
from conformance.regen import decode_value
from conformance.tiers import DELIBERATE_CONDITIONS
from pylme.errors import PylmeMessage, PylmeWarning

__all__ = ["PyFitResult", "fit_case", "extract", "control_from_r", "load_data"]


@dataclass(frozen=True)
class PyFitResult:
    """pylme's side of one case.

    Attributes
    ----------
    case : Case
    fit : dict
        ``{"warnings": [...], "messages": [...]}`` (pylme warnings by text, lme4
        messages being :class:`pylme.errors.PylmeMessage`), ``"other_warnings"``
        (any other Python warning), ``"pylme_only"`` (conditions listed in
        ``tiers.DELIBERATE_CONDITIONS``) and, when the fit raised, ``"error"``.
    groups : dict
        ``{group: {quantity: record}}``, keyed as in the reference.
    seconds : float
        Wall time of the pylme fit (not of the extraction).
    model : LmerFit or None
        The fitted model (None when the fit raised).
    """

    case: Case
    fit: Mapping[str, Any]
    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    model: Any = None


# ---------------------------------------------------------------- inputs


def load_data(case: Case, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data of `case`: `frame` when given, else the shipped dataset."""
    if frame is not None:
        return frame
    local = local_data(case.dataset)
    if local is not None:
        from conformance.local_data import load_local_data

        return load_local_data(local)
    if dataset_source(case.dataset) is None:
        raise ValueError(f"case {case.id}: dataset {case.dataset!r} is an R expression; "
                         "pass the evaluated data frame as `frame`")
    return pylme.datasets.load(case.dataset)


def control_from_r(text: str) -> pylme.LmerControl | None:
    """Translate the arguments of an R ``lmerControl(...)`` call to :class:`pylme.LmerControl`.

    Supports what the registered cases use: ``optimizer = 'bobyqa'``,
    ``optimizer = NULL`` and ``optCtrl = list(...)``, plus any other argument
    whose name maps to a field by replacing ``.`` with ``_``.

    Returns
    -------
    LmerControl or None
        None for the empty text (lme4's defaults).
    """
    if not text.strip():
        return None
    kwargs = {}
    for name, value in _r_args(text):
        key = {"optCtrl": "opt_ctrl"}.get(name, name.replace(".", "_"))
        kwargs[key] = value
    return pylme.LmerControl(**kwargs)


def _r_args(text: str) -> list[tuple[str, Any]]:
    """Split ``a = 1, b = list(c = 'x')`` at top-level commas into parsed (name, value)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    out = []
    for part in parts:
        name, _, value = part.partition("=")
        out.append((name.strip(), _r_value(value.strip())))
    return out


def _r_value(text: str) -> Any:
    """An R literal: string, NULL, TRUE/FALSE, number or ``list(...)``."""
    if text == "NULL":
        return None
    if text in ("TRUE", "FALSE"):
        return text == "TRUE"
    if re.fullmatch(r"(['\"]).*\1", text):
        return text[1:-1]
    if text.startswith("list(") and text.endswith(")"):
        return dict(_r_args(text[5:-1])) if text[5:-1].strip() else {}
    try:
        return float(text.rstrip("L")) if not text.endswith("L") else int(text[:-1])
    except ValueError:
        raise ValueError(f"cannot translate R control value {text!r}") from None


def _vector_argument(case: Case, what: str, expr: str | None, data: pd.DataFrame,
                     reference: Mapping | None) -> Any:
    """`weights`/`offset` for pylme: a column name, or R's evaluated vector from the reference.

    R's vector covers the rows kept after NA removal (``frame_rows``, 1-based);
    pylme wants one value per row of `data`, so dropped rows get NaN (R drops
    them anyway).
    """
    if expr is None:
        return None
    if expr in data.columns:
        return expr
    record = (reference or {}).get("structure", {}).get(what)
    rows = (reference or {}).get("structure", {}).get("frame_rows")
    if not record or record.get("kind") != "value" or not rows or rows.get("kind") != "value":
        raise ValueError(f"case {case.id}: {what} = {expr!r} is an R expression and the "
                         f"reference does not hold its evaluated vector")
    full = np.full(len(data), np.nan)
    full[np.asarray(rows["value"], dtype=int) - 1] = np.asarray(decode_value(record["value"]),
                                                                 dtype=float)
    return full


# ---------------------------------------------------------------- fitting


def fit_case(case: Case, reference: Mapping | None = None,
             frame: pd.DataFrame | None = None) -> PyFitResult:
    """Fit `case` with pylme and extract every quantity of the reference schema.

    Parameters
    ----------
    case : Case
    reference : dict, optional
        The R record of the same case (stored or live). It supplies R's θ̂ for
        the deterministic group (functions of θ evaluated at lme4's optimum),
        R's start θ, and the evaluated weights/offset vectors.
    frame : pandas.DataFrame, optional
        Data to use instead of the shipped dataset (generated designs).

    Returns
    -------
    PyFitResult
        A fit that raised is returned with ``fit["error"]`` and no groups.
    """
    data = load_data(case, frame)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = _lmer(case, data, reference)
        except Exception as exc:  # noqa: BLE001 - R errors are data too
            conditions = _conditions(caught)
            conditions["error"] = str(exc)
            conditions["error_type"] = type(exc).__name__
            conditions["traceback"] = traceback.format_exc(limit=4)
            return PyFitResult(case, conditions, seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    return extract(model, case, reference, data, _conditions(caught), seconds)


def _lmer(case: Case, data: pd.DataFrame, reference: Mapping | None):
    if case.is_glmm:
        from conformance.py_side_glmm import glmer_fit, with_labels

        return with_labels(glmer_fit(case, data), case)
    weights = _vector_argument(case, "weights", case.weights, data, reference)
    offset = _vector_argument(case, "offset", case.offset, data, reference)
    model = pylme.lmer(case.formula, data, REML=case.reml, weights=weights, offset=offset,
                       control=control_from_r(case.control), data_name=case.data_name)
    # R prints the weights/offset expression as typed; pylme only knows a column
    # name, so label the fit with the R text (affects summary's header only).
    return dataclasses.replace(model, weights_name=case.weights, offset_name=case.offset)


def _conditions(caught: list[warnings.WarningMessage]) -> dict[str, list[str]]:
    """Split Python warnings into lme4's warnings, lme4's messages and anything else."""
    out: dict[str, list[str]] = {"warnings": [], "messages": [], "other_warnings": [],
                                 "pylme_only": []}
    for w in caught:
        text = str(w.message)
        if w.category.__name__ in DELIBERATE_CONDITIONS:  # no lme4 counterpart
            out["pylme_only"].append(f"{w.category.__name__}: {text}")
        elif issubclass(w.category, PylmeMessage):
            out["messages"].append(text)
        elif issubclass(w.category, PylmeWarning):
            out["warnings"].append(text)
        else:
            out["other_warnings"].append(f"{w.category.__name__}: {text}")
    return out


def extract(model: Any, case: Case, reference: Mapping | None = None,
            data: pd.DataFrame | None = None, conditions: Mapping | None = None,
            seconds: float = 0.0) -> PyFitResult:
    """Extract every quantity of an already fitted pylme model (see :func:`fit_case`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extraction must not re-report the fit's conditions
        if case.is_glmm:
            from conformance.py_side_glmm import glmm_groups

            groups = glmm_groups(model, case, reference)
        else:
            groups = {"structure": structure(model),
                      "deterministic": deterministic(model, case, reference),
                      "optimizer": optimizer(model, case),
                      "print": printed(model)}
        if case.extras:
            groups["extras"] = extras(model, case)
        if case.lrt_with:
            groups["lrt"] = lrt(model, case, data)
    fit = dict(conditions or {"warnings": [], "messages": []})
    return PyFitResult(case, fit, groups, seconds, model)


# ---------------------------------------------------------------- records


def _rec(value: Any, **meta: Any) -> dict:
    """A record shaped like r_side's (``value`` plus optional metadata)."""
    return {"kind": "value", "value": value, **{k: v for k, v in meta.items() if v is not None}}


def _named(values: Any, names: Any) -> dict:
    return _rec(list(np.asarray(values, dtype=float)), names=[str(n) for n in names])


def _matrix(values: np.ndarray, rownames=None, colnames=None) -> dict:
    values = np.asarray(values, dtype=float)
    dimnames = None if rownames is None else [list(rownames), list(colnames)]
    return _rec(values, dim=list(values.shape), dimnames=dimnames)


def _or_null(values: Any) -> Any:
    """R's ``NULL`` for an empty vector (``unlist(list())``, ``character(0)`` messages)."""
    values = list(values or ())
    return values or None


# ---------------------------------------------------------------- structure


def structure(model: Any) -> dict[str, dict]:
    """Model matrices and layout (R: getME X, Zt, Lind, lower, cnms, flist, Gp, ...)."""
    inputs, re_terms = model.inputs, model.inputs.re_terms
    zt = model.getME("Zt").tocsc()
    zt.sort_indices()
    coo = zt.tocoo()  # from sorted CSC: column-major, as R's TsparseMatrix of a dgCMatrix
    flist = re_terms.flist
    drop = inputs.rank_drop
    return {
        "X_colnames": _rec(list(inputs.X_columns)),
        "X": _rec(np.asarray(inputs.X, dtype=float), dim=list(inputs.X.shape)),
        "X_assign": _rec(list(inputs.X_assign)),
        "X_col_dropped": _rec([p + 1 for p in drop.dropped_positions] or None,
                              names=list(drop.dropped) or None),
        "Zt_dim": _rec(list(zt.shape)),
        "Zt": _rec([coo.row.tolist(), coo.col.tolist(), coo.data.tolist()], names=["i", "j", "x"]),
        "Zt_rownames": _rec([lev for t in re_terms.terms for lev in t.group.levels
                             for _ in range(t.p)]),
        "Lind": _rec(np.asarray(model.getME("Lind"), dtype=int).tolist()),
        "lower": _named(re_terms.lower, re_terms.theta_names),
        "theta_names": _rec(list(re_terms.theta_names)),
        "cnms": _rec([list(c) for _, c in re_terms.cnms], names=[g for g, _ in re_terms.cnms]),
        "flist_names": _rec(list(flist)),
        "flist_levels": _rec([list(f.levels) for f in flist.values()], names=list(flist)),
        "Gp": _rec(np.asarray(re_terms.Gp, dtype=int).tolist()),
        "term_order": _rec(list(model.getME("Ztlist"))),
        "dims": _rec(list(model.getME("devcomp")["dims"].values()),
                     names=list(model.getME("devcomp")["dims"])),
        "y": _rec(np.asarray(model.getME("y"), dtype=float)),
        "weights": _rec(np.asarray(model.weights(), dtype=float)),
        "offset": _rec(np.asarray(model.getME("offset"), dtype=float)),
        "frame_rows": _rec((np.asarray(inputs.frame.kept, dtype=int) + 1).tolist()),
    }


# ---------------------------------------------------------------- deterministic


def _reference_theta(model: Any, reference: Mapping | None, group: str, name: str) -> np.ndarray:
    """A θ stored in the reference, put in pylme's θ order by θ name (pylme's own θ otherwise)."""
    record = (reference or {}).get(group, {}).get(name)
    own = model.theta if name == "theta" else model.getME("devfun").theta0
    if not record or record.get("kind") != "value" or record.get("value") is None:
        return np.asarray(own, dtype=float)
    values = np.atleast_1d(np.asarray(decode_value(record["value"]), dtype=float))
    names = record.get("names") or (reference or {}).get("structure", {}).get(
        "theta_names", {}).get("value")
    ours = list(model.inputs.re_terms.theta_names)
    if names and sorted(names) == sorted(ours):
        lookup = dict(zip(names, values))
        return np.array([lookup[n] for n in ours])
    return values  # names disagree: structure.theta_names reports it; evaluate by position


def deterministic(model: Any, case: Case, reference: Mapping | None) -> dict[str, dict]:
    """Functions of θ evaluated at lme4's θ̂ (and lme4's start θ, and fixed θ values).

    Evaluating pylme at R's optimum isolates the linear algebra from the
    optimizer: these must agree to ~1e-10 whatever the optimizers do.
    """
    f = model.getME("devfun")
    theta_hat = _reference_theta(model, reference, "optimizer", "theta")
    theta_start = _reference_theta(model, reference, "deterministic", "theta_start")
    lower = np.asarray(model.inputs.re_terms.lower)
    out = {"theta_start": _rec(np.asarray(f.theta0, dtype=float)),
           "devfun_theta_start": _rec(_call(f, theta_start)),
           "devfun_theta_hat": _rec(_call(f, theta_hat)),
           "devfun_theta_one": _rec(_call(f, (lower == 0).astype(float)))}
    for k, theta in enumerate(case.devfun_at):
        out[f"devfun_at_{k}"] = _rec(_call(f, np.asarray(theta, dtype=float)))
    out.update(_solution_at(model, theta_hat))
    return out


def _call(f: Any, theta: np.ndarray) -> float | None:
    try:
        return float(f(theta))
    except Exception:  # noqa: BLE001 - R would have an error record; report a missing value
        return None


def _solution_at(model: Any, theta: np.ndarray) -> dict[str, dict]:
    """β, σ, u, b, vcov, R_X and devcomp$cmp of the PLS solution at `theta`."""
    problem, n, p = model.problem, model.nobs, model.inputs.p
    s = problem.evaluate(theta)
    reml = bool(s.reml)
    sigma = float(s.sigma_reml if reml else s.sigma_ml)
    names = list(model.inputs.X_columns)
    crit = float(s.objective)
    cmp = {"ldL2": s.ldL2, "ldRX2": s.ldRX2, "wrss": s.wrss, "ussq": s.ussq, "pwrss": s.pwrss,
           "drsum": np.nan, "REML": crit if reml else np.nan, "dev": np.nan if reml else crit,
           "sigmaML": np.sqrt(s.pwrss / n), "sigmaREML": np.sqrt(s.pwrss / (n - p))}
    return {"beta": _rec(np.asarray(s.beta, dtype=float)),
            "sigma": _rec(sigma),
            "u": _rec(np.asarray(s.u, dtype=float)),
            "b": _rec(np.asarray(s.b, dtype=float)),
            "vcov": _matrix(sigma**2 * problem.unscaled_vcov(theta), names, names),
            "RX": _matrix(s.RX, names, names),
            "devcomp_cmp": _named(list(cmp.values()), list(cmp))}


# ---------------------------------------------------------------- optimizer


def optimizer(model: Any, case: Case) -> dict[str, dict]:
    """pylme's own optimum and everything derived from it (R: OPTIMIZER in r_side)."""
    theta_names = model.inputs.re_terms.theta_names
    vcov = model.vcov()
    loglik = model.logLik()
    info = model.getME("optinfo")
    derivs = info["derivs"] or {}
    objective = model.REMLcrit() if case.reml and model.is_REML else model.deviance(REML=False)
    return {
        "objective": _rec(float(objective)),
        "theta": _named(model.theta, theta_names),
        "fixef": _named(model.fixef().to_numpy(), model.fixef().index),
        "sigma": _rec(float(model.sigma)),
        "se": _named(np.sqrt(np.diag(vcov.to_numpy())), vcov.index),
        "ranef": _ranef(model),
        "condVar": _cond_var(model),
        "fitted": _rec(np.asarray(model.fitted(), dtype=float)),
        "residuals_response": _rec(np.asarray(model.residuals("response"), dtype=float)),
        "residuals_pearson": _rec(np.asarray(model.residuals("pearson"), dtype=float)),
        "logLik": _rec(float(loglik)),
        "logLik_df": _rec(int(loglik.df)),
        "AIC": _rec(float(model.AIC())),
        "BIC": _rec(float(model.BIC())),
        "df_residual": _rec(int(model.df_residual)),
        "VarCorr": _frame_record(model.VarCorr().to_frame()),
        "nobs": _rec(int(model.nobs)),
        "ngrps": _named(list(model.ngrps().values()), list(model.ngrps())),
        "isSingular": _rec(bool(model.isSingular())),
        "feval": _rec(info["feval"]),
        "optimizer": _rec(info["optimizer"]),
        "conv_opt": _rec(info["conv"]["opt"]),
        "conv_lme4_messages": _rec(_or_null(info["conv"]["lme4"]["messages"])),
        "conv_lme4_code": _rec(_or_null(info["conv"]["lme4"]["code"])),
        "optinfo_message": _rec(info["message"]),
        # pylme-only (not in R's record, so never compared): its remedy after BOBYQA stopped
        "pylme_polished": _rec(model.opt.polished),
        "optinfo_warnings": _rec(_or_null(info["warnings"])),
        "derivs_gradient": _rec(None if not derivs else np.asarray(derivs["gradient"], float)),
        "derivs_hessian": (_rec(None) if not derivs
                           else _matrix(np.asarray(derivs["Hessian"], dtype=float))),
    }


def _frame_record(frame: pd.DataFrame, rownames: Any = None) -> dict:
    """A data frame as r_side encodes it (NaN/None as R's NA)."""
    value = {str(c): [None if (v is None or (isinstance(v, float) and np.isnan(v))) else v
                      for v in frame[c].tolist()] for c in frame.columns}
    return _rec(value, columns=[str(c) for c in frame.columns],
                rownames=None if rownames is None else [str(r) for r in rownames])


def _ranef(model: Any) -> dict:
    effects = model.ranef(condVar=False)
    return _rec([_frame_record(frame, frame.index) for frame in effects.values()],
                names=list(effects))


def _cond_var(model: Any) -> dict:
    """``lapply(ranef(fm, condVar = TRUE), attr, 'postVar')`` in R's (p, p, levels) layout."""
    effects = model.ranef(condVar=True)
    re_terms = model.inputs.re_terms
    out = []
    for index, (name, frame) in enumerate(effects.items()):
        post = frame.attrs["postVar"]
        if isinstance(post, list):  # several terms on one factor: a list named by cnms
            terms = [t for t, a in zip(re_terms.terms, re_terms.assign) if a == index]
            out.append(_rec([_array(a) for a in post], names=[_deparse_cnms(t.cnms) for t in terms]))
        else:
            out.append(_array(post))
    return _rec(out, names=list(effects))


def _array(post: np.ndarray) -> dict:
    arr = np.transpose(np.asarray(post, dtype=float), (1, 2, 0))  # (levels, p, p) -> R's
    return {"value": arr, "dim": list(arr.shape)}


def _deparse_cnms(cnms: tuple[str, ...]) -> str:
    """R's list name for a term's postVar: the name, or ``c("a", "b")`` for several."""
    if len(cnms) == 1:
        return cnms[0]
    return "c(" + ", ".join(f'"{c}"' for c in cnms) + ")"


# ---------------------------------------------------------------- printing


def stdout_lines(text: str) -> list[str]:
    """``capture.output`` lines of what R writes: split on newlines, final newline dropped."""
    return (text[:-1] if text.endswith("\n") else text).split("\n")


def printed(model: Any) -> dict[str, dict]:
    """``summary()`` and ``print()`` text, one string per line."""
    return {"summary": _rec(stdout_lines(str(model.summary()))),
            # str(fit) already leaves out the newline print() adds back
            "print": _rec(str(model).split("\n"))}


# ---------------------------------------------------------------- extras and LRT

#: Extra R expressions (by case-file name) and how pylme answers them.
_EXTRAS = {
    "confint_wald": lambda m: _table(m.confint(method="Wald")),
    "predict_level0": lambda m: _rec(np.asarray(m.predict(re_form=np.nan), dtype=float)[:6]),
    "range_residuals": lambda m: _rec([float(np.nanmin(m.residuals())),
                                       float(np.nanmax(m.residuals()))]),
    # R evaluates cov2cor()/chol() of vcov(fm): the same base-R algebra on pylme's vcov
    "cor_vcov": lambda m: _table(m.vcov() / np.outer(_se(m), _se(m))),
    "chol_vcov": lambda m: _matrix(np.linalg.cholesky(m.vcov().to_numpy()).T,
                                   m.vcov().index, m.vcov().index),
    "hatvalues": lambda m: _rec(np.asarray(m.hatvalues(), dtype=float)),
    "rstudent": lambda m: _rec(np.asarray(m.rstudent(), dtype=float)),
    "cooks_distance": lambda m: _rec(np.asarray(m.cooks_distance(), dtype=float)),
}


def _se(model: Any) -> np.ndarray:
    return np.sqrt(np.diag(model.vcov().to_numpy()))


def _table(frame: pd.DataFrame) -> dict:
    return _matrix(frame.to_numpy(dtype=float), frame.index, frame.columns)


def extras(model: Any, case: Case) -> dict[str, Any]:
    """Per-case anchors through pylme's own API.

    A method pylme lacks gives ``None`` (reported as not produced, or skipped
    for ``tiers.UNSUPPORTED``); any other exception becomes an error record
    that fails the comparison with pylme's message.
    """
    out: dict[str, Any] = {}
    for name, _ in case.extras:
        try:
            out[name] = _EXTRAS[name](model)
        except (KeyError, AttributeError, NotImplementedError):
            out[name] = None
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            out[name] = {"kind": "error", "error": f"{type(exc).__name__}: {exc}"}
    return out


def lrt(model: Any, case: Case, data: pd.DataFrame | None) -> dict[str, Any]:
    """``anova(fm, partner)``: pylme's likelihood-ratio table of the case and its partner."""
    partner = get_case(case.lrt_with)
    other = fit_case(partner, None, data if case.dataset == partner.dataset else None).model
    result = model.anova(other, model_names=["fm", "partner"])
    table = result.table
    return {"partner": partner.id, "anova": _frame_record(table, table.index),
            "anova_print": _rec(stdout_lines(str(result)))}
