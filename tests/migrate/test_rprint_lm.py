"""R's printed text of lm/glm/aov results (``print(summary(lm))``, ``print.summary.glm``,
``print.anova``, ``summary(aov)``, ``confint``/``vcov``) from translated statsmodels fits,
compared line by line with R 4.2.2's output frozen in tests/data/migrate/rprint/*.txt
(by freeze_rprint.R there).  Numbers included: the least squares (R's dqrdc2 rank
detection, then QR) and R's IRLS (same start, same stopping rule) agree with R to
~1e-12, far below the 4-5 digits R prints."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import pylme
from pylme.migrate import migrate_source, rbase, rglm, rlm

DATA = Path(__file__).parents[1] / "data" / "migrate" / "rprint"
L = pylme.datasets.load


def r_text(name: str) -> list[str]:
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    return lines[lines.index("## ----") + 1:]


def airquality():
    return L("airquality").astype(float)  # nullable Int64 columns: statsmodels needs floats


def plant_small():
    return L("PlantGrowth").iloc[[0, 1, 10, 11, 20, 21, 22]].reset_index(drop=True)


def _sum_fit():
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        wb = L("warpbreaks")
        return smf.ols(rbase.r_formula("breaks ~ wool * tension", wb), data=wb).fit()


def pulp():
    return rbase.strings_as_factors(pd.read_csv(DATA / "pulp.csv"))


def _pulp_sum():
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        d = pulp()
        return smf.ols(rbase.r_formula("bright ~ operator", d), data=d).fit()


def _sum_glm(formula, data, family):
    with pylme.options(contrasts=("contr.sum", "contr.poly")):
        d = L(data)
        return smf.glm(rbase.r_formula(formula, d), data=d, family=family).fit()


def _glm(formula, data, family):
    return smf.glm(formula, data=L(data), family=family).fit()


TG = "lm(formula = len ~ dose + supp, data = ToothGrowth)"
CASES = {
    "lm_toothgrowth": lambda: rlm.summary_lm(smf.ols("len ~ dose + supp", L("ToothGrowth")).fit(),
                                             call=TG),
    "lm_warpbreaks_sum": lambda: rlm.summary_lm(
        _sum_fit(), call="lm(formula = breaks ~ wool * tension, data = warpbreaks)"),
    "lm_airquality_na": lambda: rlm.summary_lm(
        smf.ols("Ozone ~ Q('Solar.R') + Wind + Temp", airquality()).fit(),
        call="lm(formula = Ozone ~ Solar.R + Wind + Temp, data = airquality)"),
    "lm_singular": lambda: rlm.summary_lm(
        smf.ols("mpg ~ wt + hp + I(wt * 2)", L("mtcars")).fit(),
        call="lm(formula = mpg ~ wt + hp + I(wt * 2), data = mtcars)"),
    "lm_small_rdf": lambda: rlm.summary_lm(smf.ols("weight ~ group", plant_small()).fit(),
                                           call="lm(formula = weight ~ group, data = PlantSmall)"),
    "lm_mtcars": lambda: rlm.summary_lm(smf.ols("mpg ~ wt + qsec + am", L("mtcars")).fit(),
                                        call="lm(formula = mpg ~ wt + qsec + am, data = mtcars)"),
    "glm_cbpp_binomial": lambda: rglm.summary_glm(
        _glm("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial()),
        call="glm(formula = cbind(incidence, size - incidence) ~ period, family = binomial, "
             "\n    data = cbpp)"),
    "glm_infert_binomial": lambda: rglm.summary_glm(
        _glm("case ~ spontaneous + induced", "infert", sm.families.Binomial()),
        call="glm(formula = case ~ spontaneous + induced, family = binomial(), "
             "\n    data = infert)"),
    "glm_insectsprays_poisson": lambda: rglm.summary_glm(
        _glm("count ~ spray", "InsectSprays", sm.families.Poisson()),
        call="glm(formula = count ~ spray, family = poisson, data = InsectSprays)"),
    "glm_toothgrowth_gaussian": lambda: rglm.summary_glm(
        _glm("len ~ dose + supp", "ToothGrowth", sm.families.Gaussian()),
        call="glm(formula = len ~ dose + supp, data = ToothGrowth)"),
    "glm_mtcars_gamma_log": lambda: rglm.summary_glm(
        _glm("mpg ~ wt + hp", "mtcars", sm.families.Gamma(sm.families.links.Log())),
        call='glm(formula = mpg ~ wt + hp, family = Gamma(link = "log"), data = mtcars)'),
    "lm_mtcars_weighted": lambda: rlm.summary_lm(
        smf.wls("mpg ~ wt + hp", L("mtcars"), weights=L("mtcars")["cyl"]).fit(),
        call="lm(formula = mpg ~ wt + hp, data = mtcars, weights = cyl)"),
    "aov_pulp_sum": lambda: rlm.summary_aov(_pulp_sum()),
    "aov_plantgrowth": lambda: rlm.summary_aov(smf.ols("weight ~ group", L("PlantGrowth")).fit()),
    "aov_npk_twoway": lambda: rlm.summary_aov(smf.ols("Q('yield') ~ N * P + K", L("npk")).fit()),
    "aov_warpbreaks_sum": lambda: rlm.summary_aov(_sum_fit()),
    "anova_warpbreaks": lambda: rlm.anova_lm(smf.ols("breaks ~ wool * tension",
                                                     L("warpbreaks")).fit()),
    "anova_airquality_na": lambda: rlm.anova_lm(
        smf.ols("Ozone ~ Q('Solar.R') + Wind + Temp", airquality()).fit()),
    "anova_two_models": lambda: rlm.anova_lm(
        smf.ols("breaks ~ wool", L("warpbreaks")).fit(),
        smf.ols("breaks ~ wool + tension", L("warpbreaks")).fit()),
    "print_lm_mtcars": lambda: rlm.print_lm(smf.ols("mpg ~ wt + qsec + am", L("mtcars")).fit(),
                                            call="lm(formula = mpg ~ wt + qsec + am, data = mtcars)"),
    "print_lm_singular": lambda: rlm.print_lm(
        smf.ols("mpg ~ wt + hp + I(wt * 2)", L("mtcars")).fit(),
        call="lm(formula = mpg ~ wt + hp + I(wt * 2), data = mtcars)"),
    "print_glm_cbpp": lambda: rglm.print_glm(
        _glm("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial()),
        call="glm(formula = cbind(incidence, size - incidence) ~ period, family = binomial, "
             "\n    data = cbpp)"),
    "print_glm_insectsprays_sum": lambda: rglm.print_glm(
        _sum_glm("count ~ spray", "InsectSprays", sm.families.Poisson()),
        call="glm(formula = count ~ spray, family = poisson, data = InsectSprays)"),
    "print_glm_airquality_na": lambda: rglm.print_glm(
        smf.glm("Ozone ~ Wind", airquality(), family=sm.families.Gamma(sm.families.links.Log())
                ).fit(),
        call='glm(formula = Ozone ~ Wind, family = Gamma(link = "log"), data = airquality)'),
    "drop1_cbpp_chisq": lambda: rglm.drop1_glm(
        _glm("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial()),
        test="Chisq"),
    "drop1_mtcars_gamma": lambda: rglm.drop1_glm(
        _glm("mpg ~ wt + hp", "mtcars", sm.families.Gamma(sm.families.links.Log())),
        test="Chisq"),
    "drop1_toothgrowth_gaussian": lambda: rglm.drop1_glm(
        _glm("len ~ dose * supp", "ToothGrowth", sm.families.Gaussian())),
    "anova_glm_cbpp": lambda: rglm.anova_glm(
        _glm("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial())),
    "anova_glm_cbpp_chisq": lambda: rglm.anova_glm(
        _glm("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial()),
        test="Chisq"),
    "anova_glm_two_models": lambda: rglm.anova_glm(
        _glm("count ~ 1", "InsectSprays", sm.families.Poisson()),
        _glm("count ~ spray", "InsectSprays", sm.families.Poisson()), test="Chisq"),
    "anova_glm_gamma_f": lambda: rglm.anova_glm(
        _glm("mpg ~ wt + hp", "mtcars", sm.families.Gamma(sm.families.links.Log())), test="F"),
    "anova_glm_infert_seq": lambda: rglm.anova_glm(
        _glm("case ~ spontaneous + induced + education", "infert", sm.families.Binomial()),
        test="LRT"),
    "confint_toothgrowth": lambda: rlm.confint_lm(smf.ols("len ~ dose + supp",
                                                          L("ToothGrowth")).fit()),
    "vcov_mtcars": lambda: rlm.vcov_lm(smf.ols("mpg ~ wt + qsec + am", L("mtcars")).fit()),
    "confint_warpbreaks_sum": lambda: rlm.confint_lm(_sum_fit()),
}


def r_bits() -> dict[str, list[float]]:
    lines = (DATA / "bits.txt").read_text().splitlines()
    return {k: [float(v) for v in rest.split()] for k, _, rest in
            (line.partition(": ") for line in lines if not line.startswith("##"))}


def _bits_of(name: str) -> list[float]:
    if name.startswith("pulp_sum"):
        ls = rlm.least_squares(_pulp_sum())
        return {"coef": list(ls.coef), "effects": list(ls.effects), "resid": list(ls.resid),
                "rss": [ls.rss]}[name.rsplit("_", 1)[1]]
    if name.startswith("mtcars_wls"):
        ls = rlm.least_squares(smf.wls("mpg ~ wt + hp + qsec", L("mtcars"),
                                       weights=L("mtcars")["cyl"]).fit())
        return {"coef": list(ls.coef), "effects": list(ls.effects),
                "resid": list(ls.resid)}[name.rsplit("_", 1)[1]]
    fits = {"cbpp": ("incidence + I(size - incidence) ~ period", "cbpp", sm.families.Binomial()),
            "insect": ("count ~ spray", "InsectSprays", sm.families.Poisson()),
            "mtcars": ("mpg ~ wt + hp", "mtcars", sm.families.Gamma(sm.families.links.Log()))}
    fit = _glm(*fits[name.split("_")[0]])
    g = rglm.r_glm_fit(fit)
    if name.endswith("coef"):
        return list(g.coef)
    second = rglm.summary_glm(fit).dispersion if name.startswith("mtcars") else g.null_deviance
    return [g.deviance, second]


@pytest.mark.parametrize("name", sorted(r_bits()))
def test_least_squares_and_irls_are_r_bit_for_bit(name):
    """lm.fit's and glm.fit's numbers equal R's exactly (==, not approx): LINPACK's
    dqrdc2/dqrsl with the reference BLAS's order of operations, R's long double sums."""
    assert _bits_of(name) == r_bits()[name]


def test_every_frozen_case_is_tested():
    assert sorted(p.stem for p in DATA.glob("*.txt") if p.stem != "bits") == sorted(CASES)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(CASES))
def test_printed_text_equals_r_line_by_line(name):
    out = io.StringIO()
    with redirect_stdout(out):
        print(CASES[name]())
    assert out.getvalue().split("\n") == r_text(name)


def test_summary_components_carry_r_names_and_columns():
    s = CASES["lm_warpbreaks_sum"]()
    assert list(s.coefficients.columns) == ["Estimate", "Std. Error", "t value", "Pr(>|t|)"]
    assert list(s.coefficients.index) == ["(Intercept)", "wool1", "tension1", "tension2",
                                          "wool1:tension1", "wool1:tension2"]
    singular = CASES["lm_singular"]()
    assert singular.df == (3, 29, 4) and bool(singular.aliased["I(wt * 2)"])
    assert "I(wt * 2)" not in singular.coefficients.index  # R: coef(summary()) drops it
    na = CASES["lm_airquality_na"]()
    assert na.n_deleted == 42 and list(na.coefficients.index)[1] == "Solar.R"
    g = CASES["glm_cbpp_binomial"]()
    assert g.iter == 5 and list(g.coefficients.columns)[2:] == ["z value", "Pr(>|z|)"]
    ci = CASES["confint_toothgrowth"]()
    assert list(ci.columns) == ["2.5 %", "97.5 %"] and list(ci.index) == [
        "(Intercept)", "dose", "suppVC"]  # R's term order (patsy puts suppVC first)
    assert type(ci.loc[["dose"]]).__name__ == "DataFrame"  # slices are plain frames


def test_translated_script_prints_what_r_prints():
    """``pylme migrate script_lm.R``, run: its stdout equals Rscript's, line for line."""
    result = migrate_source((DATA / "script_lm.R").read_text(), "script_lm.R")
    assert result.todos == ()
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(DATA)
    try:
        with redirect_stdout(out):
            exec(compile(result.python, "script_lm.py", "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(cwd)
        pylme.options(contrasts=("contr.treatment", "contr.poly"))
    assert out.getvalue().split("\n") == r_text_file("script_lm.Rout")


def r_text_file(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    return lines[lines.index("## ----") + 1:]


def test_summary_call_is_r_match_call_deparsed():
    """The ``Call:`` line: arguments named and in lm's formal order, R's spacing and
    line breaks (deparse's width.cutoff = 60)."""
    python = migrate_source("f <- lm(data = d, y~x+log(z))\nsummary(f)\n"
                            "g <- glm(cbind(k, n - k) ~ a + b + c + d + e, binomial, dd)\n"
                            "summary(g)\nsummary(lm(y ~ x, d, weights = w))\n").python
    assert "call='lm(formula = y ~ x + log(z), data = d)'" in python
    assert ("call='glm(formula = cbind(k, n - k) ~ a + b + c + d + e, family = binomial, "
            "\\n    data = dd)'") in python
    assert "call='lm(formula = y ~ x, data = d, weights = w)'" in python


def test_method_rules_give_r_results():
    python = migrate_source("m <- lm(y ~ x, data = d)\nv <- vcov(m)\nci <- confint(m)\n"
                            "a <- anova(m)\nt <- coef(summary(m))\n"
                            "s <- summary(aov(y ~ g, data = d))\n").python
    for code in ("rlm.vcov_lm(m)", "rlm.confint_lm(m)", "rlm.anova_lm(m)",
                 ".coefficients", "rlm.summary_aov("):
        assert code in python, python
    python = migrate_source("g <- glm(y ~ x, family = poisson, data = d)\n"
                            "h <- glm(y ~ 1, family = poisson, data = d)\n"
                            "a <- anova(h, g, test = \"Chisq\")\nd1 <- drop1(g)\n").python
    assert 'rglm.anova_glm(h, g, test="Chisq")' in python and "rglm.drop1_glm(g)" in python


def test_quoted_names_in_formulas():
    python = migrate_source("m <- lm(yield ~ Solar.R + x, data = d)\n").python
    assert "Q('yield') ~ Q('Solar.R') + x" in python


@pytest.mark.needs_r
def test_frozen_script_output_is_still_r_output():
    """Live: Rscript's stdout of script_lm.R is the frozen one (skips without R)."""
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed")
    run = subprocess.run(["Rscript", "script_lm.R"], cwd=DATA, capture_output=True,
                         text=True, timeout=300)
    assert run.stdout.split("\n") == r_text_file("script_lm.Rout")


def test_factor_response_of_a_binomial_glm_is_not_its_first_level():
    """R's binomial(): a factor response is 1 where it is not the first level (patsy
    alone would model the first level, flipping every sign)."""
    python = migrate_source("g <- glm(use ~ urban, family = binomial, data = d)\n").python
    assert 'data=rglm.binomial_response(d, "use")' in python
    d = pd.DataFrame({"use": pd.Categorical(["N", "Y", None, "Y"]), "x": [1.0, 2, 3, 4]})
    out = rglm.binomial_response(d, "use")
    assert out["use"].tolist()[:2] == [0.0, 1.0] and np.isnan(out["use"][2])
    assert rglm.binomial_response(d, "x") is d
