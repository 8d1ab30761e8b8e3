"""``python -m emotions behave``: the behaviour suite and the bias audit on any checkpoint.

Prints the suite's table (capability, type, cases, pass rate, target, two failing examples)
and the audit's, writes both as JSON (``reports/behaviour.json``) and, when the model card has
the markers, as its "Behaviour" section. The backend is the app's by default (int8 ONNX where
onnxruntime is installed), as visitors get it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from emotions.model.backends import app_backend
from emotions.model.inference import EmotionClassifier

from .audit import audit, audit_table
from .behaviour import suite
from .checklist import Report, run, table
from .heldout import held_out_suite

logger = logging.getLogger(__name__)
START, END = "<!-- behaviour:start -->", "<!-- behaviour:end -->"


@dataclass
class BehaveConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to test."})
    thresholds: str = field(
        default="thresholds/thresholds.json",
        metadata={"help": "Its calibrated thresholds ('' for 0.5 everywhere)."},
    )
    backend: str | None = field(
        default=None,
        metadata={"help": "torch, onnx or onnx-int8 (default: the app's, onnx-int8 if installed)."},
    )
    output_dir: str = field(default="reports", metadata={"help": "Where behaviour.json goes."})
    card: str = field(
        default="model/README.md",
        metadata={"help": "Model card whose behaviour section is rewritten ('' to leave it)."},
    )

    def __post_init__(self) -> None:
        if not Path(self.model_dir).is_dir():
            raise FileNotFoundError(
                f"model_dir={self.model_dir!r} is not a folder: pass a checkpoint folder."
            )
        if self.thresholds and not Path(self.thresholds).is_file():
            raise FileNotFoundError(
                f"thresholds={self.thresholds!r} does not exist: run python -m emotions calibrate, or pass ''."
            )


def behave(config: BehaveConfig) -> dict:
    """Run the suite and the audit; write the JSON (and the card's section); return the report."""
    start = time.perf_counter()
    backend = app_backend(config.backend)
    classifier = EmotionClassifier.from_pretrained(config.model_dir, config.thresholds or None, backend)
    reports, held_out = run(classifier, suite()), run(classifier, held_out_suite())
    bias = audit(classifier)
    result = {
        "model_dir": config.model_dir,
        "backend": classifier.backend,
        "seconds": round(time.perf_counter() - start, 1),
        "suite": [r.as_dict() for r in reports],
        "held_out": [r.as_dict() for r in held_out],
        "audit": bias,
    }
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "behaviour.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    text = section(result)
    print(text)  # the command's output
    if config.card and Path(config.card).is_file():
        write_section(Path(config.card), text)
    logger.info("Wrote %s in %.0f s", out / "behaviour.json", result["seconds"])
    return result


def section(result: dict) -> str:
    """The model card's behaviour section, from a ``behaviour.json``."""

    def reports(rows: list[dict]) -> list[Report]:
        keys = ("capability", "type", "cases", "passed", "target", "about", "failing_examples")
        return [Report(*(r[k] for k in keys)) for r in rows]

    held_out = (
        "\n\n### Held out\n\nThe emoji and name targets on cases written after the model was chosen "
        "(`emotions/train/heldout.py`: new sentences, names and templates; the emoji also before the "
        f"sentence):\n\n{table(reports(result['held_out']))}"
        if result.get("held_out")
        else ""
    )
    return (
        f"Written by `python -m emotions behave` ({result['backend']} backend, the app's; "
        "`reports/behaviour.json`). MFT: one text and what it must read as; INV: two texts that must get "
        "the same labels; DIR: how the answer must move from the first text to the second. Every case "
        "is written for this suite (no GoEmotions text); the names are never used in training.\n\n"
        f"{table(reports(result['suite']))}{held_out}\n\n### Bias audit (Equity Evaluation Corpus templates)\n\n"
        "Mean probability of each emotion over the EEC sentences that carry it, by the group of the "
        "name (African-American / European-American, female / male) or of the gendered noun phrase:\n\n"
        f"{audit_table(result['audit'])}"
    )


def write_section(card: Path, text: str) -> None:
    """Replace what lies between the card's behaviour markers (warn if it has none)."""
    body = card.read_text(encoding="utf-8")
    if START not in body or END not in body:
        logger.warning("%s has no behaviour markers (%s ... %s); left as is.", card, START, END)
        return
    head, rest = body.split(START, 1)
    card.write_text(f"{head}{START}\n{text}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")
