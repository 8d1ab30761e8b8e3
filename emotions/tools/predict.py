"""``python -m emotions predict``: score texts from arguments, stdin or a file of any size.

Texts are read, scored and written a chunk at a time (:mod:`emotions.tools.corpus`), so
memory stays flat; output rows keep the input's order, each numbered, blank or unreadable
rows with an empty result. ``--resume`` goes on from what ``--output`` already holds. On a
terminal, a progress bar on stderr shows texts done, texts/s and the time left.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TextIO

from emotions.model.backends import BACKENDS

from . import corpus
from .engines import Scorer, load_classifier

logger = logging.getLogger(__name__)
FORMATS = ("jsonl", "csv")
PROGRESS_FROM = 300  # texts: fewer than this finish before a bar is worth reading


@dataclass
class PredictConfig:
    model_dir: str = field(
        default="model", metadata={"help": "Checkpoint folder (or the fallback for --model-repo)."}
    )
    model_repo: str | None = field(
        default=None, metadata={"help": "A Hub model id to score with, as the app loads it."}
    )
    revision: str | None = field(default=None, metadata={"help": "Branch, tag or commit of --model-repo."})
    thresholds: str | None = field(
        default=None, metadata={"help": "Per-class thresholds (default: beside the model; '' for none)."}
    )
    threshold: float | None = field(default=None, metadata={"help": "One global threshold instead."})
    backend: str | None = field(default=None, metadata={"help": f"One of {BACKENDS} (default: the app's)."})
    input: str | None = field(
        default=None, metadata={"help": "TXT (a text a line), CSV/TSV (a text column) or JSON lines."}
    )
    text_column: str = field(default="text", metadata={"help": "The text column (CSV) or field (JSON)."})
    output: str | None = field(default=None, metadata={"help": "Write here instead of stdout."})
    format: str = field(default="jsonl", metadata={"help": f"Output format, one of {FORMATS}."})
    by_sentence: bool = field(
        default=False,
        metadata={
            "help": "Read each text sentence by sentence (JSON lines: sentences, language; see README)."
        },
    )
    resume: bool = field(default=False, metadata={"help": "Go on from the rows --output already holds."})
    quiet: bool = field(default=False, metadata={"help": "No progress bar."})
    batch_size: int = field(default=64, metadata={"help": "Texts per forward pass."})
    chunk_size: int = field(default=2048, metadata={"help": "Texts read, scored and written at a time."})
    texts: list[str] = field(default_factory=list, metadata={"help": "Texts given as arguments."})

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format={self.format!r} is not supported: choose one of {FORMATS}.")
        if self.threshold is not None and not 0 < self.threshold < 1:
            raise ValueError(f"threshold={self.threshold} must lie in (0, 1).")
        if self.backend is not None and self.backend not in BACKENDS:
            raise ValueError(f"backend={self.backend!r} is unknown: choose one of {list(BACKENDS)}.")
        for name in ("batch_size", "chunk_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be at least 1.")
        if self.by_sentence and self.format != "jsonl":
            raise ValueError("--by-sentence writes nested results: use --format jsonl.")
        if self.resume and not self.output:
            raise ValueError("--resume needs --output: the file whose rows are already done.")
        if self.input:
            corpus.input_format(Path(self.input))  # an unknown suffix fails before the model loads


def _rows(config: PredictConfig) -> Iterator[corpus.Row]:
    """Argument texts, then the file's rows (or stdin's lines), numbered in that order."""
    shift = len(config.texts)
    yield from corpus.text_rows(config.texts)
    if config.input:
        source = corpus.read_rows(Path(config.input), config.text_column)
    elif not config.texts and not sys.stdin.isatty():
        source = corpus.text_rows(sys.stdin)
    else:
        return
    for row in source:
        row.number += shift
        yield row


def _total(config: PredictConfig) -> int | None:
    """The number of rows, for the progress bar (a quick pass over the file)."""
    if not config.input:
        return len(config.texts) or None
    return len(config.texts) + sum(1 for _ in corpus.read_rows(Path(config.input), config.text_column))


def _chunks(rows: Iterable[corpus.Row], size: int) -> Iterator[list[corpus.Row]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def score_stream(
    scorer: Scorer, rows: Iterable[corpus.Row], writer: corpus.Writer, config: PredictConfig, progress=None
) -> int:
    """Score and write ``rows`` a chunk at a time; returns how many were written."""
    written = 0
    for chunk in _chunks(rows, config.chunk_size):
        labels, scores = scorer.score([r.text if r.error is None else "" for r in chunk])
        for row, found, probs in zip(chunk, labels, scores):
            writer.write(corpus.result(row, found, probs))
        writer.out.flush()  # what is written is done: --resume starts after it
        written += len(chunk)
        if progress is not None:
            progress.update(len(chunk))
    return written


def read_stream(classifier, rows: Iterable[corpus.Row], writer: corpus.Writer, progress=None) -> int:
    """``--by-sentence``: each text read sentence by sentence (one model call per text)."""
    from emotions.model.reading import read_document
    from emotions.model.readingviews import as_result, at_thresholds
    from emotions.model.views import ThresholdSettings, ViewThresholds

    calibration = ViewThresholds(
        classifier.thresholds, None, "", classifier.labelset, classifier.multi_label, classifier.calibrated
    )
    written = 0
    for row in rows:
        record = corpus.result(row, [], {})
        if row.error is None:
            reading = read_document(classifier, row.text)
            record.update(
                as_result(
                    reading, at_thresholds(reading, calibration, ThresholdSettings(), "emotions"), "emotions"
                )
            )
        writer.write(record)
        written += 1
        if progress is not None:
            progress.update(1)
    writer.out.flush()
    return written


def predict(config: PredictConfig) -> int:
    """Score every row and write its result; returns the number of rows written."""
    classifier = load_classifier(
        config.model_dir, config.thresholds, config.backend, config.model_repo, config.revision
    )
    if config.threshold is not None:  # one global cut for every label
        classifier.thresholds = {name: config.threshold for name in classifier.labels}
    scorer = Scorer(classifier=classifier, batch_size=config.batch_size)
    done = corpus.resume_point(Path(config.output), config.format) if config.resume else 0
    rows = (r for r in _rows(config) if r.number > done)
    out: TextIO = (
        open(config.output, "a" if done else "w", encoding="utf-8", newline="")
        if config.output
        else sys.stdout
    )  # noqa: SIM115
    progress = None
    if not config.quiet and sys.stderr.isatty() and (total := _total(config)) and total >= PROGRESS_FROM:
        from tqdm.auto import tqdm

        progress = tqdm(total=total, initial=done, desc="Scoring", unit=" texts", file=sys.stderr)
    start = time.perf_counter()
    try:
        writer = corpus.Writer(out, config.format, classifier.labels, header=not done)
        if config.by_sentence:
            written = read_stream(classifier, rows, writer, progress)
        else:
            written = score_stream(scorer, rows, writer, config, progress)
    finally:
        if progress is not None:
            progress.close()
        if out is not sys.stdout:
            out.close()
    seconds = time.perf_counter() - start
    logger.info(
        "Wrote %d rows%s (%s backend, %.0f texts/s)%s",
        written, f" after the {done} already done" if done else "", classifier.backend,
        written / max(seconds, 1e-9), f" to {config.output}" if config.output else "",
    )  # fmt: skip
    return written
