"""``python -m emotions predict``: score texts from arguments, stdin or a file."""

from __future__ import annotations

import csv
import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from emotions.model.hub import find_thresholds
from emotions.model.inference import EmotionClassifier
from emotions.serve.csvout import SafeWriter

logger = logging.getLogger(__name__)
FORMATS = ("jsonl", "csv")


@dataclass
class PredictConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint folder."})
    thresholds: str | None = field(
        default=None,
        metadata={"help": "Per-class thresholds (default: beside the model; '' for none: uncalibrated)."},
    )
    threshold: float | None = field(
        default=None, metadata={"help": "One global threshold instead of the calibrated ones."}
    )
    input: str | None = field(
        default=None, metadata={"help": "TXT (one text a line), CSV (a 'text' column) or JSONL ('text')."}
    )
    output: str | None = field(default=None, metadata={"help": "Write here instead of stdout."})
    format: str = field(default="jsonl", metadata={"help": f"Output format, one of {FORMATS}."})
    batch_size: int = field(default=64, metadata={"help": "Texts per forward pass."})
    texts: list[str] = field(default_factory=list, metadata={"help": "Texts given as arguments."})

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format={self.format!r} is not supported: choose one of {FORMATS}.")
        if self.threshold is not None and not 0 < self.threshold < 1:
            raise ValueError(f"threshold={self.threshold} must lie in (0, 1).")
        if self.batch_size < 1:
            raise ValueError(f"batch_size={self.batch_size} must be at least 1.")


def read_texts(path: Path) -> list[str]:
    """Texts from a .txt, .csv or .jsonl file, in file order."""
    if not path.is_file():
        raise FileNotFoundError(f"Input file not found: {path}.")
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8-sig", newline="") as f:
        if suffix == ".csv":
            reader = csv.DictReader(f)
            if "text" not in (reader.fieldnames or []):
                raise ValueError(f"{path}: no 'text' column (found {reader.fieldnames}).")
            return [row["text"] or "" for row in reader]
        if suffix == ".jsonl":
            texts = []
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    texts.append(str(json.loads(line)["text"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise ValueError(
                        f"{path}:{line_no}: expected a JSON object with a 'text' field."
                    ) from None
            return texts
        return [line.rstrip("\r\n") for line in f if line.strip()]


def write_predictions(predictions, labels: list[str], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for p in predictions:
            out.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        return
    writer = SafeWriter(out)  # visitor text in a spreadsheet: never a formula
    writer.writerow(["text", "labels", *labels])
    for p in predictions:
        writer.writerow([p.text, ";".join(p.labels), *(p.scores[n] for n in labels)])


def predict(config: PredictConfig) -> int:
    texts = list(config.texts)
    if config.input:
        texts += read_texts(Path(config.input))
    if not texts and not sys.stdin.isatty():
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not texts:
        raise ValueError("No texts given: pass them as arguments, on stdin, or with --input FILE.")
    thresholds = find_thresholds(config.model_dir) if config.thresholds is None else config.thresholds or None
    classifier = EmotionClassifier.from_pretrained(config.model_dir, thresholds)
    progress = sys.stderr.isatty() and len(texts) > config.batch_size
    probs = classifier.predict_proba(texts, config.batch_size, progress=progress)
    predictions = classifier.to_predictions(texts, probs, config.threshold)
    if config.output:
        with open(config.output, "w", encoding="utf-8", newline="") as f:
            write_predictions(predictions, classifier.labels, config.format, f)
        logger.info("Wrote %d predictions to %s", len(predictions), config.output)
    else:
        write_predictions(predictions, classifier.labels, config.format, sys.stdout)
    return len(predictions)
