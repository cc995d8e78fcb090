"""lme4's defaults and texts in a fitted model's results: ``ranef()`` (condVar = TRUE and its
print), the summary around the p > 12 correlation note, and the singular-fit help pointer.

Expected texts: ``tests/data/lme4_defaults/make_printed.R`` (R 4.2.2, lme4 1.1-31), which
stores for each case R's standard output (``capture.output``), its messages and the console
(both streams sunk into one file, in order), each with the R expression that printed it.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import pathlib
import pydoc
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import pylme
from pylme.convergence import LME4_WORDING, SINGULAR_MESSAGE, lme4_wording
from pylme.errors import ArgumentError, PylmeMessage, SingularFitMessage
from pylme.printing import summary_text
from pylme.results.effects import Ranef
from pylme.results.text import merMod_inputs

ROOT = pathlib.Path(__file__).parents[2]
REF = json.loads((ROOT / "tests" / "data" / "lme4_defaults" / "printed.json").read_text())

#: The models of make_printed.R's ``models`` list, as pylme calls.
RANEF_MODELS = {
    "sleepstudy_intercept": ("Reaction ~ Days + (1 | Subject)", "sleepstudy"),
    "sleepstudy_slope": ("Reaction ~ Days + (Days | Subject)", "sleepstudy"),
    "sleepstudy_uncorr": ("Reaction ~ Days + (Days || Subject)", "sleepstudy"),
    "dyestuff": ("Yield ~ 1 + (1 | Batch)", "Dyestuff"),
    "dyestuff2_singular": ("Yield ~ 1 + (1 | Batch)", "Dyestuff2"),
    "penicillin": ("diameter ~ 1 + (1 | plate) + (1 | sample)", "Penicillin"),
    "pastes_nested": ("strength ~ 1 + (1 | batch/cask)", "Pastes"),
}
#: Fits whose optimizer end point differs from lme4's in the 8th digit of some mode, so
#: ``print()`` (7 significant digits) may differ in a last digit: same layout, numbers to 1e-6.
LAST_DIGIT = {"sleepstudy_slope", "pastes_nested"}
CAKE = sorted(REF["cake"])
_FITS: dict = {}


def _fit(formula: str, dataset: str, **kwargs) -> pylme.LmerFit:
    key = (formula, dataset, tuple(sorted(kwargs.items())))
    if key not in _FITS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[key] = pylme.lmer(formula, pylme.datasets.load(dataset), data_name=dataset, **kwargs)
    return _FITS[key]


def _ranef_fit(model: str) -> pylme.LmerFit:
    return _fit(*RANEF_MODELS[model])


def _cake_fit(key: str) -> pylme.LmerFit:
    case = REF["cake"][key]
    return _fit(case["formula"], "cake", REML=case["REML"])


_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


def _same_layout(mine: str, theirs: str, rtol: float) -> None:
    """Lines equal once numbers are blanked (same widths, words, quotes, blanks), and each
    number within ``rtol`` of the largest of R's (the modes share one scale)."""
    a, b = mine.split("\n"), theirs.split("\n")
    assert len(a) == len(b), f"{len(a)} lines, R {len(b)}"
    scale = max(abs(float(v)) for v in _NUMBER.findall(theirs))
    for x, y in zip(a, b):
        assert _NUMBER.sub(lambda m: "#" * len(m.group()), x) == _NUMBER.sub(lambda m: "#" * len(m.group()), y), (x, y)
        for u, v in zip(_NUMBER.findall(x), _NUMBER.findall(y)):
            assert math.isclose(float(u), float(v), rel_tol=0, abs_tol=rtol * scale), (x, y)


# --- ranef: lme4 1.1-31's default condVar = TRUE ------------------------------------------------

def test_ranef_default_is_lme4s():
    # R: formals(lme4:::ranef.merMod)$condVar is TRUE
    assert REF["ranef_default_condVar"] is True
    assert inspect.signature(pylme.LmerFit.ranef).parameters["condVar"].default is True
    effects = _ranef_fit("sleepstudy_slope").ranef()
    assert isinstance(effects, Ranef) and effects["Subject"].attrs["postVar"].shape == (18, 2, 2)


