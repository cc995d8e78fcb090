"""R's base functions whose exact semantics pandas/NumPy lack, for translated scripts.

Translated code calls these where a one-liner in pandas would give a different
answer than R: the level order of ``factor`` (R sorts strings with its collation,
:func:`pylme.design.collation.r_sort`), ``table``'s order and names, ``paste``'s
recycling, ``cut``'s interval labels, ``rep``/``seq``'s argument forms.

>>> from pylme.migrate.rbase import factor, paste
>>> list(factor(["b", "a", "B"]).cat.categories)
['a', 'b', 'B']
>>> paste("x", [1, 2], sep="_")
['x_1', 'x_2']
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..design.collation import r_sort

__all__ = ["factor", "relevel", "droplevels", "table", "paste", "paste0", "rep", "seq",
           "cut", "r_levels", "as_numeric", "strings_as_factors", "tapply", "aggregate",
           "r_str", "sprintf", "data_frame", "expand_grid", "contrast_table", "drop1",
           "interaction", "set_levels", "stop", "RError", "merge", "r_mean", "simplify",
           "blank_to_na", "bind_list", "scale", "drop_positions", "ave", "apply", "r_names", "r_formula", "r_term_name"]


def _values(x: Any) -> np.ndarray:
    if isinstance(x, (pd.Series, pd.Index, pd.Categorical)):
        return np.asarray(x, dtype=object)
    if np.isscalar(x) or x is None:
        return np.asarray([x], dtype=object)
    return np.asarray(list(x), dtype=object)


def r_levels(values: Any) -> list:
    """R's ``levels(factor(x))``: unique non-missing values sorted as R sorts them."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    vals = [v for v in pd.unique(pd.Series(_values(values))) if not pd.isna(v)]
    if all(isinstance(v, str) for v in vals):
        return r_sort(vals)
    if all(isinstance(v, (bool, np.bool_)) for v in vals):
        return sorted(vals)
    return sorted(vals, key=float)


def factor(x: Any, levels: Sequence | None = None, labels: Sequence | None = None,
           ordered: bool = False) -> Any:
    """R ``factor()``: a categorical pandas Series (keeping ``x``'s index when it has one).

    Levels are R's (sorted with R's string collation unless given); values outside
    the levels become missing, as in R; ``labels`` renames the levels in order.
    """
    if levels is None:
        levels = r_levels(x)
    levels = list(levels) if not np.isscalar(levels) else [levels]
    raw = x.astype(object) if isinstance(x, pd.Series) else _values(x)
    cat = pd.Categorical(raw, categories=levels, ordered=ordered)
    if labels is not None:
        labels = [labels] if isinstance(labels, str) else list(labels)
        if len(labels) == 1 and len(levels) > 1:
            labels = [f"{labels[0]}{i + 1}" for i in range(len(levels))]
        cat = cat.rename_categories(labels)
    if isinstance(x, pd.Series):
        return pd.Series(cat, index=x.index, name=x.name)
    return pd.Series(cat)


def relevel(x: Any, ref: Any) -> Any:
    """R ``relevel()``: ``ref`` first, the other levels in their order."""
    cats = list(_categories(x))
    if ref not in cats:
        raise ValueError(f"'ref' must be an existing level")
    new = [ref] + [c for c in cats if c != ref]
    if isinstance(x, pd.Series):
        return x.cat.reorder_categories(new)
    return x.reorder_categories(new)


def _categories(x: Any):
    return x.cat.categories if isinstance(x, pd.Series) else x.categories


def droplevels(x: Any) -> Any:
    """R ``droplevels()`` of a factor or of every factor column of a data frame."""
    if isinstance(x, pd.DataFrame):
        out = x.copy()
        for col in out.columns:
            if isinstance(out[col].dtype, pd.CategoricalDtype):
                out[col] = out[col].cat.remove_unused_categories()
        return out
    if isinstance(x, pd.Series):
        return x.cat.remove_unused_categories()
    return x.remove_unused_categories()


