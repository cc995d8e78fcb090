"""``python -m benchmarks compare``: structure of the table and the JSON, not timings.

Runs the real command (``--quick --repeat 1`` on Dyestuff and sleepstudy) in a subprocess
from the repository root, with pylme alone and, when R with lme4 is present, with lme4 too
(then every tool's θ is judged by lme4's own deviance function).  No assertion is about
speed: the machine may be loaded.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import generate, models, targets  # noqa: E402
from benchmarks.report import scaling_exponents  # noqa: E402

QUICK = ["--quick", "--repeat", "1", "--budget", "0.02", "--quiet"]
HEADER = "| model | θ | tool | fit | × lme4 | evals | per eval | floor | eval/floor | peak RSS | Δ objective |"


def _compare(tmp_path: Path, only: list[str], *extra: str) -> tuple[str, dict]:
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "compare", *QUICK, "--only", *only,
                           "--json", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads(out.read_text())


def _check_pylme(entry: dict) -> None:
    assert entry["status"] == "ok"
    assert len(entry["times"]) == 1 and entry["seconds"] > 0
    assert entry["evals"] >= entry["optimizer_evals"] > 0  # the counted fit sees every evaluation
    assert entry["per_eval"] > 0 and entry["maxrss_kib"] > 0
    assert entry["floor"]["backend"] == "dense" and entry["floor"]["seconds"] > 0
    assert math.isfinite(entry["objective"])


def test_compare_pylme_only(tmp_path):
    # R-free: what a machine without R gets (one model keeps the test short)
    text, report = _compare(tmp_path, ["sleepstudy"], "--tools", "pylme", "--no-process")
    assert HEADER in text
    assert [row["model"] for row in report["models"]] == ["sleepstudy"]
    assert report["meta"]["tools"] == ["pylme"] and report["meta"]["load_start"]
    row = report["models"][0]
    assert list(row["tools"]) == ["pylme"]
    _check_pylme(row["tools"]["pylme"])
    # the row of the table names the model and the tool
    assert any(line.startswith(f"| {row['label']} |") and "| pylme |" in line for line in text.splitlines())
    # sleepstudy has 3 θ; the floor is the dense columns' block (X and y: order 3)
    sleep = row["tools"]["pylme"]
    assert len(sleep["theta"]) == 3 and sleep["floor"]["order"] == 3
    assert report["process"] is None


@pytest.mark.needs_r
def test_compare_with_lme4(tmp_path):
    text, report = _compare(tmp_path, ["dyestuff", "sleepstudy"], "--tools", "pylme,lme4")
    assert [row["model"] for row in report["models"]] == ["dyestuff", "sleepstudy"]
    assert report["meta"]["r"]["lme4"]["blas"]  # the BLAS R runs on is named
    assert "BLAS `" in text
    for row in report["models"]:
        lme4, pylme = row["tools"]["lme4"], row["tools"]["pylme"]
        assert row["judge"] == "lme4 devfun" and row["diff_against"] == "lme4"
        assert lme4["objective_diff"] == 0.0  # lme4 judged at its own θ
        # lme4's devfun at its θ is the objective lme4 reports (the yardstick is consistent)
        assert lme4["judged"] == pytest.approx(lme4["objective"], rel=1e-12, abs=1e-9)
        assert pylme["objective_diff"] is not None and abs(pylme["objective_diff"]) < 1e-6
        assert pylme["ratio"] == pytest.approx(lme4["seconds"] / pylme["seconds"])
        assert lme4["evals"] >= lme4["optimizer_evals"] > 0
        _check_pylme(pylme)
    proc = report["process"]
    assert set(proc["tools"]) == {"lme4", "pylme", "imports"}  # imports: the interpreter + libraries floor
    assert proc["tools"]["lme4"]["ratio_to_lme4"] == 1.0 and proc["tools"]["pylme"]["seconds"] > 0
    assert 0 < proc["tools"]["imports"]["seconds"] < proc["tools"]["pylme"]["seconds"] * 1.5
    assert "Whole process" in text and "python + imports only" in text
    # the targets the run measured, each judged (sleepstudy and dyestuff: ≥ 3×; the process)
    judged = {(t.model, t.kind) for t, _, _ in targets.judge(report)}
    assert {("sleepstudy", "ratio"), ("dyestuff", "ratio"), ("process", "process")} <= judged
    assert "Targets (issue 11)" in text


def test_generators_are_seeded_and_shaped():
    a, b = generate.kb07_like(), generate.kb07_like()
    assert a.equals(b) and a.shape == (1800, 6)
    assert a.groupby("subj", observed=True)["a"].nunique().min() == 2  # contrasts vary within subjects
    assert a.groupby("item", observed=True)["c"].nunique().min() == 2  # ... and within items
    c = generate.crossed(5000, 200, 50, seed=3)
    assert c["user"].cat.categories.size == 200 and c["user"].value_counts().min() >= 1
    assert c.equals(generate.crossed(5000, 200, 50, seed=3)) and not c.equals(generate.crossed(5000, 200, 50))
    assert generate.scaling_sizes()[0] == 10_000 and generate.scaling_sizes()[-1] == 1_000_000
    assert generate.scaling_levels(1_000_000) == (20_000, 5_000)


def test_model_selection():
    assert [m.key for m in models.select(None, quick=True)] == list(models.QUICK)
    series = models.select(["scaling"], quick=False)
    assert [m.rows for m in series] == generate.scaling_sizes()
    with pytest.raises(SystemExit):
        models.select(["no_such_model"], quick=False)


def test_scaling_exponent_is_the_log_log_slope():
    rows = [{"series": "scaling", "rows": n, "tools": {"pylme": {"seconds": 2e-6 * n ** 1.3}}}
            for n in (10_000, 100_000, 1_000_000)]
    rows.append({"series": None, "rows": None, "tools": {"pylme": {"seconds": 1.0}}})
    out = scaling_exponents(rows)
    assert out["pylme"]["exponent"] == pytest.approx(1.3)
    assert len(out["pylme"]["points"]) == 3
    assert np.isfinite(out["pylme"]["exponent"])


def test_mixedlm_theta_in_lme4_order():
    from types import SimpleNamespace as NS

    from benchmarks.tools import mixedlm_theta_to_lme4

    # row-major [L00, L10, L11, L20, L21, L22] -> column-major [L00, L10, L20, L11, L21, L22]
    terms = [NS(n_terms=3, correlated=True), NS(n_terms=2, correlated=False), NS(n_terms=1, correlated=True)]
    theta = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    assert mixedlm_theta_to_lme4(theta, terms).tolist() == [1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    with pytest.raises(ValueError):
        mixedlm_theta_to_lme4(theta[:-1], terms)


def test_mixedlm_theta_judged_by_pylme_matches_its_own_objective():
    mixedlm = pytest.importorskip("mixedlm")
    import warnings

    import pylme
    from benchmarks.tools import mixedlm_theta_to_lme4

    data = generate.kb07_like(n_subj=24, n_items=12, seed=5)
    formula = "y ~ a + b + (1 + a + b | subj) + (1 | item)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mixedlm.lmer(formula, data, REML=False)
        fit = pylme.lmer(formula, data, REML=False)
    theta = mixedlm_theta_to_lme4(np.asarray(res.theta, float), res.matrices.random_structures)
    assert fit.problem.objective(theta) == pytest.approx(float(res.deviance), rel=1e-10)


def _entry(tool: str, **kw) -> dict:
    from benchmarks.runner import _tool_entry

    e = _tool_entry(tool)
    e.update(kw)
    return e


def test_markdown_reports_a_capped_lme4_and_a_sparse_floor():
    from benchmarks.report import markdown
    from benchmarks.runner import _ratios

    tools = {"lme4": _entry("lme4", status="timeout"),
             "pylme": _entry("pylme", seconds=60.0, evals=30, per_eval=1.5,
                             floor={"order": 5002, "seconds": 0.85, "backend": "dense"}, objective_diff=0.0,
                             maxrss_kib=2 * 1024 ** 2),
             "mixedlm": _entry("mixedlm", seconds=120.0, floor=None, objective_diff=2.5e-7)}
    _ratios(tools, timeout=600.0)
    assert tools["pylme"]["ratio"] == pytest.approx(10.0) and tools["pylme"]["ratio_lower_bound"]
    row = {"label": "crossed 1M", "n_theta": 2, "series": "scaling", "rows": 10 ** 6, "tools": tools,
           "diff_against": "best"}
    meta = {"machine": "test box", "date": "2026-12-06", "load_start": "1.00", "load_end": "1.10",
            "repeat": 5, "timeout": 600.0, "versions": {}, "r": {}, "unavailable": {"lme4-openblas": "absent"},
            "numpy": "2", "numpy_blas": "x"}
    text = markdown({"meta": meta, "models": [row], "scaling": {}, "process": None})
    lines = {line.split("|")[3].strip(): line for line in text.splitlines() if line.count("|") == 12}
    assert "> 600 s (cap)" in lines["lme4"]
    assert ">10.00×" in lines["pylme"] and "850 ms (5002²)" in lines["pylme"] and "| 1.8 |" in lines["pylme"]
    assert "2048 MiB" in lines["pylme"] and "+2.50e-07 (vs best)" in lines["mixedlm"]
    assert "lme4-openblas: not run (absent)." in text
    # a rerun row keeps the cap it ran under, whatever the main run's
    capped = markdown({"meta": {**meta, "timeout": 240.0}, "models": [{**row, "timeout": 600.0}], "scaling": {},
                       "process": None})
    assert "> 600 s (cap)" in capped and "> 240 s" not in capped


def test_a_fit_past_the_timeout_is_cut_off():
    from benchmarks.runner import run_model

    spec = next(m for m in models.MODELS if m.key == "dyestuff")
    row = run_model(spec, ["pylme"], repeat=3, timeout=1e-4, csv=None, budget=0.01, log=lambda msg: None)
    e = row["tools"]["pylme"]
    assert e["status"] == "timeout" and e["times"] == [] and e["seconds"] is None


def test_targets_judge_misses_with_their_anatomy():
    row = {"model": "star", "tools": {
        "lme4": {"status": "ok", "seconds": 3.9, "maxrss_kib": 300 * 1024},
        "pylme": {"status": "ok", "seconds": 2.0, "evals": 100, "per_eval": 0.015, "floor": {"seconds": 0.001},
                  "maxrss_kib": 250 * 1024},
        "mixedlm": {"status": "ok", "seconds": 1.0}}}
    report = {"models": [row], "process": {"tools": {"lme4": {"seconds": 1.0}, "pylme": {"seconds": 0.8},
                                                      "imports": {"seconds": 0.6}}}}
    got = {(t.model, t.kind): (met, text) for t, met, text in targets.judge(report)}
    met, text = got[("star", "ratio")]
    assert not met and "1.95×" in text and "needs ≤ 1.3 s" in text and "100 evaluations × 15 ms" in text
    assert "1.5 s" in text and "500 ms outside them" in text  # 100 × 15 ms inside, the rest outside
    assert "dense Cholesky at the floor: 100 × 1 ms = 100 ms" in text
    assert "the evaluations alone exceed the 1.3 s the target allows" in text  # 1.5 s of evaluations
    row["tools"]["pylme"]["floor"]["seconds"] = 0.014  # 1.4 s of factorizations > the 1.3 s allowed
    text = {(t.model, t.kind): x for t, _, x in targets.judge(report)}[("star", "ratio")]
    assert "the factorizations alone exceed the 1.3 s the target allows" in text
    row["tools"]["pylme"]["floor"]["seconds"] = 0.001
    assert got[("star", "beats")][0] is False and got[("star", "memory")][0] is True
    assert ("star", "ratio_openblas") not in got  # not run: never reported as met
    met, text = got[("process", "process")]
    assert not met and "alone take 600 ms" in text
    row["tools"]["pylme"]["seconds"] = 1.0
    assert {(t.model, t.kind): m for t, m, _ in targets.judge(report)}[("star", "ratio")] is True


def test_from_json_reprints_an_earlier_run(tmp_path):
    report = {"meta": {"machine": "m", "date": "d", "load_start": 0.1, "load_end": 0.2, "repeat": 1, "timeout": 5.0},
              "models": [], "scaling": {}, "process": None}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report))
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "compare", "--from-json", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert proc.stdout.startswith("Measured by `python -m benchmarks compare` on m, d")


def test_merge_into_replaces_the_rerun_rows_and_says_when(tmp_path):
    earlier_rows = [{"model": k, "label": k.title(), "tools": {}, "rows": 10} for k in ("dyestuff", "sleepstudy")]
    earlier = {"meta": {"machine": "m", "date": "d0", "load_start": 0.1, "load_end": 0.2, "repeat": 3,
                        "timeout": 5.0}, "models": earlier_rows, "scaling": {}, "process": {"kept": 1}}
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(earlier))
    # with --json the merged report goes there (without, back into the earlier file)
    text, merged = _compare(tmp_path, ["sleepstudy"], "--tools", "pylme", "--no-process",
                            "--merge-into", str(path))
    assert json.loads(path.read_text()) == earlier
    assert [row["model"] for row in merged["models"]] == ["dyestuff", "sleepstudy"]
    dyestuff, sleep = merged["models"]
    assert dyestuff == earlier_rows[0]  # untouched, unmarked
    assert sleep["rerun"] == merged["meta"]["reruns"][0]["date"] and "pylme" in sleep["tools"]
    assert merged["meta"]["date"] == "d0" and merged["meta"]["reruns"][0]["models"] == ["sleepstudy"]
    assert merged["process"] == {"kept": 1}  # no new whole-process comparison was made
    assert f"| {sleep['label']} †1 |" in text
    assert "Rows marked †1 (sleepstudy) were rerun on" in text


def test_from_json_merges_an_earlier_rerun(tmp_path):
    meta = {"machine": "m", "load_start": 0.1, "load_end": 0.2, "repeat": 3, "timeout": 5.0}
    main = {"meta": {**meta, "date": "d0"}, "process": None, "scaling": {},
            "models": [{"model": "a", "label": "A", "tools": {}}, {"model": "b", "label": "B", "tools": {}}]}
    rerun = {"meta": {**meta, "date": "d1"}, "process": None, "scaling": {},
             "models": [{"model": "b", "label": "B", "tools": {}, "new": True}]}
    (tmp_path / "main.json").write_text(json.dumps(main))
    (tmp_path / "rerun.json").write_text(json.dumps(rerun))
    subprocess.run([sys.executable, "-m", "benchmarks", "compare", "--from-json", str(tmp_path / "rerun.json"),
                    "--merge-into", str(tmp_path / "main.json")], cwd=ROOT, capture_output=True, text=True,
                   check=True)
    merged = json.loads((tmp_path / "main.json").read_text())
    assert [m.get("new", False) for m in merged["models"]] == [False, True]
    assert merged["models"][1]["rerun"] == "d1" and merged["meta"]["reruns"][0]["models"] == ["b"]
    # a rerun that timed the whole process too: that table is the rerun's, and marked as such
    from benchmarks.compare import merge
    from benchmarks.report import markdown

    proc = {"formula": "y ~ x", "repeat": 3, "tools": {"pylme": {"seconds": 1.0, "ratio_to_lme4": 0.5}}}
    again = merge(merged, {**rerun, "meta": {**meta, "date": "d2"}, "process": proc})
    assert again["process"]["rerun"] == "d2"
    assert "fit `y ~ x`) †2, median of 3 interleaved runs" in markdown(again)


def test_small_models_are_timed_in_batches_of_consecutive_fits():
    from benchmarks.report import markdown
    from benchmarks.tools import _PythonAdapter

    class Counting(_PythonAdapter):
        calls = 0

        def _fit_once(self):
            Counting.calls += 1
            return object()

    small = {m.key: m.batch for m in models.MODELS if m.small}
    assert set(small.values()) == {models.SMALL_BATCH} and models.SMALL_BATCH > 1
    assert all(m.batch == 1 for m in models.MODELS if not m.small)
    adapter = Counting()
    adapter.spec = models.select(["sleepstudy"], quick=False)[0]
    assert adapter.fit(count=True) >= 0 and Counting.calls == 1  # the counted fit is one fit
    adapter.fit(count=False)
    assert Counting.calls == 1 + models.SMALL_BATCH
    row = {"model": "sleepstudy", "label": "s", "batch": models.SMALL_BATCH, "tools": {}, "series": None}
    meta = {"machine": "m", "date": "d", "load_start": "0", "repeat": 3, "timeout": 9.0}
    assert f"sleepstudy: samples of {models.SMALL_BATCH} consecutive fits" in markdown({"meta": meta, "models": [row]})
