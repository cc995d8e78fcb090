"""Diagnostic plots of a fitted model (lme4's lattice methods, drawn with matplotlib).

* :func:`caterpillar`         -- ``dotplot(ranef(fm, condVar = TRUE))`` (alias :func:`dotplot_ranef`)
* :func:`qq_ranef`            -- ``qqmath(ranef(fm, condVar = TRUE))`` (alias :func:`qqmath_ranef`)
* :func:`residuals_vs_fitted` -- ``plot(fm)`` (``plot.merMod``'s default)
* :func:`qq_residuals`        -- ``qqnorm(resid(fm, type = "pearson", scaled = TRUE)); qqline(...)``
* :func:`profile_zeta`        -- ``xyplot(profile(fm))`` (lme4 ``xyplot.thpr``)

matplotlib is an optional dependency (``pip install 'pylme[plots]'``); it is imported
only when a plot is drawn.  Every function returns a :class:`matplotlib.figure.Figure`
made with ``pyplot.figure`` (so ``plt.show()`` and notebooks display it) and never
calls ``plt.show()`` itself.  Drawn artists carry a ``gid`` (``"points"``,
``"interval"``, ``"zero"``, ``"guide"``, ``"limits"``, ``"qqline"``, ``"profile"``)
so that what a figure shows can be checked from its Axes.

``import pylme`` does not import this module (nor matplotlib): ``pylme.plots`` is
loaded on first access.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np
import pandas as pd
from scipy.stats import norm

from .errors import ArgumentError, DataError, PylmeError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .inference.profile import Profile
    from .results.model import LmerFit

__all__ = [
    "PlotDependencyError", "caterpillar", "qq_ranef", "residuals_vs_fitted", "qq_residuals",
    "profile_zeta", "conditional_sd", "dotplot_ranef", "qqmath_ranef",
]

MISSING_MATPLOTLIB = "plots need matplotlib: pip install 'pylme[plots]'"
PROFILE_CONF = (0.50, 0.80, 0.90, 0.95, 0.99)
_MAX_LABELLED_LEVELS = 100
_POINT_COLOR = "#0080ff"  # lattice's default plotting colour
_GUIDE_COLOR = "0.6"


class PlotDependencyError(PylmeError, ImportError):
    """matplotlib, pylme's optional ``plots`` extra, is not installed."""


# --- shared helpers -------------------------------------------------------------------
def _pyplot() -> Any:
    """Import ``matplotlib.pyplot`` lazily; a clear error when matplotlib is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise PlotDependencyError(MISSING_MATPLOTLIB) from exc
    return plt


def _check_fit(fit: Any) -> None:
    """The plots of a fitted model need an :class:`~pylme.results.model.LmerFit` or a
    :class:`~pylme.results.glmer_model.GlmerFit` (lme4 plots both: for a GLMM the residual
    plot shows Pearson residuals against the fitted means μ)."""
    from .results.glmer_model import GlmerFit
    from .results.model import LmerFit

    if not isinstance(fit, (LmerFit, GlmerFit)):
        raise ArgumentError("a fitted model (LmerFit or GlmerFit, from pylme.lmer or pylme.glmer) is needed, "
                            f"got {type(fit).__name__}")


def _names(value: Any, what: str) -> list[str] | None:
    """``None``, one name or an iterable of names, as a list of str."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        raise ArgumentError(f"{what} must be a name or a list of names, got {value!r}") from None
    if not all(isinstance(n, str) for n in names):
        raise ArgumentError(f"{what} must be names (str), got {names!r}")
    return names


