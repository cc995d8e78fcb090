"""``pylme verify`` (conformance/bridge) and ``pylme.recording``.

The R-free tests judge pylme against frozen R captures of ``verify_cases/dyestuff.R`` and
``verify_cases/anova_lm.R`` (``tests/data/bridge/verify_cases/frozen``, made by
``conformance.bridge.capture`` with R 4.2.2 / lme4 1.1-31). The ``needs_r`` tests run the whole command on the small scripts of
``tests/data/bridge/verify_cases`` in a child R.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import pylme
from conformance.bridge.compare import (MISMATCH, PASS, UNSUPPORTED, _anova, pair_python,
                                        verify_captures)
from conformance.bridge.report import Outcome, console_table, to_json, write_html
from pylme import recording

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "bridge" / "verify_cases"
FROZEN = CASES / "frozen" / "dyestuff_capture.pickle"
FROZEN_ANOVA_LM = CASES / "frozen" / "anova_lm_capture.pickle"


@pytest.fixture(scope="module")
def dyestuff_capture():
    with open(FROZEN, "rb") as fh:
        return pickle.load(fh)


@pytest.fixture(scope="module")
def anova_lm_capture():
    with open(FROZEN_ANOVA_LM, "rb") as fh:
        return pickle.load(fh)


@pytest.fixture(scope="module")
def anova_lm_verified(anova_lm_capture):
    return verify_captures(anova_lm_capture)


# ---------------------------------------------------------------- recording


def test_recording_keeps_user_fits_with_their_call_site():
    sleep = pylme.datasets.load("sleepstudy")
    with recording.recorder() as fits:
        m1 = pylme.lmer("Reaction ~ Days + (1 | Subject)", sleep)  # line A
        m2 = m1.update("Reaction ~ Days + (Days | Subject)")
        with pytest.warns(pylme.errors.PylmeMessage):
            m1.anova(m2)  # anova's ML refits are pylme's own: not recorded
    assert [f.formula for f in fits] == ["Reaction ~ Days + (1 | Subject)",
                                         "Reaction ~ Days + (Days | Subject)"]
    assert fits[0].fit is m1 and fits[1].fit is m2
    assert all(f.filename == __file__ and f.kind == "lmer" for f in fits)
    assert fits[0].lineno < fits[1].lineno


def test_recording_keeps_user_refits_not_bootstrap_ones():
    sleep = pylme.datasets.load("sleepstudy")
    cbpp = pylme.datasets.load("cbpp")
    with recording.recorder() as fits:
        fm = pylme.lmer("Reaction ~ Days + (1 | Subject)", sleep, REML=False)
        fm2 = fm.refit(sleep["Reaction"] * 2)
        fm.bootMer(lambda f: f.fixef(), nsim=2, seed=1, progress=False, n_jobs=1)
        gm = pylme.glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp,
                         family="binomial")
        gm2 = gm.refit()
    assert [f.kind for f in fits] == ["lmer", "refit", "glmer", "refit"]
    assert fits[1].fit is fm2 and fits[3].fit is gm2
    assert fits[1].formula == "Reaction ~ Days + (1 | Subject)"
    assert all(f.filename == __file__ for f in fits)


def test_recording_is_off_outside_a_recorder():
    with recording.recorder() as fits:
        pass
    pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff"))
    assert fits == []


def test_recording_to_a_file_at_exit(tmp_path):
    out = tmp_path / "fits.pickle"
    code = ("import pylme\n"
            "pylme.lmer('Yield ~ 1 + (1 | Batch)',\n"
            "           pylme.datasets.load('Dyestuff'), REML=False)\n")
    script = tmp_path / "s.py"
    script.write_text(code)
    subprocess.run([sys.executable, str(script)], check=True, cwd=ROOT,
                   env={**__import__("os").environ, recording.ENV_VAR: str(out)})
    fits = recording.load(out)
    assert [(f.kind, f.lineno, Path(f.filename).name) for f in fits] == [("lmer", 2, "s.py")]
    # lme4: deviance(lmer(Yield ~ 1 + (1 | Batch), Dyestuff, REML = FALSE)) = 327.3270598811
    # (the frozen capture's optimizer.objective)
    assert abs(fits[0].fit.deviance() - 327.3270598811) < 1e-6


# ---------------------------------------------------------------- frozen R capture


def test_refit_of_frozen_capture_passes(dyestuff_capture):
    models, anovas, fitted = verify_captures(dyestuff_capture)
    assert [m.status for m in models] == [PASS]
    assert models[0].site == "dyestuff.R:2" and models[0].formula == "Yield ~ 1 + (1 | Batch)"
    assert {"structure", "deterministic", "optimizer", "text"} <= set(models[0].worst)
    assert models[0].worst["deterministic"] < 1e-10
    quantities = {r.quantity for r in models[0].results}
    assert {"optimizer.theta", "optimizer.fixef", "optimizer.sigma", "optimizer.se",
            "optimizer.VarCorr", "optimizer.ranef", "print.summary"} <= quantities
    assert anovas == [] and set(fitted) == {1}


def test_python_pairing_detects_another_model(dyestuff_capture):
    data = pylme.datasets.load("Dyestuff")
    with recording.recorder() as fits:
        pylme.lmer("Yield ~ 1 + (1 | Batch)", data, REML=False, data_name="Dyestuff")
        pylme.lmer("Yield ~ 1 + (1 | Batch)", data, data_name="Dyestuff")  # REML: unpaired
    good = pair_python(dyestuff_capture, fits[:1])
    assert [m.status for m in good] == [PASS]
    wrong = pair_python(dyestuff_capture, fits[1:])
    assert [m.status for m in wrong] == [MISMATCH]
    assert "structure.dims" in wrong[0].reason
    extra = pair_python(dyestuff_capture, fits)
    assert [m.status for m in extra] == [PASS, MISMATCH]
    assert "no R counterpart" in extra[1].reason


def test_reports(dyestuff_capture, tmp_path):
    models, anovas, _ = verify_captures(dyestuff_capture)
    outcome = Outcome(dyestuff_capture.script, models, anovas, None, "pylme refit",
                      dyestuff_capture.versions)
    table = console_table(outcome)
    assert "dyestuff.R:2" in table and table.endswith("-- OK")
    data = to_json(outcome)
    assert data["failed"] is False and data["models"][0]["status"] == "pass"
    json.dumps(data)
    page = write_html(tmp_path / "r.html", outcome).read_text()
    assert "Yield ~ 1 + (1 | Batch)" in page and "optimizer.theta" in page


def test_anova_against_lm_and_glm_of_frozen_capture(anova_lm_verified):
    models, anovas, _ = anova_lm_verified
    assert [m.status for m in models] == [PASS] * 4
    # anova(fm, lm0); anova(wl, lm(weights = w), refit = FALSE); anova(gm, glm cbind);
    # anova(pm, glm poisson with offset) under contr.sum
    assert [(a.models, a.status) for a in anovas] == [
        ((1, "lm"), PASS), ((2, "lm"), PASS), ((3, "glm"), PASS), ((4, "glm"), PASS)]
    for a in anovas:  # R's table and its printed text, both compared
        assert [(r.quantity, r.skipped) for r in a.results] == [("lrt.anova", False),
                                                                 ("lrt.anova_print", False)]


def test_anova_against_another_lm_is_a_mismatch(anova_lm_capture, anova_lm_verified):
    _, _, fitted = anova_lm_verified
    anova = anova_lm_capture.anovas[0]
    lm0 = dict(anova.lms[1])
    lm0["X"] = lm0["X"][:, :1]  # Reaction ~ 1 instead of R's Reaction ~ Days
    wrong = dataclasses.replace(anova, lms=[None, lm0])
    report = _anova(1, wrong, fitted)
    assert report.status == MISMATCH and "lrt.anova" in report.reason


def test_anova_lm_family_without_loglik_is_unsupported(anova_lm_capture, anova_lm_verified):
    _, _, fitted = anova_lm_verified
    anova = anova_lm_capture.anovas[3]
    quasi = dict(anova.lms[1], family="quasipoisson")
    report = _anova(4, dataclasses.replace(anova, lms=[None, quasi]), fitted)
    assert report.status == UNSUPPORTED and "quasipoisson" in report.reason


def test_autoprinted_models_are_noted(anova_lm_capture):
    printed = [c.printed for c in anova_lm_capture.captures]
    # `fm` alone (line 6) and `(gm)` (line 12): top-level autoprints
    assert printed == [["print (autoprint) (line 6)"], [], ["print (autoprint) (line 12)"], []]


# ---------------------------------------------------------------- the command, live R


def _verify(*args: str, tmp_path: Path) -> tuple[int, dict, str]:
    out = tmp_path / "v.json"
    # the default --timeout first: a --timeout among args comes later and wins
    proc = subprocess.run([sys.executable, "-m", "conformance.bridge.verify_cli",
                           "--quiet", "--json", str(out), "--timeout", "200", *args],
                          capture_output=True, text=True, cwd=ROOT)
    data = json.loads(out.read_text()) if out.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


@pytest.mark.needs_r
def test_every_call_site_is_captured(tmp_path):
    code, data, text = _verify(str(CASES / "many_sites.R"), tmp_path=tmp_path)
    sites = [m["site"] for m in data["models"]]
    # top level, a function, a for loop, lapply, lmerTest::lmer with subset, a pipe, top level
    assert sites == [f"many_sites.R:{n}" for n in (7, 9, 12, 15, 17, 18, 19)], text
    assert [m["status"] for m in data["models"]] == ["pass"] * 7, text
    # anova(fits[[1]], m7): the likelihood-ratio test; anova(m1): lme4's F table of one model
    assert [(a["models"], a["status"]) for a in data["anovas"]] == [([4, 7], "pass"),
                                                                     ([6], "pass")]
    assert code == 0
    assert any(p.startswith("summary") for m in data["models"] for p in m["printed"])


@pytest.mark.needs_r
def test_glmer_unsupported_update_anova_and_script_error(tmp_path):
    code, data, text = _verify(str(CASES / "glmer_and_unsupported.R"), tmp_path=tmp_path)
    got = [(m["kind"], m["status"]) for m in data["models"]]
    assert got == [("glmer", "pass"), ("glmer.nb", UNSUPPORTED), ("lmer", "pass"),
                   ("lmer", "pass")], text
    assert [m["site"] for m in data["models"]] == [
        f"glmer_and_unsupported.R:{n}" for n in (4, 9, 10, 11)]
    assert "glmer.nb" in data["models"][1]["reason"]
    assert [(a["models"], a["status"]) for a in data["anovas"]] == [([4, 3], "pass")]
    # the error stops the script; what was captured before it is verified
    assert data["script_error"]["line"] == 13
    assert "undefined_variable" in data["script_error"]["message"]
    assert code == 0


@pytest.mark.needs_r
def test_python_translation_of_another_model_fails(tmp_path):
    code, data, text = _verify(str(CASES / "dyestuff.R"), "--python",
                               str(CASES / "dyestuff_wrong.py"), tmp_path=tmp_path)
    assert code == 1, text
    assert [m["status"] for m in data["models"]] == ["MISMATCH"]
    assert data["models"][0]["python_site"] == "dyestuff_wrong.py:4"


def test_usage_errors(tmp_path):
    code, _, text = _verify(str(tmp_path / "missing.R"), tmp_path=tmp_path)
    assert code == 2 and "no such script" in text


@pytest.mark.needs_r
def test_timeout_verifies_what_was_captured(tmp_path):
    out = tmp_path / "v.json"
    proc = subprocess.run([sys.executable, "-m", "conformance.bridge.verify_cli",
                           str(CASES / "sleeps.R"), "--quiet", "--timeout", "10",
                           "--json", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 3 and "--timeout" in proc.stderr, proc.stdout + proc.stderr
    data = json.loads(out.read_text())
    assert data["timed_out"] is True
    assert [(m["site"], m["status"]) for m in data["models"]] == [("sleeps.R:4", "pass")]
    assert "stopped at line 6" in proc.stdout and "TIMED OUT" in proc.stdout


@pytest.mark.needs_r
def test_python_timeout_compares_the_fits_before_it(tmp_path):
    code, data, text = _verify(str(CASES / "dyestuff.R"), "--python",
                               str(CASES / "dyestuff_slow.py"), "--timeout", "15",
                               tmp_path=tmp_path)
    assert code == 3 and "dyestuff_slow.py ran longer than --timeout" in text, text
    assert data["timed_out"] is True
    assert [(m["status"], m["python_site"]) for m in data["models"]] == [
        ("pass", "dyestuff_slow.py:6")]


@pytest.mark.needs_r
def test_anova_against_lm_live(tmp_path):
    code, data, text = _verify(str(CASES / "anova_lm.R"), tmp_path=tmp_path)
    assert code == 0, text
    assert [(a["models"], a["status"]) for a in data["anovas"]] == [
        ([1, "lm"], "pass"), ([2, "lm"], "pass"), ([3, "glm"], "pass"), ([4, "glm"], "pass")]
    assert data["models"][0]["printed"] == ["print (autoprint) (line 6)"]


@pytest.mark.needs_r
def test_python_refits_pair_with_r_refits(tmp_path):
    code, data, text = _verify(str(CASES / "refits.R"), "--python",
                               str(CASES / "refits.py"), tmp_path=tmp_path)
    assert code == 0, text
    assert [(m["kind"], m["status"], m["python_site"]) for m in data["models"]] == [
        ("lmer", "pass", "refits.py:5"), ("refit", "pass", "refits.py:7"),
        ("glmer", "pass", "refits.py:10"), ("refit", "pass", "refits.py:12")]
