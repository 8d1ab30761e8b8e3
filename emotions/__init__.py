"""Read the emotions in English text: a GoEmotions classifier, its thresholds, its app and tools.

The package by area (the tree is the architecture):

- ``emotions.labels``: label names, emojis and roll-ups; ``emotions.cli``: the one CLI.
- ``emotions.text``: sentences, conversation turns, language, names masked as ``[NAME]``.
- ``emotions.model``: a checkpoint and how it scores (``EmotionClassifier.from_pretrained``).
- ``emotions.train``: data, training, distillation, sweeps, calibration, evaluation, the model card.
- ``emotions.serve``: what the Space runs (``app.py`` builds the page from it).
- ``emotions.tools``: operator commands (predict, bench, loadtest, publish).
"""

from emotions.labels import EMOJI, LABELS
from emotions.model.inference import EmotionClassifier, Prediction

__all__ = ["EMOJI", "LABELS", "EmotionClassifier", "Prediction"]
