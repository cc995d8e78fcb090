"""R statements -> Python statements: assignments, control flow, functions, comments,
top-level auto-printing, and TODO blocks for what cannot be translated.

In ``Rscript`` a top-level expression whose value is visible is printed: ``m`` alone
prints ``m``, ``summary(m)`` alone prints the summary.  The translation writes the
``print(...)`` explicitly; calls whose value R returns invisibly (``library``,
``set.seed``, assignments, plots) are not printed.
"""

from __future__ import annotations

from .context import Context, Todo, Untranslatable
from .names import py_name
from .parse import RNode, unquote_name

__all__ = ["block_lines", "function_def_lines", "TODO_MARK"]

TODO_MARK = "# TODO(pylme-migrate):"
_INDENT = "    "
_ASSIGN = ("<-", "=", "<<-", "->", "->>")
_CONTROL = ("if_statement", "for_statement", "while_statement", "repeat_statement")


def block_lines(nodes, ctx: Context, *, top: bool = False, func: bool = False) -> list[str]:
    """Python lines (unindented) for a sequence of R statements and comments."""
    out: list[str] = []
    stmts = [n for n in nodes if not n.is_comment]
    last = stmts[-1] if stmts else None
    prev_end = None
    for node in nodes:
        if top and prev_end is not None and node.line > prev_end + 1 and out and out[-1] != "":
            out.append("")  # the script's blank lines between statements are kept
        if node.is_comment:
            text = node.text
            if prev_end == node.line and out and not out[-1].lstrip().startswith("#"):
                out[-1] = f"{out[-1]}  {text}"
            else:
                out.append(text)
            prev_end = node.end_line
            continue
        lines = statement_lines(node, ctx, top=top, is_return=func and node is last)
        is_def = bool(lines) and lines[0].startswith("def ")
        if top and (is_def or (out and out[-1].startswith("    ") and _last_was_def(out))):
            while out and out[-1] == "":
                out.pop()
            if out:
                out += ["", ""]  # PEP 8: two blank lines around top-level functions
        out.extend(lines)
        prev_end = node.end_line
    if not any(line.strip() and not line.lstrip().startswith("#") for line in out) and not top:
        out.append("pass")
    return out


def _last_was_def(out: list[str]) -> bool:
    for line in reversed(out):
        if line and not line.startswith((" ", "#")):
            return line.startswith("def ")
    return False


def statement_lines(node: RNode, ctx: Context, *, top: bool, is_return: bool) -> list[str]:
    """One R statement; on an :class:`Untranslatable` construct, a TODO block."""
    saved_pending = ctx.take_pending()
    saved_defined = [set(scope) for scope in ctx.defined]
    try:
        lines = _statement(node, ctx, top=top, is_return=is_return)
    except Untranslatable as exc:
        ctx.take_pending()
        ctx.pending = saved_pending
        ctx.defined = saved_defined  # what the failed statement would have defined is not
        return todo_lines(node, exc.reason, ctx)
    pre = ctx.take_pending()
    ctx.pending = saved_pending
    return pre + lines


def todo_lines(node: RNode, reason: str, ctx: Context) -> list[str]:
    ctx.todos.append(Todo(node.line, node.end_line, reason, node.text))
    return [f"{TODO_MARK} {reason} (R line {node.line})"] + [
        f"# {line}".rstrip() for line in node.text.splitlines()]


