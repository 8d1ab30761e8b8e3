"""What a model card says about the run, read from the files the other commands wrote.

The model's labels (``config.json``), the task of the report, the data arguments ``train``
recorded (and so whether this is the GoEmotions model), how to name the dataset and the data
flags that reproduce it, and the base model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from emotions.labels import is_goemotions
from emotions.model.checkpoint import read_config
from emotions.model.outputs import config_labels

from .data import DataArguments
from .hubdata import HUB_DATASET

HUB_BASE = "sentence-transformers/all-MiniLM-L6-v2"


def model_labels(model_dir: Path, report: dict) -> tuple[str, ...]:
    """The checkpoint's labels (``config.json``'s ``id2label``), else the report's."""
    path = model_dir / "config.json"
    if not path.is_file():
        rows = next(iter(report["model"]["per_class"].values()))
        return tuple(r["label"] for r in rows)
    return config_labels(read_config(model_dir), path)


def is_multi_label_report(report: dict) -> bool:
    return report["model"].get("task") != "single-label"


def data_arguments(train_cfg: dict) -> dict:
    """The data arguments ``train`` recorded (older runs: their ``data_dir``/``dataset_id``)."""
    recorded = train_cfg.get("data")
    if isinstance(recorded, dict):
        return recorded
    return {"data_dir": train_cfg.get("data_dir"), "dataset_id": train_cfg.get("dataset_id")}


def gets_goemotions_card(report: dict, labels, train_cfg: dict) -> bool:
    """GoEmotions' 28 labels, multi-label with both roll-ups, trained on GoEmotions itself."""
    data = data_arguments(train_cfg)
    m = report.get("model", {})
    from_goemotions = not any(data.get(k) for k in ("train_file", "validation_file", "test_file")) and (
        data.get("dataset_id") in (None, HUB_DATASET)
    )
    return is_goemotions(labels) and "ekman" in m and "sentiment" in m and from_goemotions


def dataset_name(data: dict) -> tuple[str, str | None]:
    """How the card names the dataset, and its Hub id when it has one."""
    if data.get("dataset_id"):
        config = data.get("dataset_config")
        return data["dataset_id"] + (f" ({config})" if config else ""), data["dataset_id"]
    files = [data.get(k) for k in ("train_file", "validation_file", "test_file") if data.get(k)]
    if files:
        return ", ".join(f"`{Path(f).name}`" for f in files), None
    folder = Path(data.get("data_dir") or DataArguments().folder)
    if folder.parent.name.lower() == "goemotions":  # the release's original/, ekman/, group/
        return f"GoEmotions ({folder.name} labels)", HUB_DATASET
    return f"`{folder.name}`", None


def data_flags(data: dict) -> str:
    """The data arguments as command-line flags (only those that differ from the defaults)."""
    defaults = DataArguments().__dict__
    out = []
    for key, value in data.items():
        if key not in defaults or value == defaults[key] or value is None:
            continue
        flag = "--" + key.replace("_", "-")
        if isinstance(value, list):
            out.append(f"{flag} {' '.join(map(str, value))}")
        elif isinstance(value, bool):
            out.append(f"{flag} {str(value).lower()}")
        else:
            out.append(f"{flag} {value}")
    return " ".join(out)


def base_name(train_cfg: dict) -> str:
    """The base model ``train`` started from (the shipped MiniLM by its Hub id)."""
    base = str(train_cfg.get("base_model") or HUB_BASE)
    return HUB_BASE if "minilm_l6_v2" in base.lower().replace("-", "_") else base


def emoji_tokens_record(model_dir: Path) -> dict | None:
    """What ``teach-emoji`` recorded beside a checkpoint (``emoji_tokens.json``), or None."""
    path = model_dir / "emoji_tokens.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def teach_emoji_command(record: dict | None) -> str:
    """The ``teach-emoji`` step a checkpoint went through (its ``emoji_tokens.json``), or ''."""
    if not record:
        return ""
    return (
        f"; python -m emotions teach-emoji --model-dir {record['model_dir']} --output-dir {record['output_dir']}"
        f" --emoji-examples {record['emoji_examples']} --data-repeats {record.get('data_repeats', 1)}"
        f" --epochs {record['epochs']} --learning-rate {record['learning_rate']}"
        + (" --retrain" if record.get("retrain") else "")
    )


def model_row_name(model_dir: Path, model_config: dict) -> str:
    """The results table's name for the model: its layers and parameters, counted from the weights."""
    from safetensors import safe_open

    path, count = model_dir / "model.safetensors", 0
    if path.is_file():
        with safe_open(str(path), framework="numpy") as weights:
            for key in weights.keys():
                count += int(np.prod(weights.get_slice(key).get_shape()))
    size = f", {count / 1e6:.0f}M" if count else ""
    return f"**this model** (MiniLM-L{model_config.get('num_hidden_layers', '?')}{size})"
