"""A checkpoint folder on disk: check it cheaply (naming the bad file), load its torch model."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification


def check_checkpoint(path: Path) -> None:
    """Fail early, naming the file, when a checkpoint folder is missing, broken or truncated.

    Cheap checks only (no weights are loaded): ``config.json`` parses and names its labels,
    ``model.safetensors`` has a readable header and is as long as that header says (an
    interrupted download is shorter), ``tokenizer.json`` (if present) parses.
    """
    if not path.is_dir():
        raise FileNotFoundError(f"Model folder not found: {path}. Train one or pass the right path.")
    config = path / "config.json"
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing: the folder is not a Hugging Face checkpoint.")
    data = _read_json(config)
    if not isinstance(data, dict) or not data.get("id2label"):
        raise ValueError(
            f"{config} has no id2label: the checkpoint does not describe its labels. "
            'Set config.id2label = {0: "joy", ...} and save it again, or train one with `python -m emotions train`.'
        )
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise FileNotFoundError(f"{weights} is missing: no weights to load.")
    check_safetensors(weights)
    tokenizer = path / "tokenizer.json"
    if not tokenizer.is_file() and not (path / "vocab.txt").is_file():
        raise FileNotFoundError(f"{path} has no tokenizer files (tokenizer.json or vocab.txt).")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if (path / name).is_file():
            _read_json(path / name)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is corrupt ({err}); restore it from the Hub or retrain.") from None


def check_safetensors(path: Path) -> None:
    """A ``.safetensors`` file's header parses and its tensors fit in the file exactly."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(8)
        n = int.from_bytes(head, "little") if len(head) == 8 else -1
        if not 0 < n <= min(size - 8, 100_000_000):
            raise ValueError(
                f"{path} is corrupt or truncated ({size:,} bytes, no valid header); download it again or retrain."
            )
        try:
            header = json.loads(f.read(n))
            end = max(
                (int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__"), default=0
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
            raise ValueError(
                f"{path} is corrupt (unreadable header: {err}); download it again or retrain."
            ) from None
    if size != 8 + n + end:
        problem = "truncated" if size < 8 + n + end else "corrupt"
        raise ValueError(
            f"{path} is {problem}: {size:,} bytes where its header promises {8 + n + end:,}; "
            "download it again or retrain."
        )


def load_torch_model(path: Path):
    """The checkpoint's torch model in fp32; a bad file raises ``ValueError`` naming it."""
    from . import modeling  # noqa: F401  (registers the head; ~2 s, so only when needed)

    # safetensors/tokenizers/transformers raise many types for a bad file: name the file
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            path, dtype=torch.float32, output_loading_info=True
        )
    except Exception as err:
        raise ValueError(
            f"Could not load the model from {path / 'config.json'} and {path / 'model.safetensors'}: {err}"
        ) from err
    if info.get("missing_keys") or info.get("mismatched_keys"):
        missing = sorted(info.get("missing_keys") or []) + sorted(map(str, info.get("mismatched_keys") or []))
        raise ValueError(
            f"{path / 'model.safetensors'} does not match {path / 'config.json'}: "
            f"{len(missing)} weights missing or of the wrong shape (e.g. {missing[0]})."
        )
    return model.eval()
