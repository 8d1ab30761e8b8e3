"""``python -m emotions average``: a model soup, the weighted average of fine-tuned checkpoints.

Checkpoints fine-tuned from the same start land in one basin of the loss, where the average of
their weights scores at least as well as each of them and often better (Wortsman et al. 2022,
"Model soups"). The soup takes the config, tokenizer and text preprocessing of the last model
listed and is saved as fp16 safetensors, like ``train``'s checkpoints; calibrate it like any model.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from emotions.model.checkpoint import check_checkpoint

logger = logging.getLogger(__name__)
WEIGHTS = "model.safetensors"


@dataclass
class SoupConfig:
    models: list[str] = field(
        default_factory=list,
        metadata={"help": "Checkpoint folders to average (two or more, same architecture)."},
    )
    weights: list[float] = field(
        default_factory=list,
        metadata={"help": "One weight per model (normalised to sum to 1; default: equal)."},
    )
    output_dir: str = field(default="runs/soup", metadata={"help": "Where the averaged checkpoint goes."})

    def __post_init__(self) -> None:
        if len(self.models) < 2:
            raise ValueError(f"models={self.models}: give two or more checkpoint folders to average.")
        if self.weights and len(self.weights) != len(self.models):
            raise ValueError(
                f"weights={self.weights}: give one weight per model ({len(self.models)}), or none."
            )
        if self.weights and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ValueError(f"weights={self.weights} must be >= 0 and not all 0.")


def average(config: SoupConfig) -> Path:
    """Write the weighted average of ``config.models`` to ``config.output_dir``; return it."""
    folders = [Path(m) for m in config.models]
    for folder in folders:
        check_checkpoint(folder)
    weights = torch.tensor(config.weights or [1.0] * len(folders), dtype=torch.float64)
    weights = weights / weights.sum()
    states = [load_file(folder / WEIGHTS) for folder in folders]
    for folder, state in zip(folders[1:], states[1:]):
        if state.keys() != states[0].keys() or any(state[k].shape != states[0][k].shape for k in state):
            raise ValueError(
                f"{folder} does not have {folders[0]}'s architecture: only the same model can be averaged."
            )
    soup = {k: sum(w * s[k].double() for w, s in zip(weights, states)).half() for k in states[0]}
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for item in folders[-1].iterdir():  # config, tokenizer, training record: the last model's
        if item.is_file() and item.name != WEIGHTS:
            shutil.copy(item, out / item.name)
    save_file(soup, out / WEIGHTS, metadata={"format": "pt"})
    recipe = {"models": [str(f) for f in folders], "weights": [round(float(w), 4) for w in weights]}
    (out / "soup.json").write_text(json.dumps(recipe, indent=2) + "\n")
    logger.info("Averaged %d checkpoints into %s (weights %s)", len(folders), out, recipe["weights"])
    return out
