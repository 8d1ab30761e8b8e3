"""``python -m emotions card``: write the model card from the files the other commands wrote.

Every number in the card comes from ``training_config.json``/``dev_metrics.json``
(train), ``thresholds.json`` (calibrate) and ``reports/metrics.json`` (evaluate).
The per-class report is copied beside the weights so the app can show each emotion's
test F1 and support.

The card is written for whatever was trained: GoEmotions' 28 labels get the shipped card
(``card_template.md``), written here; any other label set or dataset the generic one
(:mod:`emotions.train.genericcard`). Both print the tables of :mod:`emotions.train.cardtables`
and read the run through :mod:`emotions.train.cardfacts`.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from emotions.labels import LABELS, emoji_for

from .behave import END as BEHAVIOUR_END
from .behave import START as BEHAVIOUR_START
from .behave import section as behaviour_section
from .cardfacts import HUB_BASE, emoji_tokens_record, gets_goemotions_card, model_labels, model_row_name
from .cardlines import augmentation_line, family_line, origin_lines, reading_lines, reproduce_lines
from .cardtables import (
    calibration_table,
    metric,
    per_class_table,
    recipe_table,
    refresh_results_block,
    results_table,
)
from .genericcard import write_generic

logger = logging.getLogger(__name__)


@dataclass
class CardConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint folder; README.md goes here."})
    thresholds: str = field(default="thresholds/thresholds.json", metadata={"help": "From calibrate."})
    report_dir: str = field(default="reports", metadata={"help": "From evaluate."})
    repo_id: str = field(default="emotions-demo/goemotions-minilm", metadata={"help": "Hub id in the card."})
    readme: str = field(
        default="README.md",
        metadata={"help": "Project README whose results block is refreshed ('' to skip)."},
    )


def front_matter(report: dict, repo_id: str) -> str:
    m = report["model"]
    global_t = m["emotions"]["global"]["threshold"]
    meta = {
        "language": ["en"],
        "license": "apache-2.0",
        "library_name": "transformers",
        "pipeline_tag": "text-classification",
        "tags": ["emotion", "goemotions", "multi-label-classification"],
        "datasets": ["google-research-datasets/go_emotions"],
        "base_model": HUB_BASE,
        "metrics": ["f1", "roc_auc"],
        "model-index": [{
            "name": repo_id,
            "results": [{
                "task": {"type": "text-classification", "name": "Multi-label emotion classification"},
                "dataset": {"type": "google-research-datasets/go_emotions", "name": "GoEmotions (simplified)",
                            "config": "simplified", "split": "test"},
                "metrics": [
                    metric("macro F1 (calibrated thresholds)", m["emotions"]["per-class"]["macro_f1"]),
                    metric("macro F1 (threshold 0.5)", m["emotions"]["0.5"]["macro_f1"]),
                    metric(f"macro F1 (global threshold {global_t:.2f})", m["emotions"]["global"]["macro_f1"]),
                    metric("micro F1 (calibrated thresholds)", m["emotions"]["per-class"]["micro_f1"]),
                    metric("Ekman macro F1 (calibrated)", m["ekman"]["per-class"]["macro_f1"]),
                    metric("sentiment macro F1 (calibrated)", m["sentiment"]["per-class"]["macro_f1"]),
                    {"type": "roc_auc", "name": "macro ROC-AUC", "value": round(m["emotions"]["0.5"]["roc_auc"], 4)},
                ],
            }],
        }],
    }  # fmt: skip
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def update_readme(readme: Path, report: dict, model: str) -> None:
    """Replace the block between the README's results markers with the card's table."""
    macro = report["model"]["emotions"]["per-class"]["macro_f1"]
    body = (
        f"GoEmotions test split ({report['model']['n_test']} texts); every threshold chosen on dev. "
        f"Test macro-F1 with the calibrated per-class thresholds the app uses: **{macro:.3f}**.\n\n"
        f"{results_table(report, model=model)}\n\nWritten by `python -m emotions card` from `reports/metrics.json` "
        f"(`python -m emotions evaluate`); per-emotion scores in [the model card](model/README.md)."
    )
    refresh_results_block(readme, body)


def write_card(config: CardConfig) -> Path:
    model_dir, report_dir = Path(config.model_dir), Path(config.report_dir)
    report = json.loads((report_dir / "metrics.json").read_text())
    thresholds = json.loads(Path(config.thresholds).read_text())
    train_cfg = json.loads((model_dir / "training_config.json").read_text())
    dev = json.loads((model_dir / "dev_metrics.json").read_text())
    labels = model_labels(model_dir, report)
    if not gets_goemotions_card(report, labels, train_cfg):
        return write_generic(
            model_dir, report_dir, config.repo_id, config.readme, report, thresholds, train_cfg, dev, labels
        )
    template = (Path(__file__).parent / "card_template.md").read_text()
    config_json = json.loads((model_dir / "config.json").read_text())
    reads, plain = reading_lines(config_json.get("text_preprocessing") or {})
    origin, command = origin_lines(train_cfg, config_json, emoji_tokens_record(model_dir))
    text = template.replace("{behaviour}", "{{behaviour}}").format(
        origin=origin,
        family=family_line(train_cfg, config.repo_id),
        use_dir=config.model_dir,
        use_thresholds=config.thresholds,
        use_flag="" if Path(config.model_dir) == Path("model") else f" --model-dir {config.model_dir}",
        reproduce=reproduce_lines(
            config.model_dir, config.thresholds, config.report_dir, config.repo_id, thresholds
        ),
        command=command,
        repo_id=config.repo_id,
        base=HUB_BASE,
        labels=" ".join(f"{emoji_for(n)} {n}" for n in LABELS),
        results=results_table(report, model=model_row_name(model_dir, config_json)),
        per_class=per_class_table(report, thresholds),
        calibration=calibration_table(report),
        reads=reads,
        plain=plain,
        augmentation=augmentation_line(train_cfg),
        macro=report["model"]["emotions"]["per-class"]["macro_f1"],
        recipe=recipe_table(train_cfg),
        train_minutes=dev["train_minutes"],
        calibrate_seconds=thresholds.get("seconds", "?"),
        evaluate_seconds=report.get("seconds", "?"),
        dev_macro=thresholds["dev_macro_f1"],
        ekman_acc=report["model"]["ekman_single_label_accuracy"],
        n_test=report["model"]["n_test"],
        shrink=thresholds["regularisation"]["shrink"],
        smooth=thresholds["regularisation"]["smooth"],
    )
    card = model_dir / "README.md"
    behaviour = report_dir / "behaviour.json"
    found = (
        behaviour_section(json.loads(behaviour.read_text()))
        if behaviour.is_file()
        else ("Not measured yet: run `python -m emotions behave`.")
    )
    text = text.replace("{behaviour}", f"{BEHAVIOUR_START}\n{found}\n{BEHAVIOUR_END}")
    card.write_text(front_matter(report, config.repo_id) + text, encoding="utf-8")
    shutil.copyfile(report_dir / "per_class.csv", model_dir / "per_class.csv")
    if (report_dir / "reliability.png").is_file():  # the card shows it
        shutil.copyfile(report_dir / "reliability.png", model_dir / "reliability.png")
    if config.readme and Path(config.readme).is_file():
        update_readme(Path(config.readme), report, model_row_name(model_dir, config_json))
    logger.info("Wrote %s and %s", card, model_dir / "per_class.csv")
    return card
