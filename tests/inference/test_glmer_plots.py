"""pylme.plots on a GLMM: lme4's ``plot(glmerMod)`` is Pearson residuals against fitted
means; ``dotplot(ranef(gm, condVar = TRUE))`` and the residual QQ plot work as for lmer."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install 'pylme[plots]'")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pylme import plots  # noqa: E402
from pylme.errors import ArgumentError  # noqa: E402

from glmer_methods_refs import REFS, cbpp_fit, num  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tagged(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_residuals_vs_fitted_draws_pearson_residuals_against_mu():
    fit = cbpp_fit()
    fig = plots.residuals_vs_fitted(fit)
    (points,) = _tagged(fig.axes[0], "points")
    x, y = points.get_data()
    np.testing.assert_allclose(x, num(REFS["cbpp"]["mu"]), rtol=1e-8)
    np.testing.assert_allclose(y, fit.residuals(type="pearson"), rtol=1e-14)
    assert y[0] == pytest.approx(-1.3395655698, abs=1e-9)  # glmer_spec.md §5.2


def test_caterpillar_and_qq_plots_take_a_glmm():
    fit = cbpp_fit()
    fig = plots.caterpillar(fit)
    (points,) = _tagged(fig.axes[0], "points")
    modes, _ = points.get_data()
    np.testing.assert_allclose(np.sort(modes), np.sort(num(REFS["cbpp"]["getME"]["b"])), rtol=1e-8)
    plots.qq_residuals(fit)
    plots.qq_ranef(fit)


def test_plots_still_refuse_other_objects():
    with pytest.raises(ArgumentError, match="GlmerFit"):
        plots.residuals_vs_fitted(object())
