"""Read the emotions in English text: a GoEmotions classifier, its thresholds and tools."""

from . import configuration  # noqa: F401  (AutoConfig knows the head; emotions.modeling: the model)
from .labels import EMOJI, LABELS

__all__ = ["EMOJI", "LABELS"]
