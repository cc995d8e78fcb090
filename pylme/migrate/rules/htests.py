"""R's classical tests -> :mod:`pylme.migrate.rhtest` (``t.test``, ``chisq.test``,
``cor.test``, whose results print as R prints them) and ``cor`` -> NumPy / SciPy.

``data_name=`` carries R's ``data.name`` (R deparses the arguments the script wrote:
``t.test(x, y)`` prints ``data:  x and y``), so the printed test reads as in R.
The result is an ``"htest"``: ``res$p.value`` becomes ``res.p_value`` and
``res[["p.value"]]`` ``res["p.value"]``.
"""

from __future__ import annotations

import re

from ..expressions import ATOM, tx, wrap
from . import register

NP = "import numpy as np"
HT = "from pylme.migrate import rhtest"


def _flag(m, key, ctx) -> str:
    """A logical argument: True/False for literals, else its translation."""
    text = m[key].text
    if text in ("TRUE", "T"):
        return "True"
    if text in ("FALSE", "F"):
        return "False"
    return ctx.expr(m[key])


_TOKEN = re.compile(r"""(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)"""
                    r"|(?P<op><<-|->>|<-|->|==|!=|<=|>=|&&|\|\||\|>|%[^%]*%|:::|::|[-+*/^<>!&|~=$@:,])"
                    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<word>[\w.]+)|(?P<space>\s+)|(?P<other>.)")
#: binary operators R's deparser writes with a blank on each side
_SPACED = {"<-", "<<-", "->", "->>", "=", "==", "!=", "<", ">", "<=", ">=", "&", "&&", "|",
           "||", "+", "-", "*", "/", "~", "|>"}


def _deparse(node) -> str:
    """R's ``deparse1(substitute(arg))`` of the script's argument, as ``data.name``:
    one line, a blank after each comma and around binary operators (``x[g==1]`` is
    ``x[g == 1]``), none after unary ``-``/``!`` or around ``$ : ^ ::``.  Numbers keep
    the script's spelling (R would write ``1e5`` as ``1e+05``)."""
    out: list[str] = []
    operand = False  # is the previous token an operand (so "-" is binary)?
    for m in _TOKEN.finditer(node.text):
        kind, tok = m.lastgroup, m.group()
        if kind == "space":
            continue
        if kind == "op":
            if tok == ",":
                out.append(", ")
            elif tok.startswith("%") or (tok in _SPACED and (operand or tok not in "-+!~")):
                out.append(f" {tok} ")
            else:
                out.append(tok)
            operand = False
            continue
        out.append(tok)
        operand = kind in ("str", "word", "close")
    return "".join(out).replace("( ", "(").replace("[ ", "[")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _options(m, ctx, names: dict[str, str], flags: tuple[str, ...] = ()) -> list[str]:
    out = []
    for r_name, py_name in names.items():
        if r_name in m:
            value = _flag(m, r_name, ctx) if r_name in flags else ctx.expr(m[r_name])
            out.append(f"{py_name}={value}")
    return out


@register("t.test", returns="htest", priority=1)
def t_test(call, ctx):
    m = call.match(("x", "y", "alternative", "mu", "paired", "var.equal", "conf.level",
                    "data", "subset"))
    if "subset" in m:
        ctx.todo(call.node, "t.test(subset=)")
    if "x" not in m:
        ctx.todo(call.node, "t.test() without x")
    ctx.need_import(HT)
    opts = _options(m, ctx, {"alternative": "alternative", "mu": "mu", "paired": "paired",
                             "var.equal": "var_equal", "conf.level": "conf_level"},
                    flags=("paired", "var.equal"))
    x = m["x"]
    if x.type == "binary_operator" and x.op == "~":
        if "data" not in m:
            ctx.todo(call.node, "t.test(formula) without data")
        if x.field("lhs").type == "call":
            ctx.todo(call.node, "t.test(Pair(x, y) ~ 1) or a computed response")
        args = [_quoted(ctx.formula_text(x)), f"data={ctx.expr(m['data'])}"] + opts
        return f"rhtest.t_test({', '.join(args)})"
    args = [ctx.expr(x)] + ([ctx.expr(m["y"])] if "y" in m else [])
    name = _deparse(x) + (f" and {_deparse(m['y'])}" if "y" in m else "")
    return f"rhtest.t_test({', '.join(args + opts)}, data_name={_quoted(name)})"