@pytest.mark.parametrize("condVar, tag", [(None, "print_ranef"), (True, "print_ranef"),
                                          (False, "print_ranef_nocondvar")])
@pytest.mark.parametrize("model", sorted(RANEF_MODELS))
def test_print_ranef_like_r(model, condVar, tag):
    """print(ranef(fm)) / print(ranef(fm, condVar = FALSE)): print() writes str() plus a newline."""
    fit = _ranef_fit(model)
    effects = fit.ranef() if condVar is None else fit.ranef(condVar=condVar)
    expected = REF["ranef"][model][tag]["stdout"]
    shown = str(effects) + "\n"
    if model in LAST_DIGIT:
        _same_layout(shown, expected, rtol=1e-6)
    else:
        assert shown == expected, REF["ranef"][model][tag]["r_expr"]
    assert repr(effects) == str(effects)
    assert shown.endswith("\n\n") != (tag == "print_ranef")  # blank line kept without condVar


@pytest.mark.parametrize("with_condvar", [True, False])
@pytest.mark.parametrize("model", sorted(RANEF_MODELS))
def test_print_ranef_exact_on_lme4s_modes(model, with_condvar):
    """The text exactly, on lme4's own modes: R's print(ranef(fm[, condVar = FALSE]))."""
    out = Ranef()
    for group, rec in REF["ranef"][model]["modes"].items():
        values = np.column_stack([np.array(rec["values"][c], dtype=float) for c in rec["columns"]])
        frame = pd.DataFrame(values, index=rec["rows"], columns=rec["columns"])
        if with_condvar:
            frame.attrs["postVar"] = np.zeros((len(rec["rows"]), len(rec["columns"]), len(rec["columns"])))
        out[group] = frame
    tag = "print_ranef" if with_condvar else "print_ranef_nocondvar"
    assert str(out) + "\n" == REF["ranef"][model][tag]["stdout"]


@pytest.mark.parametrize("model", sorted(RANEF_MODELS))
def test_condvar_values_match_lme4(model):
    """attr(ranef(fm)[[g]], "postVar")[, , 1] (the first term's, for a list)."""
    effects = _ranef_fit(model).ranef()
    for group, expected in REF["ranef"][model]["postvar_first"].items():
        post = effects[group].attrs["postVar"]
        first = (post[0] if isinstance(post, list) else post)[0]
        np.testing.assert_allclose(first.ravel(order="F"), np.array(expected, dtype=float), rtol=2e-5)


@pytest.mark.parametrize("value, has", [(True, True), (False, False), (1, True), (0, False), (2.5, True),
                                        (np.bool_(True), True), ("TRUE", True), ("T", True), ("true", True),
                                        ("FALSE", False), ("F", False), ("False", False)])
def test_condvar_read_as_r_if(value, has):
    effects = _ranef_fit("dyestuff").ranef(condVar=value)
    assert ("postVar" in effects["Batch"].attrs) is has


@pytest.mark.parametrize("value, text", [("x", "argument is not interpretable as logical"),
                                         ("yes", "argument is not interpretable as logical"),
                                         (None, "argument is of length zero"),
                                         (float("nan"), "argument is not interpretable as logical"),
                                         ([True, False], "the condition has length > 1"),
                                         (pd.NA, "missing value where TRUE/FALSE needed"),
                                         (object(), "argument is not interpretable as logical")])
def test_condvar_rejected_with_rs_text(value, text):
    # R: ranef(fm, condVar = "x") -> Error in if (condVar) {: argument is not interpretable as logical
    with pytest.raises(ArgumentError, match="^" + re.escape(text)):
        _ranef_fit("dyestuff").ranef(condVar=value)


