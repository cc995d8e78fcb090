"""R ``function(...)`` -> a Python ``lambda`` or a ``def`` (statements in the body)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .context import Context
from .names import py_name
from .parse import Arg, RNode, unquote_name

__all__ = ["function_expr", "params_text", "copied_on_modify", "LocalCopy", "local_copies",
           "rename_in_function"]

_ASSIGN = ("<-", "=")


def _root(lhs: RNode) -> str | None:
    """The variable a replacement assignment changes: ``d`` in ``d$y``, ``d[i, j]``,
    ``names(d)[2]``, ``d$h[[1]]``; None for a plain name."""
    node = lhs
    while True:
        if node.type == "identifier":
            return None if node is lhs else node.text
        if node.type == "extract_operator":
            node = node.field("lhs")
        elif node.type in ("subset", "subset2"):
            node = node.field("function")
        elif node.type == "call" and node.args and node.args[0].value is not None:
            node = node.args[0].value  # names(d) <- ..., levels(d$f) <- ...
        else:
            return None
        if node is None:
            return None


def copied_on_modify(node: RNode) -> list[str]:
    """Variables a function changes in place (``d$y <- v``, ``d[i] <- v``) without ever
    assigning them whole: R copies such a value on its first change, so the caller's
    (or the script's) object never changes; the translated ``def`` starts with
    ``d = d.copy()`` for each.  Nested functions are their own business."""
    changed: list[str] = []
    whole: set[str] = set()
    body = node.field("body")
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == "function_definition":
            continue
        if n.type == "binary_operator" and n.op in _ASSIGN:
            lhs = n.field("lhs")
            if lhs is not None and lhs.type == "identifier":
                whole.add(lhs.text)
            elif lhs is not None:
                root = _root(lhs)
                if root is not None and root not in changed:
                    changed.append(root)
        stack.extend(reversed(n.children))
        stack.extend(a.value for a in reversed(n.args) if a.value is not None)
    return [name for name in changed if name not in whole]


def lazy_defaults(node: RNode) -> list[tuple[str, RNode]]:
    """Defaults that use other parameters (R evaluates defaults lazily, in the call)."""
    names = {name for name, _ in node.params}
    out = []
    for name, default in node.params:
        if default is not None and any(n.type == "identifier" and n.text in names
                                       for n in default.walk()):
            out.append((name, default))
    return out


def params_text(node: RNode, ctx: Context) -> str:
    """``a, b=2, *args`` for R's formals (``...`` becomes ``*args``); a default that
    uses another parameter becomes ``None``, computed in the body (see
    :func:`lazy_defaults`)."""
    lazy = {name for name, _ in lazy_defaults(node)}
    out = []
    for name, default in node.params:
        if name == "...":
            out.append("*args")
            continue
        if default is None:
            out.append(py_name(name))
        elif name in lazy:
            out.append(f"{py_name(name)}=None")
        else:
            out.append(f"{py_name(name)}={ctx.expr(default)}")
    return ", ".join(out)


def function_expr(node: RNode, ctx: Context) -> str:
    """A function used as a value (``sapply(x, function(v) v^2)``).

    One-expression bodies become a ``lambda``; longer bodies a helper ``def``
    written before the current statement (R's closures see the enclosing
    variables; so does a nested Python function).
    """
    from .statements import function_def_lines

    body = node.field("body")
    exprs = body
    if body is not None and body.type == "braced_expression":
        inner = [c for c in body.children if not c.is_comment]
        exprs = inner[0] if len(inner) == 1 else None
    if exprs is not None and not lazy_defaults(node) and exprs.type not in ("braced_expression", "if_statement",
                                                 "for_statement", "while_statement",
                                                 "repeat_statement") and not (
            exprs.type == "binary_operator" and exprs.op in ("<-", "=", "->", "<<-")):
        ctx.push_scope()
        try:
            for name, _ in node.params:
                ctx.set_kind(name, None)
                ctx.define(name)
            return f"lambda {params_text(node, ctx)}: {ctx.expr(exprs)}".replace("lambda : ", "lambda: ")
        finally:
            ctx.pop_scope()
    name = ctx.fresh_name("fn")
    for line in function_def_lines(name, node, ctx):
        ctx.emit(line)
    return name


# -- free variables a function makes its own (R's local copies of enclosing values) ------

_SKIP_FIELDS = {"function"}  # a call's function name is not a read of a variable
#: calls that evaluate their arguments after the first ``n`` in a scope of their own
_OWN_SCOPE = {"replicate": 1, "local": 0}
#: data-masking calls: after the data (first argument) their names are mostly columns
_MASKING = {"with", "within", "subset", "transform", "mutate", "transmute", "filter",
            "summarise", "summarize", "arrange", "select", "group_by", "rename", "count",
            "distinct", "pull", "slice", "relocate", "aes"}


def _events(body: RNode) -> list[tuple[str, str]]:
    """(event, name) in R's evaluation order: ``read`` (the value is looked up),
    ``bind`` (``x <- v``, ``for (x in ...)``), ``replace`` (``x$a <- v`` etc.),
    ``outer`` (``x <<- v``).  Formulas, ``$`` names, nested functions (and the
    expressions of ``replicate``/``local``) are not evaluated where they stand, and the
    names inside data-masking calls (``with``, ``subset``, dplyr verbs) are mostly
    columns, so they give no events."""
    out: list[tuple[str, str]] = []
    # an explicit stack of (node, role): role "eval" evaluates, or a ready-made event
    stack: list[tuple[object, str]] = [(body, "eval")]
    while stack:
        item, role = stack.pop()
        if role != "eval":
            out.append((role, item))
            continue
        n = item
        if n is None or n.type in ("function_definition", "comment"):
            continue
        if n.type == "binary_operator" and n.op in ("%>%", "|>"):
            rhs = n.field("rhs")
            masked = rhs is not None and rhs.type == "call" and rhs.call_name() in _MASKING
            stack.append((None if masked else rhs, "eval"))
            stack.append((n.field("lhs"), "eval"))  # a piped masking call: all columns
            continue
        if n.type == "call" and n.call_name() in _MASKING:
            data = n.args[0].value if n.args else None
            stack.append((data, "eval"))  # the data is read; the rest names columns
            continue
        if n.type == "call" and n.call_name() in _OWN_SCOPE:
            # replicate(n, expr) evaluates expr in a function of its own, local(expr) in
            # an environment of its own: like nested functions, their business
            keep = n.args[:_OWN_SCOPE[n.call_name()]]
            stack.extend((a.value, "eval") for a in reversed(keep) if a.value is not None)
            continue
        if n.type == "identifier":
            out.append(("read", unquote_name(n.text)))
            continue
        if n.op == "~" and n.type in ("binary_operator", "unary_operator"):
            continue
        todo: list[tuple[object, str]] = []
        if n.type == "binary_operator" and n.op in ("<-", "=", "->", "<<-", "->>"):
            lhs, rhs = n.field("lhs"), n.field("rhs")
            target, value = (rhs, lhs) if n.op.startswith("-") else (lhs, rhs)
            todo.append((value, "eval"))
            outer = n.op in ("<<-", "->>")
            if target is not None and target.type in ("identifier", "string"):
                todo.append((unquote_name(target.text), "outer" if outer else "bind"))
            elif target is not None:
                root = _root(target)
                todo.extend((v, "eval") for v in _target_reads(target))
                if root is not None:
                    todo.append((root, "outer" if outer else "replace"))
        elif n.type == "for_statement":
            var = n.field("variable")
            todo.append((n.field("sequence"), "eval"))
            if var is not None:
                todo.append((unquote_name(var.text), "bind"))
            todo.append((n.field("body"), "eval"))
        elif n.type == "extract_operator":
            todo.append((n.field("lhs"), "eval"))
        elif n.type == "namespace_operator":
            pass
        else:
            skip = {id(v) for k, v in n.fields if k in _SKIP_FIELDS} if n.type == "call" \
                else set()
            todo.extend((c, "eval") for c in n.children if id(c) not in skip)
            todo.extend((a.value, "eval") for a in n.args if a.value is not None)
        stack.extend(reversed(todo))
    return out


def _target_reads(target: RNode) -> list[RNode]:
    """The expressions a replacement target evaluates besides its root variable: the
    indices of ``d[i, j]``, the other arguments of ``levels(d$f)[2]``..."""
    reads: list[RNode] = []
    node = target
    while node is not None and node.type != "identifier":
        if node.type == "extract_operator":
            node = node.field("lhs")
        elif node.type in ("subset", "subset2"):
            reads.extend(a.value for a in node.args if a.value is not None)
            node = node.field("function")
        elif node.type == "call" and node.args and node.args[0].value is not None:
            reads.extend(a.value for a in node.args[1:] if a.value is not None)
            node = node.args[0].value
        else:
            break
    return reads


@dataclass(frozen=True)
class LocalCopy:
    """A variable of an enclosing scope that a function makes its own.

    In R a function that assigns ``x`` (whole, ``x <- f(x)``, or in part, ``x$a <- v``)
    after reading the enclosing ``x`` creates a local ``x`` and leaves the enclosing
    one unchanged.  Python would make ``x`` local for the whole body (reading it first
    raises ``UnboundLocalError``), so the translation renames the function's ``x`` to
    ``local`` and starts with ``local = x.copy()`` (``copy``) or ``local = x``.
    """

    name: str
    local: str
    copy: bool
    #: the script's own name of the variable (``d`` for a nested function's ``d_local``)
    origin: str = ""


def local_copies(node: RNode, taken: set[str],
                 origins: dict[str, str] | None = None) -> list[LocalCopy]:
    """The free variables the function ``node`` reads from its enclosing scope and then
    changes or rebinds (first event in evaluation order a read or an in-place change,
    and some later change).  Parameters, ``<<-`` targets (they stay the enclosing
    variable, R's superassignment) and variables the function creates itself
    (``res <- data.frame(); res$a <- 1``) are left alone.  ``taken`` are names the new
    local names must avoid; ``origins`` maps the local names made so far to the
    script's names (a nested function's copy of ``d_local`` is ``d_local2``), and is
    updated."""
    origins = {} if origins is None else origins
    body = node.field("body")
    if body is None:
        return []
    params = {name for name, _ in node.params}
    first: dict[str, str] = {}
    kinds: dict[str, set[str]] = {}
    for event, name in _events(body):
        first.setdefault(name, event)
        kinds.setdefault(name, set()).add(event)
    text = node.text
    out = []
    for name, events in kinds.items():
        if name in params or "outer" in events or first[name] == "bind":
            continue
        if not events & {"bind", "replace"}:
            continue
        origin = origins.get(name, name)
        local, i = f"{origin}_local", 1
        while local in taken or local == name or \
                re.search(rf"(?<![\w.]){re.escape(local)}(?![\w.])", text):
            i += 1
            local = f"{origin}_local{i}"
        taken.add(local)
        origins[local] = origin
        out.append(LocalCopy(name, local, "replace" in events, origin))
    return out


def rename_in_function(node: RNode, renames: dict[str, str]) -> RNode:
    """The function ``node`` with its body's variables ``renames`` renamed (reads and
    assignment targets, nested functions included unless a parameter of theirs has the
    name; formulas, ``$`` names and the column names of data-masking calls untouched).  Renamed identifiers keep R's text as
    ``deparse`` (``lmer(data = d)`` still prints ``Data: d``); the text of every
    enclosing node is rewritten to match, so rules that re-read source text agree."""
    memo: dict[int, tuple[RNode, list]] = {}

    def rebuild(n: RNode, active: dict[str, str]) -> tuple[RNode, list]:
        key = (id(n), tuple(sorted(active)))
        hit = memo.get(key)
        if hit is not None:
            return hit
        if n.type == "identifier":
            new = active.get(unquote_name(n.text))
            if new is None or n.text.startswith(("`", "'", '"')):
                res = (n, [])
            else:
                res = (replace(n, text=new, deparse=n.text), [(n.line, n.col, n.text, new)])
            memo[key] = res
            return res
        if n.op == "~" and n.type in ("binary_operator", "unary_operator") or \
                n.type == "namespace_operator":
            memo[key] = (n, [])
            return memo[key]
        inner = active
        if n.type == "function_definition":
            inner = {k: v for k, v in active.items() if k not in {p for p, _ in n.params}}
        spans: list = []
        mapped: dict[int, RNode] = {}
        skip = set()
        if n.type == "extract_operator" and n.field("rhs") is not None:
            skip.add(id(n.field("rhs")))
        if n.type == "call" and n.field("function") is not None:
            skip.add(id(n.field("function")))
        if n.type == "call" and n.call_name() in _MASKING:
            skip.update(id(a.value) for a in n.args[1:])  # columns, as in _events
        if n.type == "binary_operator" and n.op in ("%>%", "|>"):
            rhs = n.field("rhs")
            if rhs is not None and rhs.type == "call" and rhs.call_name() in _MASKING:
                skip.add(id(rhs))

        def sub(c: RNode | None) -> RNode | None:
            if c is None or id(c) in skip:
                return c
            if id(c) not in mapped:
                new_c, s = rebuild(c, inner)
                mapped[id(c)] = new_c
                spans.extend(s)
            return mapped[id(c)]

        fields = tuple((k, sub(v)) for k, v in n.fields)
        children = tuple(sub(c) for c in n.children)
        args = tuple(Arg(a.name, sub(a.value)) for a in n.args)
        if not spans:
            res = (n, [])
        else:
            res = (replace(n, fields=fields, children=children, args=args,
                           text=_respell(n, spans)), spans)
        memo[key] = res
        return res

    return rebuild(node, dict(renames))[0]


def _respell(node: RNode, spans: list) -> str:
    """``node.text`` with the identifiers at ``spans`` ((line, col, old, new), tree-sitter's
    byte columns) spelled anew; unchanged where a span does not match the text."""
    raw = node.text.encode("utf-8")
    starts = [0]
    for i, b in enumerate(raw):
        if b == 0x0A:
            starts.append(i + 1)
    edits = []
    for line, col, old, new in spans:
        row = line - node.line
        if row < 0 or row >= len(starts):
            continue
        off = starts[row] + (col - node.col if row == 0 else col)
        if raw[off:off + len(old.encode())] == old.encode():
            edits.append((off, old.encode(), new.encode()))
    for off, old, new in sorted(set(edits), reverse=True):
        raw = raw[:off] + new + raw[off + len(old):]
    return raw.decode("utf-8")
