"""The inference section of ``python -m conformance run`` (``conformance.inference``).

* against the stored references (``r_reference/inference``) every record passes, names
  its R expression and comes with the versions that made its file;
* a deliberately broken pylme (Satterthwaite df × 1.001, predictions × (1 + 1e-5)) makes
  the relevant records fail, naming the model and the quantity, and ``run`` exit 1;
* the recorded inference discrepancies are real (XFAIL, not passing silently).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

import pylme.inference.predict
import pylme.inference.satterthwaite
from conformance.__main__ import main
from conformance.inference import run_inference, selected
from conformance.inference_ddf import AT_R_THETA
from conformance.inference_refs import prediction_ids
from conformance.report import console_report, is_failure, status, write_html
from conformance.tiers import KNOWN_INFERENCE

CASE = "sleepstudy_slope_reml"


@lru_cache(maxsize=1)
def _runs() -> tuple:
    return tuple(run_inference())


def _failing(runs) -> dict[tuple[str, str], object]:
    return {(r.case_id, r.quantity): r for run in runs for r in run.results if is_failure(r)}


def test_every_stored_inference_reference_matches():
    runs = _runs()
    assert [run.file for run in runs] == ["anova_ddf", "confint", "predict"]
    assert all(not run.error for run in runs), [run.error for run in runs]
    failing = _failing(runs)
    assert not failing, "\n".join(f"{k}: {r.detail}" for k, r in failing.items())
    for run in runs:
        assert run.versions["lme4"] == "1.1-31" and run.versions["R"].startswith("R version 4.2.2")
        assert run.results and all(r.r_expr for r in run.results)
    tiers = {r.tier for run in runs for r in run.results}
    assert tiers == {"ddf", "ddf_r_theta", "anova", "lrt", "printed", "confint", "predict"}


def test_the_records_cover_what_the_tests_check():
    anova_ddf, confint, predict = _runs()
    models = {r.case_id for r in anova_ddf.results}
    assert set(selected("anova_ddf")["models"]) | set(selected("anova_ddf")["comparisons"]) == models
    quantities = {r.quantity for r in anova_ddf.results if r.case_id == CASE}
    assert {"theta", "satterthwaite", "kenward_roger", "summary_satterthwaite_print", "drop1",
            "satterthwaite" + AT_R_THETA, "kenward_roger" + AT_R_THETA, "vcov_adj" + AT_R_THETA,
            "anova_type3" + AT_R_THETA, "anova_type1_print" + AT_R_THETA,
            "anova_type3_kr" + AT_R_THETA, "anova_lme4_print" + AT_R_THETA} <= quantities
    envelope = [r for r in anova_ddf.results if r.case_id == "pastes_cask_batch_reml"
                and r.quantity == "satterthwaite"]
    assert envelope and "lme4's envelope" in envelope[0].detail and "pylme_perm_spread" in envelope[0].r_expr
    assert {r.quantity for r in anova_ddf.results if r.case_id == "sleepstudy_split_vs_slope"} == {
        "anova", "anova_print"}
    assert {"wald", "profile", "profile_frame", "boot_perc", "confint_boot"} <= {
        r.quantity for r in confint.results if r.case_id == "hsb_null_reml"}
    assert len(predict.results) == len(selected("predict")["models"]) + len(prediction_ids())


def test_known_inference_discrepancies_are_real():
    results = {(r.case_id, r.quantity): r for run in _runs() for r in run.results}
    for key in KNOWN_INFERENCE:
        assert key in results, f"recorded discrepancy {key} names no record"
        assert status(results[key]) == "xfail", f"{key} passes now: remove it from KNOWN_INFERENCE"


def test_selection_by_tier_and_case():
    fast = selected("anova_ddf")
    assert CASE in fast["models"] and fast["comparisons"]
    slow_only = selected("anova_ddf", tiers=("slow",))
    assert CASE not in slow_only["models"] and not slow_only["comparisons"]
    only = selected("anova_ddf", case_ids=(CASE,))
    assert only == {"models": [CASE], "comparisons": []}
    assert selected("confint", case_ids=(CASE,)) == {"models": [CASE], "bootstrap": []}
    assert selected("predict", case_ids=(CASE,)) == {"models": []}


def test_console_and_html_show_the_section(tmp_path):
    runs = _runs()
    text = console_report([], inference=runs)
    assert "== inference: pylme vs the stored R references" in text
    assert "lmerTest 3.1.3, pbkrtest 0.5.2" in text
    assert f"anova_ddf  {CASE:34s} ok" in text and "== inference: counts per tier" in text
    page = write_html(tmp_path / "report.html", [], inference=runs).read_text()
    assert "Inference (stored R references)" in page and "coef(summary(fm))" in page
    assert "<h3>ddf_r_theta</h3>" in page


# ------------------------------------------------------------------ a broken pylme


@pytest.fixture
def wrong_satterthwaite_df(monkeypatch):
    right = pylme.inference.satterthwaite.satterthwaite_1d

    def scaled(info, L):
        var_con, df = right(info, L)
        return var_con, df * 1.001
    monkeypatch.setattr(pylme.inference.satterthwaite, "satterthwaite_1d", scaled)


@pytest.fixture
def wrong_predictions(monkeypatch):
    right = pylme.inference.predict.predict
    monkeypatch.setattr(pylme.inference.predict, "predict",
                        lambda *args, **kwargs: np.asarray(right(*args, **kwargs)) * (1 + 1e-5))


def test_broken_satterthwaite_df_fails_the_ddf_records(wrong_satterthwaite_df):
    runs = run_inference(case_ids=(CASE,))
    failing = _failing(runs)
    assert {(CASE, "satterthwaite"), (CASE, "satterthwaite" + AT_R_THETA),
            (CASE, "anova_type3" + AT_R_THETA)} <= set(failing)
    assert (CASE, "kenward_roger") not in failing  # Kenward-Roger does not use it
    detail = failing[(CASE, "satterthwaite")].detail
    assert "[(Intercept), df]: R 16.99972628849272 pylme" in detail
    assert failing[(CASE, "satterthwaite")].r_expr == "coef(summary(fm))"
    text = console_report([], inference=runs)
    assert f"fail   {CASE:30s} satterthwaite " in text and "R: coef(summary(fm))" in text


def test_broken_predictions_fail_the_predict_records(wrong_predictions):
    runs = run_inference(case_ids=("sleepstudy_slope", "penicillin"))
    predict = runs[2]
    failing = {(r.case_id, r.quantity): r for r in predict.results if is_failure(r)}
    assert ("sleepstudy_slope", "new_levels_allowed") in failing
    assert ("penicillin", "all") in failing
    assert not any(q.endswith("_error") for _, q in failing)  # errors are still lme4's
    assert "predict(fm, newdata = nd" in failing[("penicillin", "all")].r_expr
    assert "pylme" in failing[("penicillin", "all")].detail


def test_run_exit_status_and_flag(wrong_satterthwaite_df, capsys):
    assert main(["run", "--stored-only", "--case", CASE, "--html", "-"]) == 1
    out = capsys.readouterr().out
    assert "satterthwaite" in out and "== inference" in out
    assert main(["run", "--stored-only", "--case", CASE, "--html", "-", "--no-inference"]) == 0
    assert "== inference" not in capsys.readouterr().out
