"""What R does with a contrast *name* that is an R function but not a contrast function.

R stores a contrast given by name (``lmer(..., contrasts = list(f = "sum"))``) and
``model.matrix`` later calls ``get(name, mode = "function")(levels(f), contrasts =
TRUE)``.  A name that is no R function fails with ``object 'name' of mode 'function'
was not found``; a name that *is* one (``sum``, ``mean``, ``poly``, ...) is called on
the level labels and fails with that function's own error, or returns something R
then codes as if it were a contrast matrix.  pylme has no R function namespace, so it
keeps R's outcome for the names a user is likely to try (the short forms ``sum`` and
``poly`` above all) in :data:`R_FUNCTION_OUTCOMES`; every other name that is not a
contrast function reads as R's not-found error.

The table was recorded from R 4.2.2 + lme4 1.1-31 with, for each name ``nm``::

    d <- lme4::sleepstudy; d$f <- factor(d$Days %% 3)
    lmer(Reaction ~ f + (1 | Subject), d, contrasts = list(f = nm))

and holds R's error text, or None where R does not fail there but codes whatever the
function returned (a vector of labels, a number): pylme refuses those names rather than
fit a model on such a coding.  Where R also warned before failing (``mean``: "argument
is not numeric or logical: returning NA"), only the error is kept; where the bogus
coding only failed later in lme4 (``min``, ``str``: "Downdated VtV is not positive
definite"), or where R's text quotes the level labels (``lm``), the entry is None too.
tests/unit/design/test_contrasts_args.py checks the table against R's texts as
tests/data/contrasts_args/make_expected.R prints them.
"""

from __future__ import annotations

__all__ = ["R_FUNCTION_OUTCOMES"]

_UNUSED = "unused argument (contrasts = contrasts)"
_UNUSED_TRUE = "unused argument (contrasts = TRUE)"
_NA_CALL = "NA/NaN/Inf in foreign function call (arg 1)"
_LIST_DOUBLE = "'list' object cannot be coerced to type 'double'"


def _arity(name: str) -> str:
    return f"2 arguments passed to '{name}' which requires 1"


#: R function name -> R's error text, or None where R codes the function's value.
R_FUNCTION_OUTCOMES: dict[str, str | None] = {
    # the short forms of the contrast functions that are R functions themselves
    "sum": "invalid 'type' (character) of argument",
    "poly": "non-numeric argument to binary operator",
    # other common R functions
    "prod": "invalid 'type' (character) of argument",
    "mean": _NA_CALL,
    "range": _NA_CALL,
    "cbind": _NA_CALL,
    "rbind": _NA_CALL,
    "paste": _NA_CALL,
    "summary": _NA_CALL,
    "all": _NA_CALL,
    "identity": _UNUSED,
    "diag": _UNUSED,
    "rev": _UNUSED,
    "t": _UNUSED,
    "matrix": _UNUSED,
    "factor": _UNUSED,
    "as.factor": _UNUSED,
    "scale": _UNUSED,
    "var": _UNUSED,
    "sd": _UNUSED,
    "nlevels": _UNUSED,
    "levels": _UNUSED,
    "crossprod": _UNUSED,
    "nchar": _UNUSED,
    "toupper": _UNUSED,
    "I": _UNUSED,
    "vector": _UNUSED,
    "numeric": _UNUSED,
    "character": _UNUSED,
    "array": _UNUSED,
    "which": _UNUSED,
    "rank": _UNUSED,
    "mode": _UNUSED,
    "ifelse": _UNUSED,
    "sort": _UNUSED_TRUE,
    "log": _UNUSED_TRUE,
    "round": _UNUSED_TRUE,
    "length": _arity("length"),
    "seq_len": _arity("seq_len"),
    "abs": _arity("abs"),
    "exp": _arity("exp"),
    "sqrt": _arity("sqrt"),
    "cumsum": _arity("cumsum"),
    "class": _arity("class"),
    "is.na": _arity("is.na"),
    "list": _LIST_DOUBLE,
    "qr": _LIST_DOUBLE,
    "data.frame": _LIST_DOUBLE,
    "seq": "'from' must be of length 1",
    "table": "all arguments must have the same length",
    "contrasts": "contrasts apply only to factors",
    "outer": 'argument "Y" is missing, with no default',
    "kronecker": 'argument "Y" is missing, with no default',
    "solve": "'a' must be a numeric matrix",
    "order": "argument lengths differ",
    "model.matrix": "$ operator is invalid for atomic vectors",
    # R codes the function's value (labels, a number) without failing here
    "max": None,
    "min": None,
    "c": None,
    "rep": None,
    "print": None,
    "unique": None,
    "as.numeric": None,
    "as.matrix": None,
    "median": None,
    "head": None,
    "tail": None,
    "any": None,
    "str": None,
    # R fails with a text that quotes the level labels (invalid formula c("0", "1", "2"))
    "lm": None,
    "glm": None,
    "lmer": None,
}
