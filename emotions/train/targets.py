"""Texts and their labels as a 0/1 target matrix: :class:`Split`, and the checks on the way.

Every data source ends here: label names are checked (:func:`check_labels`), each row's label
names (or 0/1 flags) become a row of targets, the columns are put in a model's label order
(:func:`align`) and single-label data is held to one label per row (:func:`check_single`). Each
error names the row and says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emotions.labels import LABELS

TRUE, FALSE = ("1", "1.0", "true", "yes"), ("0", "0.0", "false", "no", "")


@dataclass(frozen=True)
class Columns:
    """Where a file or dataset keeps each text and its labels (``--text-column`` ...)."""

    text: str = "text"
    label: str = "label"  # label names or ids, one or several per row
    label_columns: tuple[str, ...] = ()  # one 0/1 column per label instead; empty: ``label``


@dataclass
class Split:
    """One split: ``texts[i]`` carries the labels where ``targets[i]`` is 1."""

    texts: list[str]
    targets: np.ndarray  # [n, n_labels] float32 of 0/1
    labels: tuple[str, ...] = LABELS  # column names of targets
    multi_label: bool = True  # False: every row has exactly one label

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def classes(self) -> np.ndarray:
        """Each row's label index (single-label data: the one label it has)."""
        return self.targets.argmax(1)

    def head(self, n: int | None) -> Split:
        """The first ``n`` rows (all when ``n`` is None)."""
        return Split(self.texts[:n], self.targets[:n], self.labels, self.multi_label)


def check_labels(labels, source: str) -> tuple[str, ...]:
    """``labels`` as a tuple of names: a clear error if there are none or some repeat."""
    labels = tuple(str(n).strip() for n in labels)
    if not labels:
        raise ValueError(
            f"{source}: the label set is empty. Give the data at least one label "
            "(a label column with names, a labels.txt, or --labels NAME ...)."
        )
    if "" in labels:
        raise ValueError(f"{source}: a label name is empty: name every label.")
    repeated = sorted({n for n in labels if labels.count(n) > 1})
    if repeated:
        raise ValueError(f"{source}: label names must be unique, but {repeated} repeat: rename or drop them.")
    return labels


def sorted_names(names) -> tuple[str, ...]:
    """Alphabetical, but numbers by value: ``2`` before ``10``."""
    return tuple(sorted(names, key=lambda n: (0, int(n), "") if n.lstrip("-").isdigit() else (1, 0, n)))


def targets_of(label_ids: list[list[int]], n_labels: int = len(LABELS)) -> np.ndarray:
    """Each row's label ids as a row of 0/1 targets over ``n_labels`` columns."""
    targets = np.zeros((len(label_ids), n_labels), dtype=np.float32)
    for row, ids in enumerate(label_ids):
        targets[row, ids] = 1.0
    return targets


def label_names(value) -> list[str]:
    """A label cell as names: ``"joy"``, ``"joy, love"``, ``["joy", "love"]``, ``3``."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(n).strip() for n in items if str(n).strip()]


def flag(value, column: str, at: str) -> int:
    """A 0/1 label cell (``1``, ``true``, ``yes`` ... or ``0``, ``false``, empty) as 1 or 0."""
    text = str(value).strip().lower()
    if text in TRUE:
        return 1
    if text in FALSE:
        return 0
    raise ValueError(
        f"{at}: column {column!r} holds {value!r}, not 0 or 1. Write 1 where the label applies, 0 elsewhere."
    )


def names_to_split(
    texts: list[str],
    rows: list[list[str]],
    where: list[str],
    labels: tuple[str, ...] | None,
    multi_label: bool | None,
    source: str,
) -> Split:
    """Texts and each row's label names (``where[i]``: file and line, for errors) as a Split."""
    if not texts:
        raise ValueError(f"{source} holds no examples.")
    if labels is None:
        labels = check_labels(sorted_names({n for names in rows for n in names}), source)
    index = {name: i for i, name in enumerate(labels)}
    ids = []
    for names, at in zip(rows, where):
        if not names and multi_label is not True:
            raise ValueError(
                f"{at}: the row has no label. Give every row one (or several, comma-separated), "
                "or pass --multi-label true if a text may have none."
            )
        unknown = [n for n in names if n not in index]
        if unknown:
            raise ValueError(
                f"{at}: label {unknown[0]!r} is not in the label list {list(labels)}. "
                "Fix the row, or add the name to --labels."
            )
        if len(names) > 1 and multi_label is False:
            raise ValueError(
                f"{at}: the row has {len(names)} labels ({', '.join(names)}) but the data is single-label "
                "(--multi-label false, or a single-label model): give it one, or pass --multi-label true."
            )
        ids.append([index[n] for n in names])
    if multi_label is None:
        multi_label = any(len(i) > 1 for i in ids)
    return Split(texts, targets_of(ids, len(labels)), labels, multi_label)


def align(split: Split, labels: tuple[str, ...] | None, source: str) -> Split:
    """``split``'s targets with their columns in ``labels`` order (same names required)."""
    if labels is None or tuple(labels) == split.labels:
        return split
    missing = [n for n in labels if n not in split.labels]
    extra = [n for n in split.labels if n not in labels]
    if missing or extra:
        raise ValueError(
            f"{source} has labels {list(split.labels)}, but the model has {list(labels)} "
            f"(missing from the data: {missing or 'none'}; not in the model: {extra or 'none'}). "
            "Use the data the model was trained on, or retrain on this data."
        )
    order = [split.labels.index(n) for n in labels]
    return Split(split.texts, split.targets[:, order], tuple(labels), split.multi_label)


def check_single(split: Split, multi_label: bool | None, source: str) -> Split:
    """``split``, marked single-label when ``multi_label`` is False (then every row needs one label)."""
    if multi_label is False:
        counts = split.targets.sum(1)
        bad = np.flatnonzero(counts != 1)
        if len(bad):
            raise ValueError(
                f"{source}: row {bad[0] + 1} has {int(counts[bad[0]])} labels, but the data is single-label "
                "(--multi-label false, or a single-label model): give every row one label, or pass "
                "--multi-label true."
            )
        split.multi_label = False
    return split