def _statement(node: RNode, ctx: Context, *, top: bool, is_return: bool) -> list[str]:
    t = node.type
    if t == "binary_operator" and node.op in _ASSIGN:
        from .assign import assignment_lines

        lines = assignment_lines(node, ctx)
        if is_return:
            target = node.field("rhs") if node.op.startswith("-") else node.field("lhs")
            if target.type == "identifier":
                lines.append(f"return {py_name(target.text)}")
        return lines
    if t == "if_statement":
        return _if(node, ctx, is_return)
    if t == "for_statement":
        return _for(node, ctx)
    if t == "while_statement":
        return _loop(node, ctx, node.field("condition"))
    if t == "repeat_statement":
        return _loop(node, ctx, None)
    if t == "break":
        return ["break"]
    if t == "next":
        return ["continue"]
    if t == "braced_expression":
        return block_lines(node.children, ctx, top=top, func=is_return)
    if t == "call" and node.call_name() == "return":
        arg = node.args[0].value if node.args else None
        return ["return" if arg is None else f"return {ctx.expr(arg)}"]
    if t == "call" and node.call_name() == "invisible" and not is_return:
        if not node.args:
            return []
        return [ctx.expr(node.args[0].value)]
    if t == "call" and node.call_name() == "stop":
        from .calls import make_call
        from .rules.strings import stop_statement

        call = make_call(node)
        if call is not None and call.package in (None, "base"):
            return [stop_statement(call, ctx)]  # also as a function's last statement
    code = ctx.expr(node)
    if is_return:
        return [f"return {code}"]
    if code == "":
        return []
    if top and _visible(node, ctx):
        if ctx.kind_of(node) in ("ggplot", "trellis", "lm", "glm"):
            # R auto-prints a plot object by drawing it, an lm/glm by print.lm/print.glm:
            # the print rules of those kinds
            from .parse import Arg, synth_call, synth_identifier

            drawn = ctx.expr(synth_call(synth_identifier("print", node), (Arg(None, node),),
                                        node))
            return [drawn] if drawn != code else []
        from .rules.base import rprint_code  # R's auto-print: print() of the value
        return [rprint_code(node, code, ctx)]
    return [code]


def _visible(node: RNode, ctx: Context) -> bool:
    from .calls import call_visible

    while node.type == "parenthesized_expression":
        return True
    if node.type == "call" and node.call_name() == "with" and len(node.args) >= 2 \
            and node.args[1].value is not None:
        return _visible(node.args[1].value, ctx)  # with() returns its expression's value
    if node.type == "call":
        return call_visible(node, ctx)
    if node.type == "binary_operator" and node.op in ("%>%", "|>"):
        from .pipes import rewrite_pipe

        return _visible(rewrite_pipe(node), ctx)
    return node.type not in ("function_definition",)


def indent(lines: list[str]) -> list[str]:
    return [(_INDENT + line) if line else line for line in lines]


def condition(node: RNode, ctx: Context) -> str:
    saved = getattr(ctx, "in_condition", False)
    ctx.in_condition = True
    try:
        return ctx.expr(node)
    finally:
        ctx.in_condition = saved


def _body(node: RNode | None, ctx: Context, is_return: bool = False) -> list[str]:
    if node is None:
        return ["pass"]
    if node.type == "braced_expression":
        return block_lines(node.children, ctx, func=is_return)
    return block_lines([node], ctx, func=is_return)


def _if(node: RNode, ctx: Context, is_return: bool) -> list[str]:
    lines = [f"if {condition(node.field('condition'), ctx)}:"]
    lines += indent(_body(node.field("consequence"), ctx, is_return))
    alt = node.field("alternative")
    while alt is not None:
        if alt.type == "if_statement":
            lines.append(f"elif {condition(alt.field('condition'), ctx)}:")
            lines += indent(_body(alt.field("consequence"), ctx, is_return))
            alt = alt.field("alternative")
        else:
            lines.append("else:")
            lines += indent(_body(alt, ctx, is_return))
            alt = None
    return lines


def _for(node: RNode, ctx: Context) -> list[str]:
    var = py_name(node.field("variable").text)
    seq = node.field("sequence")
    head = _range(seq, ctx)
    # a loop over 1:n / seq_along() gives R's 1-based integers: x[i] then becomes x[i - 1]
    ctx.set_kind(unquote_name(node.field("variable").text),
                 "int" if head.startswith(("range(", "np.arange(")) else None)
    ctx.define(unquote_name(node.field("variable").text))
    lines = [f"for {var} in {head}:"]
    return lines + indent(_body(node.field("body"), ctx))


