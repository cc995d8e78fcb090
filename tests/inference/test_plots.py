"""The diagnostic plots draw what lme4's lattice methods show, checked from the Axes.

Rendered headless (Agg) to PNG; what is drawn is read back from the artists, which
pylme.plots tags with a ``gid`` ("points", "interval", "zero", "guide", "limits",
"qqline", "profile").  R counterparts: dotplot/qqmath(ranef(fm, condVar = TRUE)),
plot.merMod, qqnorm + qqline, xyplot(profile(fm)).
"""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

matplotlib = pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install 'pylme[plots]'")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import pylme  # noqa: E402
from pylme import plots  # noqa: E402
from pylme.errors import DataError, PylmeError  # noqa: E402

SLEEP = pylme.datasets.load("sleepstudy")


def _fit(formula, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer(formula, data, **kwargs)


@pytest.fixture(scope="module")
def sleep_fit():
    return _fit("Reaction ~ Days + (Days | Subject)", SLEEP)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tagged(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def _axes(fig):
    return [ax for ax in fig.get_axes() if _tagged(ax, "points") or _tagged(ax, "profile")]


def _half_widths(ax):
    (bars,) = _tagged(ax, "interval")
    segments = np.array([seg[:, 0] for seg in bars.get_segments()])
    return (segments[:, 1] - segments[:, 0]) / 2, segments.mean(axis=1)


def _save(fig, path):
    fig.savefig(path)
    assert path.stat().st_size > 0


def _sd(frame):
    return np.sqrt(np.diagonal(frame.attrs["postVar"], axis1=1, axis2=2))


# --- caterpillar: dotplot(ranef(fm, condVar = TRUE)) -------------------------------------
def test_caterpillar_points_intervals_and_level_order(sleep_fit, tmp_path):
    fig = plots.caterpillar(sleep_fit)
    _save(fig, tmp_path / "caterpillar.png")
    effects = sleep_fit.ranef(condVar=True)["Subject"]
    sd = _sd(effects)
    order = np.argsort(effects["(Intercept)"].to_numpy(), kind="stable")
    panels = _axes(fig)
    assert len(fig.get_axes()) == len(panels) == 2
    assert [ax.get_title() for ax in panels] == ["(Intercept)", "Days"]
    assert [sub.get_suptitle() for sub in fig.subfigs] == ["Subject"]
    labels = [t.get_text() for t in panels[0].get_yticklabels()]
    assert labels == [str(effects.index[i]) for i in order]  # ordered by the intercepts, bottom to top
    assert labels[:2] == ["309", "310"] and labels[-1] == "337"  # lme4's dotplot of fm1
    for j, ax in enumerate(panels):
        (points,) = _tagged(ax, "points")
        assert len(points.get_xdata()) == 18
        np.testing.assert_allclose(points.get_xdata(), effects.iloc[order, j].to_numpy())
        np.testing.assert_allclose(points.get_ydata(), np.arange(18))
        half, centre = _half_widths(ax)
        np.testing.assert_allclose(half, norm.ppf(0.975) * sd[order, j], rtol=1e-12)
        np.testing.assert_allclose(centre, effects.iloc[order, j].to_numpy(), rtol=1e-12)
        (zero,) = _tagged(ax, "zero")
        assert list(zero.get_xdata()) == [0, 0]


def test_caterpillar_level_and_unordered_levels(sleep_fit):
    effects = sleep_fit.ranef(condVar=True)["Subject"]
    fig = plots.caterpillar(sleep_fit, level=0.8, order=False)
    first = _axes(fig)[0]
    assert [t.get_text() for t in first.get_yticklabels()] == list(effects.index)  # R's level order
    half, _ = _half_widths(first)
    np.testing.assert_allclose(half, norm.ppf(0.9) * _sd(effects)[:, 0], rtol=1e-12)


def test_caterpillar_one_row_per_grouping_factor_and_group_selection():
    fit = _fit("diameter ~ 1 + (1 | plate) + (1 | sample)", pylme.datasets.load("Penicillin"))
    fig = plots.caterpillar(fit, level=0.9)
    assert [sub.get_suptitle() for sub in fig.subfigs] == ["plate", "sample"]
    counts = [len(_tagged(ax, "points")[0].get_xdata()) for ax in _axes(fig)]
    assert counts == [24, 6]
    only = plots.caterpillar(fit, group="sample")
    (ax,) = _axes(only)
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == list("ABCDEF")
    with pytest.raises(DataError, match="unknown grouping factor"):
        plots.caterpillar(fit, group="Batch")


def test_caterpillar_uncorrelated_terms_use_each_terms_postvar():
    # (Days || Subject): two terms on one factor, postVar is a list of (levels, 1, 1) arrays
    fit = _fit("Reaction ~ Days + (Days || Subject)", SLEEP)
    effects = fit.ranef(condVar=True)["Subject"]
    assert isinstance(effects.attrs["postVar"], list)
    sd = np.hstack([np.sqrt(p[:, 0, :]) for p in effects.attrs["postVar"]])
    np.testing.assert_allclose(plots.conditional_sd(effects), sd)
    fig = plots.caterpillar(fit)
    order = np.argsort(effects.iloc[:, 0].to_numpy(), kind="stable")
    for j, ax in enumerate(_axes(fig)):
        half, _ = _half_widths(ax)
        np.testing.assert_allclose(half, norm.ppf(0.975) * sd[order, j], rtol=1e-12)


def test_bad_level_is_refused(sleep_fit):
    for level in (0.0, 1.0, 95):
        with pytest.raises(DataError, match="level"):
            plots.caterpillar(sleep_fit, level=level)


# --- qq_ranef: qqmath(ranef(fm, condVar = TRUE)) -----------------------------------------
def test_qq_ranef_sorted_modes_against_normal_quantiles(sleep_fit, tmp_path):
    fig = plots.qq_ranef(sleep_fit)
    _save(fig, tmp_path / "qq_ranef.png")
    effects = sleep_fit.ranef(condVar=True)["Subject"]
    sd = _sd(effects)
    panels = _axes(fig)
    assert [ax.get_title() for ax in panels] == ["(Intercept)", "Days"]
    assert panels[0].get_ylabel() == "Standard normal quantiles"
    quantiles = norm.ppf((np.arange(1, 19) - 0.5) / 18)
    for j, ax in enumerate(panels):
        (points,) = _tagged(ax, "points")
        order = np.argsort(effects.iloc[:, j].to_numpy(), kind="stable")
        np.testing.assert_allclose(points.get_xdata(), effects.iloc[order, j].to_numpy())
        np.testing.assert_allclose(points.get_ydata(), quantiles)
        half, _ = _half_widths(ax)  # each level keeps its own SD after sorting
        np.testing.assert_allclose(half, norm.ppf(0.975) * sd[order, j], rtol=1e-12)


# --- residual plots: plot.merMod, qqnorm ------------------------------------------------
def test_residuals_vs_fitted(sleep_fit, tmp_path):
    fig = plots.residuals_vs_fitted(sleep_fit)
    _save(fig, tmp_path / "rvf.png")
    (ax,) = fig.get_axes()
    (points,) = _tagged(ax, "points")
    np.testing.assert_allclose(points.get_xdata(), sleep_fit.fitted())
    np.testing.assert_allclose(points.get_ydata(), sleep_fit.residuals(type="pearson"))
    (zero,) = _tagged(ax, "zero")
    assert list(zero.get_ydata()) == [0, 0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Fitted values", "Pearson residuals")


def test_residual_plots_drop_the_exclude_padding():
    data = SLEEP.copy()
    data.loc[[3, 50], "Reaction"] = np.nan
    fit = _fit("Reaction ~ Days + (Days | Subject)", data, na_action="exclude")
    assert np.isnan(fit.fitted()).sum() == 2
    (points,) = _tagged(plots.residuals_vs_fitted(fit).get_axes()[0], "points")
    assert len(points.get_xdata()) == 178
    (points,) = _tagged(plots.qq_residuals(fit).get_axes()[0], "points")
    assert len(points.get_ydata()) == 178


def test_qq_residuals_points_and_qqline(sleep_fit, tmp_path):
    fig = plots.qq_residuals(sleep_fit)
    _save(fig, tmp_path / "qq_residuals.png")
    (ax,) = fig.get_axes()
    r = np.sort(sleep_fit.residuals(type="pearson", scaled=True))
    (points,) = _tagged(ax, "points")
    np.testing.assert_allclose(points.get_ydata(), r)
    np.testing.assert_allclose(points.get_xdata(), norm.ppf((np.arange(1, 181) - 0.5) / 180))  # ppoints(180)
    (line,) = _tagged(ax, "qqline")
    (x1, x2), (y1, y2) = line.get_xdata(), line.get_ydata()
    slope = (y2 - y1) / (x2 - x1)
    q1, q3 = np.quantile(r, [0.25, 0.75])
    z1, z3 = norm.ppf([0.25, 0.75])
    assert slope == pytest.approx((q3 - q1) / (z3 - z1), rel=1e-12)
    assert y1 + slope * (z1 - x1) == pytest.approx(q1, rel=1e-12)  # through the first quartile pair
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "Normal Q-Q Plot", "Theoretical Quantiles", "Sample Quantiles")


def test_ppoints_matches_r():
    # R: ppoints(5); ppoints(12)
    np.testing.assert_allclose(plots._ppoints(5), [0.119047619047619, 0.309523809523810, 0.5,
                                                   0.690476190476190, 0.880952380952381], rtol=1e-12)
    np.testing.assert_allclose(plots._ppoints(12)[:2], [0.0416666666666667, 0.125], rtol=1e-12)


# --- profile_zeta: xyplot(profile(fm)) -------------------------------------------------------
def _thpr(params=(".sig01", ".sigma", "(Intercept)"), focal=True):
    """A hand-built lme4 thpr frame: ζ linear in each parameter (value = centre + ζ·scale)."""
    centre = {name: 1.0 + 2 * i for i, name in enumerate(params)}
    zeta = np.linspace(-3.0, 3.0, 13)
    blocks = []
    for i, name in enumerate(params):
        block = pd.DataFrame({".zeta": zeta, **{p: np.full(13, centre[p]) for p in params}})
        block[name] = centre[name] + (i + 1) * 0.5 * zeta
        block[".par"] = name
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True).sample(frac=1.0, random_state=1)  # rows in any order
    frame[".par"] = pd.Categorical(frame[".par"], categories=list(params))
    if focal:
        frame[".focal"] = [row[row[".par"]] for _, row in frame.iterrows()]
    return frame, centre


def test_profile_zeta_panels_curves_and_guides(tmp_path):
    frame, centre = _thpr()
    fig = plots.profile_zeta(frame)
    _save(fig, tmp_path / "profile.png")
    panels = _axes(fig)
    assert len(fig.get_axes()) == len(panels) == 3
    assert [ax.get_title() for ax in panels] == [".sig01", ".sigma", "(Intercept)"]
    assert panels[0].get_ylabel() == "ζ"
    levels = norm.ppf((1 + np.array(plots.PROFILE_CONF)) / 2)
    for i, (ax, name) in enumerate(zip(panels, [".sig01", ".sigma", "(Intercept)"])):
        (curve,) = _tagged(ax, "profile")
        zeta = np.linspace(-3.0, 3.0, 13)
        np.testing.assert_allclose(curve.get_xdata(), centre[name] + (i + 1) * 0.5 * zeta)
        np.testing.assert_allclose(curve.get_ydata(), zeta)
        guides = sorted(g.get_ydata()[0] for g in _tagged(ax, "guide"))
        np.testing.assert_allclose(guides, np.sort(np.concatenate([-levels, levels])))
        limits = sorted(line.get_xdata()[0] for line in _tagged(ax, "limits"))
        expected = np.sort(centre[name] + (i + 1) * 0.5 * np.concatenate([-levels, levels]))
        np.testing.assert_allclose(limits, expected, rtol=1e-12)  # exact for a linear profile


def test_profile_zeta_accepts_a_profile_object_which_and_conf():
    frame, _ = _thpr(params=(".sig01", ".sig02", ".sig03", ".sigma", "(Intercept)"), focal=False)

    class FakeProfile:  # only the documented attribute: the thpr DataFrame
        def __init__(self, frame):
            self.frame = frame

    fig = plots.profile_zeta(FakeProfile(frame), conf=(0.95,))
    panels = _axes(fig)
    assert len(fig.get_axes()) == 5  # the unused sixth cell of the 2 × 3 grid is removed
    assert [ax.get_title() for ax in panels] == [".sig01", ".sig02", ".sig03", ".sigma", "(Intercept)"]
    assert len(_tagged(panels[0], "guide")) == 2
    chosen = _axes(plots.profile_zeta(frame, which=["(Intercept)", ".sigma"]))
    assert [ax.get_title() for ax in chosen] == ["(Intercept)", ".sigma"]


def test_profile_zeta_refuses_bad_input():
    frame, _ = _thpr()
    with pytest.raises(DataError, match="conf"):
        plots.profile_zeta(frame, conf=(0.5, 1.0))
    with pytest.raises(DataError, match="unknown profile parameter"):
        plots.profile_zeta(frame, which=["Days"])
    with pytest.raises(DataError, match=".zeta and .par"):
        plots.profile_zeta(frame.drop(columns=".zeta"))
    with pytest.raises(DataError, match="Profile"):
        plots.profile_zeta(np.zeros((3, 3)))


def test_profile_zeta_of_a_real_profile(tmp_path):
    fit = _fit("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"), REML=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = plots.profile_zeta(fit.profile())
    assert [ax.get_title() for ax in _axes(fig)] == [".sig01", ".sigma", "(Intercept)"]
    _save(fig, tmp_path / "profile_dyestuff.png")


# --- the optional dependency -------------------------------------------------------------
def test_missing_matplotlib_gives_a_clear_error(sleep_fit, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import now fails
    with pytest.raises(plots.PlotDependencyError, match=r"pip install 'pylme\[plots\]'") as info:
        plots.residuals_vs_fitted(sleep_fit)
    assert isinstance(info.value, PylmeError) and isinstance(info.value, ImportError)
