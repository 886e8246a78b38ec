"""Category suggestions: rank a segment's categories, say why, learn from codings so far.

Suggestions save coders time without steering them. They only rank the categories offered
for the segment's question; nothing here writes a coding. A suggestion accepted on the
coding screen is stored by :func:`qca.coding.set_coding` with ``origin="suggestion"``.

The package has one job a module:

- :mod:`qca.suggest.features`: text preparation and the label-free per-question index
  (TF-IDF features, the cold start's similarity to the category texts);
- :mod:`qca.suggest.models`: what is learned from codings, the blend, and the immutable
  :class:`SuggestionModel`;
- :mod:`qca.suggest.service`: :class:`SuggestionService`, training in a separate process
  for the coding screen;
- :mod:`qca.suggest.evaluation`: learning curves by replaying a coder's codings.
- :mod:`qca.suggest.vectors`: optional sentence vectors (the pinned, hash-checked encoder,
  their storage, and their component of the blend).
"""

from __future__ import annotations

from qca.suggest.evaluation import (
    DEFAULT_STEPS,
    CurvePoint,
    LearningCurve,
    evaluate,
    format_curves,
    replay,
)
from qca.suggest.features import build_indexes
from qca.suggest.models import (
    PRIOR_EXAMPLES,
    Suggestion,
    SuggestionModel,
    suggest_for_coder,
    train_model,
)
from qca.suggest.service import RETRAIN_EVERY, SuggestionService

__all__ = [
    "DEFAULT_STEPS",
    "PRIOR_EXAMPLES",
    "RETRAIN_EVERY",
    "CurvePoint",
    "LearningCurve",
    "Suggestion",
    "SuggestionModel",
    "SuggestionService",
    "build_indexes",
    "evaluate",
    "format_curves",
    "replay",
    "suggest_for_coder",
    "train_model",
]
