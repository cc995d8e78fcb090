"""GlmerFit methods for model comparison and intervals (lme4: ``anova``, ``drop1``,
``profile``, ``confint`` for glmerMod)."""

from __future__ import annotations

__all__ = ["GlmerInferenceMethods"]


class GlmerInferenceMethods:
    """Mixin of :class:`pylme.results.glmer_model.GlmerFit` (filled in by its own module)."""