def _z(level: float) -> float:
    """``qnorm(1 - (1 - level)/2)``, the half-width multiplier of a ``level`` interval."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise DataError(f"level must be strictly between 0 and 1, got {level!r}")
    return float(norm.ppf(1 - (1 - level) / 2))


def _ppoints(n: int) -> np.ndarray:
    """R ``ppoints(n)``: ``(i - a)/(n + 1 - 2a)`` with ``a = 3/8`` for n ≤ 10, else 1/2."""
    a = 3 / 8 if n <= 10 else 1 / 2
    return (np.arange(1, n + 1) - a) / (n + 1 - 2 * a)


def conditional_sd(frame: pd.DataFrame) -> np.ndarray:
    """Conditional standard deviations of one factor's random effects, shape (levels, columns).

    The square roots of the diagonals of ``frame.attrs["postVar"]`` as made by
    ``fit.ranef(condVar=True)`` (lme4: ``sqrt(attr(ranef(fm, condVar = TRUE)[[g]],
    "postVar")[i, i, ])``); a list of per-term arrays is bound column-wise in term order,
    matching the frame's columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        One grouping factor's frame of ``fit.ranef(condVar=True)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(levels, columns)``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentError(f"conditional_sd needs one factor's DataFrame of fit.ranef(condVar=True), "
                        f"got {type(frame).__name__}")
    post = frame.attrs.get("postVar")
    if post is None:
        raise DataError("the random effects carry no conditional variances: use fit.ranef(condVar=True)")
    blocks = post if isinstance(post, (list, tuple)) else [post]
    sd = np.hstack([np.sqrt(np.diagonal(np.asarray(b, float), axis1=1, axis2=2)) for b in blocks])
    if sd.shape != frame.shape:
        raise DataError(f"postVar diagonals have shape {sd.shape}, the random effects {frame.shape}")
    return sd


def _select_groups(effects: dict[str, pd.DataFrame], group: str | Iterable[str] | None) -> dict[str, pd.DataFrame]:
    """The grouping factors to draw: all of them, one name, or a list of names."""
    names = _names(group, "group")
    if names is None:
        return dict(effects)
    unknown = [g for g in names if g not in effects]
    if unknown or not names:
        raise DataError(f"unknown grouping factor(s) {unknown}: the model has {list(effects)}")
    return {g: effects[g] for g in names}


# --- random effects: dotplot / qqmath ------------------------------------------------------
def _ranef_figure(fit: "LmerFit", group: str | Iterable[str] | None, level: float, draw_factor: Callable) -> Any:
    """One row of panels per grouping factor (a subfigure titled with its name), one panel per column.

    ``draw_factor(axes, frame, sd, z)`` fills a factor's panels.
    """
    plt = _pyplot()
    _check_fit(fit)
    z = _z(level)
    effects = _select_groups(fit.ranef(condVar=True), group)
    heights = [max(2.2, 0.2 * min(len(f), _MAX_LABELLED_LEVELS) + 1.2) for f in effects.values()]
    width = max(4.5, 3.0 * max(f.shape[1] for f in effects.values()) + 1.0)
    fig = plt.figure(figsize=(width, sum(heights)), layout="constrained")
    subfigs = fig.subfigures(len(effects), 1, height_ratios=heights, squeeze=False)[:, 0]
    for sub, (name, frame) in zip(subfigs, effects.items()):
        axes = sub.subplots(1, frame.shape[1], sharey=True, squeeze=False)[0]
        draw_factor(axes, frame, conditional_sd(frame), z)
        sub.suptitle(name)
    return fig


def _interval_panel(ax: Any, x: np.ndarray, y: np.ndarray, half: np.ndarray, title: str) -> None:
    """Points at ``(x, y)`` with horizontal bars ``x ± half`` and a vertical line at 0 (lme4 ``panel.ci``)."""
    ax.axvline(0.0, color=_GUIDE_COLOR, lw=0.8, zorder=0, gid="zero")
    bars = ax.hlines(y, x - half, x + half, color="black", lw=1.0, zorder=1)
    bars.set_gid("interval")
    ax.plot(x, y, "o", color=_POINT_COLOR, ms=4, zorder=2, gid="points")
    ax.set_title(title)
    ax.grid(True, color="0.92", zorder=-1)
    ax.set_axisbelow(True)


def _dotplot_factor(order: bool) -> Callable:
    """The per-factor drawer of :func:`caterpillar`."""

    def draw(axes: Any, frame: pd.DataFrame, sd: np.ndarray, z: float) -> None:
        rows = _level_order(frame, order)
        labels = [str(frame.index[i]) for i in rows]
        y = np.arange(len(rows), dtype=float)
        for j, ax in enumerate(axes):
            _interval_panel(ax, frame.iloc[rows, j].to_numpy(float), y, z * sd[rows, j], str(frame.columns[j]))
        _level_ticks(axes[0], y, labels)

    return draw


def _level_order(frame: pd.DataFrame, order: bool) -> np.ndarray:
    """Row order bottom to top: by the first column's value (lme4 ``reorder``) or R's level order."""
    if not order:
        return np.arange(len(frame))
    return np.argsort(frame.iloc[:, 0].to_numpy(float), kind="stable")