def as_numeric(x: Any) -> Any:
    """R ``as.numeric()``: a factor gives its codes 1..k (not its labels), as in R."""
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        codes = x.cat.codes.astype(float) + 1
        return codes.where(x.notna(), np.nan)
    if isinstance(x, pd.Categorical):
        codes = x.codes.astype(float) + 1
        codes[x.codes < 0] = np.nan
        return codes
    if isinstance(x, pd.Series):
        return pd.to_numeric(x, errors="coerce").astype(float)
    return np.asarray(x, dtype=float)


def table(*xs: Any, dnn: Sequence[str] | None = None) -> Any:
    """R ``table()`` of one factor (a Series of counts in level order) or two (a
    DataFrame: rows the first factor's levels, columns the second's)."""
    def as_cat(v):
        if isinstance(v, pd.Series) and isinstance(v.dtype, pd.CategoricalDtype):
            return v.reset_index(drop=True)
        # by position, as the categorical ones: a filtered frame's labels would misalign
        return factor(v).reset_index(drop=True)

    cats = [as_cat(v) for v in xs]
    if len(cats) == 1:
        counts = cats[0].value_counts(sort=False).reindex(cats[0].cat.categories, fill_value=0)
        counts.index.name = (dnn or [None])[0]
        return counts.rename(None)
    if len(cats) == 2:
        tab = pd.crosstab(cats[0], cats[1], dropna=False)
        tab = tab.reindex(index=cats[0].cat.categories, columns=cats[1].cat.categories,
                          fill_value=0)
        names = list(dnn) if dnn else [None, None]
        tab.index.name, tab.columns.name = names
        return tab
    raise ValueError("table() of more than two factors is not translated")


