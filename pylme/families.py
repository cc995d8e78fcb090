"""GLM families and links for ``glmer`` (R: ``stats::binomial`` ..., ``MASS::negative.binomial``).

>>> from pylme.families import binomial, poisson
>>> binomial()
binomial(link='logit')
>>> poisson(link="sqrt").link.name
'sqrt'

Each constructor returns a :class:`Family` (immutable, picklable, comparable) whose
methods evaluate the family as lme4 1.1-31 does; :class:`Link` holds lme4's clamped
inverse links and R's closures.  ``quasibinomial``, ``quasipoisson`` and ``quasi`` can
be built but ``glmer`` refuses them, as lme4 does.
"""

from pylme.glmm.families import (Family, FamilyStart, Gamma, binomial, family_from_arg, gaussian,
                                 inverse_gaussian, negative_binomial, poisson, quasi, quasibinomial,
                                 quasipoisson)
from pylme.glmm.links import Link, make_link

__all__ = ["binomial", "poisson", "Gamma", "inverse_gaussian", "gaussian", "negative_binomial",
           "quasibinomial", "quasipoisson", "quasi", "Family", "FamilyStart", "Link", "make_link",
           "family_from_arg"]
