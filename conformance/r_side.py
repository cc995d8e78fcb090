"""Fit a :class:`~conformance.cases.Case` in R and extract every quantity.

Each quantity is stored as a *record* pairing the value with the R expression
that produced it, e.g. ``{"kind": "value", "r_expr": "getME(fm, 'theta')",
"value": [...], "names": [...]}``. Expressions are evaluated in a fresh R
environment per case in which

* the data are bound to ``case.data_name`` (``sleepstudy``, ``HSB``, ``data``),
* ``fm`` is the fit, ``f`` the deviance function of the same call with
  ``devFunOnly = TRUE`` (a separate object: evaluating it never changes ``fm``),
* ``theta_start`` is ``environment(f)$pp$theta`` read before ``f`` is first called.

Numeric vectors longer than :data:`LONG_VECTOR` and matrices or sparse
matrices above :data:`LARGE_MATRIX` entries are stored as checksum records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from conformance.cases import Case, dataset_source, get_case, local_data
from conformance.r_session import FactorSpec, RError, RSession, RValue

LONG_VECTOR = 5000
LARGE_MATRIX = 200_000
SCHEMA_VERSION = 1

# Applied to every quantity: a long numeric vector becomes head + checksums.
_SUMMARISE_R = f""".pylme_summarise <- function(x) {{
  if (is.numeric(x) && is.null(dim(x)) && length(x) > {LONG_VECTOR}L)
    structure(list(length = length(x), head = unname(head(x, 20L)), sum = sum(x),
                   sum_sq = sum(x^2), min = min(x), max = max(x)),
              class = "pylme_checksum")
  else x
}}"""
CHECKSUM_R_EXPR = ("list(length = length(x), head = unname(head(x, 20L)), sum = sum(x), "
                   "sum_sq = sum(x^2), min = min(x), max = max(x))")


@dataclass(frozen=True)
class Quantity:
    """One extracted quantity.

    Attributes
    ----------
    name : str
        Key in the case file.
    r_expr : str
        R expression evaluated in the case environment.
    scalar : bool
        Store a length-1 vector as a bare value rather than a list.
    size_expr, checksum_expr : str or None
        When ``size_expr`` evaluates above :data:`LARGE_MATRIX`, the record
        holds ``checksum_expr``'s value instead (kind ``"checksum"``).
    """

    name: str
    r_expr: str
    scalar: bool = False
    size_expr: str | None = None
    checksum_expr: str | None = None


def _q(name: str, r_expr: str, **kw: Any) -> Quantity:
    return Quantity(name, r_expr, **kw)


def _s(name: str, r_expr: str) -> Quantity:
    return Quantity(name, r_expr, scalar=True)


_ZT_TRIPLETS = ("local({T <- as(getME(fm, 'Zt'), 'TsparseMatrix'); "
                "list(i = T@i, j = T@j, x = T@x)})")
_ZT_CHECKSUM = ("local({Zt <- getME(fm, 'Zt'); list(nnz = length(Zt@x), sum = sum(Zt@x), "
                "sum_sq = sum(Zt@x^2), row_sums = unname(rowSums(Zt)), "
                "row_index_sum = sum(Zt@i * Zt@x), "
                "col_index_sum = sum(rep(seq_len(ncol(Zt)) - 1, diff(Zt@p)) * Zt@x))})")
_X_CHECKSUM = ("local({X <- getME(fm, 'X'); list(dim = dim(X), col_sums = unname(colSums(X)), "
               "col_sums_sq = unname(colSums(X^2)))})")

STRUCTURE: tuple[Quantity, ...] = (
    _q("X_colnames", "colnames(getME(fm, 'X'))"),
    _q("X", "unname(getME(fm, 'X'))", size_expr="prod(dim(getME(fm, 'X')))",
       checksum_expr=_X_CHECKSUM),
    _q("X_assign", "attr(getME(fm, 'X'), 'assign')"),
    _q("X_col_dropped", "attr(getME(fm, 'X'), 'col.dropped')"),
    _q("Zt_dim", "dim(getME(fm, 'Zt'))"),
    _q("Zt", _ZT_TRIPLETS, size_expr="length(getME(fm, 'Zt')@x)", checksum_expr=_ZT_CHECKSUM),
    _q("Zt_rownames", "rownames(getME(fm, 'Zt'))"),
    _q("Lind", "getME(fm, 'Lind')"),
    _q("lower", "getME(fm, 'lower')"),
    _q("theta_names", "names(getME(fm, 'theta'))"),
    _q("cnms", "getME(fm, 'cnms')"),
    _q("flist_names", "names(getME(fm, 'flist'))"),
    _q("flist_levels", "lapply(getME(fm, 'flist'), levels)"),
    _q("Gp", "getME(fm, 'Gp')"),
    _q("term_order", "names(getME(fm, 'Ztlist'))"),
    _q("dims", "getME(fm, 'devcomp')$dims"),
    _q("y", "getME(fm, 'y')"),
    _q("weights", "unname(weights(fm))"),
    _q("offset", "getME(fm, 'offset')"),
    _q("frame_rows", "as.integer(rownames(model.frame(fm)))"),
)

DETERMINISTIC: tuple[Quantity, ...] = (
    _q("theta_start", "theta_start"),
    _s("devfun_theta_start", "f(theta_start)"),
    _s("devfun_theta_hat", "f(getME(fm, 'theta'))"),
    _s("devfun_theta_one", "f(as.numeric(getME(fm, 'lower') == 0))"),
    _q("beta", "getME(fm, 'beta')"),
    _s("sigma", "sigma(fm)"),
    _q("u", "getME(fm, 'u')"),
    _q("b", "as.vector(getME(fm, 'b'))"),
    _q("vcov", "as.matrix(vcov(fm))"),
    _q("RX", "getME(fm, 'RX')"),
    _q("devcomp_cmp", "getME(fm, 'devcomp')$cmp"),
)

OPTIMIZER: tuple[Quantity, ...] = (
    _q("theta", "getME(fm, 'theta')"),
    _q("fixef", "fixef(fm)"),
    _s("sigma", "sigma(fm)"),
    _q("se", "sqrt(diag(as.matrix(vcov(fm))))"),
    _q("ranef", "ranef(fm, condVar = FALSE)"),
    _q("condVar", "lapply(ranef(fm, condVar = TRUE), attr, 'postVar')"),
    _q("fitted", "unname(fitted(fm))"),
    _q("residuals_response", "unname(residuals(fm, type = 'response'))"),
    _q("residuals_pearson", "unname(residuals(fm, type = 'pearson'))"),
    _s("logLik", "as.numeric(logLik(fm))"),
    _s("logLik_df", "attr(logLik(fm), 'df')"),
    _s("AIC", "AIC(fm)"),
    _s("BIC", "BIC(fm)"),
    _s("df_residual", "df.residual(fm)"),
    _q("VarCorr", "as.data.frame(VarCorr(fm))"),
    _s("nobs", "nobs(fm)"),
    _q("ngrps", "ngrps(fm)"),
    _s("isSingular", "isSingular(fm)"),
    _s("feval", "fm@optinfo$feval"),
    _s("optimizer", "fm@optinfo$optimizer"),
    _s("conv_opt", "fm@optinfo$conv$opt"),
    _q("conv_lme4_messages", "fm@optinfo$conv$lme4$messages"),
    _q("conv_lme4_code", "fm@optinfo$conv$lme4$code"),
    _s("optinfo_message", "fm@optinfo$message"),
    _q("optinfo_warnings", "unlist(fm@optinfo$warnings)"),
    _q("derivs_gradient", "fm@optinfo$derivs$gradient"),
    _q("derivs_hessian", "fm@optinfo$derivs$Hessian"),
)

PRINT: tuple[Quantity, ...] = (
    _q("summary", "capture.output(print(summary(fm)))"),
    _q("print", "capture.output(print(fm))"),
)


def fit_call(case: Case, devfun_only: bool = False) -> str:
    """R text of the call that fits `case`: ``glmer(...)`` for a GLMM, else ``lmer(...)``."""
    if case.is_glmm:
        from conformance.r_side_glmm import glmer_call

        return glmer_call(case, devfun_only)
    return lmer_call(case, devfun_only)


def lmer_call(case: Case, devfun_only: bool = False) -> str:
    """R text of the lmer call for `case` (``devFunOnly = TRUE`` when asked)."""
    args = [case.formula, f"data = {case.data_name}", f"REML = {'TRUE' if case.reml else 'FALSE'}"]
    if case.weights:
        args.append(f"weights = {case.weights}")
    if case.offset:
        args.append(f"offset = {case.offset}")
    if case.control:
        args.append(f"control = lmerControl({case.control})")
    if devfun_only:
        args.append("devFunOnly = TRUE")
    return f"lmer({', '.join(args)})"


def r_versions(session: RSession) -> dict:
    """R and package versions (lme4 and its numerical dependencies)."""
    pkgs = ("lme4", "Matrix", "nloptr", "minqa", "nlme", "mlmRev", "Rcpp", "RcppEigen")
    code = ("c(R = R.version.string, sapply(c(" + ", ".join(f"'{p}'" for p in pkgs)
            + "), function(p) packageDescription(p)$Version))")
    value = session.get(code).value
    return dict(zip(value.attr_values("names"), value.values))


def fit_case(session: RSession, case: Case, frame: pd.DataFrame | None = None,
             factors: Mapping[str, FactorSpec] | None = None) -> dict:
    """Fit `case` in R and return its JSON-friendly reference record.

    Parameters
    ----------
    session : RSession
    case : Case
    frame : pandas.DataFrame, optional
        Data to fit instead of evaluating ``case.dataset`` in R (a generated
        design); bound to ``case.data_name``.
    factors : mapping of str to FactorSpec, optional
        Factor metadata for `frame` columns (see ``RSession.assign_frame``).

    Returns
    -------
    dict
        The case file content (see ``r_reference/README.md``). A failing fit
        is recorded under ``fit.error`` rather than raised.
    """
    session.run(_SUMMARISE_R)
    env = session.new_env()
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "case": case.to_dict(),
                              "versions": r_versions(session),
                              "data": _bind_data(session, env, case, frame, factors),
                              "r_call": fit_call(case),
                              "devfun_call": fit_call(case, devfun_only=True)}
    record["fit"] = _fit(session, env, f"fm <- {record['r_call']}")
    if "error" in record["fit"]:
        return record
    if case.is_glmm:
        from conformance.r_side_glmm import fit_glmm

        fit_glmm(session, env, case, record)
    else:
        _bind_devfun(session, env, record)
        record["structure"] = _extract(session, env, STRUCTURE)
        record["deterministic"] = _extract(session, env, DETERMINISTIC + _devfun_at(case))
        record["optimizer"] = _extract(session, env, (_objective(case),) + OPTIMIZER)
        record["print"] = _extract(session, env, PRINT)
    if case.extras:
        record["extras"] = _extract(session, env, tuple(_q(n, e) for n, e in case.extras))
    if case.lrt_with:
        record["lrt"] = _lrt(session, env, case)
    return record


def _bind_data(session: RSession, env: Any, case: Case, frame: pd.DataFrame | None,
               factors: Mapping[str, FactorSpec] | None) -> dict:
    name = case.data_name
    if frame is not None:
        session.assign_frame(name, frame, env, factors)
        r_expr = None
    else:
        r_expr = data_r_expr(case.dataset)
        session.run(f"{name} <- {evaluable_data_r_expr(case.dataset)}", env)
    dims = session.get(f"dim({name})", env).value.values
    return {"name": name, "r_expr": r_expr, "nrow": dims[0], "ncol": dims[1],
            "from_frame": frame is not None}


def data_r_expr(dataset: str) -> str:
    """The R expression of a case's data: a package's data set, a :class:`LocalData` CSV
    (read with its declared factor levels), or the case's own R expression."""
    source = dataset_source(dataset)
    if source is not None:
        return source.r_expr
    local = local_data(dataset)
    if local is not None:
        from conformance.local_data import read_csv_r

        return read_csv_r(local)
    return dataset


