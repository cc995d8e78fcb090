"""The translation context handed to every rule (R -> Python state of one script).

It holds what a translation accumulates -- the imports used, the TODOs, the kinds
of the script's variables (``m <- lmer(...)`` makes ``m`` an ``"lmer"``, so
``summary(m)`` becomes ``m.summary()``) -- and gives rules the translator's
entry points (:meth:`Context.expr`, :meth:`Context.formula_text`, ...).  The rule
API is documented in :mod:`pylme.migrate.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from .parse import RNode

__all__ = ["Context", "Todo", "Untranslatable"]

IMPORT_ORDER = ("import ", "from ")


@dataclass(frozen=True)
class Todo:
    """One construct left untranslated: its R lines and the reason."""

    line: int
    end_line: int
    reason: str
    source: str


class Untranslatable(Exception):
    """Raised by :meth:`Context.todo`: the current statement stays R, in a TODO comment."""

    def __init__(self, node: RNode | None, reason: str):
        super().__init__(reason)
        self.node = node
        self.reason = reason


@dataclass
class Context:
    """Mutable state of one script's translation (see the module docstring).

    Attributes
    ----------
    imports : list of str
        Import statements used so far, in first-use order.
    todos : list of Todo
    kinds : list of dict
        Variable kinds per scope (innermost last).
    seeded : bool
        The script calls ``set.seed``: simulations then use R's streams (``rng="R"``).
    functions : set of str
        Names of functions the script defines (their calls translate as Python calls).
    """

    imports: list[str] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    kinds: list[dict[str, str]] = field(default_factory=lambda: [{}])
    seeded: bool = False
    lmertest: bool = False
    #: packages the script loads with library()/require(), in order (a later one masks)
    packages: list[str] = field(default_factory=list)
    #: the script may code factors otherwise than by treatment contrasts (options(contrasts=),
    #: contrasts<-, contrasts=, ordered factors, data that may hold them): lm/glm/aov
    #: formulas then go through rbase.r_formula
    r_contrasts: bool = False
    in_condition: bool = False
    functions: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)
    defined: list[set[str]] = field(default_factory=lambda: [set()])
    pending: list[str] = field(default_factory=list)
    helper_count: int = 0
    #: (frame, column) -> whether the script made ``frame$column`` a factor
    factor_columns: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: per function scope, the names declared ``global``/``nonlocal`` (R's ``<<-``)
    outer_names: list[set[str]] = field(default_factory=lambda: [set()])

    # -- the rule API ---------------------------------------------------------------
    def expr(self, node: RNode | None) -> str:
        """The Python expression for the R expression ``node``."""
        from .expressions import translate_expr

        if node is None:
            raise Untranslatable(None, "missing argument")
        return translate_expr(node, self)

    def formula_text(self, node: RNode) -> str:
        """A formula's R text, one line with single spaces (the string pylme parses)."""
        text = re.sub(r"#[^\n]*", "", node.text)
        return re.sub(r"\s+", " ", text).strip()

    def need_import(self, stmt: str) -> None:
        """Record an import statement (written once, at the top of the output)."""
        if stmt not in self.imports:
            self.imports.append(stmt)

    def todo(self, node: RNode | None, reason: str) -> NoReturn:
        """Give up on the current statement: it stays R, in a TODO comment."""
        raise Untranslatable(node, reason)

    def emit(self, stmt: str) -> None:
        """A Python statement to write before the current one (helper definitions)."""
        self.pending.append(stmt)

    def kind_of(self, node: RNode | None) -> str | None:
        """The kind of value ``node`` evaluates to, when the translation knows it."""
        from .expressions import infer_kind

        return None if node is None else infer_kind(node, self)

    # -- scopes ---------------------------------------------------------------------
    def lookup_kind(self, name: str) -> str | None:
        for scope in reversed(self.kinds):
            if name in scope:
                return scope[name]
        return None

    def set_kind(self, name: str, kind: str | None) -> None:
        if kind is None:
            self.kinds[-1].pop(name, None)
        else:
            self.kinds[-1][name] = kind

    def push_scope(self) -> None:
        self.kinds.append({})
        self.defined.append(set())
        self.outer_names.append(set())

    def pop_scope(self) -> None:
        self.kinds.pop()
        self.defined.pop()
        self.outer_names.pop()

    def define(self, name: str) -> None:
        """``name`` is assigned in the current scope (so far, in translation order)."""
        self.defined[-1].add(name)

    def is_defined(self, name: str) -> bool:
        return any(name in scope for scope in self.defined)

    def fresh_name(self, stem: str) -> str:
        self.helper_count += 1
        return f"_{stem}{self.helper_count}"

    def take_pending(self) -> list[str]:
        out, self.pending = self.pending, []
        return out
