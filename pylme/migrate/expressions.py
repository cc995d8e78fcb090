"""R expressions -> Python expressions (operators with R's semantics, calls via rules).

Precedence is tracked so the output has the parentheses Python needs and no more:
R's ``&`` binds looser than comparisons but Python's binds tighter, so
``x > 1 & y < 2`` becomes ``(x > 1) & (y < 2)``.
"""

from __future__ import annotations

from .context import Context, Untranslatable
from .names import py_kwarg, py_name
from .parse import RNode, unquote_name
from .pipes import rewrite_pipe

__all__ = ["translate_expr", "infer_kind", "translate_args", "ATOM"]

# Python precedence levels (higher binds tighter)
LAMBDA, TERNARY, OR, AND, NOT, CMP, BOR, BXOR, BAND, ADD, MUL, UNARY, POW, ATOM = range(14)

_BINARY = {
    "+": ("+", ADD), "-": ("-", ADD), "*": ("*", MUL), "/": ("/", MUL),
    "^": ("**", POW), "**": ("**", POW), "%%": ("%", MUL), "%/%": ("//", MUL),
    "==": ("==", CMP), "!=": ("!=", CMP), "<": ("<", CMP), ">": (">", CMP),
    "<=": ("<=", CMP), ">=": (">=", CMP), "&": ("&", BAND), "|": ("|", BOR),
    "&&": ("and", AND), "||": ("or", OR),
}
_CONSTANTS = {"T": "True", "F": "False", "pi": "np.pi"}
_LITERALS = {"true": "True", "false": "False", "null": "None", "na": "np.nan",
             "inf": "np.inf", "nan": "np.nan"}
#: kinds of objects whose R list components are Python attributes (``b$t`` -> ``b.t``)
ATTRIBUTE_KINDS = ("boot", "htest", "summary", "lm", "glm")
_LOGICAL_CALLS = {"is.na", "is.null", "isTRUE", "isFALSE", "any", "all", "grepl",
                  "is.numeric", "is.factor", "is.character", "duplicated", "!"}


def translate_expr(node: RNode, ctx: Context) -> str:
    """The Python source of the R expression ``node``."""
    return tx(node, ctx)[0]


def wrap(code_prec: tuple[str, int], minimum: int) -> str:
    """``code`` parenthesized when it binds looser than ``minimum``."""
    code, prec = code_prec
    return f"({code})" if prec < minimum else code


def tx(node: RNode, ctx: Context) -> tuple[str, int]:
    """(Python source, its precedence) of an R expression."""
    t = node.type
    if t == "identifier":
        name = unquote_name(node.text)
        if name in _CONSTANTS and ctx.lookup_kind(name) is None:
            if name == "pi":
                ctx.need_import("import numpy as np")
            return _CONSTANTS[name], ATOM
        if name in ("letters", "LETTERS") and ctx.lookup_kind(name) is None:
            ctx.need_import("import string")
            attr = "ascii_lowercase" if name == "letters" else "ascii_uppercase"
            return f"list(string.{attr})", ATOM
        scopes = getattr(ctx, "data_scopes", None)
        if scopes and (name in scopes[-1][1] or (
                not ctx.is_defined(name) and ctx.lookup_kind(name) is None
                and name not in ctx.functions)):
            # not (yet) a variable of the script at this point: a column, as R looks
            return f'{scopes[-1][0]}["{name}"]', ATOM  # with(df, ...): a column of df
        if name not in ctx.assigned and (ctx.lookup_kind(name) in (None, "df")):
            from .rules.data_io import dataset_expr

            code = dataset_expr(name, None, ctx)  # lme4's datasets are on the search path
            if code is not None:
                return code, ATOM
        return py_name(name), ATOM
    if t in ("float", "integer"):
        text = node.text.rstrip("L")
        return text, (UNARY if text.startswith("-") else ATOM)
    if t == "string":
        return _string(node), ATOM
    if t in _LITERALS:
        code = _LITERALS[t]
        if code.startswith("np."):
            ctx.need_import("import numpy as np")
        return code, ATOM
    if t == "parenthesized_expression":
        inner = node.field("body") or node.children[0]
        return f"({translate_expr(inner, ctx)})", ATOM
    if t == "unary_operator":
        return _unary(node, ctx)
    if t == "binary_operator":
        return _binary(node, ctx)
    if t == "call":
        from .calls import translate_call

        return translate_call(node, ctx)
    if t in ("subset", "subset2"):
        from .indexing import translate_index

        return translate_index(node, ctx), ATOM
    if t == "extract_operator":
        lhs, rhs = node.field("lhs"), node.field("rhs")
        if node.op != "$":
            ctx.todo(node, "S4 slot access (@) has no Python counterpart")
        if ctx.kind_of(lhs) in ATTRIBUTE_KINDS:
            return f"{wrap(tx(lhs, ctx), ATOM)}.{py_name(rhs.text)}", ATOM
        return f"{wrap(tx(lhs, ctx), ATOM)}[{_quote(unquote_name(rhs.text))}]", ATOM
    if t == "namespace_operator":
        from .calls import namespace_value

        return namespace_value(node, ctx), ATOM
    if t == "function_definition":
        from .functions import function_expr

        return function_expr(node, ctx), LAMBDA
    if t == "if_statement":
        return _ternary(node, ctx)
    if t == "dots":
        return "*args", ATOM
    ctx.todo(node, f"no translation for R {t.replace('_', ' ')}")


