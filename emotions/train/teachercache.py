"""The teacher's probabilities on the training texts, computed once and cached for distillation.

A cache file says what it was made from: the teachers (a hash of each one's config and weights),
the texts (a hash of them, in order) and the labels. Loading it checks all three, so a cache made
for other texts or another teacher is refused with the fix, never silently reused.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from emotions.model.inference import EmotionClassifier

from .targets import Split

logger = logging.getLogger(__name__)
CACHE_DIR = Path("runs/teacher_cache")  # default home of the caches: one file per teachers + texts


def teacher_fingerprint(teachers: list[Path]) -> str:
    """sha256 over each teacher's config.json and model.safetensors, in the order given."""
    digest = hashlib.sha256()
    for folder in teachers:
        for name in ("config.json", "model.safetensors"):
            path = Path(folder) / name
            if not path.is_file():
                raise FileNotFoundError(
                    f"{path} not found: --teachers takes checkpoint folders (train's output)."
                )
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def texts_fingerprint(texts: list[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def score(teachers: list[Path], split: Split) -> np.ndarray:
    """The teachers' own (uncalibrated) probabilities, averaged, columns in ``split.labels``' order."""
    total = np.zeros((len(split), len(split.labels)), dtype=np.float64)
    for folder in teachers:
        teacher = EmotionClassifier.from_pretrained(folder, backend="torch")
        if sorted(teacher.labels) != sorted(split.labels):
            raise ValueError(
                f"The teacher {folder} has the labels {teacher.labels}, but the data has {list(split.labels)}: "
                "a teacher must know the data's labels; pick the teacher trained on this data."
            )
        order = [teacher.labels.index(name) for name in split.labels]
        logger.info("Scoring %d training texts with the teacher %s", len(split), folder)
        total += teacher.predict_proba(split.texts, progress=True, raw=True)[:, order]
    return (total / len(teachers)).astype(np.float32)


def _check(path: Path, stored, expected: dict) -> None:
    for key, value in expected.items():
        if key not in stored.files:
            raise ValueError(f"{path} is not a teacher cache (no {key!r}): delete it, it is made again.")
        found = stored[key].tolist()
        if found != value:
            raise ValueError(
                f"{path} was made for other {key.replace('_', ' ')} ({str(found)[:40]}..., not "
                f"{str(value)[:40]}...): delete it or pass --teacher-cache with a new path."
            )


def teacher_probabilities(teachers: list[Path], split: Split, cache: str | None = None) -> np.ndarray:
    """``[len(split), n_labels]`` teacher probabilities: from the cache when it was made for these
    teachers, texts and labels; else computed and cached."""
    expected = {
        "teachers": teacher_fingerprint(teachers),
        "texts": texts_fingerprint(split.texts),
        "labels": list(split.labels),
    }
    path = Path(cache) if cache else CACHE_DIR / f"{expected['teachers'][:12]}-{expected['texts'][:12]}.npz"
    if path.exists():
        try:
            stored = np.load(path, allow_pickle=False)
            _check(path, stored, expected)
            probs = stored["probs"]
        except (OSError, ValueError, KeyError) as err:
            if "teacher cache" in str(err) or "was made for" in str(err):
                raise
            raise ValueError(f"{path} is unreadable ({err}): delete it, it is made again.") from None
        if probs.shape != (len(split), len(split.labels)):
            raise ValueError(f"{path} holds {probs.shape} probabilities, not {len(split)} texts: delete it.")
        logger.info("Teacher probabilities from the cache %s", path)
        return probs
    probs = score(teachers, split)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npz")  # a stop mid-write leaves no half cache
    np.savez(partial, probs=probs, **{k: np.array(v) for k, v in expected.items()})
    os.replace(partial, path)
    logger.info("Teacher probabilities cached in %s", path)
    return probs
