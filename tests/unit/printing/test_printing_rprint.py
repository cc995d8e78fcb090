"""print.default / cat / print.data.frame / abbreviate against R 4.2.2."""

import pytest
from _printing_rdata import dbl, load, vec

from pylme.printing.abbreviate import abbreviate
from pylme.printing.rformat import encode_number_cat
from pylme.printing.rprint import (cat, is_syntactic_name, list_tag, print_character_matrix,
                                   print_data_frame, print_named_character, print_named_numeric)

PRIM = load("primitives.json")


def test_named_numeric_trailing_gap():
    text = print_named_numeric([-3.9536, -0.4634, 0.0231, 0.4634, 5.1793],
                               ["Min", "1Q", "Median", "3Q", "Max"], digits=4)
    assert text == ("    Min      1Q  Median      3Q     Max \n"
                    "-3.9536 -0.4634  0.0231  0.4634  5.1793 \n")


def test_character_matrix_left_aligned_empty_rownames():
    text = print_character_matrix([["Subject", "(Intercept)"], ["Residual", ""]], ["", ""],
                                  ["Groups", "Name"])
    assert text == " Groups   Name       \n Subject  (Intercept)\n Residual" + " " * 12 + "\n"


def test_cat_fill_keeps_separator_before_break():
    # the running width counts a separator after every item: 2 + 78 + 1 > 80
    assert cat("A", "x" * 78, fill=True) == "A \n" + "x" * 78 + "\n"
    assert cat("A", "x" * 77, fill=True) == "A " + "x" * 77 + "\n"
    assert cat("a", None, "b") == "a b"


def test_list_tags():
    assert list_tag("Subject", 1) == "$Subject"
    assert list_tag("recipe:replicate", 1) == "$`recipe:replicate`"
    assert list_tag("", 2) == "[[2]]"
    assert not is_syntactic_name("if") and not is_syntactic_name(".1a") and is_syntactic_name("Subject.1")


def test_abbreviate_lme4_labels():
    assert abbreviate(["(Intercept)", "Days"], 6) == ["(Intr)", "Days"]
    assert abbreviate(["recipeB:temperature.L"], 11) == ["rcpB:tmpr.L"]


@pytest.mark.parametrize("case", PRIM["abbreviate"], ids=lambda c: f"{vec(c['x'])[0]}-{c['minlength']}")
def test_abbreviate_matches_r(case):
    assert abbreviate(vec(case["x"]), case["minlength"]) == vec(case["out"])


@pytest.mark.parametrize("case", PRIM["print_named_numeric"])
def test_named_numeric_matches_r(case):
    assert print_named_numeric(dbl(case["x"]), vec(case["names"]), case["digits"]) == case["text"]


@pytest.mark.parametrize("case", PRIM["print_named_character"])
def test_named_character_matches_r(case):
    assert print_named_character(vec(case["x"]), vec(case["names"]), gap=case["gap"]) == case["text"]


@pytest.mark.parametrize("case", PRIM["print_character_matrix"])
def test_character_matrix_matches_r(case):
    nr = case["nrow"]
    flat = [None if v == "<<NA>>" else v for v in vec(case["x"])]
    nc = len(flat) // nr
    rows = [[flat[i + j * nr] for j in range(nc)] for i in range(nr)]
    rn = None if case["rownames"] is None else vec(case["rownames"])
    text = print_character_matrix(rows, rn, vec(case["colnames"]), right=case["right"])
    assert text == case["text"]


@pytest.mark.parametrize("case", PRIM["cat_fill"])
def test_cat_fill_matches_r(case):
    items = [vec(it["values"]) if it["type"] == "character"
             else [encode_number_cat(v) for v in dbl(it["values"])] for it in case["items"]]
    assert cat(*items, fill=True) == case["text"]


@pytest.mark.parametrize("case", PRIM["print_data_frame"])
def test_data_frame_matches_r(case):
    cols = vec(case["columns"])
    values = [dbl(case["values"][c]) for c in cols]
    assert print_data_frame(cols, vec(case["rownames"]), values) == case["text"]
