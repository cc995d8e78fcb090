"""Inference on fitted models (lme4 / lmerTest / pbkrtest counterparts).

* :mod:`.anova`        -- ``anova(m1, m2, ...)`` likelihood-ratio tables, single-model
  ``anova(fit)``, ``drop1``;
* :mod:`.ddf`          -- Satterthwaite (lmerTest) and Kenward-Roger (pbkrtest) degrees of freedom;
* :mod:`.profile`, :mod:`.confint` -- ``profile()`` and ``confint(method=...)``;
* :mod:`.predict`, :mod:`.simulate`, :mod:`.bootstrap`, :mod:`.update` -- ``predict``,
  ``simulate``, ``bootMer``, ``update``.
"""
