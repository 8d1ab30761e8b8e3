"""A checkpoint folder on disk: check it cheaply (naming the bad file), read its config and
tokenizer without torch (what the ONNX backends need), load its torch model."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from emotions.limits import MAX_LENGTH

_TOKENIZER_FILES = "(tokenizer.json / vocab.txt; restore them from the Hub or retrain)"


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
    import torch
    from transformers import AutoModelForSequenceClassification

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


@dataclass(frozen=True)
class CheckpointConfig:
    """What scoring reads of ``config.json``, read without transformers (whose config module
    imports torch: about 3.5 s of the app's cold start on an ONNX backend, which needs neither)."""

    id2label: dict[int, str]
    problem_type: str | None = None
    text_preprocessing: dict | None = None

    @property
    def num_labels(self) -> int:
        return len(self.id2label)


def read_config(path: Path) -> CheckpointConfig:
    """The checkpoint's labels, task and declared preprocessing (see :class:`CheckpointConfig`)."""
    where = path / "config.json"
    data = _read_json(where)
    try:
        id2label = {int(i): str(name) for i, name in (data.get("id2label") or {}).items()}
    except (AttributeError, TypeError, ValueError):
        raise ValueError(
            f'{where}: id2label must map label ids to names, e.g. {{"0": "joy"}}; fix it and save again.'
        ) from None
    return CheckpointConfig(id2label, data.get("problem_type"), data.get("text_preprocessing"))


def load_encoder(path: Path):
    """``tokenizer.json``'s Rust tokenizer (the ``tokenizers`` library, no transformers) and the id
    of its padding token (``pad_token`` of ``tokenizer_config.json`` or ``special_tokens_map.json``,
    else 0); None, 0 when the folder has only ``vocab.txt``. The same token ids as transformers'
    fast tokenizer (tested)."""
    file = path / "tokenizer.json"
    if not file.is_file():
        return None, 0
    from tokenizers import Tokenizer

    try:
        encoder = Tokenizer.from_file(str(file))
    except Exception as err:
        raise ValueError(f"Could not load the tokenizer in {path} {_TOKENIZER_FILES}: {err}") from err
    pad = None
    for name in ("tokenizer_config.json", "special_tokens_map.json"):  # older checkpoints: the map
        found = _read_json(path / name) if (path / name).is_file() else None
        pad = pad or (found.get("pad_token") if isinstance(found, dict) else None)
    pad = pad.get("content") if isinstance(pad, dict) else pad
    return encoder, (encoder.token_to_id(pad) if isinstance(pad, str) else None) or 0


def load_tokenizer(path: Path):
    """transformers' tokenizer of the checkpoint (a bad one raises ``ValueError`` naming the folder)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(path)
    except Exception as err:
        raise ValueError(f"Could not load the tokenizer in {path} {_TOKENIZER_FILES}: {err}") from err


def truncating(backend):
    """A copy of a fast tokenizer's Rust backend, truncation set once. Calling it directly
    skips the transformers wrapper's per-call setup: 0.04 against 0.12 ms a text, 0.2 against
    0.4 s for the 5,427 test texts (same ids, tested). None for a slow tokenizer."""
    if backend is None:
        return None
    backend = copy.deepcopy(backend)  # the wrapper resets the original's settings per call
    backend.enable_truncation(MAX_LENGTH)
    backend.no_padding()
    return backend