def _fmt(v: Any) -> str:
    """One value as R's ``as.character`` writes it (15 significant digits)."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NA"
    if isinstance(v, (float, np.floating)):
        if math.isinf(v):
            return "Inf" if v > 0 else "-Inf"
        if float(v).is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.15g}"
    return str(v)


def paste(*args: Any, sep: str = " ", collapse: str | None = None) -> Any:
    """R ``paste()``: element-wise with recycling; a string when ``collapse`` is given
    or every argument is a single value."""
    vecs = [[_fmt(v) for v in _values(a)] for a in args if not (
        hasattr(a, "__len__") and not isinstance(a, str) and len(a) == 0)]
    if not vecs:
        return "" if collapse is not None else []
    n = max(len(v) for v in vecs)
    out = [sep.join(v[i % len(v)] for v in vecs) for i in range(n)]
    if collapse is not None:
        return collapse.join(out)
    return out[0] if n == 1 and all(np.isscalar(a) or a is None for a in args) else out


def paste0(*args: Any, collapse: str | None = None) -> Any:
    """R ``paste0()``: :func:`paste` with ``sep=""``."""
    return paste(*args, sep="", collapse=collapse)


def sprintf(fmt: str, *args: Any) -> Any:
    """R ``sprintf()`` (C formats, vectorised over its arguments)."""
    vecs = [_values(a) for a in args]
    n = max([len(v) for v in vecs] or [1])
    conv = lambda v: v.item() if hasattr(v, "item") else v  # noqa: E731
    out = [fmt % tuple(conv(v[i % len(v)]) for v in vecs) for i in range(n)]
    return out[0] if n == 1 and all(np.isscalar(a) for a in args) else out


def rep(x: Any, times: Any = 1, each: int = 1, length_out: int | None = None) -> np.ndarray:
    """R ``rep()``."""
    v = np.repeat(np.asarray(x if not np.isscalar(x) else [x]), each)
    if np.ndim(times) == 0:
        v = np.tile(v, int(times))
    else:
        v = np.repeat(v, np.asarray(times, dtype=int))
    if length_out is not None:
        v = np.resize(v, int(length_out))
    return v


def seq(from_: float = 1, to: float | None = None, by: float | None = None,
        length_out: int | None = None) -> np.ndarray:
    """R ``seq()``: ``from``..``to`` by ``by`` (inclusive) or ``length.out`` points."""
    if to is None and by is None and length_out is None:
        return np.arange(1, int(from_) + 1)
    if length_out is not None:
        if to is None:
            to = from_ + (by or 1) * (length_out - 1)
        return np.linspace(from_, to, int(length_out))
    by = by if by is not None else (1 if to >= from_ else -1)
    n = int(math.floor((to - from_) / by + 1e-10)) + 1
    out = from_ + by * np.arange(n)
    ints = all(float(v).is_integer() for v in (from_, by))
    return out.astype(int) if ints else out


def cut(x: Any, breaks: Any, labels: Any = None, right: bool = True,
        include_lowest: bool = False, dig_lab: int = 3) -> pd.Series:
    """R ``cut()``: intervals labelled as R labels them (``"(0,10]"``)."""
    vals = np.asarray(x, dtype=float)
    if np.ndim(breaks) == 0:
        k = int(breaks)
        lo, hi = np.nanmin(vals), np.nanmax(vals)
        dx = (hi - lo) or abs(lo)
        edges = np.linspace(lo, hi, k + 1)
        edges[0], edges[-1] = lo - dx / 1000, hi + dx / 1000
    else:
        edges = np.sort(np.asarray(breaks, dtype=float))
    if labels is None:
        fm = [_format_sig(b, dig_lab) for b in edges]
        labels = [("(" if right else "[") + f"{fm[i]},{fm[i + 1]}" + ("]" if right else ")")
                  for i in range(len(edges) - 1)]
        if include_lowest:
            if right:
                labels[0] = "[" + labels[0][1:]
            else:
                labels[-1] = labels[-1][:-1] + "]"
    elif labels is False:
        labels = None
    out = pd.cut(vals, edges, right=right, labels=labels, include_lowest=include_lowest)
    if labels is None:
        return out.codes + 1
    # R's cut() gives an unordered factor (ordered_result = FALSE); pandas' is ordered
    return pd.Series(pd.Categorical(out, categories=list(labels), ordered=False))


def _format_sig(v: float, digits: int) -> str:
    for d in range(digits, 16):
        s = f"{v:.{d}g}"
        if float(s) == round(v, 12) or d == 15:
            return _strip(s)
    return _strip(f"{v:.{digits}g}")


def _strip(s: str) -> str:
    return s.replace("e+0", "e+").replace("e-0", "e-")


def strings_as_factors(df: pd.DataFrame) -> pd.DataFrame:
    """``stringsAsFactors = TRUE``: every string column a factor with R's levels."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = factor(out[col])
    return out


def r_mean(x: Any, na_rm: bool = False) -> float:
    """R ``mean(x)`` to the last bit: R sums in long double and adds the mean residual
    (summary.c), where NumPy's pairwise sum can differ in the last place.  NA gives NaN
    unless ``na_rm``."""
    v = np.asarray(x, dtype=float).ravel()
    if na_rm:
        v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan")
    ld = v.astype(np.longdouble)
    s = np.cumsum(ld)[-1] / v.size  # sequential, as R's loop
    if np.isfinite(s):
        s += np.cumsum(ld - s)[-1] / v.size
    return float(s)


def _r_reducer(fun: Any) -> Any:
    """Named reductions of tapply/aggregate: ``"mean"`` as R computes it (missing values
    skipped, as pandas' named reductions do)."""
    if isinstance(fun, str) and fun == "mean":
        return lambda s: r_mean(s, na_rm=True)
    return fun


def tapply(x: Any, index: Any, fun) -> Any:
    """R ``tapply(x, index, FUN)``: one value per level of ``index`` in level order; with
    a list of two factors, a table (rows the first factor's levels).  pandas' named
    reductions skip missing values (R's ``na.rm = TRUE``)."""
    indices = index if isinstance(index, list) else [index]
    keys = []
    for ix in indices:
        cat = ix if isinstance(ix, pd.Series) and isinstance(ix.dtype, pd.CategoricalDtype) \
            else factor(ix)
        keys.append(pd.Categorical(np.asarray(cat, dtype=object), categories=_categories(cat)))
    s = pd.Series(np.asarray(x))
    out = s.groupby(keys, observed=False).agg(_r_reducer(fun))
    return out.unstack() if len(keys) == 2 else out


