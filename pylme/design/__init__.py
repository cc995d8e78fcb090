"""Model frame and design matrices (R: ``model.frame``, ``model.matrix``; lme4: ``lFormula``).

Modules: :mod:`~pylme.design.frame` (evaluate a formula's variables in the data, NA
handling, factor levels), :mod:`~pylme.design.evaluate` (the whitelisted functions of
variable expressions), :mod:`~pylme.design.contrasts` (contrast matrices, orthogonal
polynomials) and :mod:`~pylme.design.model_matrix` (the fixed-effects matrix X).
"""