def evaluable_data_r_expr(dataset: str) -> str:
    """:func:`data_r_expr`, run from the repository root where it reads a shipped CSV."""
    r_expr = data_r_expr(dataset)
    if local_data(dataset) is None:
        return r_expr
    from conformance.local_data import in_repo_r

    return in_repo_r(r_expr)


def _fit(session: RSession, env: Any, code: str) -> dict:
    try:
        captured = session.run(code, env)
    except RError as err:
        return {"error": err.message, "warnings": list(err.warnings),
                "messages": list(err.messages)}
    return {"warnings": list(captured.warnings), "messages": list(captured.messages)}


def _bind_devfun(session: RSession, env: Any, record: dict) -> None:
    """Bind ``f`` and ``theta_start``; a failure leaves error records downstream."""
    # "+ 0" forces a copy: pp$theta must not alias memory that f() later overwrites
    code = f"f <- {record['devfun_call']}; theta_start <- environment(f)$pp$theta + 0"
    try:
        session.run(code, env)
    except RError as err:
        record["fit"]["devfun_error"] = err.message


def _objective(case: Case) -> Quantity:
    """The criterion lmer minimised: REMLcrit for REML fits, the deviance for ML."""
    return _s("objective", "REMLcrit(fm)" if case.reml else "deviance(fm)")