def _level_ticks(ax: Any, y: np.ndarray, labels: list[str]) -> None:
    """Level names as y tick labels (all panels share y); none when there are too many to read."""
    ax.set_ylim(-0.7, len(y) - 0.3)
    if len(y) > _MAX_LABELLED_LEVELS:
        ax.set_yticks([])
        ax.set_ylabel(f"{len(y)} levels")
        return
    ax.set_yticks(y, labels, fontsize=8 if len(y) > 30 else None)


def caterpillar(fit: "LmerFit", group: str | Iterable[str] | None = None, level: float = 0.95,
                order: bool = True) -> "Figure":
    """Caterpillar plot of the conditional modes with prediction intervals.

    R counterpart: ``lattice::dotplot(ranef(fm, condVar = TRUE))`` (lme4
    ``dotplot.ranef.mer``).  Each grouping factor is a row titled with its name, with one
    panel per random-effect column; the factor's levels are on the y axis, points are
    the conditional modes and horizontal bars span ``± qnorm(1 - (1 - level)/2) ·``
    the conditional standard deviation (square root of the ``postVar`` diagonal).

    Parameters
    ----------
    fit : LmerFit
        A fitted model.
    group : str or list of str, optional
        The grouping factor(s) to draw; all by default.
    level : float, default 0.95
        Coverage of the intervals.
    order : bool, default True
        Order the levels (bottom to top) by the first column's conditional mode, as
        lme4's dotplot does; ``False`` keeps the factor's level order.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Unlike lattice's default, each panel has its own x scale (lme4 users usually ask
    for ``scales = list(x = list(relation = "free"))``).  Factors with more than 100
    levels are drawn without level labels.
    """
    if not isinstance(order, (bool, np.bool_)):
        raise ArgumentError(f"'order' must be True or False, got {order!r}")
    return _ranef_figure(fit, group, level, _dotplot_factor(bool(order)))


def _qq_factor(axes: Any, frame: pd.DataFrame, sd: np.ndarray, z: float) -> None:
    """The per-factor drawer of :func:`qq_ranef`: each column sorted against normal quantiles."""
    n = len(frame)
    quantiles = norm.ppf((np.arange(1, n + 1) - 0.5) / n)
    for j, ax in enumerate(axes):
        values = frame.iloc[:, j].to_numpy(float)
        rows = np.argsort(values, kind="stable")
        _interval_panel(ax, values[rows], quantiles, z * sd[rows, j], str(frame.columns[j]))
    axes[0].set_ylabel("Standard normal quantiles")


def qq_ranef(fit: "LmerFit", group: str | Iterable[str] | None = None, level: float = 0.95) -> "Figure":
    """Normal quantile plots of the conditional modes with prediction intervals.

    R counterpart: ``lattice::qqmath(ranef(fm, condVar = TRUE))`` (lme4
    ``qqmath.ranef.mer``).  For each grouping factor (a row titled with its name) and
    random-effect column (a panel), the sorted conditional modes are plotted against the
    standard normal quantiles ``qnorm((i - 0.5)/n)``, with horizontal bars of
    ``± qnorm(1 - (1 - level)/2) ·`` conditional SD.

    Parameters
    ----------
    fit : LmerFit
        A fitted model.
    group : str or list of str, optional
        The grouping factor(s) to draw; all by default.
    level : float, default 0.95
        Coverage of the intervals (lme4 hard-codes 1.96, i.e. 0.95).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each mode keeps its own conditional SD after sorting (lme4's ``qqmath.ranef.mer``
    pairs them up wrongly for factors with more than one column).
    """
    return _ranef_figure(fit, group, level, _qq_factor)


# --- residuals ----------------------------------------------------------------------
def _finite_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the NaN padding of ``na_action="exclude"``."""
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def residuals_vs_fitted(fit: "LmerFit") -> "Figure":
    """Pearson residuals against fitted values, with a horizontal line at 0.

    R counterpart: ``plot(fm)``, lme4 ``plot.merMod``'s default
    ``resid(., type = "pearson") ~ fitted(.)`` (with ``abline = 0``).

    Parameters
    ----------
    fit : LmerFit
        A fitted model.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    _check_fit(fit)
    x, y = _finite_pairs(np.asarray(fit.fitted(), float), np.asarray(fit.residuals(type="pearson"), float))
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    ax.axhline(0.0, color=_GUIDE_COLOR, lw=1.0, zorder=0, gid="zero")
    ax.plot(x, y, "o", mfc="none", color=_POINT_COLOR, ms=5, gid="points")
    ax.set_xlabel("Fitted values")
    ax.set_ylabel("Pearson residuals")
    ax.set_title("Residuals vs fitted")
    return fig


