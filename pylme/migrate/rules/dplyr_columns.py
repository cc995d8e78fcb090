"""Which columns a dplyr verb's data has, when the script shows them.

R's data mask (``?dplyr::dplyr_data_masking``) looks a bare name up in the data
first, then in the environment.  When a chain starts from a data frame the script
builds in place (``data.frame(x = ..., g = ...)``, ``tibble(...)``) the columns at
every verb are known statically -- ``mutate`` adds its names (each argument sees
the ones before it, as dplyr evaluates them in order), ``rename`` renames,
``filter``/``arrange``/``group_by`` keep them -- and the mask then decides a name
exactly as R does.  A chain that starts from a variable knows the columns the
script assigned to it (``d$x <- ...``) and those ``mutate`` adds: such names are
columns for sure; other names go to
:func:`pylme.migrate.rules.dplyr_mask.is_column`'s scoping heuristic.

A rule registered here with a high priority wraps every dplyr verb: it records the
known columns of each masked argument (by node identity), lets the verb's own rule
translate the call, and declines the kind inference (``returns`` answers None).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from ..parse import RNode, unquote_name
from . import register, rules_for

__all__ = ["Columns", "FrameKind", "known_columns", "chain_columns", "frame_kind"]

_KNOWN: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "dplyr_known_columns", default=None)

_CONSTRUCTORS = ("data.frame", "tibble", "data_frame", "tibble::tibble")
_KEEP = ("filter", "arrange", "group_by", "ungroup", "slice", "slice_head", "slice_tail",
         "slice_max", "slice_min", "distinct", "as_tibble", "drop_na")
_VERBS = ("mutate", "transmute", "filter", "summarise", "summarize", "arrange", "group_by",
          "count", "tally", "rename", "distinct", "slice_max", "slice_min")


@dataclass(frozen=True)
class Columns:
    """Columns a verb's data has: ``names`` for sure; ``complete`` when no other."""

    names: frozenset
    complete: bool


UNKNOWN = Columns(frozenset(), False)


class FrameKind(str):
    """The kind ``"df"`` (equal to it everywhere) of a data frame built by
    ``data.frame(...)``/``tibble(...)``, carrying the column names the call shows, so
    that a later ``d %>% mutate(...)`` knows them through the variable's kind."""

    columns: frozenset

    def __new__(cls, columns: frozenset) -> "FrameKind":
        out = super().__new__(cls, "df")
        out.columns = columns
        return out

    def __reduce__(self):
        return (FrameKind, (self.columns,))


def constructor_columns(call) -> frozenset | None:
    """The columns ``data.frame(a, b = y)`` / ``tibble(...)`` creates (None when an
    argument is a data frame or matrix, whose columns the call does not show)."""
    names = []
    for a in call.args:
        if a.value is None or a.name in ("stringsAsFactors", "check.names", "row.names"):
            continue
        if a.name is None and a.value.type != "identifier":
            return None
        names.append(unquote_name(a.name or a.value.text))
    return frozenset(names)


def frame_kind(call, ctx) -> str:
    """``returns`` of the data frame constructors: a :class:`FrameKind`."""
    cols = constructor_columns(call)
    return "df" if cols is None else FrameKind(cols)


def known_columns(node: RNode) -> Columns:
    """The data's columns for the masked argument ``node``."""
    table = _KNOWN.get()
    return UNKNOWN if table is None else table.get(id(node), UNKNOWN)


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


def chain_columns(node: RNode, ctx, table: dict[int, Columns] | None = None) -> Columns:
    """The columns of the data frame expression ``node``, recording in ``table`` the
    columns each masked argument of a verb in the chain sees.  A variable's columns
    are those the script has assigned (``d$x <- ...``) -- certain, not complete."""
    if node.type == "identifier":
        name = unquote_name(node.text)
        assigned = frozenset(c for f, c in ctx.factor_columns if f == name)
        kind = ctx.lookup_kind(name)
        if isinstance(kind, FrameKind):
            # certain, not complete: names(d) <- ... or d[["v"]] <- ... may change them
            assigned |= kind.columns
        return Columns(assigned, False)
    call = _call_of(node)
    if call is None or call.package not in (None, "dplyr", "tidyr", "base", "tibble"):
        return UNKNOWN
    if call.name in _CONSTRUCTORS:
        names = constructor_columns(call)
        return UNKNOWN if names is None else Columns(names, True)
    data = _data(call)
    if data is None:
        return UNKNOWN
    cols = chain_columns(data, ctx, table)
    rest = [a for a in call.args if a.value is not None and a.value is not data]
    if call.name in ("mutate", "transmute", "summarise", "summarize", "group_by"):
        seen = set(cols.names)
        for a in rest:
            if table is not None:
                table[id(a.value)] = Columns(frozenset(seen), cols.complete)
            if a.name is not None and not a.name.startswith("."):
                seen.add(unquote_name(a.name))
        return Columns(frozenset(seen), cols.complete) \
            if call.name in ("mutate", "group_by") else UNKNOWN
    if call.name in _KEEP:
        for a in rest:
            if table is not None:
                table[id(a.value)] = cols
        return cols
    if call.name == "rename":
        out = set(cols.names)
        for a in rest:
            if a.name is not None and a.value.type in ("identifier", "string"):
                out.discard(unquote_name(a.value.text))
                out.add(unquote_name(a.name))
        return Columns(frozenset(out), cols.complete)
    return UNKNOWN


def _declines(call, ctx):
    return None


@register(*_VERBS, priority=30, returns=_declines)
def with_known_columns(call, ctx):
    """Translate the verb by its own rule, with the chain's known columns recorded."""
    table: dict[int, Columns] = dict(_KNOWN.get() or {})
    chain_columns(call.node, ctx, table)
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
