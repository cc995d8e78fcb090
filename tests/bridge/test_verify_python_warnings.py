"""``pylme verify script.R --python script.py`` compares the fits' warnings and messages.

R's side: frozen captures of ``tests/data/bridge/verify_python_warnings/*.R`` (R 4.2.2,
lme4 1.1-31; see the README there), whose ``reference["fit"]`` holds what R signalled while
fitting. Python's side: the translations run in a child process under ``PYLME_RECORD``, as
``pylme verify`` runs them (:mod:`pylme.recording` keeps each fit's conditions). The
``needs_r`` tests run the whole command.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pylme
from conformance.bridge.compare import MISMATCH, PASS, _python_conditions, pair_python
from conformance.bridge.report import Outcome, to_json
from pylme import recording
from pylme.recording import Condition

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "bridge" / "verify_python_warnings"
SINGULAR_R = "boundary (singular) fit: see help('isSingular')"  # lme4's text
MAX_GRAD = "Model failed to converge with max|grad| = {} (tol = 0.002, component 1)"
LARGE_EIGENVALUE = "Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?"


def _capture(name: str):
    with open(CASES / "frozen" / f"{name}_capture.pickle", "rb") as fh:
        return pickle.load(fh)


def _record(script: str, tmp_path: Path) -> tuple[list, str]:
    """Run a translation as ``pylme verify --python`` does; its fits and its stderr."""
    out = tmp_path / f"{script}.pickle"
    proc = subprocess.run([sys.executable, str(CASES / f"{script}.py")], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**os.environ, recording.ENV_VAR: str(out)})
    assert proc.returncode == 0, proc.stderr
    return recording.load(out), proc.stderr


def _result(report, quantity: str):
    return next(r for r in report.results if r.quantity == quantity)


@pytest.fixture(scope="module")
def singular_capture():
    return _capture("singular")


@pytest.fixture(scope="module")
def converge(tmp_path_factory):
    fits, _ = _record("converge", tmp_path_factory.mktemp("converge"))
    return _capture("converge"), fits


# ---------------------------------------------------------------- singular fit


def test_singular_fit_in_both_passes_and_messages_are_compared(singular_capture, tmp_path):
    fits, stderr = _record("singular", tmp_path)
    assert [f.conditions for f in fits] == [(Condition(
        "SingularFitMessage", pylme.convergence.SINGULAR_MESSAGE, "message"),)]
    # the user still sees the message, at their own line (singular.py:4)
    assert "singular.py:4: SingularFitMessage: boundary (singular) fit" in stderr
    reports = pair_python(singular_capture, fits)
    assert [m.status for m in reports] == [PASS], reports[0].reason
    messages = _result(reports[0], "fit.messages")
    assert messages.passed and not messages.skipped and not messages.flagged
    data = to_json(Outcome("singular.R", reports, [], mode="python script singular.py"))
    compared = {r["quantity"]: r for r in data["models"][0]["results"]}
    assert compared["fit.messages"]["skipped"] is False
    assert compared["fit.messages"]["passed"] is True
    assert compared["fit.warnings"]["skipped"] is False


def test_conditions_are_kept_whatever_the_scripts_filters(singular_capture, tmp_path):
    fits, stderr = _record("singular_filtered", tmp_path)
    # the script ignores warnings: it shows none, but the fit signalled the message
    assert "SingularFitMessage" not in stderr
    assert [c.kind for c in fits[0].conditions] == ["message"]
    reports = pair_python(singular_capture, fits)
    assert [m.status for m in reports] == [PASS], reports[0].reason


def test_a_translation_without_the_singular_message_is_a_mismatch(singular_capture, tmp_path):
    fits, stderr = _record("singular_silenced", tmp_path)
    assert fits[0].conditions == () and "SingularFitMessage" not in stderr
    reports = pair_python(singular_capture, fits)
    assert [m.status for m in reports] == [MISMATCH]
    messages = _result(reports[0], "fit.messages")
    assert not messages.passed and not messages.skipped
    assert messages.detail == (f"R gave the message {SINGULAR_R!r}; the Python script's fit "
                               "did not")
    assert messages.detail in reports[0].reason
    # the numbers are the same fit's: only the conditions (and the printed lines that
    # quote them) differ
    assert _result(reports[0], "optimizer.theta").passed
    assert not _result(reports[0], "optimizer.conv_lme4_messages").passed


# ---------------------------------------------------------------- convergence warnings


def test_glmer_convergence_warnings_in_both_pass(converge):
    capture, fits = converge
    assert [(c.category, c.kind) for c in fits[1].conditions] == [
        ("ConvergenceWarning", "warning"), ("ConvergenceWarning", "warning")]
    reports = pair_python(capture, fits)
    assert [m.status for m in reports] == [PASS, PASS], [m.reason for m in reports]
    warned = _result(reports[1], "fit.warnings")
    assert capture.captures[1].reference["fit"]["warnings"] == [
        MAX_GRAD.format("0.00253327"), LARGE_EIGENVALUE]
    # the quoted gradient is an optimizer-tier number: it follows the end point, which
    # moves with the BLAS kernel (0.00253324 on one, 0.0068 on another); only its form
    # and its being above lme4's tolerance are fixed
    grad_text, eigen_text = (c.text for c in fits[1].conditions)
    quoted = re.fullmatch(re.escape(MAX_GRAD).replace(r"\{\}", "([0-9.e-]+)"), grad_text)
    assert quoted and float(quoted.group(1)) > 0.002, grad_text
    assert eigen_text == LARGE_EIGENVALUE
    assert warned.passed and not warned.skipped and "gradient numbers masked" in warned.detail


def test_lmer_warning_on_a_ridge_is_shown_in_words(converge):
    """lme4 warns on sleepstudy's quadratic model; pylme's end point on the same ridge
    (objective as good, θ apart) does not: as for pylme's own refit, the diagnostics of a
    ridge position are advisory (flagged), and the report says which warning R gave."""
    capture, fits = converge
    assert fits[0].conditions == ()
    report = pair_python(capture, fits)[0]
    warned = _result(report, "fit.warnings")
    assert warned.passed and warned.flagged
    assert warned.detail.startswith(f"R warned {MAX_GRAD.format('0.0262849')!r}; the Python "
                                    "script's fit did not (generated-design policy")
    assert "diagnostics left out" in warned.detail


def _with_conditions(fit, conditions):
    return dataclasses.replace(fit, conditions=tuple(conditions))


def test_gradient_digits_may_differ_but_not_the_kind(converge):
    capture, fits = converge
    grad, eigen = fits[1].conditions
    ok = _with_conditions(fits[1], [dataclasses.replace(grad, text=MAX_GRAD.format("0.002534")),
                                    eigen])
    assert [m.status for m in pair_python(capture, [fits[0], ok])] == [PASS, PASS]
    # the same text as a message: R warned, the Python fit did not (and messaged)
    as_message = _with_conditions(fits[1], [dataclasses.replace(grad, kind="message"), eigen])
    report = pair_python(capture, [fits[0], as_message])[1]
    # where the Python fit's end point lies just outside the strict θ tier (a ridge: this
    # model's Hessian is near singular, and the end point moves with the BLAS kernel),
    # lme4's diagnostics are advisory, so the verdict is flagged rather than failed; the
    # words say what differs either way
    on_ridge = _result(report, "optimizer.theta").flagged
    assert report.status == (PASS if on_ridge else MISMATCH)
    for quantity in ("fit.warnings", "fit.messages"):
        assert _result(report, quantity).passed == on_ridge
    assert _result(report, "fit.warnings").detail.startswith(
        f"R warned {MAX_GRAD.format('0.00253327')!r}; the Python script's fit did not")
    assert _result(report, "fit.messages").detail.startswith(
        f"the Python script's fit gave the message {grad.text!r}; R did not")
    # an extra warning, and a missing one
    extra = _with_conditions(fits[1], [grad, eigen, Condition("DataCheckWarning", "odd", "warning")])
    report = pair_python(capture, [fits[0], extra])[1]
    # a ridge excuses lme4's convergence diagnostics only: another warning is a mismatch
    assert report.status == MISMATCH
    assert _result(report, "fit.warnings").detail.startswith(
        "the Python script's fit warned 'odd'; R did not")
    missing = _with_conditions(fits[1], [grad])
    report = pair_python(capture, [fits[0], missing])[1]
    assert report.status == (PASS if on_ridge else MISMATCH)
    assert _result(report, "fit.warnings").detail.startswith(
        f"R warned {LARGE_EIGENVALUE!r}; the Python script's fit did not")


def test_other_python_warnings_are_noted_not_judged(converge):
    capture, fits = converge
    noisy = _with_conditions(fits[1], [*fits[1].conditions,
                                       Condition("RuntimeWarning", "overflow", "other")])
    report = pair_python(capture, [fits[0], noisy])[1]
    assert report.status == PASS
    assert "other Python warning: RuntimeWarning: overflow" in _result(report, "fit.warnings").detail


# ---------------------------------------------------------------- recording


def test_fit_without_captured_conditions_reads_them_from_the_fit():
    """A fit recorded without PYLME_RECORD (or a refit): lme4's optinfo equivalents."""
    with recording.recorder() as fits:
        with pytest.warns(pylme.errors.SingularFitMessage):
            pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"))
    assert fits[0].conditions is None
    assert _python_conditions(fits[0]) == {
        "warnings": [], "messages": [pylme.convergence.SINGULAR_MESSAGE],
        "other_warnings": [], "pylme_only": []}


