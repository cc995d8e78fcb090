"""R's coercion in comparisons of a factor with a number.

``Ops.factor`` compares a factor's *labels*: ``livch != 0`` on a factor with levels
``"0", "1", "2", "3+"`` is ``as.character(livch) != "0"``.  pandas compares a
categorical's values with the number ``0``, which no label equals: every row would be
``True``.  So a comparison ``==``/``!=`` of a known factor with a numeric literal
becomes a comparison of its labels with the number's R string form
(``Contraception["livch"].astype(str) != "0"``).  ``<``, ``>``... of an unordered
factor are NA in R ("not meaningful for factors"): those stay as written.

A value is a known factor when its kind is ``"factor"`` or it is a data frame column
the translation knows to be one: a column the script assigned a factor to
(``df$f <- factor(...)``, recorded by :func:`note_column`) or a factor column of a
dataset pylme ships that the script has not replaced.
"""

from __future__ import annotations

from functools import lru_cache

from .parse import RNode, unquote_name

__all__ = ["factor_comparison", "note_column", "r_number_string"]


def r_number_string(text: str) -> str:
    """``as.character()`` of a numeric literal as R writes it (15 significant digits)."""
    value = float(text.rstrip("L"))
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".replace("e+0", "e+").replace("e-0", "e-")


def _numeric_literal(node: RNode) -> str | None:
    if node.type in ("float", "integer"):
        return r_number_string(node.text)
    if node.type == "unary_operator" and node.op == "-":
        inner = node.field("rhs")
        if inner is not None and inner.type in ("float", "integer"):
            return "-" + r_number_string(inner.text)
    return None


def _column(node: RNode) -> tuple[str, str] | None:
    if node.type == "extract_operator" and node.op == "$":
        lhs, rhs = node.field("lhs"), node.field("rhs")
        if lhs is not None and lhs.type == "identifier" and rhs is not None:
            return unquote_name(lhs.text), unquote_name(rhs.text)
    return None


@lru_cache(maxsize=None)
def _dataset_factors(name: str) -> frozenset[str]:
    import pandas as pd

    from pylme import datasets

    frame = datasets.load(name)
    return frozenset(c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype))


def note_column(target: RNode, kind: str | None, ctx) -> None:
    """Record whether the column ``df$col`` assigned by the script holds a factor."""
    col = _column(target)
    if col is not None:
        ctx.factor_columns[col] = kind == "factor"


def is_factor(node: RNode, ctx) -> bool:
    """Whether the translation knows ``node`` evaluates to a factor."""
    if ctx.kind_of(node) == "factor":
        return True
    col = _column(node)
    if col is None:
        return False
    if col in ctx.factor_columns:
        return ctx.factor_columns[col]
    frame, name = col
    from .rules.data_io import shipped_datasets

    if frame in shipped_datasets() and ctx.lookup_kind(frame) in (None, "df"):
        return name in _dataset_factors(frame)
    return False


def factor_comparison(op: str, lhs: RNode, rhs: RNode, ctx) -> str | None:
    """The Python comparison of R's ``factor op number`` (labels compared), or None when
    the operands are not a known factor and a numeric literal."""
    if op not in ("==", "!="):
        return None
    for fac, num in ((lhs, rhs), (rhs, lhs)):
        text = _numeric_literal(num)
        if text is not None and is_factor(fac, ctx):
            from .expressions import ATOM, tx, wrap

            return f'{wrap(tx(fac, ctx), ATOM)}.astype(str) {op} "{text}"'
    return None
