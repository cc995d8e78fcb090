"""Pipes rewritten to calls before rules see them (magrittr ``%>%`` and base ``|>``).

``x %>% f(a)`` and ``x |> f(a)`` are ``f(x, a)``; ``x %>% f`` is ``f(x)``; with
magrittr, a ``.`` given as an argument receives ``x`` instead (``x %>% f(a, .)`` is
``f(a, x)``), as documented in magrittr's ``?"%>%"``.
"""

from __future__ import annotations

from dataclasses import replace

from .context import Untranslatable
from .parse import Arg, RNode, synth_call

__all__ = ["rewrite_pipe"]


def rewrite_pipe(node: RNode) -> RNode:
    """The call that the pipe ``node`` (``lhs %>% rhs``) stands for."""
    lhs, rhs = node.field("lhs"), node.field("rhs")
    while rhs.type == "parenthesized_expression" and node.op == "%>%":
        rhs = rhs.field("body") or rhs.children[0]
    if rhs.type in ("identifier", "namespace_operator") and node.op == "%>%":
        return synth_call(rhs, (Arg(None, lhs),), node)
    if rhs.type != "call":
        raise Untranslatable(node, f"pipe into {rhs.type.replace('_', ' ')}")
    fn = rhs.field("function")
    args = rhs.args
    if node.op == "%>%" and any(a.value is not None and a.value.type == "identifier"
                                and a.value.text == "." for a in args):
        dot = replace(lhs, deparse=".")  # R deparses the argument as "."
        new = tuple(Arg(a.name, dot) if a.value is not None and a.value.type == "identifier"
                    and a.value.text == "." else a for a in args)
        return synth_call(fn, new, node)
    return synth_call(fn, (Arg(None, lhs),) + args, node)
