"""``bootMer`` (lme4 ``bootMer`` / boot ``print.boot``): replicates, parallel reproducibility,
failure and warning accounting, and the printed summary.

Replicates are compared with refits of ``simulate()`` (same seed streams), never with
R's numbers (the random numbers differ); the print layout is checked against text R
printed for ``bootMer(fm1, fixef, nsim = 1000, seed = 1)``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.errors import ArgumentError, DataError, PylmeWarning
from pylme.inference import bootstrap as bmod
from pylme.inference.bootstrap import BootResult, bootMer
from pylme.inference.simulate import simulate
from pylme.printing.rformat import format_real


@pytest.fixture(scope="module")
def fm():
    return pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))


def _fixef(m):
    return m.fixef()


@pytest.fixture(scope="module")
def serial(fm):
    return bootMer(fm, _fixef, nsim=12, seed=42, n_jobs=1, progress=False)


def test_result_fields(fm, serial):
    assert isinstance(serial, BootResult)
    assert serial.R == 12 and serial.t.shape == (12, 2) and serial.seed == 42
    assert serial.statistic_names == ("(Intercept)", "Days")
    np.testing.assert_array_equal(serial.t0, fm.beta)
    assert serial.sim == "parametric" and serial.n_failed == 0
    np.testing.assert_array_equal(serial.mle["theta"], fm.theta)
    assert list(serial.to_frame().columns) == ["(Intercept)", "Days"]
    np.testing.assert_allclose(serial.bias, serial.t.mean(axis=0) - serial.t0)
    np.testing.assert_allclose(serial.std_error, serial.t.std(axis=0, ddof=1))
    assert pylme.bootMer is bootMer


def test_replicates_are_refits_of_simulate(fm, serial):
    sims = simulate(fm, nsim=12, seed=42)
    for i in (0, 7, 11):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refit = fm.refit(sims[f"sim_{i + 1}"].to_numpy())
        np.testing.assert_array_equal(serial.t[i], refit.beta)


def test_parallel_equals_serial(fm, serial):
    parallel = bootMer(fm, _fixef, nsim=12, seed=42, n_jobs=2, progress=False)
    np.testing.assert_array_equal(parallel.t, serial.t)
    lam = bootMer(fm, lambda m: m.sigma, nsim=5, seed=1, n_jobs=2, progress=False)  # lambdas work (fork)
    assert lam.t.shape == (5, 1) and lam.statistic_names == ("t1",)


def test_chunks_cover_everything():
    for nsim, jobs in ((1, 2), (7, 2), (1000, 2), (65, 3)):
        chunks = bmod._chunks(nsim, jobs)
        assert chunks[0][0] == 0 and chunks[-1][1] == nsim
        assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))


def test_failures_are_counted(fm):
    calls = {"n": 0}

    def flaky(m):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            raise ValueError("boom")
        return m.beta

    with pytest.warns(PylmeWarning, match=r"some bootstrap runs failed \(2/6\)"):
        res = bootMer(fm, flaky, nsim=6, seed=1, n_jobs=1, progress=False)
    assert res.n_failed == 2 and np.isnan(res.t).any(axis=1).sum() == 2
    assert res.errors == (("boom", 2),)
    assert "2 error(s): boom" in str(res)


def test_messages_are_tabulated():
    dye = pylme.datasets.load("Dyestuff2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pylme.lmer("Yield ~ 1 + (1 | Batch)", dye)
    res = bootMer(fit, lambda m: m.theta, nsim=20, seed=3, n_jobs=1, progress=False)
    texts = dict(res.messages)
    # lme4's text with pylme's help pointer (lme4: "see help('isSingular')")
    assert texts.get("boundary (singular) fit: see help(pylme.isSingular)", 0) >= 1
    assert res.warning_summary["message"] == texts


def test_table_order_is_rs():
    assert bmod._table(["b", "a", "b", "c", "a", "b"]) == (("c", 1), ("a", 2), ("b", 3))


def test_print_layout_matches_r():
    """The table R printed for bootMer(fm1, fixef, nsim = 1000, seed = 1) (lme4 1.1-31)."""
    t0 = [251.40510484848, 10.46729]
    bias = [-0.15702713, 0.04298814]
    se = [6.791852, 1.541501]
    text = bmod._matrix_text(["t1*", "t2*"], ["original", " bias  ", " std. error"],
                             [format_real(c, 7) for c in (t0, bias, se)])
    assert text == ("     original      bias    std. error\n"
                    "t1* 251.40510 -0.15702713    6.791852\n"
                    "t2*  10.46729  0.04298814    1.541501\n")
    conditions = bmod._conditions_text(
        (("boundary (singular) fit: see help('isSingular')", 18),),
        (("Model failed to converge with max|grad| = 0.00208998 (tol = 0.002, component 1)", 1),
         ("Model failed to converge with max|grad| = 0.00315 (tol = 0.002, component 1)", 7)), ())
    assert conditions == ("\n18 message(s): boundary (singular) fit: see help('isSingular')\n"
                          "8 warning(s): Model failed to converge with max|grad| = 0.00208998 "
                          "(tol = 0.002, component 1) (and others)\n")


def test_str(serial):
    text = str(serial)
    assert text.startswith("\nPARAMETRIC BOOTSTRAP\n\n\nCall:\nbootMer(x = fit, FUN = _fixef, nsim = 12, seed = 42)"
                           "\n\n\nBootstrap Statistics :\n     original")
    assert "t1* 251.4051" in text and "t2*  10.4672" in text


def test_all_na_statistic_is_reported(fm):
    res = bootMer(fm, lambda m: [m.beta[0], np.nan], nsim=3, seed=1, n_jobs=1, progress=False)
    assert "WARNING: All values of t2* are NA" in str(res)


def test_semiparametric(fm):
    res = bootMer(fm, _fixef, nsim=4, seed=1, use_u=True, type="semiparametric", n_jobs=1, progress=False)
    assert res.sim == "semiparametric" and np.isfinite(res.t).all()
    with pytest.raises(DataError, match="semiparametric bootstrapping with use.u=FALSE not yet implemented"):
        bootMer(fm, _fixef, nsim=2, type="semiparametric", progress=False)
    # R: match.arg(type) -> "'arg' should be one of “parametric”, “semiparametric”"
    with pytest.raises(ArgumentError, match="^'arg' should be one of \u201cparametric\u201d, \u201csemiparametric\u201d"):
        bootMer(fm, _fixef, nsim=2, type="jackknife", progress=False)


def test_bad_arguments(fm):
    with pytest.raises(DataError, match="numeric vectors"):
        bootMer(fm, lambda m: "x", nsim=1, progress=False)
    with pytest.raises(DataError, match="nsim"):
        bootMer(fm, _fixef, nsim=0, progress=False)


def test_progress_counter_without_tqdm(fm, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "tqdm.auto", None)  # as if tqdm were absent
    bootMer(fm, _fixef, nsim=3, seed=1, n_jobs=1, progress=True)
    assert "bootMer: 3/3" in capsys.readouterr().err


def test_statistic_forms():
    assert bmod._statistic(pd.Series([1.0, 2.0], index=["a", "b"]))[1] == ("a", "b")
    assert bmod._statistic({"x": 1.0})[1] == ("x",)
    values, names = bmod._statistic(3)
    assert values.tolist() == [3.0] and names is None


def test_spawned_workers_rebuild_the_fit(fm, serial, monkeypatch):
    """Without fork (macOS, Windows) workers refit the model from its lmer() call."""
    monkeypatch.setattr(bmod, "_fork_context", lambda: None)
    spawned = bootMer(fm, _fixef, nsim=12, seed=42, n_jobs=2, progress=False)
    np.testing.assert_array_equal(spawned.t, serial.t)


def test_progress_bar_tqdm_and_plain_counter(fm, capsys, monkeypatch):
    """``progress=True`` shows tqdm's bar (the ``progress`` extra), else a plain counter."""
    import builtins

    pytest.importorskip("tqdm", reason="the test command installs the 'progress' extra")
    bootMer(fm, _fixef, nsim=4, seed=1, n_jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "bootMer: 100%" in err and "4/4" in err

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    bootMer(fm, _fixef, nsim=4, seed=1, n_jobs=1, progress=True)
    err = capsys.readouterr().err
    assert err.endswith("bootMer: 4/4\n") and "%" not in err
    bootMer(fm, _fixef, nsim=4, seed=1, n_jobs=1, progress=False)
    assert capsys.readouterr().err == ""
