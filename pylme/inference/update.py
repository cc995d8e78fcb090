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

if TYPE_CHECKING:
    from ..results.model import LmerFit

__all__ = ["update", "update_formula"]

_LMER_ARGS = ("data", "REML", "weights", "offset", "na_action", "contrasts", "control", "start",
              "verbose", "data_name")


def update(fit: "LmerFit", formula: str | None = None, **kwargs: Any) -> "LmerFit":
    """Refit ``fit`` with a changed formula and/or :func:`pylme.lmer` arguments (lme4 ``update``).

    Parameters
    ----------
    fit : LmerFit
        A fit made by :func:`pylme.lmer` (it keeps its call, ``fit.call_args``).
    formula : str, optional
        A formula in R's ``update.formula`` style: ``"~ . - Days"``,
        ``". ~ . + (1 | g)"``, ``"log(.) ~ ."``; or a complete new formula.
    **kwargs
        New values of ``lmer``'s arguments: ``REML``, ``data``, ``weights``,
        ``offset``, ``na_action``, ``contrasts``, ``control``, ``start``, ``verbose``,
        ``data_name``.

    Returns
    -------
    LmerFit
        The new fit (``fit`` is unchanged).

    Raises
    ------
    FormulaError
        An unknown argument, a fit without a call, or a formula that does not parse.
    """
    from ..fit import lmer

    unknown = [k for k in kwargs if k not in _LMER_ARGS]
    if unknown:
        raise FormulaError(f"unused argument(s) for update: {', '.join(unknown)}; "
                           f"lmer accepts {', '.join(_LMER_ARGS)}")
    if fit.call_args is None:
        raise FormulaError("update() needs the lmer() call of the model; this fit was not made by "
                           "pylme.lmer() (e.g. it comes from refit()): call pylme.lmer() directly")
    args = dict(fit.call_args)
    args.update(kwargs)
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


def _substitute(node, replacement):
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
