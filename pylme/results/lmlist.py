"""The result of :func:`pylme.lmList` (lme4: class ``lmList4``) and its summaries.

* :class:`GroupFit`: one group's ``lm`` (what lme4 keeps per group);
* :class:`LmList`: lme4's ``lmList4``: ``coef()``, ``confint()``, ``summary()``,
  ``pooled_sd()`` (lme4 ``pooledSD``), ``plot()``; ``str()`` is lme4's ``show()``;
* :class:`LmListConfint`: lme4's ``lmList4.confint`` (groups x bounds x coefficients),
  with R's print and lme4's interval plot (``plot.lmList4.confint``, a lattice dotplot
  in R, matplotlib here);
* :class:`LmListSummary`: nlme's ``summary.lmList`` as lme4 builds it, with its print.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..printing.rformat import R_NA, format_real
from ..printing.rprint import print_data_frame

__all__ = ["MemberFit", "GroupFit", "LmList", "LmListConfint", "LmListSummary"]

_SUMMARY_COLUMNS = ("Estimate", "Std. Error", "t value", "Pr(>|t|)")


def _na(values: np.ndarray) -> np.ndarray:
    """NaN -> R's NA, which R's print writes as ``NA``."""
    values = np.array(values, dtype=float)
    return np.where(np.isnan(values), R_NA, values)


def _matrix_text(values: np.ndarray, rows: Sequence[str], cols: Sequence[str]) -> str:
    """``print()`` of a numeric matrix (each column formatted on its own, 7 digits)."""
    return print_data_frame(list(cols), list(rows), [list(_na(values[:, j])) for j in range(values.shape[1])])


def _percent_labels(level: float) -> tuple[str, str]:
    """R's ``paste(format(100 * a, trim = TRUE, scientific = FALSE, digits = 3), "%")``."""
    a = (1 - level) / 2
    return tuple(format_real([100 * p], 3)[0].strip() + " %" for p in (a, 1 - a))  # type: ignore[return-value]


def _mass_labels(level: float) -> tuple[str, str]:
    """MASS ``confint.profile.glm``'s ``paste(round(100 * a, 1), "%")``."""
    a = (1 - level) / 2
    return tuple(f"{round(100 * p, 1):.15g} %" for p in (a, 1 - a))  # type: ignore[return-value]


def _cat_number(x: float) -> str:
    return format_real([float(x)], 7)[0].strip()


@dataclass(frozen=True, eq=False)
class MemberFit:
    """What every member of the list has, ``lm`` or ``glm``.

    Attributes
    ----------
    names : tuple of str
        R's ``names(coef(fit))``.
    coef : ndarray
        Coefficients; NaN (R's NA) for aliased columns.
    resid, fitted : ndarray
        Residuals (deviance residuals for a ``glm``) and fitted values of the rows used.
    rank : int
    cov_unscaled : ndarray
        R ``summary(fit)$cov.unscaled`` of the estimable columns.
    estimable : tuple of str
        Names of the estimable coefficients, in R's order.
    """

    names: tuple
    coef: np.ndarray = field(repr=False)
    resid: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)
    rank: int
    cov_unscaled: np.ndarray = field(repr=False)
    estimable: tuple

    @property
    def nobs(self) -> int:
        """R ``length(resid(fit))``: rows of the group's model frame."""
        return int(self.resid.size)

    def coef_series(self) -> pd.Series:
        return pd.Series(self.coef, index=list(self.names), dtype=float)


@dataclass(frozen=True, eq=False)
class GroupFit(MemberFit):
    """One group's linear model (R: an ``lm`` object of the list); fields of :class:`MemberFit`."""

    @property
    def df_residual(self) -> int:
        """R ``df.residual``: rows minus rank."""
        return self.nobs - self.rank

    @property
    def sigma(self) -> float:
        """R ``summary(fit)$sigma``."""
        rdf = self.df_residual
        return float(np.sqrt(np.sum(self.resid**2) / rdf)) if rdf > 0 else float("nan")

    def std_errors(self, sigma: float | None = None) -> pd.Series:
        """Standard errors of all coefficients (NaN when aliased), with ``sigma`` (own by default)."""
        s = self.sigma if sigma is None else sigma
        se = pd.Series(np.nan, index=list(self.names), dtype=float)
        if self.estimable:
            se[list(self.estimable)] = s * np.sqrt(np.diag(self.cov_unscaled))
        return se

    def coef_table(self) -> pd.DataFrame:
        """R ``summary(fit)$coefficients``: estimable coefficients only."""
        est = self.coef_series()[list(self.estimable)]
        se = self.std_errors()[list(self.estimable)]
        t = est / se
        p = 2 * stats.t.sf(np.abs(t), self.df_residual)
        return pd.DataFrame({"Estimate": est, "Std. Error": se, "t value": t, "Pr(>|t|)": p})