def _string(node: RNode) -> str:
    text = node.text
    if text[:1] in ("r", "R"):
        raise Untranslatable(node, "R raw string literal")
    return text


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unary(node: RNode, ctx: Context) -> tuple[str, int]:
    rhs = node.field("rhs")
    if node.op == "~":
        return _quote("~ " + ctx.formula_text(rhs)), ATOM
    if node.op == "!":
        if rhs.type == "call" and rhs.call_name() == "is.na":
            from .calls import call_args

            target = call_args(rhs)[0].value
            return f"{wrap(tx(target, ctx), ATOM)}.notna()", ATOM
        if ctx_condition(ctx):
            return f"not {wrap(tx(rhs, ctx), NOT)}", NOT
        return f"~{wrap(tx(rhs, ctx), ATOM)}", UNARY
    op = node.op
    return f"{op}{wrap(tx(rhs, ctx), UNARY)}", UNARY


def ctx_condition(ctx: Context) -> bool:
    """True while translating the condition of ``if``/``while`` (scalar logic)."""
    return getattr(ctx, "in_condition", False)


def _binary(node: RNode, ctx: Context) -> tuple[str, int]:
    op = node.op
    lhs, rhs = node.field("lhs"), node.field("rhs")
    if op in ("%>%", "|>"):
        return tx(rewrite_pipe(node), ctx)
    if op == "~":
        return _quote(ctx.formula_text(node)), ATOM
    if op in ("<-", "=", "<<-", "->", "->>"):
        ctx.todo(node, "assignment inside an expression")
    if op == ":":
        ctx.need_import("import numpy as np")
        lo, hi = _int_literal(lhs), _int_literal(rhs)
        if lo is not None and hi is not None and hi < lo:  # R's 5:1 counts down
            return f"np.arange({lo}, {hi - 1}, -1)", ATOM
        return f"np.arange({translate_expr(lhs, ctx)}, {wrap(tx(rhs, ctx), ADD)} + 1)", ATOM
    if op == "%*%":
        # R's matrix product is positional: pandas' @ would align names
        ctx.need_import("import numpy as np")
        return f"np.asarray({translate_expr(lhs, ctx)}) @ np.asarray({translate_expr(rhs, ctx)})", MUL
    if op == "%$%":  # magrittr's exposition pipe: with(lhs, rhs)
        from .parse import Arg, synth_call, synth_identifier

        return tx(synth_call(synth_identifier("with", node), (Arg(None, lhs), Arg(None, rhs)),
                             node), ctx)
    if op == "%in%":
        ctx.need_import("import numpy as np")
        return f"np.isin({translate_expr(lhs, ctx)}, {translate_expr(rhs, ctx)})", ATOM
    if op in ("&&", "||") or (op in ("&", "|") and ctx_condition(ctx)):
        py = "and" if op.startswith("&") else "or"
        prec = AND if py == "and" else OR
        return f"{wrap(tx(lhs, ctx), prec)} {py} {wrap(tx(rhs, ctx), prec + 1)}", prec
    if op not in _BINARY:
        ctx.todo(node, f"operator {op} has no translation")
    py, prec = _BINARY[op]
    if prec == POW:  # right associative; unary minus on the left binds looser in both
        return f"{wrap(tx(lhs, ctx), POW + 1)} ** {wrap(tx(rhs, ctx), UNARY)}", POW
    if prec == CMP:  # no chaining: a < b < c is not R's meaning
        from .coercion import factor_comparison

        code = factor_comparison(op, lhs, rhs, ctx)  # R compares a factor's labels
        if code is not None:
            return code, CMP
        return f"{_elementwise(lhs, ctx, CMP + 1)} {py} {_elementwise(rhs, ctx, CMP + 1)}", CMP
    return f"{wrap(tx(lhs, ctx), prec)} {py} {wrap(tx(rhs, ctx), prec + 1)}", prec