def _qqline(sample: np.ndarray) -> tuple[float, float]:
    """R ``qqline``: (intercept, slope) of the line through the quartile pairs."""
    y1, y2 = np.quantile(sample, [0.25, 0.75])  # R quantile type 7
    x1, x2 = norm.ppf([0.25, 0.75])
    slope = (y2 - y1) / (x2 - x1)
    return float(y1 - slope * x1), float(slope)


def qq_residuals(fit: "LmerFit") -> "Figure":
    """Normal QQ plot of the scaled Pearson residuals with R's ``qqline`` reference line.

    R counterpart: ``r <- resid(fm, type = "pearson", scaled = TRUE); qqnorm(r); qqline(r)``.
    Theoretical quantiles are ``qnorm(ppoints(n))``; the line passes through the
    first and third quartile pairs.

    Parameters
    ----------
    fit : LmerFit
        A fitted model.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    _check_fit(fit)
    r = np.asarray(fit.residuals(type="pearson", scaled=True), float)
    sample = np.sort(r[np.isfinite(r)])
    theory = norm.ppf(_ppoints(sample.size))
    intercept, slope = _qqline(sample)
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    ax.plot(theory, sample, "o", mfc="none", color=_POINT_COLOR, ms=5, gid="points")
    ends = np.array([theory[0], theory[-1]])
    ax.plot(ends, intercept + slope * ends, "-", color="black", lw=1.0, gid="qqline")
    ax.set_xlabel("Theoretical Quantiles")
    ax.set_ylabel("Sample Quantiles")
    ax.set_title("Normal Q-Q Plot")
    return fig


# --- profiles -----------------------------------------------------------------------
_FRAME_ATTRIBUTES = ("frame", "data", "df")


def _profile_frame(profile: Any) -> pd.DataFrame:
    """The thpr-shaped DataFrame of a Profile object (its ``.frame``), or the DataFrame itself."""
    frame = profile
    if not isinstance(profile, pd.DataFrame):
        for attr in _FRAME_ATTRIBUTES:
            value = getattr(profile, attr, None)
            value = value() if callable(value) else value
            if isinstance(value, pd.DataFrame):
                frame = value
                break
        else:
            raise DataError("profile_zeta needs a Profile (with a .frame DataFrame) or its DataFrame, "
                            f"not {type(profile).__name__}")
    missing = [c for c in (".zeta", ".par") if c not in frame.columns]
    if missing:
        raise DataError(f"a profile frame needs the columns .zeta and .par (lme4 thpr); missing {missing}")
    return frame


def _profile_parameters(frame: pd.DataFrame, which: Iterable[str] | None) -> list[str]:
    """Parameters in the profile's order (the ``.par`` levels, else first appearance)."""
    par = frame[".par"]
    present = set(par.astype(str))
    if isinstance(par.dtype, pd.CategoricalDtype):
        names = [str(c) for c in par.cat.categories if str(c) in present]
    else:
        names = [str(p) for p in pd.unique(par)]
    chosen = _names(which, "which")
    if chosen is None:
        return names
    unknown = [w for w in chosen if w not in names]
    if unknown or not chosen:
        raise DataError(f"unknown profile parameter(s) {unknown}: the profile has {names}")
    return chosen


