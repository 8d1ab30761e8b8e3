"""The tables and model-index metrics the model cards print, from ``reports/metrics.json``.

GoEmotions' card (:mod:`emotions.train.card`): one results row per model × thresholds setting
with the Ekman and sentiment roll-ups, and the per-emotion table. The generic card
(:mod:`emotions.train.genericcard`): the same for any label set, multi-label (with whatever
roll-ups the report scored) or single-label (the strongest label, accuracy, ROC-AUC per label).
What both print alike is here once: the recipe table (:func:`recipe_table`) and the project
README's results block, between :data:`RESULTS_START` and :data:`RESULTS_END`
(:func:`refresh_results_block`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from emotions.labels import emoji_for

logger = logging.getLogger(__name__)
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"  # the README's results block
NOT_RECIPE = ("output_dir", "base_model", "data_dir", "report_to", "data")  # where it ran, named elsewhere


def recipe_table(train_cfg: dict, skip: tuple[str, ...] = ()) -> str:
    """The card's recipe rows: every setting of ``training_config.json`` but where the run read and
    wrote (:data:`NOT_RECIPE`) and ``skip``, in the file's order."""
    return "\n".join(f"| `{k}` | `{v}` |" for k, v in train_cfg.items() if k not in NOT_RECIPE + skip)


def refresh_results_block(readme: Path, body: str) -> None:
    """Write ``body`` between the project README's results markers (no markers: left as is)."""
    text = readme.read_text(encoding="utf-8")
    if RESULTS_START not in text or RESULTS_END not in text:
        logger.warning("%s has no results markers; left as is.", readme)
        return
    head, rest = text.split(RESULTS_START, 1)
    block = f"{RESULTS_START}\n{body}\n{RESULTS_END}"
    readme.write_text(head + block + rest.split(RESULTS_END, 1)[1], encoding="utf-8")


def metric(name: str, value: float) -> dict:
    """One F1 entry of a card's model-index."""
    return {"type": "f1", "name": name, "value": round(value, 4)}


