"""The training loop every command shares (``train``, ``distill``, ``sweep``): tokenised texts,
the loss of a recipe, and a ``Trainer`` whose optimizer follows the recipe (two learning rates:
the encoder's and the new head's; linear warm-up then decay)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from transformers import Trainer, TrainingArguments, get_linear_schedule_with_warmup

logger = logging.getLogger(__name__)


class TextDataset(torch.utils.data.Dataset):
    """Tokenised texts (unpadded) and one ``labels`` row each, for ``DataCollatorWithPadding``.

    ``labels`` is what the loss reads: a 0/1 row per text (multi-label), the index of its one
    label (single-label), or either with the teacher's probabilities appended (distillation).
    """

    def __init__(self, tokenizer, texts: list[str], labels: np.ndarray, max_length: int):
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} label rows: give one row per text.")
        self.enc = tokenizer(texts, truncation=True, max_length=max_length)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict:
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i].tolist()
        return item


def label_rows(targets: np.ndarray, multi_label: bool) -> np.ndarray:
    """The ``labels`` a task loss reads: the 0/1 rows, or each row's class index."""
    return np.asarray(targets, dtype=np.float32) if multi_label else np.asarray(targets).argmax(1)


def task_loss(recipe, train_targets: np.ndarray):
    """``loss(logits, labels)`` of ``recipe.loss``: BCE, focal, class-weighted BCE, or
    cross-entropy (``labels``: class indices). ``recipe`` is read at each call, so a sweep
    trial that changes ``recipe.loss`` or ``recipe.focal_gamma`` changes the loss."""
    pos = train_targets.sum(0)
    # sqrt(neg/pos), capped: rare classes count more without drowning the common ones.
    pos_weight = torch.tensor(np.clip(np.sqrt((len(train_targets) - pos) / np.maximum(pos, 1)), 1, 10))

    def loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        logits = logits.float()
        if recipe.loss == "cross_entropy":
            return torch.nn.functional.cross_entropy(logits, labels.long())
        labels = labels.float()
        if recipe.loss == "weighted_bce":
            return torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels, pos_weight=pos_weight.to(logits.dtype)
            )
        bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="none")
        if recipe.loss == "focal":
            p_true = torch.exp(-bce)
            bce = (1 - p_true) ** recipe.focal_gamma * bce
        return bce.mean()

    return loss


def make_loss(recipe, train_targets: np.ndarray):
    """The task loss for ``Trainer(compute_loss_func=...)``."""
    loss = task_loss(recipe, train_targets)

    def loss_fn(outputs, labels, num_items_in_batch=None):
        return loss(outputs["logits"], labels)

    return loss_fn


class RecipeTrainer(Trainer):
    """A ``Trainer`` whose AdamW has the recipe's two learning rates (encoder, head) and whose
    schedule warms up for ``recipe.warmup_ratio`` of the steps, then decays linearly to 0.
    Read when training starts, so each sweep trial's ``recipe`` takes effect."""

    def __init__(self, *args, recipe, **kwargs):
        self.recipe = recipe
        super().__init__(*args, **kwargs)

    def create_optimizer(self, model=None) -> torch.optim.Optimizer:
        if self.optimizer is None:
            named = list((model or self.model).named_parameters())
            head = [p for n, p in named if n.startswith("classifier")]
            encoder = [p for n, p in named if not n.startswith("classifier")]
            self.optimizer = torch.optim.AdamW(
                [
                    {"params": encoder, "lr": self.recipe.learning_rate},
                    {"params": head, "lr": self.recipe.head_learning_rate},
                ],
                weight_decay=self.recipe.weight_decay,
            )
        return self.optimizer

    def create_scheduler(self, num_training_steps: int, optimizer=None):
        if self.lr_scheduler is None:
            warmup = int(self.recipe.warmup_ratio * num_training_steps)
            self.lr_scheduler = get_linear_schedule_with_warmup(
                optimizer or self.optimizer, warmup, num_training_steps
            )
        return self.lr_scheduler


def training_arguments(recipe, output_dir: Path) -> TrainingArguments:
    """Evaluate on dev every epoch, save nothing on the way (the final model is saved by us)."""
    return TrainingArguments(
        output_dir=str(output_dir / "trainer_state"),
        num_train_epochs=recipe.epochs,
        per_device_train_batch_size=recipe.batch_size,
        per_device_eval_batch_size=128,
        train_sampling_strategy="group_by_length",  # similar lengths per batch: less padding
        eval_strategy="epoch",
        save_strategy="no",
        logging_steps=50,
        report_to=recipe.report_to,
        seed=recipe.seed,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
    )


def save_checkpoint(model, tokenizer, out: Path, record: dict, summary: dict) -> None:
    """fp16 safetensors (half the size, same labels), the tokenizer, the recipe and dev metrics."""
    model.to(torch.float16).save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "training_config.json").write_text(json.dumps(record, indent=2) + "\n")
    (out / "dev_metrics.json").write_text(json.dumps(summary, indent=2) + "\n")


def recorded(recipe, data, **extra) -> dict:
    """What ``training_config.json`` keeps: the recipe as used, the data, and ``extra``."""
    return {**asdict(recipe), "data": asdict(data), **extra}
