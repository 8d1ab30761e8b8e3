"""What a model card (the checkpoint's ``README.md``) says, for the app's footer: the test
score it reports (``model-index`` front matter) and the dataset it was trained on."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _metadata(card: Path) -> dict:
    from huggingface_hub import metadata_load

    return metadata_load(card) or {}


def _pick_f1(results: list) -> tuple[float, str] | None:
    """The card's macro-F1: prefer the calibrated-thresholds one, then any macro F1, then any F1."""
    found = []
    for result in results or []:
        for metric in (result or {}).get("metrics") or []:
            kind, name = str(metric.get("type", "")).lower(), str(metric.get("name", "")).lower()
            value = metric.get("value")
            if "f1" not in kind and "f1" not in name or not isinstance(value, (int, float)):
                continue
            rank = 0 if "calibrat" in name else 1 if "macro" in name or "macro" in kind else 2
            found.append((rank, float(value), str(metric.get("name") or "macro-F1")))
    if not found:
        return None
    _, value, name = min(found, key=lambda f: f[0])
    return value, name


def read_macro_f1(card: str | Path) -> tuple[float | None, str]:
    """Test macro-F1 from a model card's ``model-index`` front matter (None if absent)."""
    card = Path(card)
    if not card.is_file():
        return None, "test macro-F1"
    try:
        meta = _metadata(card)
        picked = None
        for entry in meta.get("model-index") or []:
            picked = picked or _pick_f1((entry or {}).get("results"))
    except Exception as err:  # a malformed card must not stop the app: the footer says so
        logger.warning("Could not read the model card %s (%s); no score shown.", card, err)
        return None, "test macro-F1"
    if picked is None:
        return None, "test macro-F1"
    value, name = picked
    return (value / 100 if value > 1 else value), f"test {name}"


def read_datasets(card: str | Path) -> list[str]:
    """The ``datasets`` a card's front matter names ([] if none, or the card is unreadable)."""
    card = Path(card)
    try:
        found = _metadata(card).get("datasets") if card.is_file() else None
    except Exception as err:  # a malformed card must not stop the app
        logger.warning("Could not read the model card %s (%s).", card, err)
        return []
    return [str(d) for d in found] if isinstance(found, list) else [str(found)] if found else []