def test_lmer_is_not_wrapped_without_recording():
    # this process was not started with PYLME_RECORD: lmer and glmer are pylme's own
    # functions (their warnings' stack levels unchanged)
    from pylme.fit import lmer
    from pylme.glmm.fit import glmer

    assert not hasattr(lmer, "__wrapped__") and not hasattr(glmer, "__wrapped__")


def test_recording_shows_the_user_the_same_warnings(tmp_path):
    """glmer's Gaussian shortcut (glmer's own warning, then lmer's message inside it) and
    an update(): the conditions are kept with the fits, and the user sees the same
    warnings at the same lines as without recording."""
    script = tmp_path / "g.py"
    script.write_text("import pylme\n"
                      "d = pylme.datasets.load('Dyestuff2')\n"
                      "m = pylme.glmer('Yield ~ 1 + (1 | Batch)', d, family='gaussian')\n"
                      "m2 = m.update(REML=False)\n")
    out = tmp_path / "g.pickle"
    runs = [subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                           text=True, env={**os.environ, **env})
            for env in ({}, {recording.ENV_VAR: str(out)})]
    assert [p.returncode for p in runs] == [0, 0], runs[1].stderr
    assert runs[1].stderr == runs[0].stderr
    assert "g.py:3: DeprecatedUsageWarning" in runs[0].stderr
    fits = recording.load(out)
    assert [[c.category for c in f.conditions] for f in fits] == [
        ["DeprecatedUsageWarning", "SingularFitMessage"], ["SingularFitMessage"]]


