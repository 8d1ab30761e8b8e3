"""Which dataset ``train``, ``calibrate`` and ``evaluate`` read: :class:`DataArguments`, and
:func:`load_split` to read one split as texts plus a 0/1 label matrix (a :class:`Split`).

Three sources give the same output (a :class:`Split` per ``train``/``dev``/``test``):

- a GoEmotions-style folder: ``train.tsv``, ``dev.tsv``, ``test.tsv`` (text, comma-separated
  label ids, id; no header) and ``labels.txt`` naming the ids; the default is the release's
  ``../shared/data/goemotions/original`` (or ``$GOEMOTIONS_DIR``), and its ``ekman/`` and
  ``group/`` folders work the same way;
- CSV, TSV or JSON-lines files with a header (``--train-file`` ...): a text column, and either a
  label column (one label name per row, or several separated by commas) or one 0/1 column per
  label (``--label-columns``);
- a ``datasets`` id (``--dataset-id``, with ``--dataset-config`` and split names), read through
  the ``datasets`` library, imported only then.

A dataset is multi-label when some training row has several labels (or it has 0/1 columns, or it
is a GoEmotions folder); otherwise single-label. ``--multi-label true|false`` says so instead.
The files are read by :mod:`emotions.train.datafiles`, ``datasets`` ids by
:mod:`emotions.train.hubdata`; both build their targets with :mod:`emotions.train.targets`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from .datafiles import SUFFIXES, load_files, load_folder
from .hubdata import HUB_CONFIG, HUB_DATASET, load_hub
from .targets import Columns, Split, check_labels

logger = logging.getLogger(__name__)

# Where the data sits for development and CI: beside the project, never inside it.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared/data/goemotions/original"
SPLITS = ("train", "dev", "test")


def default_data_dir() -> Path:
    """``$GOEMOTIONS_DIR`` if set, else the shared folder beside the project."""
    return Path(os.environ.get("GOEMOTIONS_DIR", DEFAULT_DATA_DIR))


@dataclass
class DataArguments:
    """Which dataset ``train``, ``calibrate`` and ``evaluate`` read, and how its labels look."""

    data_dir: str | None = field(
        default=None,
        metadata={"help": "GoEmotions-style folder: train.tsv, dev.tsv, test.tsv (text, label ids, id; no "
                  "header) and labels.txt. Default: ../shared/data/goemotions/original, or $GOEMOTIONS_DIR; "
                  "its ekman/ and group/ folders work too."},
    )  # fmt: skip
    train_file: str | None = field(
        default=None, metadata={"help": "Training file (.csv, .tsv, .jsonl or .json lines), with a header."}
    )
    validation_file: str | None = field(
        default=None, metadata={"help": "Dev file, same format: calibration, model selection."}
    )
    test_file: str | None = field(default=None, metadata={"help": "Test file, same format: the report."})
    text_column: str = field(default="text", metadata={"help": "Column (or JSON field) holding the text."})
    label_column: str = field(
        default="label",
        metadata={"help": "Column holding each row's label name, or several separated by commas "
                  "(a JSON list works too)."},
    )  # fmt: skip
    label_columns: list[str] | None = field(
        default=None,
        metadata={"help": "Instead of --label-column: one 0/1 column per label (multi-label); "
                  "the columns name the labels."},
    )  # fmt: skip
    labels: list[str] | None = field(
        default=None,
        metadata={"help": "The label names, in model order. Default: labels.txt for a folder, else "
                  "the names found in the training data, sorted."},
    )  # fmt: skip
    dataset_id: str | None = field(
        default=None,
        metadata={"help": f"A `datasets` id instead of files, e.g. {HUB_DATASET} (its config "
                  f"defaults to {HUB_CONFIG!r} and its label column to 'labels')."},
    )  # fmt: skip
    dataset_config: str | None = field(default=None, metadata={"help": "The dataset's config name."})
    train_split: str = field(default="train", metadata={"help": "The dataset's training split."})
    validation_split: str = field(default="validation", metadata={"help": "The dataset's dev split."})
    test_split: str = field(default="test", metadata={"help": "The dataset's test split."})
    multi_label: bool | None = field(
        default=None,
        metadata={"help": "true: several labels per text (sigmoid, one threshold each); false: exactly "
                  "one (softmax). Default: multi-label if some training row has several labels, or "
                  "with --label-columns or a GoEmotions folder."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        files = {n: getattr(self, n) for n in ("train_file", "validation_file", "test_file")}
        given = [n for n, v in files.items() if v]
        sources = [n for n, on in (("data_dir", self.data_dir), ("dataset_id", self.dataset_id)) if on]
        if given:
            sources.append("--train-file/--validation-file/--test-file")
        if len(sources) > 1:
            raise ValueError(f"Pick one data source, not {' and '.join(sources)}: pass only one of them.")
        for name in given:
            suffix = Path(files[name]).suffix.lower()
            if suffix not in SUFFIXES:
                raise ValueError(
                    f"{name}={files[name]!r}: unknown file type {suffix or '(none)'!r}. "
                    f"Use one of {', '.join(SUFFIXES)} (.json: one JSON object per line, or an array)."
                )
        for name in ("text_column", "label_column"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name} is empty: name the column.")
        if self.labels is not None:
            self.labels = list(check_labels(self.labels, "--labels"))
        if self.label_columns is not None:
            self.label_columns = list(check_labels(self.label_columns, "--label-columns"))
            if self.labels is not None and set(self.labels) != set(self.label_columns):
                raise ValueError(
                    f"--labels {self.labels} and --label-columns {self.label_columns} differ: the 0/1 "
                    "columns are the labels, so pass only --label-columns."
                )
            if self.multi_label is False:
                raise ValueError(
                    "--label-columns (one 0/1 column per label) is multi-label: drop --multi-label false."
                )
        if self.text_column in (self.label_columns or [self.label_column]):
            raise ValueError(f"text_column={self.text_column!r} is also a label column: name another.")

    @property
    def source(self) -> str:
        """``folder``, ``files`` or ``hub``."""
        if self.dataset_id:
            return "hub"
        if self.train_file or self.validation_file or self.test_file:
            return "files"
        return "folder"

    @property
    def folder(self) -> Path:
        return Path(self.data_dir) if self.data_dir else default_data_dir()

    def describe(self) -> str:
        """The dataset, in words (logs, the model card)."""
        if self.source == "hub":
            return f"{self.dataset_id}" + (f" ({self.dataset_config})" if self.dataset_config else "")
        if self.source == "files":
            return ", ".join(
                Path(f).name for f in (self.train_file, self.validation_file, self.test_file) if f
            )
        return str(self.folder)

    def load(
        self, split: str, labels: tuple[str, ...] | list[str] | None = None, multi_label: bool | None = None
    ) -> Split:
        """``train``, ``dev`` or ``test`` with targets over ``labels`` (a model's, say).

        ``labels`` default to ``--labels``, else labels.txt (folder), the training data's names
        or the dataset's label names. ``multi_label`` overrides ``--multi-label`` (a model knows
        what it is); False makes a row with several labels an error.
        """
        if split not in SPLITS:
            raise ValueError(f"Unknown split {split!r}: choose one of {SPLITS}.")
        labels = check_labels(labels, "the model") if labels is not None else None
        labels = labels or (tuple(self.labels) if self.labels else None)
        multi_label = self.multi_label if multi_label is None else multi_label
        columns = Columns(self.text_column, self.label_column, tuple(self.label_columns or ()))
        if self.source == "hub":
            name = {"train": self.train_split, "dev": self.validation_split, "test": self.test_split}[split]
            data = load_hub(columns, self.dataset_id, self.dataset_config, name, labels, multi_label)
        elif self.source == "files":
            files = {"train": self.train_file, "dev": self.validation_file, "test": self.test_file}
            data = load_files(columns, files, split, labels, multi_label)
        else:
            data = load_folder(self.folder, split, labels, multi_label)
        if not data.multi_label and len(data.labels) < 2:
            raise ValueError(
                f"{self.describe()}: single-label data needs at least 2 labels, found {list(data.labels)}. "
                "Add the other labels with --labels, or pass --multi-label true."
            )
        logger.info(
            "Loaded %d %s examples from %s (%d labels, %s)",
            len(data), split, self.describe(), len(data.labels), "multi-label" if data.multi_label else "single-label",
        )  # fmt: skip
        return data


def load_split(split: str, data_dir: str | Path | None = None, dataset_id: str | None = None) -> Split:
    """``train``, ``dev`` or ``test`` of a GoEmotions-style folder or a Hub dataset id."""
    return DataArguments(data_dir=str(data_dir) if data_dir else None, dataset_id=dataset_id).load(split)
