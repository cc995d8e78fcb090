"""``summary()`` of data frames and vectors -> :mod:`pylme.migrate.rsummary`, which
prints R's ``summary.data.frame`` table / ``print.summaryDefault`` text (not pandas'
``describe()``).

Priority 2 puts this rule before :mod:`.frames`' ``describe()`` rule (priority 1);
the model ``summary`` rules (:mod:`.models` at 2 and 3, :mod:`.lme4` at 0) only
accept fitted models, and this one only data frames and vectors, so each call has
exactly one taker.
"""

from __future__ import annotations

from ..expressions import ATOM, tx, wrap
from . import register

RS = "from pylme.migrate import rsummary"
#: kinds summarized as one vector (R's summary.default / summary.factor)
_VECTOR_KINDS = ("vector", "logical", "character", "factor", "column", "numeric", "int")


@register("summary", priority=2)
def summary_data(call, ctx):
    m = call.match(("object", "maxsum", "digits"))
    x = m.get("object")
    if x is None:
        return None
    kind = ctx.kind_of(x)
    if kind not in ("df",) + _VECTOR_KINDS:
        return None
    ctx.need_import(RS)
    extra = "".join(f", {py}={ctx.expr(m[r])}" for r, py in (("maxsum", "maxsum"),
                                                              ("digits", "digits")) if r in m)
    fn = "summary_df" if kind == "df" else "summary_default"
    return f"rsummary.{fn}({wrap(tx(x, ctx), ATOM)}{extra})"
