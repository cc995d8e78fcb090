"""Arguments of ``lmer()``, ``devfun()``, ``LmerControl`` and ``refit()`` read as R reads them.

Every check of a public argument is in this package, in one place; ``lmer()`` calls
them before any work is done, so bad input fails fast with a typed pylme error and
R's (or lme4's) own text first.

* :mod:`.rvalues`: R's ``match.arg`` (:func:`match_arg`, for any string option of the
  public API), ``if (x)`` (:func:`r_flag`), ``as.integer`` (:func:`r_verbose`) and a
  print method's ``digits`` (:func:`print_digits`);
* :mod:`.frame_args`: ``data``, ``weights``, ``offset``, ``na_action``, ``contrasts``,
  ``data_name`` and :func:`lmer_args`, all of ``lmer()``'s at once;
* :mod:`.theta`: ``start``, a deviance function's θ and ``refit``'s new response.
"""

from .frame_args import (NA_ACTIONS, LmerArgs, contrasts_arg, data_arg, data_name_arg, lmer_args,
                         na_action_arg, value_kind, vector_arg)
from .rvalues import dquote, is_vector, match_arg, pmatch, print_digits, r_flag, r_verbose
from .theta import check_start_bounds, devfun_theta, response_arg, start_arg

__all__ = [
    "NA_ACTIONS", "LmerArgs", "lmer_args", "na_action_arg", "data_arg", "vector_arg", "contrasts_arg",
    "data_name_arg", "value_kind", "pmatch", "match_arg", "r_flag", "r_verbose", "print_digits",
    "is_vector", "dquote",
    "start_arg", "check_start_bounds", "devfun_theta", "response_arg",
]