def _matrix_literal(node, ctx) -> str | None:
    """``matrix(c(...), nrow =, ncol =, byrow =)`` as a NumPy array (R fills by column)."""
    if node.type != "call" or node.call_name() != "matrix":
        return None
    from . import Call

    call = Call("matrix", None, tuple(node.args), node)
    m = call.match(("data", "nrow", "ncol", "byrow"))
    if "data" not in m or ("nrow" not in m and "ncol" not in m):
        return None
    ctx.need_import(NP)
    rows = ctx.expr(m["nrow"]) if "nrow" in m else "-1"
    cols = ctx.expr(m["ncol"]) if "ncol" in m else "-1"
    order = "C" if "byrow" in m and m["byrow"].text in ("TRUE", "T") else "F"
    return f'np.reshape(np.asarray({ctx.expr(m["data"])}, dtype=float), ({rows}, {cols}), order="{order}")'


@register("chisq.test", returns="htest", priority=1)
def chisq_test(call, ctx):
    m = call.match(("x", "y", "correct", "p", "rescale.p", "simulate.p.value", "B"))
    if "simulate.p.value" in m and m["simulate.p.value"].text not in ("FALSE", "F"):
        ctx.todo(call.node, "chisq.test(simulate.p.value = TRUE)")
    if "x" not in m:
        ctx.todo(call.node, "chisq.test() without x")
    ctx.need_import(HT)
    x = _matrix_literal(m["x"], ctx) or ctx.expr(m["x"])
    args = [x] + ([ctx.expr(m["y"])] if "y" in m else [])
    args += _options(m, ctx, {"correct": "correct", "p": "p", "rescale.p": "rescale_p"},
                     flags=("correct", "rescale.p"))
    name = _deparse(m["x"]) + (f" and {_deparse(m['y'])}" if "y" in m else "")
    return f"rhtest.chisq_test({', '.join(args)}, data_name={_quoted(name)})"


@register("cor", returns="numeric")
def cor(call, ctx):
    m = call.match(("x", "y", "use", "method"))
    method = m["method"].text.strip("\"'") if "method" in m else "pearson"
    if "y" not in m:
        return f'{wrap(tx(m["x"], ctx), ATOM)}.corr(method="{method}")'
    if method == "pearson":
        ctx.need_import(NP)
        return f"np.corrcoef({ctx.expr(m['x'])}, {ctx.expr(m['y'])})[0, 1]"
    ctx.need_import("from scipy import stats")
    fn = {"spearman": "spearmanr", "kendall": "kendalltau"}[method]
    return f"stats.{fn}({ctx.expr(m['x'])}, {ctx.expr(m['y'])})[0]"


@register("cor.test", returns="htest", priority=1)
def cor_test(call, ctx):
    m = call.match(("x", "y", "alternative", "method", "exact", "conf.level", "continuity",
                    "data"))
    if "x" not in m:
        ctx.todo(call.node, "cor.test() without x")
    ctx.need_import(HT)
    opts = _options(m, ctx, {"alternative": "alternative", "method": "method",
                             "exact": "exact", "conf.level": "conf_level",
                             "continuity": "continuity"}, flags=("exact", "continuity"))
    x = m["x"]
    if x.type == "unary_operator" and x.op == "~":
        terms = [t.strip().strip("`") for t in ctx.formula_text(x.field("rhs")).split("+")]
        if "data" not in m or len(terms) != 2 or not all(re.fullmatch(r"[\w.]+", t) for t in terms):
            ctx.todo(call.node, "cor.test(~ u + v) other than two columns of data")
        frame = wrap(tx(m["data"], ctx), ATOM)
        args = [f'{frame}["{terms[0]}"]', f'{frame}["{terms[1]}"]']
        name = f"{terms[0]} and {terms[1]}"
    else:
        if "y" not in m:
            ctx.todo(call.node, "cor.test() without y")
        args = [ctx.expr(x), ctx.expr(m["y"])]
        name = f"{_deparse(x)} and {_deparse(m['y'])}"
    return f"rhtest.cor_test({', '.join(args + opts)}, data_name={_quoted(name)})"