# ---------------------------------------------------------------- the command, live R


def _verify(script: str, python: str, tmp_path: Path) -> tuple[int, dict, str]:
    out = tmp_path / "v.json"
    proc = subprocess.run([sys.executable, "-m", "conformance.bridge.verify_cli", "--quiet",
                           "--json", str(out), "--timeout", "200", str(CASES / script),
                           "--python", str(CASES / python)],
                          capture_output=True, text=True, cwd=ROOT)
    data = json.loads(out.read_text()) if out.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def _quantity(model: dict, quantity: str) -> dict:
    return next(r for r in model["results"] if r["quantity"] == quantity)


@pytest.mark.needs_r
def test_verify_python_singular_live(tmp_path):
    code, data, text = _verify("singular.R", "singular.py", tmp_path)
    assert code == 0, text
    messages = _quantity(data["models"][0], "fit.messages")
    assert messages["passed"] and not messages["skipped"]
    code, data, text = _verify("singular.R", "singular_silenced.py", tmp_path)
    assert code == 1, text
    assert (f"R gave the message {SINGULAR_R!r}; the Python script's fit did not"
            in data["models"][0]["reason"])


@pytest.mark.needs_r
def test_verify_python_convergence_live(tmp_path):
    code, data, text = _verify("converge.R", "converge.py", tmp_path)
    assert code == 0, text
    assert [m["status"] for m in data["models"]] == ["pass", "pass"]
    warned = _quantity(data["models"][1], "fit.warnings")
    assert warned["passed"] and not warned["skipped"]