def test_coef_and_modes_only_paths_skip_condvar(monkeypatch):
    """Code that needs only the modes never pays for the conditional variances."""
    fit = _ranef_fit("sleepstudy_slope")
    expected = fit.coef()["Subject"].copy()

    def boom(*args, **kwargs):
        raise AssertionError("conditional variances computed")

    monkeypatch.setattr(type(fit.problem), "cond_var", boom)
    pd.testing.assert_frame_equal(fit.coef()["Subject"], expected)
    assert "postVar" not in fit.ranef(condVar=False)["Subject"].attrs
    with pytest.raises(AssertionError):
        fit.ranef()


# --- summary: the p > 12 note and its blank lines --------------------------------------------------

@pytest.mark.parametrize("correlation, variant", [(None, "default"), (True, "correlation_true"),
                                                  (False, "correlation_false")])
@pytest.mark.parametrize("key", CAKE)
def test_cake_summary_like_r(key, correlation, variant):
    """``fit.summary(correlation = c)`` is ``print(summary(fm, correlation = c), correlation = c)``."""
    expected = REF["cake"][key][variant]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = _cake_fit(key).summary(correlation=correlation)
    assert summary.text == expected["stdout"], expected["r_expr"]  # capture.output(...)
    assert str(summary) == expected["stdout"]
    assert list(summary.messages) == expected["messages"]
    assert summary.console == expected["console"]  # what an R console shows, note in place
    notes = [str(w.message) for w in caught if issubclass(w.category, PylmeMessage)]
    assert notes == [m[:-1] for m in expected["messages"]]  # Python's display adds the final newline


@pytest.mark.parametrize("key", CAKE)
def test_note_has_rs_blank_lines(key):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the note's warning: checked in test_cake_summary_like_r
        summary = _cake_fit(key).summary()
    if REF["cake"][key]["p"] <= 12:
        assert summary.messages == () and summary.console == summary.text
        return
    lines = summary.console.split("\n")
    at = lines.index(f"Correlation matrix not shown by default, as p = {REF['cake'][key]['p']} > 12.")
    assert lines[at - 1] == "" and lines[at - 2].startswith("recipeC:temperature^5")
    assert lines[at + 1:at + 4] == ["Use print(x, correlation=TRUE)  or", "    vcov(x)        if you need it", ""]


@pytest.mark.parametrize("key", CAKE)
def test_print_correlation_without_summary_correlation(key):
    """x <- summary(fm); print(x, correlation = TRUE): lme4's "could have been required" note
    when the summary did not store the correlation (p > 12), in its place."""
    fit = _cake_fit(key)
    expected = REF["cake"][key]["print_correlation_only"]
    printed = summary_text(merMod_inputs(fit, correlation=True), correlation=True)
    assert printed.text == expected["stdout"]
    assert list(printed.messages) == expected["messages"]
    assert printed.shown == expected["console"]


@pytest.mark.parametrize("bad", ["TRUE", 1, 0.0, "yes", [True], np.array([True, False])])
def test_summary_correlation_must_be_null_or_logical(bad):
    # R: print(summary(fm), correlation = 1) -> 'correlation' must be NULL or logical
    with pytest.raises(ArgumentError, match="^'correlation' must be NULL or logical"):
        _ranef_fit("dyestuff").summary(correlation=bad)


@pytest.mark.parametrize("model", sorted(RANEF_MODELS))
def test_small_p_summary_has_no_console_extras(model):
    summary = _ranef_fit(model).summary()
    assert summary.messages == () and summary.console == summary.text


# --- the help pointer of the singular-fit message ----------------------------------------------

def test_message_points_to_python_help():
    assert SINGULAR_MESSAGE == "boundary (singular) fit: see help(pylme.isSingular)"
    pointer = re.search(r"help\((.+)\)", SINGULAR_MESSAGE).group(1)
    assert pydoc.locate(pointer) is pylme.isSingular  # help(pylme.isSingular) finds the page
    assert "singular" in pydoc.render_doc(pylme.isSingular).lower()
    assert "isSingular" in pylme.__all__


