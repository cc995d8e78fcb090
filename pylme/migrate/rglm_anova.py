"""R's ``anova()`` of translated ``glm`` fits: ``anova.glm`` (the analysis of deviance,
terms added sequentially, each model refitted by R's ``glm.fit``) and
``anova.glmlist`` (``anova(g0, g1, ...)``), with ``test = "Chisq"``/``"LRT"``/``"F"``
as R's ``stat.anova`` computes them; printed as R prints them.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from scipy import stats

from ..errors import ArgumentError
from ..printing.rformat import R_NA
from .rglm import _irls, _response, r_glm_fit, summary_glm
from .rlm import r_formula_text, r_layout
from .rlm_print import RTable

__all__ = ["anova_glm"]

_TESTS = ("Chisq", "LRT", "F")


def _stat_anova(values: np.ndarray, columns: list, test: str, scale: float,
                df_scale: float) -> tuple[np.ndarray, list]:
    """R's ``stat.anova`` for the Chisq/LRT and F tests (NA rows stay NA)."""
    dfs = values[:, columns.index("Df")]
    dev = values[:, columns.index("Deviance")]
    with np.errstate(invalid="ignore", divide="ignore"):
        if test in ("Chisq", "LRT"):
            vals = dev / scale * np.sign(dfs)
            vals[(dfs == 0) | (vals < 0)] = np.nan
            p = stats.chi2.sf(vals, np.abs(dfs))
            p[np.isnan(vals)] = R_NA
            return np.column_stack([values, p]), columns + ["Pr(>Chi)"]
        f = (dev / dfs) / scale
        f[(dfs == 0) | (f < 0)] = np.nan
        p = stats.f.sf(f, np.abs(dfs), df_scale)
        f[np.isnan(f)] = R_NA
        p[np.isnan(p)] = R_NA
        return np.column_stack([values, f, p]), columns + ["F", "Pr(>F)"]


def _dispersion(fit: Any, family: str) -> tuple[float, float]:
    """``summary(object)$dispersion`` and its df (Inf when fixed at 1)."""
    if family in ("binomial", "poisson"):
        return 1.0, np.inf
    s = summary_glm(fit, call="")
    return s.dispersion, float(s.df_residual)


def anova_glm(*fits: Any, test: Optional[str] = None) -> RTable:
    """R's ``anova(glm_fit, test=)`` or ``anova(g0, g1, ..., test=)``."""
    if test is not None and test not in _TESTS:
        raise ArgumentError(f"anova() of glm fits: test = {test!r} (the translation knows "
                            f"{', '.join(_TESTS)})")
    if len(fits) > 1:
        return _anova_glmlist(fits, test)
    fit = fits[0]
    g = r_glm_fit(fit)
    order, _, assign, terms, _ = r_layout(fit)
    x = np.asarray(fit.model.exog, dtype=float)[:, order]
    y, weights, n = _response(fit.model, g.family)
    offset = getattr(fit.model, "offset", None)
    offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    resdf, resdev = [g.df_null], [g.null_deviance]
    for i in range(1, max(len(terms), 1)):  # R refits all but the full model
        _, qr, _, _, dev, _, _ = _irls(x[:, assign <= i], y, weights, n, offset, g.family,
                                       g.link)
        resdev.append(dev)
        resdf.append(int(np.sum(weights != 0)) - qr.rank)
    if terms:
        resdf.append(g.df_residual)
        resdev.append(g.deviance)
    resdf_a, resdev_a = np.array(resdf, float), np.array(resdev, float)
    values = np.column_stack([np.append(R_NA, -np.diff(resdf_a)),
                              np.append(R_NA, np.maximum(0, -np.diff(resdev_a))),
                              resdf_a, resdev_a])
    columns = ["Df", "Deviance", "Resid. Df", "Resid. Dev"]
    response = r_formula_text(fit).partition("~")[0].strip()
    title = (f"Analysis of Deviance Table\n\nModel: {g.family}, link: {g.link.name}\n\n"
             f"Response: {response}\n\nTerms added sequentially (first to last)\n\n")
    if test is not None:
        scale, df_scale = _dispersion(fit, g.family)
        values, columns = _stat_anova(values, columns, test, scale, df_scale)
    return RTable(values, index=["NULL"] + terms[:len(values) - 1],
                  columns=columns).with_print(heading=(title,), digits=5)


def _anova_glmlist(fits, test: Optional[str]) -> RTable:
    gs = [r_glm_fit(f) for f in fits]
    resdf = np.array([g.df_residual for g in gs], dtype=float)
    resdev = np.array([g.deviance for g in gs])
    values = np.column_stack([resdf, resdev, np.append(R_NA, -np.diff(resdf)),
                              np.append(R_NA, -np.diff(resdev))])
    columns = ["Resid. Df", "Resid. Dev", "Df", "Deviance"]
    width = len(str(len(fits)))
    topnote = "\n".join(f"Model {str(i + 1).rjust(width)}: {r_formula_text(f)}"
                        for i, f in enumerate(fits))
    if test is not None:
        big = int(np.argmin(resdf))
        scale, _ = _dispersion(fits[big], gs[big].family)
        df_scale = np.inf if scale == 1 else float(resdf.min())
        values, columns = _stat_anova(values, columns, test, scale, df_scale)
    return RTable(values, index=[str(i + 1) for i in range(len(fits))],
                  columns=columns).with_print(heading=("Analysis of Deviance Table\n", topnote),
                                              digits=5)
