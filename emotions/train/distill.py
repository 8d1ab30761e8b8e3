"""``python -m emotions distill``: a smaller student learns from a teacher's probabilities as
well as from the gold labels (Hinton et al. 2015; DistilBERT, Sanh et al. 2019).

Phases: the teacher's probabilities on the training texts (computed once, cached with what they
were made from, see :mod:`emotions.train.teachercache`); a student cut from the teacher's or
the base model's layers (``--student-init``, ``--layer-choice``); training with
``soft_weight * soft + (1 - soft_weight) * task`` where the soft loss compares the student's and
the teacher's probabilities softened by ``temperature``. The student reads texts as the teacher
does (its ``text_preprocessing``) and is calibrated on dev like any model.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import AutoTokenizer, set_seed

from emotions.model.checkpoint import load_torch_model
from emotions.model.outputs import config_labels, is_multi_label
from emotions.model.preprocessing import Preprocessing

from .data import DataArguments
from .fitting import label_rows, task_loss
from .teachercache import teacher_probabilities
from .training import TrainConfig, build_model, datasets, fit, load_splits, resolve_loss

logger = logging.getLogger(__name__)
INITS = ("teacher", "base")  # whose layers the student starts from
LAYER_CHOICES = ("first", "spread")  # layers 0..N-1, or N spread evenly up to the top one


@dataclass
class DistillConfig:
    teachers: list[str] = field(
        default_factory=lambda: ["model"],
        metadata={"help": "Teacher checkpoint folder(s); several: their probabilities are averaged."},
    )
    student_init: str = field(
        default="teacher",
        metadata={"help": f"One of {INITS}: cut the student from the teacher's fine-tuned layers and head "
                  "(started better, docs/training.md) or from --base-model's (a fresh head)."},
    )  # fmt: skip
    layer_choice: str = field(
        default="spread",
        metadata={"help": f"One of {LAYER_CHOICES}: the first --num-layers layers, or that many spread "
                  "evenly and ending with the top one (DistilBERT took one layer in two)."},
    )  # fmt: skip
    soft_weight: float = field(
        default=0.5,
        metadata={"help": "Share of the loss on the teacher's probabilities (the rest: the gold labels)."},
    )
    temperature: float = field(
        default=2.0,
        metadata={"help": "Softens both models' probabilities in the soft loss (1: as they are)."},
    )
    teacher_cache: str | None = field(
        default=None,
        metadata={"help": "The teacher-probabilities cache (.npz). Default: runs/teacher_cache/, "
                  "one file per teacher and texts. A cache made for anything else is refused."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        if not self.teachers:
            raise ValueError(
                "teachers is empty: give at least one teacher checkpoint folder (--teachers model)."
            )
        if self.student_init not in INITS:
            raise ValueError(f"student_init={self.student_init!r} is not known: choose one of {INITS}.")
        if self.layer_choice not in LAYER_CHOICES:
            raise ValueError(
                f"layer_choice={self.layer_choice!r} is not known: choose one of {LAYER_CHOICES}."
            )
        if not 0 <= self.soft_weight <= 1:
            raise ValueError(f"soft_weight={self.soft_weight} must lie in [0, 1] (0: gold labels only).")
        if self.temperature <= 0:
            raise ValueError(
                f"temperature={self.temperature} must be positive (1: probabilities as they are)."
            )
        if self.teacher_cache is not None and not self.teacher_cache.endswith(".npz"):
            raise ValueError(f"teacher_cache={self.teacher_cache!r} must be a .npz file path.")


def pick_layers(available: int, keep: int, choice: str) -> list[int]:
    """Which of ``available`` layers a ``keep``-layer student takes: 6 -> 3 is [0, 1, 2] (first)
    or [1, 3, 5] (spread: evenly, always ending with the top layer, which feeds the head)."""
    if keep > available:
        raise ValueError(
            f"num_layers={keep}, but the teacher has {available} layers: a student cannot be deeper "
            f"than its teacher; pass --num-layers {max(available - 1, 1)} or fewer."
        )
    if choice == "first":
        return list(range(keep))
    return [round((i + 1) * available / keep) - 1 for i in range(keep)]


def cut_layers(model, layers: list[int]):
    """``model`` keeping only the encoder ``layers`` (in order); its config says how many."""
    encoder = model.base_model.encoder
    encoder.layer = torch.nn.ModuleList([encoder.layer[i] for i in layers])
    model.config.num_hidden_layers = len(layers)
    for i, layer in enumerate(encoder.layer):  # attention layer indices (caches) follow the new order
        if hasattr(layer.attention.self, "layer_idx"):
            layer.attention.self.layer_idx = i
    return model


def soft_loss(student_logits: torch.Tensor, teacher_probs: torch.Tensor, multi_label: bool, t: float):
    """The student's softened probabilities against the teacher's, times ``t**2`` (so its
    gradients keep their size whatever the temperature): per-label binary cross-entropy
    (multi-label) or the KL divergence of the softmax (single-label)."""
    eps = 1e-6
    p = teacher_probs.float().clamp(eps, 1 - eps)
    if multi_label:
        target = torch.sigmoid(torch.logit(p) / t)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(student_logits.float() / t, target)
    else:
        target = torch.softmax(torch.log(p) / t, dim=-1)
        log_student = torch.log_softmax(student_logits.float() / t, dim=-1)
        loss = torch.nn.functional.kl_div(log_student, target, reduction="batchmean")
    return loss * t * t


def make_distill_loss(config: DistillConfig, recipe: TrainConfig, targets: np.ndarray, multi_label: bool):
    """The ``Trainer`` loss: training rows carry the teacher's probabilities after the gold
    labels (the last ``n_labels`` columns); dev rows carry the gold labels only."""
    task, n = task_loss(recipe, targets), targets.shape[1]

    def loss_fn(outputs, labels, num_items_in_batch=None):
        logits = outputs["logits"]
        with_teacher = labels.dim() == 2 and labels.shape[1] == (2 * n if multi_label else n + 1)
        if not with_teacher:
            return task(logits, labels)
        gold, teacher = labels[:, :-n], labels[:, -n:]
        gold = gold if multi_label else gold[:, 0]
        soft = soft_loss(logits, teacher, multi_label, config.temperature)
        return config.soft_weight * soft + (1 - config.soft_weight) * task(logits, gold)

    return loss_fn


def build_student(config: DistillConfig, recipe: TrainConfig, labels, multi_label: bool, depth: int):
    """The student: the first teacher's (or the base model's) encoder cut to ``depth`` layers."""
    if config.student_init == "teacher":
        model = load_torch_model(Path(config.teachers[0]))
    else:
        model = build_model(dataclasses.replace(recipe, num_layers=None), labels, multi_label)
    layers = pick_layers(model.config.num_hidden_layers, depth, config.layer_choice)
    logger.info(
        "Student: layers %s of the %s's %d", layers, config.student_init, model.config.num_hidden_layers
    )
    return cut_layers(model, layers).to(torch.float32), layers


def distill(config: DistillConfig, recipe: TrainConfig, data: DataArguments | None = None) -> dict:
    """Train a student on the teacher's probabilities and the gold labels; save it like ``train``."""
    data = data or DataArguments()
    teachers = [Path(t) for t in config.teachers]
    out = Path(recipe.output_dir).resolve()
    if any(out == t.resolve() for t in teachers):
        raise ValueError(f"output_dir={recipe.output_dir!r} is a teacher: pass --output-dir runs/student.")
    teacher_config = load_torch_model(teachers[0]).config
    prep = Preprocessing.from_config(teacher_config)  # the student reads what its teacher read
    recipe = dataclasses.replace(recipe, emoji=prep.emoji, names=prep.names)
    if prep.emoji == "keep" and recipe.emoji_examples:
        logger.info("The teacher reads emoji as [UNK]: no emoji examples (--emoji-examples 0).")
        recipe = dataclasses.replace(recipe, emoji_examples=0)
    depth = recipe.num_layers or max(teacher_config.num_hidden_layers // 2, 1)
    pick_layers(teacher_config.num_hidden_layers, depth, config.layer_choice)  # fail before any work
    set_seed(recipe.seed)
    train_split, dev_split = load_splits(recipe, data)
    multi = train_split.multi_label
    if multi != is_multi_label(teacher_config):
        raise ValueError(
            f"The teacher {teachers[0]} is {'multi' if is_multi_label(teacher_config) else 'single'}-label but "
            f"the data is {'multi' if multi else 'single'}-label: distil on data of the teacher's task."
        )
    recipe.loss = resolve_loss(recipe, multi)
    probs = teacher_probabilities(teachers, train_split, config.teacher_cache)
    tokenizer = AutoTokenizer.from_pretrained(teachers[0])
    train_labels = np.hstack(
        [np.asarray(label_rows(train_split.targets, multi)).reshape(len(probs), -1), probs]
    )
    train_ds, dev_ds = datasets(recipe, tokenizer, train_split, dev_split, train_labels.astype(np.float32))
    model, layers = build_student(config, recipe, train_split.labels, multi, depth)
    if tuple(config_labels(model.config)) != tuple(train_split.labels):
        raise ValueError(
            f"The student's labels {config_labels(model.config)} are not the data's: use a teacher of them."
        )
    prep.save_to(model.config)
    loss = make_distill_loss(config, recipe, train_split.targets, multi)
    facts = {**dataclasses.asdict(config), "student_layers": layers}
    return fit(recipe, data, model, tokenizer, train_ds, dev_ds, loss, distillation=facts)
