"""R's classical tests -> SciPy / NumPy: ``t.test``, ``chisq.test``, ``cor``, ``cor.test``."""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from . import register

NP = "import numpy as np"


@register("t.test", returns="htest")
def t_test(call, ctx):
    ctx.need_import("from scipy import stats")
    m = call.match(("x", "y", "alternative", "mu", "paired", "var.equal", "conf.level", "data"))
    flag = lambda k: k in m and m[k].text in ("TRUE", "T")  # noqa: E731
    alt = ""
    if "alternative" in m:
        alt = {"two.sided": "", "less": ', alternative="less"',
               "greater": ', alternative="greater"'}[m["alternative"].text.strip("\"'")]
    x = m["x"]
    if x.type == "binary_operator" and x.op == "~":
        y, g = x.field("lhs").text, x.field("rhs").text
        data = ctx.expr(m["data"]) if "data" in m else ctx.todo(call.node, "t.test(formula) without data")
        groups = f'*[grp["{y}"] for _, grp in {data}.groupby("{g}", observed=True)]'
        return f"stats.ttest_ind({groups}, equal_var={flag('var.equal')}{alt})"
    if "y" not in m:
        mu = ctx.expr(m["mu"]) if "mu" in m else "0"
        return f"stats.ttest_1samp({ctx.expr(x)}, {mu}{alt})"
    if flag("paired"):
        return f"stats.ttest_rel({ctx.expr(x)}, {ctx.expr(m['y'])}{alt})"
    return f"stats.ttest_ind({ctx.expr(x)}, {ctx.expr(m['y'])}, equal_var={flag('var.equal')}{alt})"


@register("chisq.test", returns="htest")
def chisq_test(call, ctx):
    ctx.need_import("from scipy import stats")
    m = call.match(("x", "y", "correct"))
    correct = "" if "correct" not in m else f", correction={m['correct'].text in ('TRUE', 'T')}"
    if "y" in m:
        ctx.need_import("from pylme.migrate import rbase")
        return (f"stats.chi2_contingency(rbase.table({ctx.expr(m['x'])}, "
                f"{ctx.expr(m['y'])}){correct})")
    return f"stats.chi2_contingency({ctx.expr(m['x'])}{correct})"


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


@register("cor.test", returns="htest")
def cor_test(call, ctx):
    ctx.need_import("from scipy import stats")
    m = call.match(("x", "y", "alternative", "method"))
    method = m["method"].text.strip("\"'") if "method" in m else "pearson"
    fn = {"pearson": "pearsonr", "spearman": "spearmanr", "kendall": "kendalltau"}[method]
    return f"stats.{fn}({ctx.expr(m['x'])}, {ctx.expr(m['y'])})"