@dataclass(frozen=True, eq=False)
class LmListConfint:
    """Per-group confidence intervals (lme4: ``lmList4.confint``).

    Attributes
    ----------
    array : ndarray, shape (groups, 2, coefficients)
        R's ``as(ci, "array")``: NaN where R has NA.
    groups, bounds, parms : tuple of str
        The dimnames (bounds as R labels them, ``"2.5 %"``, ``"97.5 %"``).
    """

    array: np.ndarray = field(repr=False)
    groups: tuple
    bounds: tuple
    parms: tuple

    @property
    def text(self) -> str:
        """R's ``print()`` of the object (its ``show()``: the class line, then the array)."""
        out = ['An object of class "lmList4.confint"\n']
        for k, parm in enumerate(self.parms):
            out.append(f", , {parm}\n\n")
            out.append(_matrix_text(self.array[:, :, k], self.groups, self.bounds))
            out.append("\n")
        return "".join(out)

    def __str__(self) -> str:
        return self.text

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per group and coefficient, columns ``lower``/``upper``."""
        rows = [(g, p, self.array[i, 0, k], self.array[i, 1, k])
                for k, p in enumerate(self.parms) for i, g in enumerate(self.groups)]
        return pd.DataFrame(rows, columns=["group", "term", "lower", "upper"])

    def plot(self, order: int | None = None, ax: Any = None) -> Any:
        """lme4's ``plot.lmList4.confint``: one panel per coefficient, each group's
        interval as a horizontal segment with bars at its ends (groups bottom-up in
        their order, or by the interval's midpoint in coefficient ``order`` (1-based),
        as lme4's ``order=``).  Needs matplotlib; returns the Figure.
        """
        import matplotlib.pyplot as plt

        groups = list(self.groups)
        idx = np.arange(len(groups))
        if order is not None and 1 <= int(order) <= len(self.parms):
            idx = np.argsort(np.nansum(self.array[:, :, int(order) - 1], axis=1), kind="stable")
        if ax is None:
            fig, axes = plt.subplots(1, len(self.parms), sharey=True, squeeze=False,
                                     figsize=(2.8 * max(1, len(self.parms)), 0.25 * len(groups) + 1.5))
            axes = axes[0]
        else:
            axes = np.atleast_1d(ax)
            fig = axes[0].figure
        for k, parm in enumerate(self.parms):
            a = axes[k]
            for pos, i in enumerate(idx):
                lo, hi = self.array[i, 0, k], self.array[i, 1, k]
                a.axhline(pos, color="0.9", lw=0.8, zorder=0)
                if np.isfinite(lo) and np.isfinite(hi):
                    a.plot([lo, hi], [pos, pos], color="C0", lw=2)
                    a.plot([lo, hi], [pos, pos], "|", color="C0", ms=8)
            a.set_title(parm)
        axes[0].set_yticks(range(len(idx)))
        axes[0].set_yticklabels([groups[i] for i in idx])
        return fig


@dataclass(frozen=True, eq=False)
class LmListSummary:
    """nlme's ``summary.lmList`` of an ``lmList4`` (what lme4's ``summary()`` returns).

    Attributes
    ----------
    coefficients : ndarray, shape (groups, 4, coefficients)
        Estimate, Std. Error, t value, Pr(>|t|) per group and coefficient (``glm``
        members: ``summary.glm``'s z or t columns); with ``pool`` the standard errors
        use the pooled σ and the p-values its degrees of freedom.
    groups, parms : tuple of str
    pool : bool
    RSE : float or None
        The pooled residual standard error (with ``pool``).
    df_residual : float or None
    sigma : ndarray
        Each group's own σ.
    columns : tuple of str
        The column names of each coefficient's table.
    """

    coefficients: np.ndarray = field(repr=False)
    groups: tuple
    parms: tuple
    pool: bool
    RSE: float | None
    df_residual: float | None
    sigma: np.ndarray = field(repr=False)
    model_text: str
    data_name: str | None
    columns: tuple = _SUMMARY_COLUMNS

    @property
    def text(self) -> str:
        """R's ``print()`` of the summary (nlme ``print.summary.lmList``).

        lme4 1.1-31's object lacks the ``groupsForm`` attribute nlme's print reads, so
        R writes ``| NULL`` after the model; reproduced as R prints it.
        """
        out = ["Call:\n", f"  Model: {self.model_text} | NULL \n",
               f"   Data: {self.data_name or 'data'} \n\n", "Coefficients:\n"]
        for k, parm in enumerate(self.parms):
            out.append(f"   {parm} \n")
            out.append(_matrix_text(self.coefficients[:, :, k], self.groups, self.columns))
        if self.pool:
            out.append(f"\nResidual standard error: {format_real([self.RSE], 7)[0].strip()} on "
                       f"{_cat_number(self.df_residual)} degrees of freedom\n")
        out.append("\n")
        return "".join(out)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class LmList:
    """Per-group linear models (lme4: ``lmList4``); build with :func:`pylme.lmList`.

    Attributes
    ----------
    fits : tuple of GroupFit or None
        One per group (None where the fit failed, R's NULL).
    groups : tuple of str
        The group labels, in the grouping factor's level order.
    formula_text : str
        The deparsed ``y ~ x | g`` formula.
    model_text : str
        The deparsed per-group model ``y ~ x``.
    data_name : str or None
    pool : bool
        Default of ``summary`` and ``show()``: use the pooled σ.
    family : Family or None
        The members' family (``glm`` members), None for ``lm`` members.
    call_text_override : str, optional
        R's deparsed ``lmList(...)`` call, as ``show()`` writes it.
    """

    fits: tuple
    groups: tuple
    formula_text: str
    model_text: str
    data_name: str | None = None
    pool: bool = True
    pool_given: bool = False
    family: Any = None
    call_text_override: str | None = None

    @property
    def is_glm(self) -> bool:
        """Whether the members are ``glm`` fits (lme4 ``isGLMlist``)."""
        return self.family is not None

    @property
    def has_scale(self) -> bool:
        """lme4 ``hasScale``: ``lm`` members, or a family with a scale parameter."""
        return self.family is None or self.family.family in ("gaussian", "Gamma", "inverse.gaussian")

    def __len__(self) -> int:
        return len(self.fits)

    def __getitem__(self, key: int | str) -> GroupFit | None:
        """One group's fit, by position or by group label (R ``fm[["308"]]``)."""
        if isinstance(key, str):
            return self.fits[self.groups.index(key)]
        return self.fits[key]

    def _fitted(self) -> list[tuple[int, GroupFit]]:
        return [(i, f) for i, f in enumerate(self.fits) if f is not None]

    def coef(self) -> pd.DataFrame:
        """lme4 ``coef.lmList4``: groups x coefficients (the union of the groups' names,
        in order of appearance), NaN where a group has no such coefficient or no fit."""
        names: list[str] = []
        for _, f in self._fitted():
            names.extend(n for n in f.names if n not in names)
        out = pd.DataFrame(np.nan, index=list(self.groups), columns=names, dtype=float)
        for i, f in self._fitted():
            out.loc[self.groups[i], list(f.names)] = f.coef
        return out

    def pooled_sd(self) -> tuple[float, float]:
        """lme4 ``pooledSD``: ``sqrt(sum RSS / sum (n_i - p_i))`` and its degrees of freedom
        (p_i counts aliased coefficients, as R's ``length(coef(el))``; ``glm`` members:
        deviance residuals).  Without a scale (binomial, Poisson members) lme4 returns
        1 with NA degrees of freedom (NaN here)."""
        if not self.has_scale:
            return 1.0, float("nan")
        rss = sum(float(np.sum(f.resid**2)) for _, f in self._fitted())
        df = sum(f.nobs - len(f.names) for _, f in self._fitted())
        if df == 0:
            from ..errors import NumericalError

            raise NumericalError("No degrees of freedom for estimating std. dev.")
        return float(np.sqrt(rss / df)), float(df)

    def confint(self, parm: Sequence[str] | str | None = None, level: float = 0.95,
                pool: bool | None = None) -> LmListConfint:
        """Per-group confidence intervals (lme4 ``confint.lmList4``).

        With ``pool=True``, ``coef ± sd_pooled · t(df_pooled) · sqrt(diag(cov.unscaled))``;
        otherwise each group's own ``confint``: ``confint.lm`` for ``lm`` members, R 4.2's
        ``confint.glm`` (MASS's profile-likelihood intervals) for ``glm`` members.  The
        default (``pool=None``) is what lme4 1.1-31 does: its ``confint.lmList4`` looks
        the default up as ``object$pool``, which is NULL for the S4 object, so intervals
        are per group unless ``pool = TRUE`` is passed (``summary()`` does read the
        object's ``pool``).  Binomial and Poisson lists have no pooled σ: ``pool=True``
        gives NA intervals, as in R.
        """
        fitted = self._fitted()
        if not fitted:
            return LmListConfint(np.zeros((0, 2, 0)), (), _percent_labels(level), ())
        first = fitted[0][1] if self.fits[0] is None else self.fits[0]
        parms = list(first.names) if parm is None else ([parm] if isinstance(parm, str) else list(parm))
        # the template is confint() of the first member: MASS labels glm bounds its own way
        bounds = _mass_labels(level) if self.is_glm and not pool else _percent_labels(level)
        val = np.full((len(self.groups), 2, len(parms)), np.nan)
        a = (1 - level) / 2
        if pool:  # None: lme4's object$pool lookup finds nothing (see above)
            sd, df = self.pooled_sd()
            fac = sd * stats.t.ppf([a, 1 - a], df)
            for i, f in fitted:
                est = f.coef_series().reindex(parms).to_numpy()
                se = (f.std_errors(1.0).reindex(parms)).to_numpy()
                val[i] = (est[:, None] + se[:, None] * fac[None, :]).T
        elif self.is_glm:
            flat: list[str] = []
            for i, f in fitted:
                own = [p for p in parms if p in f.names]
                ci, _, unstable = f.confint(own, level)
                val[i][:, [parms.index(p) for p in own]] = ci.T
                if unstable:
                    flat.append(self.groups[i])
            if flat:  # pylme's own warning: R gives these bounds without comment
                from ..errors import ConvergenceWarning

                warnings.warn(f"profiling refits reached fitted values numerically 0 or 1 (or did not converge) "
                              f"in group(s) {', '.join(flat)}: bounds that lie on a flat profile there are not "
                              "reproducible to rounding and may differ from R's", ConvergenceWarning, stacklevel=2)
        else:
            for i, f in fitted:
                q = stats.t.ppf([a, 1 - a], f.df_residual)
                est = f.coef_series().reindex(parms).to_numpy()
                se = f.std_errors().reindex(parms).to_numpy()
                val[i] = (est[:, None] + se[:, None] * q[None, :]).T
        return LmListConfint(val, tuple(self.groups), bounds, tuple(parms))

    def summary(self, pool: bool | None = None) -> LmListSummary:
        """lme4's ``summary()`` (nlme ``summary.lmList``): per-group coefficient tables,
        with the pooled σ (and its degrees of freedom for the p-values) under ``pool``.

        ``glm`` members: ``summary.glm``'s tables (z tests for binomial and Poisson, t
        tests with the estimated dispersion otherwise).

        Raises
        ------
        ArgumentError
            ``pool`` with ``glm`` members (the default for Gamma, inverse.gaussian and
            gaussian families): lme4 1.1-31 fails there with R's ``replacement has length
            zero`` (``summary.glm`` has no ``sigma`` to rescale by).
        """
        pool = self.pool if pool is None else bool(pool)
        if pool and self.is_glm:
            from ..errors import ArgumentError

            raise ArgumentError("replacement has length zero (lme4 1.1-31's summary() of an lmList of glm "
                                "fits fails with pool = TRUE: summary.glm has no sigma); use pool=False")
        fitted = self._fitted()
        parms: list[str] = []
        for _, f in fitted:
            parms.extend(n for n in f.estimable if n not in parms)
        coefs = np.full((len(self.groups), 4, len(parms)), np.nan)
        sigma = np.full(len(self.groups), np.nan)
        columns = tuple(fitted[0][1].coef_table().columns) if fitted else _SUMMARY_COLUMNS
        for i, f in fitted:
            tab = f.coef_table()
            cols = [parms.index(n) for n in tab.index]
            coefs[i][:, cols] = tab.to_numpy().T
            sigma[i] = f.sigma
        rse = dfres = None
        if pool:
            rse, dfres = self.pooled_sd()
            cor = rse / sigma
            coefs[:, 1, :] *= cor[:, None]
            coefs[:, 2, :] /= cor[:, None]
            coefs[:, 3, :] = 2 * stats.t.sf(np.abs(coefs[:, 2, :]), dfres)
        return LmListSummary(coefs, tuple(self.groups), tuple(parms), pool, rse, dfres, sigma,
                             self.model_text, self.data_name, columns)

    def plot(self, level: float = 0.95, **kwargs: Any) -> Any:
        """The interval plot of ``confint(level=level)`` (lme4 ``plot(confint(fm))``)."""
        return self.confint(level=level).plot(**kwargs)

    @property
    def call_text(self) -> str:
        """R's deparsed call, as ``show()`` writes it."""
        if self.call_text_override is not None:
            return self.call_text_override
        extra = "" if not self.pool_given else f", pool = {'TRUE' if self.pool else 'FALSE'}"
        return f"lmList(formula = {self.formula_text}, data = {self.data_name or 'data'}{extra})"

    @property
    def text(self) -> str:
        """lme4's ``show()`` of the object."""
        co = self.coef()
        out = [f"Call: {self.call_text} \n", "Coefficients:\n",
               print_data_frame(list(co.columns), list(co.index),
                                [list(_na(co[c].to_numpy())) for c in co.columns])]
        if self.pool:
            sd, df = self.pooled_sd()
            total = sum(f.fitted.size for _, f in self._fitted())
            dftext = "NA" if np.isnan(df) else _cat_number(df)
            out.append(f"\nDegrees of freedom: {total} total; {dftext} residual\n")
            out.append(f"Residual standard error: {format_real([sd], 7)[0].strip()}\n")
        return "".join(out)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text.rstrip("\n")
