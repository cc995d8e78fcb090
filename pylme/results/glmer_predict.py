"""GlmerFit methods for prediction, simulation, refitting and the parametric bootstrap
(lme4: ``predict.merMod``, ``simulate.merMod``, ``refit``, ``update``, ``bootMer`` for glmerMod)."""

from __future__ import annotations

__all__ = ["GlmerPredictMethods"]


class GlmerPredictMethods:
    """Mixin of :class:`pylme.results.glmer_model.GlmerFit` (filled in by its own module)."""
