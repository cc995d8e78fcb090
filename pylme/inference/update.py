"""Refit a model with a changed formula or arguments (lme4: ``update.merMod``; R:
``update.formula`` and the C routine ``updateform`` in ``stats/src/model.c``).

The new formula is built as R builds it: in the new formula, ``.`` on the left stands
for the old response and ``.`` on the right for the old right-hand side (in
parentheses); a one-sided new formula keeps the old response.  The result is then
simplified through ``terms()`` — R's ``formula(terms.formula(f, simplify = TRUE))`` — so
``Reaction ~ Days + (Days | Subject)`` updated with ``". ~ . - Days"`` is
``Reaction ~ (Days | Subject)``.  The old formula is lme4's ``formula(fit)``: the one
with ``||`` expanded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import FormulaError
from ..formula import deparse, parse_expression, parse_formula, terms
from ..formula.ast import BinOp, Call, Formula, Name, Paren, UnaryOp, strip_parens
from .checks import check_fit

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["update", "update_formula", "UNCHANGED"]


class _Unchanged:
    """The default of :func:`update`'s arguments: keep the value of the original call."""

    _instance: "_Unchanged | None" = None

    def __new__(cls) -> "_Unchanged":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNCHANGED"

    def __reduce__(self) -> str:
        return "UNCHANGED"


#: Default of :func:`update`'s arguments: the original call's value is kept.
UNCHANGED: Any = _Unchanged()


def update(fit: "LmerFit", formula: str | None = None, *, data: Any = UNCHANGED, REML: Any = UNCHANGED,
           weights: Any = UNCHANGED, offset: Any = UNCHANGED, na_action: Any = UNCHANGED,
           contrasts: Any = UNCHANGED, control: Any = UNCHANGED, start: Any = UNCHANGED,
           verbose: Any = UNCHANGED, data_name: Any = UNCHANGED) -> "LmerFit":
    """Refit ``fit`` with a changed formula and/or :func:`pylme.lmer` arguments (lme4 ``update``).

    Every argument left at its default keeps the original call's value; one given
    replaces it (``weights=None`` removes the weights, as ``weights = NULL`` in R).

    Parameters
    ----------
    fit : LmerFit
        A fit made by :func:`pylme.lmer` (it keeps its call, ``fit.call_args``).
    formula : str, optional
        A formula in R's ``update.formula`` style: ``"~ . - Days"``,
        ``". ~ . + (1 | g)"``, ``"log(.) ~ ."``; or a complete new formula.
    data : pandas.DataFrame, optional
        New data (see :func:`pylme.lmer`).
    REML : bool, optional
        REML or maximum likelihood.
    weights : str or array-like or None, optional
        New prior weights.
    offset : str or array-like or None, optional
        New offset.
    na_action : {"omit", "exclude", "fail"}, optional
        New missing-value handling.
    contrasts : dict or None, optional
        New contrasts.
    control : LmerControl or None, optional
        New optimizer and check settings.
    start : array-like or dict or None, optional
        New starting θ.
    verbose : int, optional
        Optimizer trace level.
    data_name : str or None, optional
        Name shown on the ``Data:`` line.

    Returns
    -------
    LmerFit
        The new fit (``fit`` is unchanged).

    Raises
    ------
    ArgumentError
        ``fit`` is not a fitted model.
    FormulaError
        A fit without a call, a formula that is not text or does not parse.
    """
    from ..fit import lmer

    check_fit(fit, "update")
    if formula is not None and not isinstance(formula, str):
        raise FormulaError(f"'formula' must be formula text such as '~ . - Days', got {formula!r}")
    if fit.call_args is None:
        raise FormulaError("update() needs the lmer() call of the model; this fit was not made by "
                           "pylme.lmer() (e.g. it comes from refit()): call pylme.lmer() directly")
    given = dict(data=data, REML=REML, weights=weights, offset=offset, na_action=na_action,
                 contrasts=contrasts, control=control, start=start, verbose=verbose, data_name=data_name)
    args = dict(fit.call_args)
    args.update({k: v for k, v in given.items() if v is not UNCHANGED})
    if formula is not None:
        args["formula"] = update_formula(fit.inputs.formula, formula)
    return lmer(**args)


def update_formula(old: Formula | str, new: Formula | str) -> str:
    """R's ``update.formula(old, new)``: substitute the dots, then simplify through ``terms``.

    >>> update_formula("Reaction ~ Days + (Days | Subject)", ". ~ . - Days")
    'Reaction ~ (Days | Subject)'
    >>> update_formula("y ~ x", "log(.) ~ . + z")
    'log(y) ~ x + z'
    """
    old = parse_formula(old) if isinstance(old, str) else old
    new = parse_formula(new) if isinstance(new, str) else new
    rhs = _substitute(new.rhs, Paren(old.rhs))
    if new.lhs is None:
        lhs = old.lhs
    else:
        lhs = _substitute(new.lhs, old.lhs) if old.lhs is not None else new.lhs
    return _simplified(Formula(lhs, rhs))


def _substitute(node: Any, replacement: Any) -> Any:
    """Replace every ``.`` in ``node`` (R ``ExpandDots``)."""
    if isinstance(node, Name) and node.id == ".":
        if replacement is None:
            raise FormulaError("'.' in the response of the new formula but the old formula has no response")
        return replacement
    if isinstance(node, BinOp):
        return BinOp(node.op, _substitute(node.left, replacement), _substitute(node.right, replacement))
    if isinstance(node, UnaryOp):
        return UnaryOp(node.op, _substitute(node.operand, replacement))
    if isinstance(node, Paren):
        return Paren(_substitute(node.expr, replacement))
    if isinstance(node, Call):
        return Call(node.func, tuple(_substitute(a, replacement) for a in node.args),
                    tuple((k, _substitute(v, replacement)) for k, v in node.kwargs))
    return node


def _simplified(formula: Formula) -> str:
    """R ``formula(terms.formula(f, simplify = TRUE))``: terms, then offsets, then ``- 1``."""
    t = terms(formula)
    pieces = [_term_text(label) for label in t.term_labels]
    pieces += [deparse(o) for o in t.offsets]
    rhs = " + ".join(pieces) if pieces else "1"
    if not t.intercept:
        rhs += " - 1"
    lhs = "" if formula.lhs is None else deparse(formula.lhs) + " "
    return f"{lhs}~ {rhs}"


def _term_text(label: str) -> str:
    """A term label as R deparses it inside a sum: bars need their parentheses back."""
    node = strip_parens(parse_expression(label))
    if isinstance(node, BinOp) and node.op in ("|", "||"):
        return f"({label})"
    return label
