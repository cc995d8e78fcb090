"""The rule registry of ``pylme migrate``: one translation function per R function.

Every module of this package is imported by :func:`discover` (so a new file
``pylme/migrate/rules/<topic>.py`` adds rules without editing any other file) and
registers its rules with the :func:`register` decorator::

    from pylme.migrate.rules import register

    @register("mutate", package="dplyr", returns="df")
    def mutate(call, ctx):
        data = ctx.expr(call.arg("data", 0))           # translated sub-expression
        cols = ", ".join(f"{a.name}=lambda d: {ctx.expr(a.value)}"
                         for a in call.args[1:])
        return f"{data}.assign({cols})"

The rule API
------------
``call`` : :class:`Call`
    ``call.name`` (``"mutate"``), ``call.package`` (``"dplyr"`` for ``dplyr::mutate``,
    else None), ``call.args`` (tuple of :class:`~pylme.migrate.parse.Arg`: ``name``
    or None, ``value`` an :class:`~pylme.migrate.parse.RNode` or None), ``call.node``,
    ``call.line``; ``call.arg(name, position)`` and ``call.match(formals)`` match
    arguments as R does (exact names first, then the unnamed ones in order).
    Pipes are already rewritten: ``x %>% f(a)`` and ``x |> f(a)`` arrive as
    ``f(x, a)``; magrittr's ``.`` placeholder as an argument replaces the first one.
``ctx`` : :class:`pylme.migrate.context.Context`
    ``ctx.expr(node) -> str`` translates a sub-expression (with its imports);
    ``ctx.formula_text(node) -> str`` the formula's R text (``"y ~ x + (1 | g)"``);
    ``ctx.need_import("import pandas as pd")`` adds an import (written once, at the
    top, only when used); ``ctx.todo(node, reason)`` raises
    :class:`~pylme.migrate.context.Untranslatable`: the statement becomes a
    ``# TODO(pylme-migrate): reason`` comment followed by the R source and is
    listed in the report; ``ctx.emit(stmt)`` writes a Python statement before the
    current one; ``ctx.kind_of(node)`` the inferred kind of a value (``"lmer"``,
    ``"glmer"``, ``"lm"``, ``"glm"``, ``"df"``, ...; None if unknown);
    ``ctx.seeded`` is True when the script calls ``set.seed``.
return value
    The Python expression (a string); ``""`` for a call that becomes nothing
    (``library(lme4)``); None to decline, so that the next rule registered for the
    name (or the generic fallback) is tried.

``register(name, ..., package=None, returns=None, visible=True, priority=0)``:
``package`` restricts the rule to calls of that package's function (a call
``pkg::f`` only matches rules whose package is ``pkg`` or None); ``returns`` is the
kind of the result (tracked through assignments: ``m <- lmer(...)`` makes ``m`` an
``"lmer"``); ``visible=False`` marks functions whose value R does not auto-print at
top level (``library``, ``set.seed``, plotting); rules with higher ``priority`` are
tried first.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable, Sequence

from ..parse import Arg, RNode

__all__ = ["Call", "Rule", "register", "lookup", "discover", "rules_for"]


@dataclass(frozen=True)
class Call:
    """A call as rules see it (see the module docstring)."""

    name: str
    package: str | None
    args: tuple[Arg, ...]
    node: RNode

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def positional(self) -> tuple[RNode, ...]:
        return tuple(a.value for a in self.args if a.name is None and a.value is not None)

    @property
    def named(self) -> dict[str, RNode]:
        return {a.name: a.value for a in self.args if a.name is not None and a.value is not None}

    def arg(self, name: str | None, position: int | None = None) -> RNode | None:
        """The argument named ``name``, else the ``position``-th unnamed one (0-based)."""
        if name is not None:
            for a in self.args:
                if a.name == name:
                    return a.value
        if position is not None:
            pos = self.positional
            if position < len(pos):
                return pos[position]
        return None

    def match(self, formals: Sequence[str]) -> dict[str, RNode]:
        """R's argument matching against ``formals``: exact names, unique partial
        names, then positional arguments fill the remaining formals in order
        (``...`` in ``formals`` stops positional filling, as in R)."""
        out: dict[str, RNode] = {}
        unnamed: list[RNode] = []
        for a in self.args:
            if a.value is None:
                continue
            if a.name is None:
                unnamed.append(a.value)
            elif a.name in formals:
                out[a.name] = a.value
            else:
                cands = [f for f in formals if f.startswith(a.name) and f not in out]
                if len(cands) == 1 and "..." not in formals[:formals.index(cands[0])]:
                    out[cands[0]] = a.value
                else:
                    out.setdefault("...", a.value)
        free = iter(unnamed)
        for f in formals:
            if f == "...":
                break
            if f not in out:
                value = next(free, None)
                if value is None:
                    break
                out[f] = value
        return out

    def extra(self, formals: Sequence[str]) -> list[Arg]:
        """Arguments that ``match(formals)`` did not assign (R's ``...``)."""
        matched = self.match(formals)
        used = {id(v) for k, v in matched.items() if k != "..."}
        return [a for a in self.args if a.value is not None and id(a.value) not in used]


RuleFn = Callable[[Call, object], "str | None"]


@dataclass(frozen=True)
class Rule:
    """A registered translation: ``fn(call, ctx) -> str | None``."""

    name: str
    fn: RuleFn
    package: str | None = None
    returns: str | None = None
    visible: bool = True
    priority: int = 0


_RULES: dict[str, list[Rule]] = {}


def register(*names: str, package: str | None = None, returns: str | None = None,
             visible: bool = True, priority: int = 0) -> Callable[[RuleFn], RuleFn]:
    """Decorator registering ``fn`` as the translation of the R functions ``names``."""

    def deco(fn: RuleFn) -> RuleFn:
        for name in names:
            rules = _RULES.setdefault(name, [])
            rules.append(Rule(name, fn, package, returns, visible, priority))
            rules.sort(key=lambda r: -r.priority)
        return fn

    return deco


def rules_for(name: str, package: str | None = None) -> list[Rule]:
    """The rules that may translate ``package::name`` (highest priority first)."""
    discover()
    rules = _RULES.get(name, [])
    if package is None:
        return list(rules)
    return [r for r in rules if r.package in (None, package)]


def lookup(name: str, package: str | None = None) -> Rule | None:
    """The first rule for ``name`` (None when the function has no rule)."""
    rules = rules_for(name, package)
    return rules[0] if rules else None


_DISCOVERED = False


def discover() -> None:
    """Import every module of this package once (each registers its rules)."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