def _profile_curve(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(parameter values, ζ) of one parameter's profile, sorted by the parameter."""
    rows = frame[frame[".par"].astype(str) == name]
    column = ".focal" if ".focal" in rows.columns else name
    if column not in rows.columns:
        raise DataError(f"the profile frame has neither .focal nor a column '{name}'")
    x, zeta = _finite_pairs(rows[column].to_numpy(float), rows[".zeta"].to_numpy(float))
    order = np.argsort(x, kind="stable")
    return x[order], zeta[order]


def _crossings(x: np.ndarray, zeta: np.ndarray, level: float) -> list[tuple[float, float]]:
    """Where the profile reaches ζ = ∓level (linear interpolation), as (x, ζ) pairs."""
    out = []
    for target in (-level, level):
        side = zeta <= 0 if target < 0 else zeta >= 0
        xs, zs = x[side], zeta[side]
        if zs.size >= 2 and zs.min() <= target <= zs.max():
            order = np.argsort(zs, kind="stable")
            out.append((float(np.interp(target, zs[order], xs[order])), target))
    return out


def _profile_panel(ax: Any, x: np.ndarray, zeta: np.ndarray, levels: np.ndarray, name: str) -> None:
    """One ``xyplot.thpr`` panel: ζ against the parameter, guides at ±levels, limits drawn down to 0."""
    for lev in levels:
        for target in (-lev, lev):
            ax.axhline(target, color=_GUIDE_COLOR, lw=0.7, ls="--", zorder=0, gid="guide")
        for cx, cz in _crossings(x, zeta, lev):
            ax.plot([cx, cx], [0.0, cz], color=_GUIDE_COLOR, lw=0.7, zorder=0, gid="limits")
    ax.plot(x, zeta, "-", color=_POINT_COLOR, lw=1.5, gid="profile")
    ax.set_title(name)
    ax.grid(True, color="0.92", zorder=-1)
    ax.set_axisbelow(True)


def _grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) for ``n`` panels: one row up to 3, else a near-square grid."""
    ncols = n if n <= 3 else math.ceil(math.sqrt(n))
    return math.ceil(n / ncols), ncols


def profile_zeta(profile_or_frame: "Profile | pd.DataFrame", conf: Iterable[float] = PROFILE_CONF,
                 which: Iterable[str] | None = None) -> "Figure":
    """Profile zeta plots: ζ against each parameter, one panel per parameter.

    R counterpart: ``lattice::xyplot(profile(fm))`` (lme4 ``xyplot.thpr``).  Each panel
    draws the signed square root of the likelihood-ratio statistic, ζ, against the
    parameter's value, with horizontal guides at ``± qnorm((1 + conf)/2)`` (lme4's
    ``sqrt(qchisq(conf, 1))``) and vertical lines from ζ = 0 to where the profile
    reaches each guide (the profile confidence limits).

    Parameters
    ----------
    profile_or_frame : Profile or pandas.DataFrame
        ``pylme.inference.profile.profile(fit)``'s result (its ``.frame`` is used) or a
        DataFrame shaped like lme4's ``thpr``: columns ``.zeta``, one per parameter,
        ``.par`` (the profiled parameter of each row) and optionally ``.focal`` (its
        value; otherwise the parameter's own column is used).
    conf : sequence of float, default (0.5, 0.8, 0.9, 0.95, 0.99)
        Confidence levels of the guides (lme4's default).
    which : sequence of str, optional
        Parameters to draw, in this order; all by default, in ``.par`` order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    try:
        conf = np.asarray([conf] if isinstance(conf, numbers.Real) else list(conf), float)
    except (TypeError, ValueError):
        raise ArgumentError(f"'conf' must be confidence levels (numbers), got {conf!r}") from None
    if conf.size == 0 or np.any(~np.isfinite(conf) | (conf <= 0) | (conf >= 1)):
        raise DataError("values of 'conf' must be strictly between 0 and 1")
    levels = np.sort(norm.ppf((1 + conf) / 2))
    frame = _profile_frame(profile_or_frame)
    names = _profile_parameters(frame, which)
    nrows, ncols = _grid_shape(len(names))
    fig, axes = plt.subplots(nrows, ncols, sharey=True, squeeze=False,
                             figsize=(3.0 * ncols + 0.8, 2.8 * nrows + 0.4), layout="constrained")
    flat = axes.ravel()
    for ax, name in zip(flat, names):
        _profile_panel(ax, *_profile_curve(frame, name), levels, name)
    for ax in flat[len(names):]:
        fig.delaxes(ax)
    for row in axes:
        row[0].set_ylabel("ζ")
    return fig


#: lme4's name of :func:`caterpillar` (``dotplot.ranef.mer``).
dotplot_ranef = caterpillar
#: lme4's name of :func:`qq_ranef` (``qqmath.ranef.mer``).
qqmath_ranef = qq_ranef