def aggregate(formula: str, data: pd.DataFrame, fun) -> pd.DataFrame:
    """R ``aggregate(y ~ g1 + g2, data, FUN)``: groups in R's order (first factor fastest)."""
    lhs, rhs = (s.strip() for s in formula.split("~"))
    keys = [k.strip() for k in rhs.split("+")]
    ys = [y.strip() for y in lhs.removeprefix("cbind(").removesuffix(")").split(",")] \
        if lhs.startswith("cbind(") else [lhs]
    if lhs == ".":
        ys = [c for c in data.columns if c not in keys]
    frame = data.copy()
    for k in keys:
        if not isinstance(frame[k].dtype, pd.CategoricalDtype):
            frame[k] = factor(frame[k])
    out = frame.groupby(keys[::-1], observed=True, sort=True)[ys].agg(_r_reducer(fun))
    out = out.reset_index()
    return out[keys + ys]


def r_str(x: Any) -> None:
    """A short structure listing (R ``str()``): pandas' ``info()`` for a data frame."""
    if isinstance(x, pd.DataFrame):
        x.info()
    elif isinstance(x, np.ndarray):
        print(f"{x.dtype} array, shape {x.shape}")
    else:
        print(repr(x))


def data_frame(columns: dict) -> pd.DataFrame:
    """R ``data.frame(a = x, b = y)``: single values recycled to the longest column."""
    n = max((1 if np.ndim(v) == 0 else len(v)) for v in columns.values())
    return pd.DataFrame({k: (np.repeat(v, n) if np.ndim(v) == 0 else v)
                         for k, v in columns.items()})


def expand_grid(columns: dict) -> pd.DataFrame:
    """R ``expand.grid()``: every combination, the first column varying fastest; text
    columns become factors with the levels in the order given (R's default
    ``stringsAsFactors = TRUE``)."""
    names = list(columns)
    index = pd.MultiIndex.from_product([list(np.atleast_1d(columns[k])) for k in reversed(names)],
                                       names=list(reversed(names)))
    out = index.to_frame(index=False)[names].reset_index(drop=True)
    for k in names:
        given = columns[k]
        if isinstance(given, pd.Series) and isinstance(given.dtype, pd.CategoricalDtype):
            out[k] = pd.Categorical(out[k], categories=given.cat.categories,
                                    ordered=given.cat.ordered)
            continue
        values = list(np.atleast_1d(given))
        if values and all(isinstance(v, str) for v in values):
            out[k] = pd.Categorical(out[k], categories=list(dict.fromkeys(values)))
    return out


def contrast_table(x: Any, name: str = "contr.treatment") -> pd.DataFrame:
    """R ``contrasts(f)``: the contrast matrix of a factor, rows named by its levels,
    columns as R names them (``contr.treatment``: the levels but the first; others 1..k-1)."""
    from ..design import contrasts as cs

    levels = list(_categories(x)) if isinstance(x, pd.Series) else list(r_levels(x))
    fn = {"contr.treatment": cs.contr_treatment, "contr.sum": cs.contr_sum,
          "contr.helmert": cs.contr_helmert, "contr.poly": cs.contr_poly,
          "contr.SAS": cs.contr_sas}[name]
    con = fn(levels)
    cols = list(con.colnames) if con.colnames is not None else list(range(1, con.matrix.shape[1] + 1))
    return pd.DataFrame(con.matrix, index=levels, columns=cols)


