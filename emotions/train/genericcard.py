"""The model card for any label set or dataset other than GoEmotions' own.

Written from ``card_template_generic.md`` with the task's metrics (multi- or single-label), the
model's labels (``config.json``) and the dataset named from the data arguments ``train``
recorded; the project README's results block gets the same headline and table.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import yaml

from emotions.labels import emoji_for

from .cardfacts import base_name, data_arguments, data_flags, dataset_name, is_multi_label_report
from .cardtables import (
    generic_metrics,
    generic_per_class_table,
    generic_results_table,
    recipe_table,
    refresh_results_block,
    rollup_views,
)

logger = logging.getLogger(__name__)


def generic_front_matter(report: dict, repo_id: str, multi_label: bool, data: dict, base: str) -> str:
    name, hub_id = dataset_name(data)
    task = "Multi-label text classification" if multi_label else "Single-label text classification"
    meta = {
        "language": ["en"],
        "license": "apache-2.0",
        "library_name": "transformers",
        "pipeline_tag": "text-classification",
        "tags": ["text-classification", "multi-label-classification" if multi_label else "single-label-classification"],
        **({"datasets": [hub_id]} if hub_id else {}),
        "base_model": base,
        "metrics": ["f1", "roc_auc"] if multi_label else ["accuracy", "f1", "roc_auc"],
        "model-index": [{
            "name": repo_id,
            "results": [{
                "task": {"type": "text-classification", "name": task},
                "dataset": {"type": hub_id or "local", "name": name.replace("`", ""), "split": "test"},
                "metrics": generic_metrics(report, multi_label),
            }],
        }],
    }  # fmt: skip
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def headline(report: dict, multi_label: bool) -> tuple[str, float]:
    m = report["model"]
    if multi_label:
        return "macro-F1 with the calibrated per-class thresholds", m["emotions"]["per-class"]["macro_f1"]
    return "macro-F1 of the strongest label", m["argmax"]["macro_f1"]


def update_generic_readme(readme: Path, report: dict, multi_label: bool, data: dict) -> None:
    """The results block for a model that is not the GoEmotions one."""
    what, value = headline(report, multi_label)
    name, _ = dataset_name(data)
    body = (
        f"Trained on {name}; test split of {report['model']['n_test']} texts; every threshold chosen on dev. "
        f"Test {what}: **{value:.3f}**.\n\n{generic_results_table(report, multi_label)}\n\n"
        f"Written by `python -m emotions card` from `reports/metrics.json` (`python -m emotions evaluate`); "
        f"per-label scores in [the model card](model/README.md)."
    )
    refresh_results_block(readme, body)


def write_generic(
    model_dir: Path, report_dir: Path, repo_id: str, readme: str, report, thresholds, train_cfg, dev, labels
) -> Path:
    """The card of a model not trained on GoEmotions' labels (``card``'s other half); ``readme``:
    a project README whose results block is refreshed ('' to skip)."""
    multi = is_multi_label_report(report)
    data = data_arguments(train_cfg)
    base = base_name(train_cfg)
    name, hub_id = dataset_name(data)
    flags = data_flags(data)
    flags = f" {flags}" if flags else ""
    used = data_flags(report.get("data") or data)  # what evaluate read (its test file too)
    used = f" {used}" if used else ""
    what, value = headline(report, multi)
    m = report["model"]
    if multi:
        reg = thresholds.get("regularisation") or {}
        smooth = reg.get("smooth", 1)
        smoothed = f"smoothed over {smooth} grid steps" if smooth != 1 else "not smoothed"
        method = (
            "Every threshold is chosen on the dev split, never on test: 0.5; the best single global "
            "threshold on dev; one threshold per label maximising that label's dev F1 (each F1 curve "
            f"{smoothed}, then pulled towards the global threshold with the weight of {reg.get('shrink', 0)} "
            "dev positives; both strengths chosen by 2-fold cross-validation on dev)."
        )
        if rollup_views(m):
            method += f" Roll-ups ({', '.join(rollup_views(m))}) score a group by its strongest member's probability."
        acc = m.get("single_label_accuracy")
        extra = (
            f"On the {m['n_single_label']} test texts with a single label, the strongest label is right {acc:.1%} of the time."
            if acc is not None
            else ""
        )
    else:
        top = m["argmax"]
        method = (
            "Single-label: the model's softmax picks one label per text (the strongest); the app also shows "
            "any other label whose probability reaches its threshold, calibrated per label on dev for F1 "
            "(the `+ others` rows)."
        )
        extra = f"Test accuracy of the strongest label: {top['accuracy']:.1%}."
    template = (Path(__file__).parent / "card_template_generic.md").read_text()
    title_name = name.replace("`", "")
    text = template.format(
        title=f"{base.rsplit('/', 1)[-1]} on {title_name}: {len(labels)} labels, {'multi' if multi else 'single'}-label",
        repo_id=repo_id,
        base=base,
        base_link=f"[{base}](https://huggingface.co/{base})"
        if "/" in base and not Path(base).exists()
        else f"`{base}`",
        dataset=f"[{name}](https://huggingface.co/datasets/{hub_id})" if hub_id else name,
        n_labels=len(labels),
        task="multi-label" if multi else "single-label",
        pooling=train_cfg.get("pooling", "mean"),
        what=what,
        value=value,
        labels=" ".join(f"{emoji_for(n)} {n}" for n in labels),
        n_test=m["n_test"],
        method=method,
        results=generic_results_table(report, multi),
        data_flags=flags,
        eval_flags=used,
        calibrate_seconds=thresholds.get("seconds", "?"),
        evaluate_seconds=report.get("seconds", "?"),
        dev_macro=thresholds.get("dev_macro_f1", float("nan")),
        extra=extra,
        setting="calibrated thresholds" if multi else "strongest label",
        per_class=generic_per_class_table(report, thresholds, multi),
        train_minutes=dev.get("train_minutes", "?"),
        recipe=recipe_table(train_cfg, skip=("dataset_id",)),  # older runs kept it; the data is named above
    )
    card = model_dir / "README.md"
    card.write_text(generic_front_matter(report, repo_id, multi, data, base) + text, encoding="utf-8")
    shutil.copyfile(report_dir / "per_class.csv", model_dir / "per_class.csv")
    if readme and Path(readme).is_file():
        update_generic_readme(Path(readme), report, multi, data)
    logger.info(
        "Wrote %s and %s (%s card)",
        card,
        model_dir / "per_class.csv",
        "multi-label" if multi else "single-label",
    )
    return card