def _elementwise(node: RNode, ctx: Context, prec: int) -> str:
    """An operand of an element-wise comparison: ``names(df)`` and ``levels(f)``
    translate as Python lists, whose ``==`` compares whole lists; R compares the
    elements, as a NumPy array does."""
    code, p = tx(node, ctx)
    if node.type == "call" and code.startswith("list(") and code.endswith(")"):
        ctx.need_import("import numpy as np")
        return "np.asarray(" + code[len("list("):]
    return wrap((code, p), prec)


def _int_literal(node: RNode) -> int | None:
    text = node.text.rstrip("L")
    if node.type in ("float", "integer") and text.isdigit():
        return int(text)
    return None


def _ternary(node: RNode, ctx: Context) -> tuple[str, int]:
    cond, yes, no = node.field("condition"), node.field("consequence"), node.field("alternative")
    if no is None:
        ctx.todo(node, "if without else used as a value")
    yes, no = _single(yes, ctx), _single(no, ctx)
    saved = ctx_condition(ctx)
    ctx.in_condition = True
    try:
        c = wrap(tx(cond, ctx), OR)
    finally:
        ctx.in_condition = saved
    return f"{wrap(tx(yes, ctx), OR)} if {c} else {wrap(tx(no, ctx), TERNARY)}", TERNARY


def _single(node: RNode, ctx: Context) -> RNode:
    if node.type == "braced_expression":
        body = [c for c in node.children if not c.is_comment]
        if len(body) != 1:
            ctx.todo(node, "multi-statement block used as a value")
        return body[0]
    return node


def translate_args(args, ctx: Context, *, rename=None) -> str:
    """``a, b, name=c`` for a Python call (R argument names made Python names)."""
    out = []
    for a in args:
        if a.value is None:
            continue
        value = translate_expr(a.value, ctx)
        if a.name is None:
            out.append(value)
        else:
            name = (rename or {}).get(a.name, py_kwarg(a.name))
            out.append(f"{name}={value}")
    return ", ".join(out)


def infer_kind(node: RNode, ctx: Context) -> str | None:
    """The kind of value of an R expression (``"lmer"``, ``"df"``, ...) or None."""
    from .calls import call_kind

    while node.type == "parenthesized_expression":
        node = node.field("body") or node.children[0]
    if node.type == "identifier":
        name = unquote_name(node.text)
        kind = ctx.lookup_kind(name)
        if kind is None and name not in ctx.assigned:
            from .rules.data_io import shipped_datasets

            return "df" if name in shipped_datasets() else None
        return kind
    if node.type == "binary_operator" and node.op in ("%>%", "|>"):
        return infer_kind(rewrite_pipe(node), ctx)
    if node.type == "binary_operator" and node.op in _BINARY and _BINARY[node.op][1] in (CMP, BAND, BOR):
        return "logical"
    if node.type == "binary_operator" and node.op == "+" and \
            infer_kind(node.field("lhs"), ctx) == "ggplot":
        return "ggplot"  # p + geom_line() is still a ggplot
    if node.type == "call":
        return call_kind(node, ctx)
    if node.type in ("string",):
        return "character"
    if node.type in ("float", "integer"):
        return "numeric"
    if node.type == "unary_operator" and node.op == "!":
        return "logical"
    if node.type == "extract_operator" and node.op == "$":
        return "column" if infer_kind(node.field("lhs"), ctx) == "df" else None
    if node.type == "subset":
        base = infer_kind(node.field("function"), ctx)
        if base == "dict":
            return "dict"
        if base == "df" and len(node.args) == 2:
            rows, cols = node.args[0].value, node.args[1].value
            single_col = cols is not None and cols.type in ("string", "float", "integer")
            return None if single_col else "df"  # df[, "x"] drops to a vector, as in R
        if base == "df" and len(node.args) == 1:
            return "df"
        return base if base in ("factor", "vector", "character", "logical") else None
    return None
