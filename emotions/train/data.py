"""Load GoEmotions (simplified split) as texts plus a 0/1 label matrix.

Two sources give the same output: a local folder in the release's TSV format (default
``../shared/data/goemotions/original``) or a Hub dataset id read through ``datasets``.
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotions.labels import LABELS

logger = logging.getLogger(__name__)

# Where the data sits for development and CI: beside the project, never inside it.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared/data/goemotions/original"
HUB_DATASET = "google-research-datasets/go_emotions"
SPLITS = ("train", "dev", "test")
_HUB_SPLIT = {"train": "train", "dev": "validation", "test": "test"}


@dataclass
class Split:
    """One split: ``texts[i]`` carries the labels where ``targets[i]`` is 1."""

    texts: list[str]
    targets: np.ndarray  # [n, n_labels] float32 of 0/1
    labels: tuple[str, ...] = LABELS  # column names of targets

    def __len__(self) -> int:
        return len(self.texts)


def default_data_dir() -> Path:
    """``$GOEMOTIONS_DIR`` if set, else the shared folder beside the project."""
    return Path(os.environ.get("GOEMOTIONS_DIR", DEFAULT_DATA_DIR))


def _targets(label_ids: list[list[int]], n_labels: int = len(LABELS)) -> np.ndarray:
    targets = np.zeros((len(label_ids), n_labels), dtype=np.float32)
    for row, ids in enumerate(label_ids):
        targets[row, ids] = 1.0
    return targets


def folder_labels(folder: Path) -> tuple[str, ...]:
    """The label names of a GoEmotions-style folder (its ``labels.txt``), else the 28."""
    path = Path(folder) / "labels.txt"
    if not path.is_file():
        return LABELS
    return tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def read_tsv(path: Path, labels: tuple[str, ...] = LABELS) -> Split:
    """Read one release TSV: text, comma-separated label ids, comment id; no header."""
    if not path.is_file():
        raise FileNotFoundError(
            f"GoEmotions file not found: {path}. Pass --data-dir pointing at the folder "
            "holding train.tsv, dev.tsv and test.tsv, or set GOEMOTIONS_DIR."
        )
    texts: list[str] = []
    label_ids: list[list[int]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for line_no, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if len(row) != 3:
                raise ValueError(
                    f"{path}:{line_no}: expected 3 tab-separated columns "
                    f"(text, label ids, comment id), found {len(row)}."
                )
            try:
                ids = [int(x) for x in row[1].split(",")]
            except ValueError:
                raise ValueError(
                    f"{path}:{line_no}: label ids must be comma-separated integers, got {row[1]!r}."
                ) from None
            bad = [i for i in ids if not 0 <= i < len(labels)]
            if bad:
                raise ValueError(f"{path}:{line_no}: label id {bad[0]} is out of range 0..{len(labels) - 1}.")
            texts.append(row[0])
            label_ids.append(ids)
    if not texts:
        raise ValueError(f"{path} holds no examples.")
    return Split(texts, _targets(label_ids, len(labels)), tuple(labels))


def _load_hub(dataset_id: str, split: str) -> Split:
    import datasets  # optional: only needed for the Hub source

    ds = datasets.load_dataset(dataset_id, "simplified", split=_HUB_SPLIT[split])
    return Split(list(ds["text"]), _targets(list(ds["labels"])))


def load_split(split: str, data_dir: str | Path | None = None, dataset_id: str | None = None) -> Split:
    """Load ``train``, ``dev`` or ``test`` from a local folder or a Hub dataset id."""
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {SPLITS}.")
    if dataset_id:
        return _load_hub(dataset_id, split)
    folder = Path(data_dir) if data_dir else default_data_dir()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"GoEmotions folder not found: {folder}. Pass --data-dir (the release's "
            f"'original' folder with train/dev/test.tsv) or --dataset-id {HUB_DATASET}."
        )
    data = read_tsv(folder / f"{split}.tsv", folder_labels(folder))
    logger.info("Loaded %d %s examples from %s", len(data), split, folder)
    return data