def _devfun_at(case: Case) -> tuple[Quantity, ...]:
    return tuple(_s(f"devfun_at_{i}", f"f(c({', '.join(repr(float(t)) for t in theta)}))")
                 for i, theta in enumerate(case.devfun_at))


def _lrt(session: RSession, env: Any, case: Case) -> dict:
    partner = get_case(case.lrt_with)
    out = {"partner": partner.id, "partner_call": fit_call(partner)}
    out["partner_fit"] = _fit(session, env, f"partner <- {out['partner_call']}")
    out.update(_extract(session, env, (
        _q("anova", "as.data.frame(anova(fm, partner))"),
        _q("anova_print", "capture.output(print(anova(fm, partner)))"))))
    return out


def _extract(session: RSession, env: Any, quantities: tuple[Quantity, ...]) -> dict:
    return {q.name: extract(session, env, q) for q in quantities}


def extract(session: RSession, env: Any, quantity: Quantity) -> dict:
    """Evaluate one quantity in `env` and return its record.

    Returns
    -------
    dict
        ``{"kind": "value" | "checksum" | "error", "r_expr": ..., ...}``;
        R warnings raised while evaluating go to ``"warnings"``.
    """
    r_expr = quantity.r_expr
    kind = "value"
    try:
        if quantity.size_expr is not None:
            size = session.get(quantity.size_expr, env).value.values[0]
            if size is not None and size > LARGE_MATRIX:
                r_expr, kind = quantity.checksum_expr, "checksum"
        captured = session.get(f".pylme_summarise({r_expr})", env)
    except RError as err:
        return {"kind": "error", "r_expr": r_expr, "error": err.message}
    rec = {"kind": kind, "r_expr": r_expr}
    if kind == "checksum":
        rec["size_expr"] = quantity.size_expr
    rec.update(encode(captured.value, scalar=quantity.scalar))
    if "checksum" in rec:  # a long vector, summarised by .pylme_summarise
        rec["kind"] = "checksum"
    if captured.warnings:
        rec["warnings"] = list(captured.warnings)
    return rec


