"""Read labelled data files as a :class:`~emotions.train.targets.Split`.

Two layouts:

- a GoEmotions-style folder: ``train.tsv``, ``dev.tsv``, ``test.tsv`` (text, comma-separated
  label ids, comment id; no header) and ``labels.txt`` naming the ids (:func:`load_folder`);
- CSV, TSV or JSON-lines files (or one JSON array) with a header: a text column and either a
  label column or one 0/1 column per label (:func:`load_files`).

Every error names the file and line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from emotions.labels import LABELS

from .hubdata import HUB_DATASET
from .targets import (
    Columns,
    Split,
    align,
    check_labels,
    check_single,
    flag,
    label_names,
    names_to_split,
    targets_of,
)

SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


# --- GoEmotions-style folders ---------------------------------------------------------------


def folder_labels(folder: Path) -> tuple[str, ...]:
    """The label names of a GoEmotions-style folder (its ``labels.txt``), else the 28."""
    path = Path(folder) / "labels.txt"
    if not path.is_file():
        return LABELS
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return check_labels(names, str(path))


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
                raise ValueError(
                    f"{path}:{line_no}: label id {bad[0]} is out of range 0..{len(labels) - 1} "
                    f"(the label list has {len(labels)}: {list(labels)}). Fix the row or labels.txt."
                )
            texts.append(row[0])
            label_ids.append(ids)
    if not texts:
        raise ValueError(f"{path} holds no examples.")
    return Split(texts, targets_of(label_ids, len(labels)), tuple(labels))


def load_folder(folder: Path, split: str, labels, multi_label) -> Split:
    """``split``'s TSV of a GoEmotions-style folder, targets over ``labels`` (default: its own)."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"GoEmotions folder not found: {folder}. Pass --data-dir (the release's "
            f"'original' folder with train/dev/test.tsv) or --dataset-id {HUB_DATASET}."
        )
    path = folder / f"{split}.tsv"
    data = align(read_tsv(path, folder_labels(folder)), labels, str(folder))
    return check_single(data, multi_label, str(path))  # a GoEmotions folder is multi-label unless told


# --- CSV, TSV and JSON-lines files ----------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[tuple[str, dict]]]:
    """A file's columns and its rows, each with where it is (``file:line``)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"Data file not found: {path}. Check the path given to --train-file/--validation-file/--test-file."
        )
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: unknown file type {suffix!r}. Use one of {', '.join(SUFFIXES)}.")
    with path.open(encoding="utf-8-sig", newline="") as f:
        if suffix in (".csv", ".tsv"):
            kw = {"delimiter": "\t", "quoting": csv.QUOTE_NONE} if suffix == ".tsv" else {}
            reader = csv.DictReader(f, **kw)
            columns = list(reader.fieldnames or [])
            rows = [(f"{path}:{reader.line_num}", row) for row in reader]
            return columns, rows
        text = f.read()
    if text.lstrip().startswith("["):  # a JSON array of objects
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"{path}: not valid JSON ({err}). Write one object per line, or one array."
            ) from None
        rows = [(f"{path}: item {i}", item) for i, item in enumerate(items, 1)]
    else:
        rows = []
        for line_no, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append((f"{path}:{line_no}", json.loads(line)))
            except json.JSONDecodeError:
                raise ValueError(f"{path}:{line_no}: not a JSON object. Write one object per line.") from None
    for at, item in rows:
        if not isinstance(item, dict):
            raise ValueError(
                f"{at}: expected a JSON object with the text and label fields, got {item!r:.60}."
            )
    columns = list(dict.fromkeys(k for _, item in rows for k in item))
    return columns, rows


def read_file(columns: Columns, path: Path, labels, multi_label) -> Split:
    """One file read with ``columns``, targets over ``labels`` (default: its names, sorted)."""
    found, rows = read_rows(path)
    needed = [columns.text, *(columns.label_columns or [columns.label])]
    missing = [c for c in needed if c not in found]
    if missing:
        option = (
            "--text-column"
            if columns.text in missing
            else "--label-columns"
            if columns.label_columns
            else "--label-column"
        )
        raise ValueError(
            f"{path}: no column {missing[0]!r} (found {found}). Name the right one with {option}."
        )
    if not rows:
        raise ValueError(f"{path} holds no examples.")
    texts = [str(row.get(columns.text) or "") for _, row in rows]
    if columns.label_columns:
        cols = tuple(columns.label_columns)
        targets = np.array([[flag(row.get(c), c, at) for c in cols] for at, row in rows], dtype=np.float32)
        split = align(Split(texts, targets, cols, True), labels, str(path))
        return check_single(split, multi_label, str(path))
    names = [label_names(row.get(columns.label)) for _, row in rows]
    return names_to_split(texts, names, [at for at, _ in rows], labels, multi_label, str(path))


def load_files(columns: Columns, files: dict[str, str | None], split: str, labels, multi_label) -> Split:
    """``split``'s file of ``files`` (``train``, ``dev``, ``test``: ``--train-file`` ...); dev and
    test take the training file's labels."""
    path, train_file = files.get(split), files.get("train")
    if not path:
        option = {"train": "--train-file", "dev": "--validation-file", "test": "--test-file"}[split]
        raise ValueError(f"No {split} data: pass {option} (a .csv, .tsv or .jsonl file).")
    if split != "train" and labels is None and multi_label is None and train_file:
        # the training data fixes the label list (and whether it is multi-label)
        train = read_file(columns, Path(train_file), None, None)
        labels, multi_label = train.labels, train.multi_label
    elif split != "train" and labels is None and train_file:
        labels = read_file(columns, Path(train_file), None, multi_label).labels
    return read_file(columns, Path(path), labels, multi_label)
