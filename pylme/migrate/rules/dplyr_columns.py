"""Which columns a dplyr verb's data has, when the script shows them.

R's data mask (``?dplyr::dplyr_data_masking``) looks a bare name up in the data
first, then in the environment.  When a chain starts from a data frame the script
builds in place (``data.frame(x = ..., g = ...)``, ``tibble(...)``) the columns at
every verb are known statically -- ``mutate`` adds its names (each argument sees
the ones before it, as dplyr evaluates them in order), ``rename`` renames,
``filter``/``arrange``/``group_by`` keep them -- and the mask then decides a name
exactly as R does.  Elsewhere :func:`known_columns` is None and
:func:`pylme.migrate.rules.dplyr_mask.is_column`'s scoping heuristic applies.

A rule registered here with a high priority wraps every dplyr verb: it records the
known columns of each masked argument (by node identity), lets the verb's own rule
translate the call, and declines the kind inference (``returns`` answers None).
"""

from __future__ import annotations

import contextvars

from ..parse import RNode, unquote_name
from . import register, rules_for

__all__ = ["known_columns", "chain_columns"]

_KNOWN: contextvars.ContextVar[dict[int, frozenset] | None] = contextvars.ContextVar(
    "dplyr_known_columns", default=None)

_CONSTRUCTORS = ("data.frame", "tibble", "data_frame", "tibble::tibble")
_KEEP = ("filter", "arrange", "group_by", "ungroup", "slice", "slice_head", "slice_tail",
         "slice_max", "slice_min", "distinct", "as_tibble", "drop_na")
_VERBS = ("mutate", "transmute", "filter", "summarise", "summarize", "arrange", "group_by",
          "count", "tally", "rename", "distinct", "slice_max", "slice_min")


def known_columns(node: RNode) -> frozenset | None:
    """The data's columns for the masked argument ``node`` (None: not known)."""
    table = _KNOWN.get()
    return None if table is None else table.get(id(node))


def _call_of(node: RNode):
    from ..calls import make_call
    from ..pipes import rewrite_pipe

    while node.type == "parenthesized_expression":
        node = node.field("body") or node.children[0]
    if node.type == "binary_operator" and node.op in ("%>%", "|>"):
        node = rewrite_pipe(node)
    return make_call(node) if node.type == "call" else None


def _data(call) -> RNode | None:
    return call.arg(".data", 0) or call.arg("data", 0)


def chain_columns(node: RNode, table: dict[int, frozenset] | None = None) -> frozenset | None:
    """The columns of the data frame expression ``node``, recording in ``table`` the
    columns each masked argument of a verb in the chain sees."""
    call = _call_of(node)
    if call is None or call.package not in (None, "dplyr", "tidyr", "base", "tibble"):
        return None
    if call.name in _CONSTRUCTORS:
        names = []
        for a in call.args:
            if a.value is None or a.name in ("stringsAsFactors", "check.names"):
                continue
            if a.name is None and a.value.type != "identifier":
                return None  # a data frame or matrix argument: its columns are not shown
            names.append(unquote_name(a.name or a.value.text))
        return frozenset(names)
    data = _data(call)
    if data is None:
        return None
    cols = chain_columns(data, table)
    if cols is None:
        return None
    rest = [a for a in call.args if a.value is not None and a.value is not data]
    if call.name in ("mutate", "transmute", "summarise", "summarize", "group_by"):
        seen = set(cols)
        for a in rest:
            if table is not None:
                table[id(a.value)] = frozenset(seen)
            if a.name is not None and not a.name.startswith("."):
                seen.add(unquote_name(a.name))
        return frozenset(seen) if call.name in ("mutate", "group_by") else None
    if call.name in _KEEP:
        for a in rest:
            if table is not None:
                table[id(a.value)] = cols
        return cols
    if call.name == "rename":
        out = set(cols)
        for a in rest:
            if a.name is not None and a.value.type in ("identifier", "string"):
                out.discard(unquote_name(a.value.text))
                out.add(unquote_name(a.name))
        return frozenset(out)
    return None


def _declines(call, ctx):
    return None


@register(*_VERBS, priority=30, returns=_declines)
def with_known_columns(call, ctx):
    """Translate the verb by its own rule, with the chain's known columns recorded."""
    table: dict[int, frozenset] = dict(_KNOWN.get() or {})
    chain_columns(call.node, table)
    token = _KNOWN.set(table)
    try:
        for rule in rules_for(call.name, call.package):
            if rule.fn is with_known_columns:
                continue
            code = rule.fn(call, ctx)
            if code is not None:
                return code
        return None
    finally:
        _KNOWN.reset(token)