def drop1(fit: Any, test: str | None = None) -> pd.DataFrame:
    """R ``drop1()`` of a statsmodels formula GLM: each term that no other term contains
    dropped in turn (R's marginality), with R's columns (``test="Chisq"``: the LRT)."""
    import statsmodels.formula.api as smf
    from scipy import stats

    model = fit.model
    terms = [t for t in model.data.orig_exog.design_info.terms if t.factors]
    droppable = [t for t in terms if not any(set(t.factors) < set(o.factors) for o in terms)]
    rows = {"<none>": {"Df": np.nan, "Deviance": fit.deviance, "AIC": fit.aic}}
    for term in droppable:
        reduced = smf.glm(f"{model.formula} - {term.name()}", data=model.data.frame,
                          family=model.family).fit()
        rows[term.name()] = {"Df": fit.df_model - reduced.df_model, "Deviance": reduced.deviance,
                             "AIC": reduced.aic}
    out = pd.DataFrame.from_dict(rows, orient="index")
    if test in ("Chisq", "LRT"):
        out["LRT"] = out["Deviance"] - fit.deviance
        out.loc["<none>", "LRT"] = np.nan
        out["Pr(>Chi)"] = stats.chi2.sf(out["LRT"], out["Df"])
    return out


def interaction(*factors: Any, sep: str = ".", drop: bool = False,
                lex_order: bool = False) -> pd.Series:
    """R ``interaction(f1, f2, ...)``: the factor of the level combinations, labelled
    ``"a.x"``; its levels vary the first factor fastest (``lex.order = FALSE``, R's
    default) and include unobserved combinations unless ``drop = TRUE``."""
    cats = [x if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype)
            else factor(x) for x in factors]
    levels = [""]
    first = True
    for cat in cats:
        lv = [str(v) for v in cat.cat.categories]
        if first:
            levels = lv
            first = False
        elif lex_order:
            levels = [f"{a}{sep}{b}" for a in levels for b in lv]
        else:
            levels = [f"{a}{sep}{b}" for b in lv for a in levels]
    values = np.asarray(cats[0].astype(object).astype(str), dtype=object)
    missing = np.array(cats[0].isna(), dtype=bool)
    for cat in cats[1:]:
        values = values + sep + np.asarray(cat.astype(object).astype(str), dtype=object)
        missing = missing | np.asarray(cat.isna())
    values = np.where(missing, None, values)
    out = pd.Series(pd.Categorical(values, categories=levels), index=cats[0].index)
    return out.cat.remove_unused_categories() if drop else out


def set_levels(x: pd.Series, value: Any) -> pd.Series:
    """R ``levels(x) <- value``: the levels renamed in order; levels given the same new
    name are merged into one (R's ``levels<-``), the order of first appearance kept."""
    new = [value] if isinstance(value, str) else [str(v) for v in value]
    old = list(x.cat.categories)
    if len(new) != len(old):
        raise ValueError(f"number of levels differs")
    if len(set(new)) == len(new):
        return x.cat.rename_categories(new)
    mapping = dict(zip(old, new))
    merged = list(dict.fromkeys(new))
    return pd.Series(pd.Categorical(x.astype(object).map(mapping), categories=merged),
                     index=x.index, name=x.name)


class RError(RuntimeError):
    """An R ``stop()`` raised inside an expression (``if (ok) x else stop("...")``)."""


def stop(*message: Any) -> Any:
    """R ``stop(...)`` where Python needs an expression: raises :class:`RError` with the
    pasted message."""
    raise RError(paste0(*message) if message else "")


def scale(x: Any, center: bool = True, scale: bool = True) -> Any:
    """R ``as.numeric(scale(x))`` to the last bit: the centre is ``colMeans`` (a long
    double sum divided by n), the scale ``sqrt(sum(v^2) / (n - 1))`` of the centred values
    (a long double sum), as base R computes them; NA values are skipped in both."""
    values = np.asarray(x, dtype=float)
    out = values.copy()
    ok = ~np.isnan(values)
    if center:
        centre = float(np.cumsum(values[ok].astype(np.longdouble))[-1] / ok.sum()) \
            if ok.any() else float("nan")
        out = out - centre
    if scale:
        v = out[ok]
        ss = float(np.cumsum((v * v).astype(np.longdouble))[-1]) if v.size else float("nan")
        out = out / math.sqrt(ss / max(1, v.size - 1))
    return pd.Series(out, index=x.index, name=x.name) if isinstance(x, pd.Series) else out