def encode(value: RValue, scalar: bool = False) -> dict:
    """Encode an :class:`RValue` as JSON-friendly keys (``value`` and metadata).

    Factors become labels (+ ``levels``, ``ordered``); arrays nested lists in
    index order (``value[i][j]`` is ``x[i+1, j+1]``) + ``dim``/``dimnames``;
    data frames ``columns`` + ``value`` {column: list} (+ ``rownames``);
    lists ``value`` [records] (+ ``names``).
    """
    if value.type == "NULL":
        return {"value": None}
    if "pylme_checksum" in value.classes:
        return _encode_checksum(value)
    if value.is_data_frame:
        return _encode_frame(value)
    if value.type == "list":
        out: dict[str, Any] = {"value": [_encode_element(v) for v in value.values]}
        _add_names(out, value)
        return out
    return _encode_atomic(value, scalar)


def _encode_element(value: RValue) -> Any:
    """A list element: a bare JSON list for a plain vector, else a record."""
    if value.type not in ("NULL", "list") and not value.attributes:
        return list(value.values)
    return encode(value)


def _encode_atomic(value: RValue, scalar: bool) -> dict:
    values = list(value.values)
    out: dict[str, Any] = {}
    if value.is_factor:
        levels = value.attr_values("levels")
        values = [None if v is None else levels[v - 1] for v in values]
        out.update(levels=list(levels), ordered="ordered" in value.classes)
    dim = value.attr_values("dim")
    if dim is not None:
        out["value"] = np.array(values, dtype=object).reshape(dim, order="F").tolist()
        out["dim"] = list(dim)
        dimnames = value.attr("dimnames")
        if dimnames is not None:
            out["dimnames"] = [None if d.type == "NULL" else list(d.values)
                               for d in dimnames.values]
        return out
    out["value"] = values[0] if scalar and len(values) == 1 else values
    _add_names(out, value)
    return out


def _encode_frame(value: RValue) -> dict:
    columns = list(value.attr_values("names"))
    out = {"columns": columns,
           "value": {c: _encode_atomic(v, False)["value"] for c, v in zip(columns, value.values)}}
    rownames = value.attr("row.names")
    if rownames is not None and rownames.type == "character":
        out["rownames"] = list(rownames.values)
    return out


def _encode_checksum(value: RValue) -> dict:
    parts = dict(zip(value.attr_values("names"), value.values))
    checksum = {k: v.values[0] for k, v in parts.items() if k not in ("head", "length")}
    return {"length": parts["length"].values[0], "head": list(parts["head"].values),
            "checksum": checksum, "checksum_r_expr": CHECKSUM_R_EXPR}


def _add_names(out: dict, value: RValue) -> None:
    names = value.attr_values("names")
    if names is not None:
        out["names"] = list(names)


def value_record(session: "RSession", env: Any, r_expr: str) -> dict:
    """Evaluate `r_expr` in `env`: its value record, with R's messages and warnings.

    An R error becomes a record of kind ``"error"`` carrying R's message.
    """
    try:
        captured = session.get(r_expr, env)
    except RError as err:
        return {"kind": "error", "r_expr": r_expr, "error": err.message,
                "warnings": list(err.warnings), "messages": list(err.messages)}
    out = {"kind": "value", "r_expr": r_expr, **encode(captured.value)}
    if captured.warnings:
        out["warnings"] = list(captured.warnings)
    if captured.messages:
        out["messages"] = list(captured.messages)
    return out
