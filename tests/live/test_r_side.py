"""The R side of the conformance harness, against live R (lme4 1.1-31).

Tests marked ``needs_r`` are skipped, with a message saying what to install,
when rpy2 or R/lme4 cannot be loaded. The few unmarked tests check the
R-free parts (case registry, canonical JSON).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cases import CASES, Case, case_list_sha256, get_case
from conformance.r_session import R_UNAVAILABLE_HINT, r_available
from conformance.regen import canonical_json, decode_value

R_OK, _REASON = r_available()
REPO = Path(__file__).resolve().parents[2]


def needs_r(test):
    """Mark `test` as needing live R, skipped with the install hint otherwise."""
    test = pytest.mark.skipif(not R_OK, reason=R_UNAVAILABLE_HINT)(test)
    return pytest.mark.needs_r(test)


@pytest.fixture(scope="module")
def session():
    from conformance.r_session import RSession

    return RSession()


@pytest.fixture(scope="module")
def dyestuff(session):
    from conformance.r_side import fit_case

    return fit_case(session, get_case("dyestuff_reml"))


# ------------------------------------------------------------------ without R


def test_case_ids_unique_and_stable():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(c.id.endswith(("_reml", "_ml")) for c in CASES)
    assert {c.tier for c in CASES} == {"fast", "slow"}
    assert len(case_list_sha256()) == 64


def test_lmer_call_text():
    from conformance.r_side import lmer_call

    case = Case("x_reml", "sleepstudy", "Reaction ~ Days + (Days | Subject)", weights="Days + 1",
                control="optimizer = 'bobyqa'")
    assert lmer_call(case) == ("lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, "
                               "REML = TRUE, weights = Days + 1, "
                               "control = lmerControl(optimizer = 'bobyqa'))")
    assert lmer_call(case, devfun_only=True).endswith(", devFunOnly = TRUE)")


def test_glmer_call_text():
    from conformance.r_side import fit_call
    from conformance.r_side_glmm import glmer_call

    case = get_case("cbpp_binomial_agq25_ml")
    assert fit_call(case) == glmer_call(case) == (
        "glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, "
        "family = binomial, nAGQ = 25)")
    assert glmer_call(case, devfun_only=True, n_agq=0).endswith("nAGQ = 0, devFunOnly = TRUE)")
    weighted = get_case("cbpp_proportion_ml")
    assert glmer_call(weighted) == ("glmer(incidence/size ~ period + (1 | herd), data = cbpp, "
                                    "family = binomial, weights = size)")


def test_lmer_case_dicts_are_unchanged_by_the_glmm_fields():
    case = get_case("dyestuff_reml")
    assert "family" not in case.to_dict() and "nAGQ" not in case.to_dict()
    assert get_case("gamma_log_ml").to_dict()["family"] == 'Gamma(link = "log")'


def test_canonical_json():
    text = canonical_json({"b": [1.0, math.nan, -math.inf, None, True, 3], "a": {"x": 0.1}})
    assert text == ('{\n "a": {\n  "x": 0.1\n },\n'
                    ' "b": [1.0, "NaN", "-Inf", null, true, 3]\n}\n')
    assert decode_value(json.loads(text)["b"])[2] == -math.inf
    value = 0.1 + 0.2  # needs 17 significant digits
    assert float(json.loads(canonical_json([value]))[0]) == value


# ------------------------------------------------------------------ with R


@needs_r
def test_r_error_is_typed(session):
    from conformance.r_session import RError

    with pytest.raises(RError, match="boom") as info:
        session.run("{warning('first'); stop('boom')}")
    assert info.value.message == "boom" and info.value.warnings == ("first",)


@needs_r
def test_warnings_and_messages_captured(session):
    captured = session.get("{warning('w'); message('m'); 42L}")
    assert captured.value.values == (42,)
    assert captured.warnings == ("w",) and captured.messages == ("m",)


@needs_r
def test_dyestuff_anchors(dyestuff):
    det, opt = dyestuff["deterministic"], dyestuff["optimizer"]
    # lme4 test-lmer.R:45-49: REML devfun(1), devfun(0), REMLcrit
    assert det["devfun_at_0"]["value"] == pytest.approx(319.792389042002, rel=1e-12)
    assert det["devfun_at_1"]["value"] == pytest.approx(326.023232155879, rel=1e-12)
    assert opt["objective"]["value"] == pytest.approx(319.654276842342, rel=1e-10)
    assert det["devfun_theta_hat"]["value"] == pytest.approx(
        opt["objective"]["value"], rel=1e-13)
    assert opt["theta"]["r_expr"] == "getME(fm, 'theta')"
    assert opt["theta"]["names"] == ["Batch.(Intercept)"]
    assert dyestuff["structure"]["Zt"]["names"] == ["i", "j", "x"]


@needs_r
def test_dyestuff_ml_devfun_anchor(session):
    from conformance.r_side import fit_case

    record = fit_case(session, get_case("dyestuff_ml"))
    # MixedModels.jl objective!(fm1, 0.713) = 327.34216280954615
    assert record["deterministic"]["devfun_at_0"]["value"] == pytest.approx(
        327.34216280954615, rel=1e-12)


@needs_r
def test_every_record_has_kind_and_expression(dyestuff):
    for group in ("structure", "deterministic", "optimizer", "print"):
        for name, record in dyestuff[group].items():
            assert record["kind"] in ("value", "checksum"), (group, name, record)
            assert record["r_expr"], (group, name)


@needs_r
def test_singular_fit_message(session):
    from conformance.r_side import fit_case

    record = fit_case(session, get_case("dyestuff2_reml"))
    assert record["fit"]["messages"] == ["boundary (singular) fit: see help('isSingular')"]
    assert record["optimizer"]["isSingular"]["value"] is True


@needs_r
def test_fit_from_pandas_frame_matches_r_dataset(session):
    from conformance.r_side import fit_case
    from pylme import datasets

    case = get_case("sleepstudy_slope_reml")
    from_r = fit_case(session, case)
    from_frame = fit_case(session, case, frame=datasets.load("sleepstudy"))
    assert from_frame["data"]["from_frame"] is True
    assert from_frame["structure"] == from_r["structure"]  # same data, same design
    # numbers may differ in the last bits: R's results depend on memory layout
    for group, name in (("deterministic", "devfun_theta_hat"), ("optimizer", "objective")):
        assert from_frame[group][name]["value"] == pytest.approx(
            from_r[group][name]["value"], rel=1e-12)
    assert from_frame["optimizer"]["theta"]["value"] == pytest.approx(
        from_r["optimizer"]["theta"]["value"], rel=1e-7)


@needs_r
def test_frame_with_factor_spec(session):
    import pandas as pd

    from conformance.r_session import FactorSpec
    from conformance.r_side import fit_case
    from pylme import datasets

    frame = datasets.load("Dyestuff")
    frame["Batch"] = frame["Batch"].astype(str)  # a generated design: plain labels
    case = Case("gen_reml", "generated", "Yield ~ 1 + (1 | Batch)")
    spec = {"Batch": FactorSpec(("F", "E", "D", "C", "B", "A"))}
    record = fit_case(session, case, frame=frame, factors=spec)
    levels = record["structure"]["flist_levels"]["value"][0]
    assert levels == ["F", "E", "D", "C", "B", "A"]
    assert record["r_call"].startswith("lmer(Yield ~ 1 + (1 | Batch), data = data")
    assert isinstance(frame, pd.DataFrame)


@needs_r
def test_failed_fit_is_recorded(session):
    from conformance.r_side import fit_case

    case = Case("bad_reml", "Dyestuff", "Yield ~ 1 + (1 | Nope)")
    record = fit_case(session, case)
    assert "Nope" in record["fit"]["error"] and "structure" not in record


@needs_r
def test_exported_datasets_equal_r_bit_for_bit(session):
    import numpy as np

    from conformance.cases import DATASETS
    from pylme import datasets

    for source in DATASETS:
        env = session.new_env()
        session.run(f".d <- {source.r_expr}", env)
        r_frame = session.get("as.list(.d)", env).value
        frame = datasets.load(source.name)
        for name, column in zip(r_frame.attr_values("names"), r_frame.values):
            _assert_column_equal(frame[name], column, np, f"{source.name}${name}")


def _assert_column_equal(values, column, np, label):
    if column.is_factor:
        levels = column.attr_values("levels")
        assert tuple(values.cat.categories) == levels, label
        assert values.cat.ordered == ("ordered" in column.classes), label
        codes = [-1 if v is None else v - 1 for v in column.values]
        assert values.cat.codes.tolist() == codes, label
    elif column.type == "double":
        expected = np.array([np.nan if v is None else v for v in column.values])
        assert expected.tobytes() == values.to_numpy().tobytes(), label
    else:
        got = [None if v is None or v is values.dtype.na_value else v
               for v in values.astype(object)] if values.isna().any() else values.tolist()
        assert got == list(column.values), label


@needs_r
def test_hsb_matches_seed_construction(session):
    from conformance.cases import HSB_R

    seed = """local({ h <- merge(nlme::MathAchSchool[, c("School", "Sector")],
        nlme::MathAchieve[, c("School", "SES", "MathAch")], by = "School")
        h$cses <- h$SES - ave(h$SES, h$School); h })"""
    same = session.get(f"identical({HSB_R}[, 1:5], {seed})").value.values
    assert same == (True,)


def _cli_regen(out: Path, *case_ids: str) -> None:
    # a fresh process, as a user runs it: the CLI turns ASLR off for reproducibility
    args = [arg for case_id in case_ids for arg in ("--case", case_id)]
    subprocess.run([sys.executable, "-m", "conformance", "regen", "--no-datasets",
                    "--out", str(out), *args], cwd=REPO, check=True, capture_output=True)


@needs_r
def test_glmm_record_anchors(session):
    """glmer_spec.md App. A: cbpp's -2logLik, deviance(), feval 18 + 285; the devfun at
    lme4's own (θ̂, β̂) is the optimum's criterion to the last bit."""
    from conformance.r_side import fit_case

    record = fit_case(session, get_case("cbpp_binomial_ml"))
    det, opt = record["deterministic"], record["optimizer"]
    assert opt["objective"]["value"] == pytest.approx(184.053132779061, rel=1e-12)
    assert opt["deviance"]["value"] == pytest.approx(73.4742835742572, rel=1e-12)
    assert (opt["feval"]["value"], opt["feval_stage1"]["value"]) == (285, 18)
    assert det["devfun_theta_hat"]["value"] == opt["objective"]["value"]
    assert det["devfun0_theta_start"]["value"] == pytest.approx(186.7231, abs=1e-4)
    assert len(record["devfun_inputs"]["lp0"]["value"]) == 56
    assert record["lrt"]["anova"]["value"]["Chisq"][1] == pytest.approx(25.61, abs=5e-3)


@needs_r
def test_local_data_csv_reads_back_exactly_in_r(session):
    """r_reference/data/gdat.csv (doubles at 17 digits) is what set.seed made in R."""
    from conformance.cases import GAMMA_SIM
    from conformance.local_data import in_repo_r, read_csv_r

    same = session.get(f"isTRUE(all.equal({GAMMA_SIM.make_r}, {in_repo_r(read_csv_r(GAMMA_SIM))}, "
                       "tolerance = 0))").value.values
    assert same == (True,)


@needs_r
def test_regen_is_byte_identical(tmp_path):
    # penicillin_reml is the case whose last bits move with memory layout
    ids = ("dyestuff_reml", "penicillin_reml")
    _cli_regen(tmp_path / "a", *ids)
    _cli_regen(tmp_path / "b", *ids)
    for case_id in ids:
        name = f"cases/{case_id}.json"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        frozen = REPO / "r_reference" / name
        if frozen.exists():  # a difference here means the R toolchain changed
            assert (tmp_path / "a" / name).read_bytes() == frozen.read_bytes(), case_id
    meta = json.loads((tmp_path / "a" / "meta.json").read_text())
    assert meta["packages"]["lme4"] == "1.1-31" and meta["case_list_sha256"] == case_list_sha256()


@needs_r
def test_dataset_export_is_byte_identical(session, tmp_path):
    from conformance.datasets_export import export_datasets

    names = ("sleepstudy", "cake")
    export_datasets(tmp_path, names=names, session=session, log=lambda _: None)
    shipped = REPO / "pylme" / "datasets" / "data"
    for name in names:
        for suffix in (".csv.gz", ".json"):
            assert (tmp_path / f"{name}{suffix}").read_bytes() == \
                (shipped / f"{name}{suffix}").read_bytes(), name + suffix
