"""Read the emotions in English text: a GoEmotions classifier, its thresholds and tools."""

from . import modeling  # noqa: F401  (registers the mean-pooling head with the Auto classes)
from .labels import EMOJI, LABELS

__all__ = ["EMOJI", "LABELS"]
