"""The diagnostic plots draw what lme4's lattice methods show, checked from the Axes.

Rendered headless (Agg) to PNG; what is drawn is read back from the artists, which
pylme.plots tags with a ``gid``.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

matplotlib = pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install 'pylme[plots]'")
matplotlib.use("Agg")

import pylme  # noqa: E402
from pylme import plots  # noqa: E402


@pytest.fixture(scope="module")
def sleep_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))


def _tagged(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def _axes(fig):
    return [ax for ax in fig.get_axes() if _tagged(ax, "points") or _tagged(ax, "profile")]


def test_caterpillar_points_intervals_and_level_order(sleep_fit, tmp_path):
    fig = plots.caterpillar(sleep_fit)
    fig.savefig(tmp_path / "caterpillar.png")
    assert (tmp_path / "caterpillar.png").stat().st_size > 0
    effects = sleep_fit.ranef(condVar=True)["Subject"]
    sd = np.sqrt(np.diagonal(effects.attrs["postVar"], axis1=1, axis2=2))
    order = np.argsort(effects["(Intercept)"].to_numpy(), kind="stable")
    panels = _axes(fig)
    assert [ax.get_title() for ax in panels] == ["(Intercept)", "Days"]
    labels = [t.get_text() for t in panels[0].get_yticklabels()]
    assert labels == [str(effects.index[i]) for i in order]  # ordered by the intercepts, bottom to top
    for j, ax in enumerate(panels):
        (points,) = _tagged(ax, "points")
        np.testing.assert_allclose(points.get_xdata(), effects.iloc[order, j].to_numpy())
        (bars,) = _tagged(ax, "interval")
        segments = np.array([seg[:, 0] for seg in bars.get_segments()])
        half = (segments[:, 1] - segments[:, 0]) / 2
        np.testing.assert_allclose(half, norm.ppf(0.975) * sd[order, j], rtol=1e-12)


def test_caterpillar_one_row_per_grouping_factor():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", pylme.datasets.load("Penicillin"))
    fig = plots.caterpillar(fit, level=0.9)
    titles = sorted(sub.get_suptitle() for sub in fig.subfigs)
    assert titles == ["plate", "sample"]
    counts = sorted(len(_tagged(ax, "points")[0].get_xdata()) for ax in _axes(fig))
    assert counts == [6, 24]


def test_qq_ranef_and_residual_plots(sleep_fit, tmp_path):
    qq = plots.qq_ranef(sleep_fit)
    assert len(_axes(qq)) == 2
    assert all(len(_tagged(ax, "points")[0].get_xdata()) == 18 for ax in _axes(qq))
    rvf = plots.residuals_vs_fitted(sleep_fit)
    (ax,) = _axes(rvf)
    (points,) = _tagged(ax, "points")
    np.testing.assert_allclose(points.get_xdata(), sleep_fit.fitted())
    np.testing.assert_allclose(points.get_ydata(), sleep_fit.residuals("pearson"))
    qr = plots.qq_residuals(sleep_fit)
    (ax,) = _axes(qr)
    (points,) = _tagged(ax, "points")
    np.testing.assert_allclose(np.sort(points.get_ydata()), np.sort(sleep_fit.residuals("pearson", scaled=True)))
    assert _tagged(ax, "qqline")
    for name, fig in (("qq", qq), ("rvf", rvf), ("qr", qr)):
        fig.savefig(tmp_path / f"{name}.png")


def test_profile_zeta_one_panel_per_parameter():
    x = np.linspace(-1.0, 1.0, 9)
    frame = pd.DataFrame({
        ".zeta": np.concatenate([x * 2.5, x * 2.5]),
        ".sig01": np.concatenate([1 + 0.3 * x, np.full(9, 1.0)]),
        "(Intercept)": np.concatenate([np.full(9, 5.0), 5 + x]),
        ".par": pd.Categorical([".sig01"] * 9 + ["(Intercept)"] * 9, categories=[".sig01", "(Intercept)"]),
    })
    fig = plots.profile_zeta(frame)
    panels = _axes(fig)
    assert [ax.get_title() for ax in panels] == [".sig01", "(Intercept)"]
    (curve,) = _tagged(panels[1], "profile")
    np.testing.assert_allclose(curve.get_xdata(), 5 + x)
    np.testing.assert_allclose(curve.get_ydata(), 2.5 * x)


def test_profile_zeta_of_a_real_profile(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"), REML=False)
        fig = plots.profile_zeta(fit.profile())
    assert [ax.get_title() for ax in _axes(fig)] == [".sig01", ".sigma", "(Intercept)"]
    fig.savefig(tmp_path / "profile.png")
