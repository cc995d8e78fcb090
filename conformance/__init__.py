"""Conformance harness: prove pylme's parity with R's lme4 (target lme4 1.1-31, R 4.2.2).

Modules
-------
cases            the single declarative registry of cases and shipped datasets (no R)
r_session        the only module importing rpy2: evaluation, captured conditions, RError
r_side           fit a case in R and extract every quantity with its R expression
r_side_glmm      the glmer quantities of a GLMM case (devfuns at lme4's parameters, stage 1)
py_side(_glmm)   the same quantities from pylme (lmer / glmer)
local_data       data sets made in R with set.seed and shipped as CSV (r_reference/data)
strategies_glmm  Hypothesis-generated glmer designs (binomial, Poisson; nested, crossed)
regen            canonical JSON and ``r_reference/`` writing
datasets_export  export ``pylme/datasets/data/`` from R
__main__         command line: ``python -m conformance {regen,export-datasets,list}``

Importing this package never loads R; only the modules that need it do.
"""