def _range(seq: RNode, ctx: Context) -> str:
    """``1:n`` -> ``range(1, n + 1)``; ``seq_along(x)`` -> ``range(1, len(x) + 1)``."""
    from .expressions import ADD, tx, wrap

    if seq.type == "binary_operator" and seq.op == ":":
        lhs, rhs = seq.field("lhs"), seq.field("rhs")
        if lhs.type in ("float", "integer") and "." not in lhs.text and "e" not in lhs.text:
            start = int(lhs.text.rstrip("L"))
            stop = rhs.text.rstrip("L") if rhs.type in ("float", "integer") else None
            if stop is not None and stop.isdigit() and int(stop) < start:
                return f"range({start}, {int(stop) - 1}, -1)"
            return f"range({start}, {wrap(tx(rhs, ctx), ADD)} + 1)"
    if seq.type == "call" and seq.call_name() in ("seq_along", "seq_len") and seq.args:
        arg = ctx.expr(seq.args[0].value)
        n = f"len({arg})" if seq.call_name() == "seq_along" else arg
        return f"range(1, {n} + 1)"
    return ctx.expr(seq)


def _loop(node: RNode, ctx: Context, cond: RNode | None) -> list[str]:
    head = "while True:" if cond is None else f"while {condition(cond, ctx)}:"
    return [head] + indent(_body(node.field("body"), ctx))


def function_def_lines(name: str, node: RNode, ctx: Context) -> list[str]:
    """``def name(params):`` with the body; its last value is returned, as in R."""
    from .functions import copied_on_modify, lazy_defaults, local_copies, params_text
    from .functions import rename_in_function

    # variables of the script (or of an enclosing function) the function reads and then
    # changes are its own copies in R: renamed in the body, copied at entry
    origins = getattr(ctx, "local_copy_origins", None)
    if origins is None:
        origins = ctx.local_copy_origins = {}  # local name -> the script's name
    copies = local_copies(node, ctx.assigned | ctx.functions
                          | {n for scope in ctx.defined for n in scope}, origins)
    if copies:
        node = rename_in_function(node, {c.name: c.local for c in copies})
    ctx.push_scope()
    try:
        for pname, _ in node.params:
            ctx.set_kind(pname, None)
            ctx.define(pname)
        head = f"def {name}({params_text(node, ctx)}):"
        pre = []
        for pname, default in lazy_defaults(node):
            pre += [f"if {py_name(pname)} is None:", f"    {py_name(pname)} = {ctx.expr(default)}"]
        # R copies on modify: an argument the function changes in place is the function's
        # own copy, never the caller's object (replicate() passes the script's variables
        # it changes as arguments, so they are copied too)
        params = {pname for pname, _ in node.params}
        pre += [f"{py_name(v)} = {py_name(v)}.copy()" for v in copied_on_modify(node)
                if v in params]
        pre += _local_copy_lines(copies, node, ctx)
        body = _body(node.field("body"), ctx, is_return=True)
        outer = sorted(ctx.outer_names[-1])
        enclosing = [n for scope in ctx.defined[1:-1] for n in scope]
    finally:
        ctx.pop_scope()
    # R's <<- targets: an enclosing function's variable (nonlocal) or a global one
    decl = [f"nonlocal {', '.join(py_name(n) for n in outer if n in enclosing)}"] \
        if any(n in enclosing for n in outer) else []
    if any(n not in enclosing for n in outer):
        decl.append(f"global {', '.join(py_name(n) for n in outer if n not in enclosing)}")
    return [head] + indent(decl + pre + body)


def _local_copy_lines(copies, node: RNode, ctx: Context) -> list[str]:
    """``d_local = d.copy()`` for each enclosing variable the function makes its own
    (see :class:`pylme.migrate.functions.LocalCopy`), in the function's new scope."""
    from .parse import synth_identifier

    lines = []
    for c in copies:
        outer = ctx.expr(synth_identifier(c.name, node))
        ctx.set_kind(c.local, ctx.lookup_kind(c.name))
        ctx.define(c.local)
        for (frame, column), is_fac in list(ctx.factor_columns.items()):
            if frame == c.name:
                ctx.factor_columns[(c.local, column)] = is_fac
        if c.copy:
            lines.append(f"{py_name(c.local)} = {outer}.copy()  "
                         f"# R: changing {c.origin} here changes the function's own copy")
        else:
            lines.append(f"{py_name(c.local)} = {outer}  "
                         f"# R: assigning {c.origin} here makes a local one")
    return lines