def results_table(
    report: dict,
    views: tuple[str, ...] = ("ekman", "sentiment"),
    titles: dict[str, str] | None = None,
    model: str = "**this model** (MiniLM-L6, 22M)",
) -> str:
    """Markdown for a multi-label report: one row per model × thresholds setting, the F1
    averages and each roll-up view's macro F1 (GoEmotions' card: Ekman and sentiment)."""
    titles = titles or {"ekman": "Ekman", "sentiment": "sentiment"}
    head = "| model | thresholds | macro F1 | micro F1 | weighted F1 | samples F1 |"
    head += "".join(f" {titles.get(v, v)} macro F1 |" for v in views)
    rows = [head, "|---|---|" + "---|" * (4 + len(views))]
    names = {"model": model, "baseline": "TF-IDF + logistic regression"}
    for key in ("model", "baseline"):
        if key not in report:
            continue
        r = report[key]
        for setting in r["emotions"]:
            e = r["emotions"][setting]
            cells = [e["macro_f1"], e["micro_f1"], e["weighted_f1"], e["samples_f1"]]
            cells += [r[view][setting]["macro_f1"] for view in views if view in r]
            label = {"0.5": "0.5", "per-class": "per-class (dev)"}.get(setting)
            label = label or f"global {e['threshold']:.2f} (dev)"
            rows.append(f"| {names[key]} | {label} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    return "\n".join(rows)


def per_class_table(report: dict, thresholds: dict) -> str:
    rows = ["| emotion | threshold | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    for r in report["model"]["per_class"]["per-class"]:
        name = r["label"]
        rows.append(
            f"| {emoji_for(name)} {name} | {thresholds['thresholds'][name]:.2f} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |"
        )
    return "\n".join(rows)


def rollup_views(m: dict) -> list[str]:
    """The roll-up views a multi-label report scored (beyond the labels themselves)."""
    return [
        k
        for k, v in m.items()
        if k != "emotions" and isinstance(v, dict) and {"global", "per-class"} <= set(v)
    ]


def generic_metrics(report: dict, multi_label: bool) -> list[dict]:
    """The model-index metrics of the task (the first macro F1 is the card's headline)."""
    m = report["model"]
    if not multi_label:
        top = m["argmax"]
        return [
            metric("macro F1 (strongest label)", top["macro_f1"]),
            {"type": "accuracy", "name": "accuracy", "value": round(top["accuracy"], 4)},
            metric("weighted F1 (strongest label)", top["weighted_f1"]),
            metric(
                "macro F1 (strongest label plus those over their dev thresholds)", m["per-class"]["macro_f1"]
            ),
            {"type": "roc_auc", "name": "macro ROC-AUC", "value": round(top["roc_auc"], 4)},
        ]
    e = m["emotions"]
    out = [
        metric("macro F1 (calibrated thresholds)", e["per-class"]["macro_f1"]),
        metric("macro F1 (threshold 0.5)", e["0.5"]["macro_f1"]),
        metric(f"macro F1 (global threshold {e['global']['threshold']:.2f})", e["global"]["macro_f1"]),
        metric("micro F1 (calibrated thresholds)", e["per-class"]["micro_f1"]),
    ]
    out += [
        metric(f"{view} macro F1 (calibrated)", m[view]["per-class"]["macro_f1"]) for view in rollup_views(m)
    ]
    out.append({"type": "roc_auc", "name": "macro ROC-AUC", "value": round(e["0.5"]["roc_auc"], 4)})
    return out


def generic_results_table(report: dict, multi_label: bool) -> str:
    """Markdown: one row per model × setting, with the task's averages."""
    names = {"model": "**this model**", "baseline": "TF-IDF + logistic regression"}
    if not multi_label:
        rows = [
            "| model | labels shown | macro F1 | weighted F1 | micro F1 | macro ROC-AUC |",
            "|---|---|---|---|---|---|",
        ]
        for key in ("model", "baseline"):
            if key not in report:
                continue
            r = report[key]
            for setting, label in (
                ("argmax", "the strongest"),
                ("per-class", "+ others over their dev thresholds"),
            ):
                s = r[setting]
                micro = s.get("micro_f1", s.get("accuracy"))
                cells = [s["macro_f1"], s["weighted_f1"], micro, s["roc_auc"]]
                rows.append(f"| {names[key]} | {label} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
        return "\n".join(rows)
    return results_table(report, tuple(rollup_views(report["model"])), {}, names["model"])


def generic_per_class_table(report: dict, thresholds: dict, multi_label: bool) -> str:
    m = report["model"]
    if multi_label:
        return per_class_table(report, thresholds).replace("| emotion |", "| label |", 1)
    rows = [
        "| label | extra-label threshold | precision | recall | F1 | ROC-AUC | support |",
        "|---|---|---|---|---|---|---|",
    ]
    auc = m.get("roc_auc_per_class", {})
    for r in m["per_class"]["argmax"]:
        name = r["label"]
        a = auc.get(name)
        rows.append(
            f"| {emoji_for(name)} {name} | {thresholds['thresholds'][name]:.2f} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['f1']:.3f} | {'–' if a is None else f'{a:.3f}'} | {r['support']} |"
        )
    return "\n".join(rows)


def calibration_table(report: dict) -> str:
    """Markdown: expected calibration error before and after the calibration maps (test split),
    over emotions, over scores of 0.2 and up, for each roll-up, and per emotion."""
    found = report["model"].get("calibration")
    if not found:
        return "Not measured: rerun `python -m emotions evaluate`."
    before, after = found["before"], found["after"]
    if after is None:
        return (
            f"This model has no calibration maps: its scores are served as they are, labelled uncalibrated "
            f"(ECE averaged over labels {before['mean']:.3f}, over scores of 0.2 and up {before['notable']:.3f})."
        )
    rows = [
        "| expected calibration error (test, 10 equal-width bins) | scores | calibrated |",
        "|---|---|---|",
    ]
    rows.append(
        f"| mean over the {len(before['per_label'])} emotions | {before['mean']:.3f} | **{after['mean']:.3f}** |"
    )
    rows.append(
        f"| every (text, emotion) score of 0.2 and up | {before['notable']:.3f} | **{after['notable']:.3f}** |"
    )
    for view in (v for v in after if isinstance(after[v], dict) and "mean" in after[v]):
        rows.append(f"| {view} groups, mean (a group's probability: its strongest emotion's) | "
                    f"{before[view]['mean']:.3f} | {after[view]['mean']:.3f} |")  # fmt: skip
    per = ["| emotion | ECE, scores | ECE, calibrated |", "|---|---|---|"]
    per += [
        f"| {emoji_for(n)} {n} | {before['per_label'][n]:.3f} | {after['per_label'][n]:.3f} |"
        for n in before["per_label"]
    ]
    return (
        "\n".join(rows)
        + "\n\n<details><summary>Per emotion</summary>\n\n"
        + "\n".join(per)
        + "\n\n</details>"
    )