@pytest.mark.parametrize("reml", ["reml", "ml"])
def test_lme4_wording_gives_lme4s_texts(reml):
    """The emitted message, the summary and print text, translated by LME4_WORDING, are lme4's."""
    rec = REF["singular"][reml]
    with pytest.warns(SingularFitMessage) as caught:
        fit = pylme.lmer("Yield ~ 1 + (1 | Batch)", pylme.datasets.load("Dyestuff2"), REML=reml == "reml",
                         data_name="Dyestuff2")
    texts = [str(w.message) for w in caught if w.category is SingularFitMessage]
    assert texts == [SINGULAR_MESSAGE]
    assert [lme4_wording(t) + "\n" for t in texts] == rec["fit_messages"]  # R's message() text
    assert "help(pylme.isSingular)" in str(fit.summary()) and "help('isSingular')" not in str(fit.summary())
    assert lme4_wording(str(fit.summary())) == rec["summary"]  # x <- summary(fm); print(x)
    assert lme4_wording(str(fit)) + "\n" == rec["print"]  # print(fm)
    assert fit.conv.messages == (SINGULAR_MESSAGE,)


def test_lme4_wording_table():
    assert LME4_WORDING == {"help(pylme.isSingular)": "help('isSingular')"}
    for ours, theirs in LME4_WORDING.items():
        assert lme4_wording(f"a {ours} b {ours}") == f"a {theirs} b {theirs}"
    assert lme4_wording("no pointer here") == "no pointer here"


def _message_strings() -> list[tuple[str, str]]:
    """String constants of pylme's code, docstrings left out."""
    found = []
    for path in sorted((ROOT / "pylme").rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.append((str(path.relative_to(ROOT)), node.value))
    return found


def test_no_r_help_pointer_left_in_messages():
    """No message of pylme sends a Python user to an R help page (help('topic') or ?topic);
    lme4's originals live only in LME4_WORDING's values."""
    r_pointer = re.compile(r"help\('[^']*'\)|see \?\w")
    offenders = [(path, text) for path, text in _message_strings()
                 if r_pointer.search(text) and text not in LME4_WORDING.values()]
    assert offenders == []


@pytest.mark.parametrize("tol, key", [(1e-4, "tol_1e_4"), (0, "tol_0"), (-1, "tol_neg"), (True, "tol_true")])
def test_is_singular_singular_fit(tol, key):
    fit = _fit("Yield ~ 1 + (1 | Batch)", "Dyestuff2")
    assert pylme.isSingular(fit, tol) is REF["singular"]["reml"]["isSingular"][key]  # isSingular(fm, tol)


@pytest.mark.parametrize("tol, key", [(1e-4, "tol_1e_4"), (0.2, "tol_0_2"), (0.5, "tol_0_5"),
                                      (True, "tol_true"), (False, "tol_false"), (np.float32(0.5), "tol_0_5")])
def test_is_singular_regular_fit(tol, key):
    fit = _ranef_fit("sleepstudy_slope")
    expected = REF["sleep_singular"][key]  # isSingular(fm, tol) on lmer(Reaction ~ Days + (Days | Subject))
    assert pylme.isSingular(fit, tol=tol) is expected
    assert fit.isSingular(float(tol)) is expected


def test_is_singular_default_tolerance():
    assert inspect.signature(pylme.isSingular).parameters["tol"].default == 1e-4  # args(isSingular)
    assert pylme.isSingular(_fit("Yield ~ 1 + (1 | Batch)", "Dyestuff2")) is True
    assert pylme.isSingular(_ranef_fit("sleepstudy_slope")) is False


@pytest.mark.parametrize("bad", [1, "fit", None, pd.DataFrame(), np.zeros(3)])
def test_is_singular_needs_a_fit(bad):
    # R: isSingular(1) -> no applicable method for 'getME' applied to an object of class ...
    with pytest.raises(ArgumentError, match="^no applicable method for 'getME'"):
        pylme.isSingular(bad)


@pytest.mark.parametrize("tol", ["a", None, float("nan"), [1e-4], 1j])
def test_is_singular_tolerance_must_be_a_number(tol):
    with pytest.raises(ArgumentError, match="tol must be a number"):
        pylme.isSingular(_ranef_fit("dyestuff"), tol=tol)
