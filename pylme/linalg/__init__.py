"""Blocked Cholesky kernels for grouped designs (no statistics vocabulary here).

The public entry point is :class:`BlockedSystem` (MixedModels.jl ``updateL!``):
cross-products of grouped blocks and dense columns formed once, then factored for
any set of lower-triangular templates.  :mod:`pylme.deviance` builds the
profiled deviance of a linear mixed model on top of it; :class:`ReweightPlan`
(``BlockedSystem.reweighted``) re-forms the same structure for new weights, as
glmer's PIRLS needs at every iteration.
"""

from .blockdiag import BlockDiagFactor, factor_inflated
from .blocked import BlockedFactor, BlockedSystem
from .crossprod import CrossProducts, GroupedColumns, cross_products, grouped_matrix
from .errors import PivotError
from .reweight import ReweightPlan
from .templates import TemplateLayout

__all__ = [
    "BlockDiagFactor",
    "BlockedFactor",
    "BlockedSystem",
    "CrossProducts",
    "GroupedColumns",
    "PivotError",
    "ReweightPlan",
    "TemplateLayout",
    "cross_products",
    "factor_inflated",
    "grouped_matrix",
]
