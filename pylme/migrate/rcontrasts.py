"""R's contrasts for the statsmodels formulas of translated ``lm``/``glm``/``aov`` calls.

R codes each factor of a linear model by its contrasts: the factor's own
(``contrasts(df$f) <- ...`` or ``lm(..., contrasts = list(f = "contr.sum"))``), else
``getOption("contrasts")`` -- ``contr.treatment`` for unordered and ``contr.poly`` for
ordered factors by default.  patsy codes every categorical with treatment contrasts, so
a translated ``lm`` would silently give other coefficients.  :func:`r_formula` rewrites a
formula's factor variables as ``C(f, Sum)`` / ``C(f, Helmert)`` / ``C(f, Poly)`` (patsy's
built-in codings, equal to R's ``contr.sum``/``contr.helmert``/``contr.poly`` matrices to
the last bits: the reference level of ``Sum`` is the last, as in ``contr.sum``), reading
the contrasts at run time from :func:`pylme.options` as R reads them when ``lm`` runs.
:func:`r_term_name` names the resulting coefficients as R does (``operator1``,
``f.L``, ``f^4``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import pandas as pd

from ..errors import ArgumentError
from ..options import default_contrast

__all__ = ["r_formula", "r_term_name"]

# R contrast name -> patsy's built-in coding (None: patsy's default, contr.treatment)
_PATSY = {"contr.treatment": None, "contr.sum": "Sum", "contr.helmert": "Helmert",
          "contr.poly": "Poly"}
_NAME = re.compile(r"(?<![\w.])([A-Za-z][\w.]*|\.[A-Za-z_][\w.]*)(?![\w.]|\s*\()")
_POLY_SUFFIX = {".Linear": ".L", ".Quadratic": ".Q", ".Cubic": ".C"}


def _contrast_name(value: Any) -> str:
    name = getattr(value, "__name__", value)
    if not isinstance(name, str):
        raise ArgumentError(f"contrasts must be given by name (e.g. 'contr.sum'), got {value!r}")
    return name.replace("contr_", "contr.")


def _coding(series: pd.Series, name: str) -> str | None:
    if name == "contr.SAS":  # treatment against the last level
        levels = list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype) \
            else sorted(series.dropna().unique())
        return f"Treatment(reference={levels[-1]!r})"
    if name not in _PATSY:
        raise ArgumentError(f"object '{name}' of mode 'function' was not found "
                            f"(contrasts the translation knows: {', '.join(_PATSY)}, contr.SAS)")
    return _PATSY[name]


def _factor_kind(series: pd.Series) -> bool | None:
    """Whether a column is an ordered factor (True), an unordered one (False: factors and
    the character columns R's ``lm`` turns into factors), or not a factor (None)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return bool(series.dtype.ordered)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        return False
    return None


def r_formula(formula: Any, data: Any, contrasts: Mapping[str, Any] | None = None) -> Any:
    """A statsmodels formula whose factors are coded as R's ``model.matrix`` codes them.

    Parameters
    ----------
    formula : str
        The formula (patsy syntax); anything else is returned unchanged.
    data : pandas.DataFrame
        The model's data: which variables are factors, and whether ordered.
    contrasts : mapping, optional
        Per-variable contrasts (R: ``lm(contrasts = list(f = "contr.sum"))``), by name.

    Returns
    -------
    str
        The formula with each factor variable written ``C(f, Sum)`` (``contr.sum``),
        ``C(f, Helmert)``, ``C(f, Poly)`` or ``C(f, Treatment(reference=...))``
        (``contr.SAS``); treatment-coded factors stay as written.
    """
    if not isinstance(formula, str) or not isinstance(data, pd.DataFrame):
        return formula
    contrasts = {k: _contrast_name(v) for k, v in (contrasts or {}).items()}
    lhs, tilde, rhs = formula.partition("~")
    if not tilde:
        lhs, rhs = "", formula

    def code(match: re.Match) -> str:
        var = match.group(1)
        start = match.start()
        if var not in data.columns or re.search(r"C\(\s*$", rhs[:start]):
            return var
        ordered = _factor_kind(data[var])
        if ordered is None:
            return var
        coding = _coding(data[var], contrasts.get(var, default_contrast(ordered)))
        return var if coding is None else f"C({var}, {coding})"

    return f"{lhs}{tilde}{_NAME.sub(code, rhs)}"


def _split_c(part: str) -> tuple[str, str] | None:
    """``C(f, Sum)[S.a]`` -> ``("f", "[S.a]")`` (the coding may hold parentheses)."""
    if not part.startswith("C("):
        return None
    depth = 0
    for i, ch in enumerate(part):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch == ")":
            return part[2:part.index(",")].strip() if "," in part[:i] else part[2:i], part[i + 1:]
    return None


def r_term_name(name: str, levels: Mapping[str, list[str]]) -> str:
    """One statsmodels coefficient (or anova term) name as R names it: ``(Intercept)``,
    ``groupb`` (treatment: ``group[T.b]``), ``group1`` (``C(group, Sum)[S.a]``: R numbers
    sum and Helmert columns ``1..k-1``), ``temp.L``/``temp^4`` (``C(temp, Poly).Linear``),
    ``I(x^2)``/``log(x)`` for ``I(x ** 2)``/``np.log(x)``, ``operator`` for the anova
    term ``C(operator, Sum)``, ``Solar.R`` for patsy's quoted ``Q('Solar.R')``."""
    name = re.sub(r"""\bQ\((['"])(.*?)\1\)""", r"\2", name)
    parts = []
    for part in name.split(":"):
        split = _split_c(part)
        var, suffix = split if split is not None else (None, part)
        m = re.fullmatch(r"(?P<var>[^\[]*)\[(?P<code>[TSH])\.(?P<level>.*)\]", suffix)
        if m is not None:
            var = var or m.group("var")
            level, known = m.group("level"), levels.get(var)
            if m.group("code") == "S" and known and level in known:
                level = str(known.index(level) + 1)  # contr.sum's columns are numbered
            elif m.group("code") == "H" and known and level in known:
                level = str(known.index(level))  # contr.helmert's too (from the 2nd level)
            parts.append(f"{var}{level}")
        elif var is not None:
            parts.append(var + _POLY_SUFFIX.get(suffix, suffix))
        else:
            part = part.replace(" ** ", "^").replace("**", "^").replace("np.", "")
            parts.append("(Intercept)" if part == "Intercept" else part)
    return ":".join(parts)