def drop_positions(n: int, positions: Any) -> np.ndarray:
    """The 0-based positions of ``range(n)`` that R's negative index ``-i`` keeps
    (``positions`` are ``i - 1``).  As in R, an empty ``i`` (``-which(FALSE)``)
    keeps nothing, not everything."""
    drop = np.atleast_1d(np.asarray(positions, dtype=int))
    if drop.size == 0:
        return drop
    return np.setdiff1d(np.arange(n), drop)


def ave(x: Any, *groups: Any, fun: Any = None) -> Any:
    """R's ``ave(x, ..., FUN = mean)``: ``fun`` applied to ``x`` within each combination
    of the grouping vectors, recycled over the group's rows, in ``x``'s order.  The
    default is R's ``mean`` (NA when the group holds an NA); rows whose group is NA
    keep their value, as R's ``split<-`` leaves them."""
    values = pd.Series(np.asarray(x, dtype=float))
    if fun is None:
        def fun(v):
            return np.full(len(v), v.mean(skipna=False))
    if not groups:
        out = np.asarray(fun(values), dtype=float) * np.ones(len(values))
    else:
        keys = [pd.Series(np.asarray(g, dtype=object)) for g in groups]
        grouped = values.groupby(keys, sort=False, dropna=True)
        res = grouped.transform(lambda v: np.resize(np.asarray(fun(v), dtype=float), len(v)))
        out = np.where(res.isna() & pd.concat(keys, axis=1).isna().any(axis=1), values, res)
    return pd.Series(out, index=x.index, name=x.name) if isinstance(x, pd.Series) else out


def apply(x: Any, margin: int, fun: Any) -> Any:
    """R's ``apply(X, MARGIN, FUN)`` for MARGIN 1 (rows) or 2 (columns): ``fun`` of
    each row/column as an array; one value each gives a vector named by the rows'/
    columns' labels (a data frame's, as R's dimnames), several a matrix with one
    column per row/column of ``x``, as R returns it."""
    values = np.asarray(x)
    slices = values if margin == 1 else values.T
    labels = None
    if isinstance(x, pd.DataFrame):
        labels = x.index if margin == 1 else x.columns
    results = [fun(s) for s in slices]
    if all(np.ndim(r) == 0 for r in results):
        return pd.Series(results, index=labels) if labels is not None else np.array(results)
    out = np.column_stack([np.atleast_1d(r) for r in results])
    return pd.DataFrame(out, columns=labels) if labels is not None else out


def r_names(values: Any, fit: Any = None) -> Any:
    """statsmodels' coefficient names as R's ``coef(lm)`` names them: ``(Intercept)``,
    ``groupb`` for patsy's ``group[T.b]``, ``group1`` for ``C(group, Sum)[S.a]``,
    ``temp.L`` for ``C(temp, Poly).Linear``, ``I(x^2)`` and ``log(x)`` for ``I(x ** 2)``
    and ``np.log(x)`` (:func:`pylme.migrate.rcontrasts.r_term_name`); the rows of an
    anova table likewise (``operator`` for ``C(operator, Sum)``)."""
    levels = {}
    data = getattr(getattr(fit, "model", None), "data", None)
    # patsy's design: statsmodels < 0.15 keeps it as data.design_info, 0.15 as model_spec
    design = getattr(data, "design_info", None) or getattr(data, "model_spec", None) \
        or getattr(getattr(data, "orig_exog", None), "design_info", None)
    if design is not None:
        for factor, info in design.factor_infos.items():
            if getattr(info, "categories", None) is not None:
                name = factor.name()
                name = name[2:name.index(",")] if name.startswith("C(") else name
                levels[name.strip()] = [str(c) for c in info.categories]
    if isinstance(values, (pd.Series, pd.DataFrame)):
        return values.rename(index=lambda n: r_term_name(str(n), levels))
    return values


# data frame operations, in their own module (re-exported: translations call rbase.*)
from .rframe import bind_list, blank_to_na, merge, simplify  # noqa: E402
from .rcontrasts import r_formula, r_term_name  # noqa: E402
