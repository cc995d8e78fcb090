"""Calls: dispatch to the registered rules (:mod:`pylme.migrate.rules`).

A call of a function the script defines becomes a Python call; a call no rule
translates makes the statement a TODO (never a guess).
"""

from __future__ import annotations

from .context import Context
from .names import py_name
from .parse import Arg, RNode, unquote_name
from .rules import Call, rules_for

__all__ = ["translate_call", "call_args", "call_kind", "namespace_value", "split_name",
           "make_call"]


def call_args(node: RNode) -> tuple[Arg, ...]:
    return node.args


def split_name(fn: RNode) -> tuple[str | None, str | None]:
    """(package, name) of a call's function node; (None, None) if not a name."""
    if fn.type in ("identifier", "string", "return"):
        return None, unquote_name(fn.text)
    if fn.type == "namespace_operator":
        lhs, rhs = fn.field("lhs"), fn.field("rhs")
        if lhs is not None and rhs is not None:
            return unquote_name(lhs.text), unquote_name(rhs.text)
    return None, None


def make_call(node: RNode) -> Call | None:
    pkg, name = split_name(node.field("function"))
    if name is None:
        return None
    return Call(name, pkg, node.args, node)


def translate_call(node: RNode, ctx: Context) -> tuple[str, int]:
    from .expressions import ATOM, translate_args, wrap, tx

    call = make_call(node)
    if call is None:
        fn = node.field("function")
        return f"{wrap(tx(fn, ctx), ATOM)}({translate_args(node.args, ctx)})", ATOM
    user_defined = call.package is None and (
        call.name in ctx.functions or ctx.lookup_kind(call.name) == "function")
    if user_defined:
        return f"{py_name(call.name)}({translate_args(call.args, ctx)})", ATOM
    for rule in rules_for(call.name, call.package):
        try:
            code = rule.fn(call, ctx)
        except (KeyError, IndexError, AttributeError, TypeError, ValueError) as exc:
            # a rule met a form of the call it does not handle: a TODO, never a crash
            ctx.todo(node, f"{call.name}() in a form the translation does not handle "
                           f"({type(exc).__name__}: {exc})")
        if code is not None:
            return code, (ATOM if _is_atomic(code) else 0)
    if call.package is None and (call.name in ctx.assigned or ctx.is_defined(call.name)):
        # a variable of the script holding a function (ctr <- make_counter(); ctr())
        return f"{py_name(call.name)}({translate_args(call.args, ctx)})", ATOM
    where = f"{call.package}::{call.name}" if call.package else call.name
    ctx.todo(node, f"no translation for R function {where}()")


def _is_atomic(code: str) -> bool:
    """True when ``code`` needs no parentheses as an operand (a name, call, index)."""
    depth = 0
    quote = None
    for ch in code:
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and (ch in " +-*/%<>=&|~!^@"):
            return False
    return True


def call_kind(node: RNode, ctx: Context) -> str | None:
    """The kind of a call's value, from the rules' ``returns`` in priority order: a fixed
    kind decides, a callable one decides unless it returns None (``update`` keeps its
    argument's kind)."""
    call = make_call(node)
    if call is None:
        return None
    if call.package is None and call.name in ctx.functions:
        return None
    for rule in rules_for(call.name, call.package):
        kind = rule.returns
        if callable(kind):  # None: this rule does not know; the next one may (as rules decline)
            kind = kind(call, ctx)
            if kind is None:
                continue
            return kind
        if kind == "same":
            first = call.arg("object", 0)
            return ctx.kind_of(first)
        return kind
    return None


def call_visible(node: RNode, ctx: Context) -> bool:
    """Whether R auto-prints the value of this top-level call."""
    call = make_call(node)
    if call is None:
        return True
    if call.name == "invisible" or (call.package is None and call.name in ctx.functions):
        return call.name != "invisible" and True
    rules = rules_for(call.name, call.package)
    return rules[0].visible if rules else True


def namespace_value(node: RNode, ctx: Context) -> str:
    """``pkg::name`` used as a value (``lme4::sleepstudy``): a dataset or a function."""
    from .rules.data_io import dataset_expr

    pkg, name = split_name(node)
    code = dataset_expr(name, pkg, ctx)
    if code is None:
        ctx.todo(node, f"no translation for {pkg}::{name}")
    return code
