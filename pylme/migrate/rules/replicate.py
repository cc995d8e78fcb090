"""``replicate(n, expr)``: R evaluates ``expr`` ``n`` times, each time in a fresh function
environment (``sapply(integer(n), eval.parent(substitute(function(...) expr)))``), so an
assignment inside it (``d$y <- simulate(fit)[[1]]``) changes a local copy, never the
script's variable.  Translated as that ``sapply`` of a function is: a helper ``def``
that receives the variables it changes as arguments and copies them first, called ``n``
times in a comprehension."""

from __future__ import annotations

from ..functions import copied_on_modify
from ..parse import parse_r
from . import register


@register("replicate")
def replicate(call, ctx):
    m = call.match(("n", "expr", "simplify"))
    n, expr = m.get("n"), m.get("expr")
    if n is None or expr is None:
        return None
    simplify = m.get("simplify")
    apply = "lapply" if simplify is not None and simplify.text in ("FALSE", "F") else "sapply"
    # the variables expr changes in place (d$y <- ...) become arguments of the function,
    # passed the script's values, so each evaluation changes its own copy, as in R
    changed = copied_on_modify(_parsed(f"function(replicate_i) {expr.text}"))
    params = "".join(f", {name}" for name in changed)
    passed = "".join(f", {name} = {name}" for name in changed)
    # the very R call replicate() stands for, parsed so the apply rule translates it
    return ctx.expr(_parsed(f"{apply}(seq_len({n.text}), function(replicate_i{params}) "
                            f"{expr.text}{passed})"))


def _parsed(source: str):
    (node,) = [c for c in parse_r(source).children if not c.is_comment]
    return node
