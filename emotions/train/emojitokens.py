"""``python -m emotions teach-emoji``: teach a trained model the emoji, and nothing else.

BERT's WordPiece has no emoji: every one reads as ``[UNK]``. Retraining the whole model on
emoji examples (``train --emoji words``) teaches them, but moves every other answer too: five
such retrains all lost test macro-F1 (docs/model.md). Here the trained model gets one new token
per emoji instead (the emoji of the table in :mod:`emotions.emoji_emotions`, and those that
``min_count`` training texts or more hold), each starting from the mean embedding of its
English name's word pieces, and **only those new embedding rows are trained**; every other
weight is frozen. A text without emoji therefore gets exactly the answer it got before; a text
with one is read through what the emoji learned from GoEmotions' own emoji texts and the
table's examples (:func:`emotions.train.augment.emoji_examples`).

The tokens live in the tokenizer, so whoever loads the checkpoint with plain transformers reads
them too; the config declares ``{"emoji": "tokens"}`` (skin tones are removed before
tokenizing). Calibrate the result on dev like any model. A student cut from such a model
(``distill``) inherits its emoji rows, but its layers moved under them: ``--retrain`` trains
those rows again, from where they are, every other weight still frozen.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import emoji
import numpy as np
import torch
from safetensors import safe_open
from transformers import AutoTokenizer, DataCollatorWithPadding

from emotions.emoji_emotions import HELD_OUT, characters
from emotions.limits import MAX_LENGTH
from emotions.model.checkpoint import check_checkpoint, load_torch_model
from emotions.model.preprocessing import Preprocessing, without_tones

from .augment import emoji_examples
from .data import DataArguments
from .fitting import TextDataset, label_rows

logger = logging.getLogger(__name__)
# name: the mean of its English name's word pieces; unk: [UNK]'s row, so every text starts with
# the answer it had (the model read every emoji as [UNK]) and moves only as the data says
INITS = ("name", "unk")
COPIED = ("training_config.json", "dev_metrics.json")  # the trained model's record, kept beside


@dataclass
class EmojiTokensConfig:
    model_dir: str = field(
        default="model", metadata={"help": "The trained checkpoint that learns the emoji."}
    )
    output_dir: str = field(
        default="runs/emoji", metadata={"help": "Where the checkpoint with emoji tokens goes."}
    )
    min_count: int = field(
        default=2, metadata={"help": "An emoji in at least this many training texts gets a token (the table's always do)."}
    )  # fmt: skip
    emoji_examples: int = field(
        default=16, metadata={"help": "Examples per emoji of the table (0: GoEmotions' own only)."}
    )  # the shipped model's (emoji4 in docs/model.md: 48 read the table over the annotators)
    data_repeats: int = field(
        default=1, metadata={"help": "Times each training text with emoji is seen per pass (the table's examples once): the annotators' reading weighed above the table's."}
    )  # fmt: skip
    epochs: int = field(default=4, metadata={"help": "Passes over the emoji texts."})
    learning_rate: float = field(
        default=1e-3, metadata={"help": "AdamW's learning rate for the emoji rows."}
    )  # shipped
    batch_size: int = field(default=32, metadata={"help": "Texts per step."})
    seed: int = field(default=0, metadata={"help": "Seed of the examples and their order."})
    init: str = field(
        default="name",
        metadata={"help": "Each new token starts as: 'name' (the mean of its name's word pieces) or 'unk' ([UNK]'s row)."},
    )  # fmt: skip
    # off: a model that already reads every emoji is refused, so nothing is taught twice by mistake
    retrain: bool = field(
        default=False,
        metadata={"help": "Train again the rows of the emoji the tokenizer already reads (from where they are), as well as new ones: for a student cut from a teacher that reads emoji, whose layers moved under the rows."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        for name in ("min_count", "data_repeats", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be 1 or more.")
        if self.emoji_examples < 0:
            raise ValueError(f"emoji_examples={self.emoji_examples} must be 0 or more.")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate={self.learning_rate} must be above 0.")
        if self.init not in INITS:
            raise ValueError(f"init={self.init!r} is not known: use one of {INITS}.")


def emoji_in(text: str) -> list[str]:
    """The emoji of ``text`` one character each, tones removed; a sequence joined by U+200D
    counts as its parts (the tokenizer drops the joiner)."""
    found = []
    for match in emoji.emoji_list(without_tones(text)):
        found += [c for c in match["emoji"] if c in emoji.EMOJI_DATA]
    return found


def held_out() -> set[str]:
    """The emoji the behaviour suite keeps out of training: they get a token (from their name)
    but no text that holds one is trained on."""
    return {without_tones(c) for c in characters(HELD_OUT)}


def pick_emoji(train_texts: list[str], min_count: int) -> list[str]:
    """The table's emoji, then those of ``min_count`` training texts or more, most common first,
    then the held-out ones."""
    table = [without_tones(c) for c in characters()]
    counts = Counter(c for text in train_texts for c in set(emoji_in(text)))
    common = [c for c, n in counts.most_common() if n >= min_count]
    return list(dict.fromkeys(table + common + sorted(held_out())))


def add_emoji_tokens(model, tokenizer, chars: list[str], init: str = "name") -> list[int]:
    """Give each of ``chars`` a token (skipping those the tokenizer already reads) starting from
    the mean embedding of its name's word pieces, or from ``[UNK]``'s; return the new token ids."""
    new = [c for c in chars if tokenizer.convert_tokens_to_ids(c) == tokenizer.unk_token_id]
    if not new:
        return []
    names = [emoji.EMOJI_DATA[c]["en"].strip(":").replace("_", " ") for c in new]
    pieces = [tokenizer(name, add_special_tokens=False)["input_ids"] for name in names]
    tokenizer.add_tokens(new)
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    table = model.get_input_embeddings().weight
    ids = tokenizer.convert_tokens_to_ids(new)
    with torch.no_grad():
        for i, piece_ids in zip(ids, pieces):
            table[i] = table[piece_ids].mean(0) if init == "name" else table[tokenizer.unk_token_id]
    return ids


def emoji_texts(
    split, chars: set[str], per_emoji: int, seed: int, repeats: int = 1
) -> tuple[list[str], np.ndarray]:
    """GoEmotions' training texts that hold one of ``chars`` (and no held-out emoji), each
    ``repeats`` times, and the table's examples."""
    found, unseen = [set(emoji_in(t)) for t in split.texts], held_out()
    keep = [i for i, f in enumerate(found) if chars & f and not unseen & f] * repeats
    extra_texts, extra_targets = emoji_examples(split, per_emoji, random.Random(seed))
    texts = [split.texts[i] for i in keep] + extra_texts
    return texts, np.concatenate([split.targets[keep], extra_targets])


def train_rows(
    model, dataset: TextDataset, collate, rows: list[int], config: EmojiTokensConfig
) -> list[float]:
    """Train ``rows`` of the input embeddings on ``dataset`` (BCE), every other weight frozen;
    return the mean loss of each epoch."""
    for p in model.parameters():
        p.requires_grad_(False)
    table = model.get_input_embeddings().weight
    table.requires_grad_(True)
    mask = torch.zeros_like(table[:, :1])
    mask[rows] = 1
    table.register_hook(lambda grad: grad * mask)  # the old rows get no gradient, so never move
    # Each new row stays inside the old rows' range, column by column: int8 backends quantise
    # the table by its range, so the old rows then quantise (and answer) exactly as before.
    old = torch.ones(len(table), dtype=torch.bool)
    old[rows] = False
    low, high = table.detach()[old].min(0).values, table.detach()[old].max(0).values
    optimizer = torch.optim.AdamW([table], lr=config.learning_rate, weight_decay=0.0)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=config.batch_size, shuffle=True, collate_fn=collate,
        generator=torch.Generator().manual_seed(config.seed),
    )  # fmt: skip
    model.train()  # dropout on: the rows learn from noisy readings, not one exact path
    losses = []
    for epoch in range(config.epochs):
        total = 0.0
        for batch in loader:
            labels = batch.pop("labels").float()
            logits = model(**batch).logits.float()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                table[rows] = torch.minimum(torch.maximum(table[rows], low), high)
            total += loss.item() * len(labels)
        losses.append(total / len(dataset))
        logger.info("Epoch %d: loss %.4f", epoch + 1, losses[-1])
    model.eval()
    return losses


def saved_dtype(folder: Path) -> torch.dtype:
    """The dtype a checkpoint's weights are stored in (fp16 for ``train``'s)."""
    with safe_open(folder / "model.safetensors", "pt") as f:
        return f.get_tensor(next(iter(f.keys()))).dtype


def teach_emoji(config: EmojiTokensConfig, data: DataArguments | None = None) -> Path:
    """Write ``config.model_dir`` with emoji tokens trained to ``config.output_dir``; return it."""
    data = data or DataArguments()
    src, out = Path(config.model_dir), Path(config.output_dir)
    check_checkpoint(src)
    torch.manual_seed(config.seed)
    model = load_torch_model(src)
    tokenizer = AutoTokenizer.from_pretrained(src)
    if not model.config.problem_type == "multi_label_classification":
        raise ValueError(f"{src} is single-label: teach-emoji trains multi-label models (GoEmotions' kind).")
    labels = tuple(model.config.id2label[i] for i in range(model.config.num_labels))
    split = data.load("train", labels, multi_label=True)
    chars = pick_emoji(split.texts, config.min_count)
    rows = add_emoji_tokens(model, tokenizer, chars, config.init)
    if config.retrain:  # every picked emoji's row, old ones from where they are
        rows = sorted(set(tokenizer.convert_tokens_to_ids(chars)))
    if not rows:
        raise ValueError(
            f"{src}'s tokenizer already reads every emoji picked: nothing to teach "
            "(pass --retrain to train their rows again)."
        )
    texts, targets = emoji_texts(split, set(chars), config.emoji_examples, config.seed, config.data_repeats)
    prep = Preprocessing(emoji="tokens", names=Preprocessing.from_config(model.config).names)
    dataset = TextDataset(tokenizer, list(map(prep, texts)), label_rows(targets, True), MAX_LENGTH)
    logger.info("%d emoji tokens, trained on %d texts", len(rows), len(dataset))
    losses = train_rows(model, dataset, DataCollatorWithPadding(tokenizer), rows, config)
    prep.save_to(model.config)
    out.mkdir(parents=True, exist_ok=True)
    model.to(saved_dtype(src)).save_pretrained(out)  # as the source was: the old rows stay bit for bit
    tokenizer.save_pretrained(out)
    for name in COPIED:
        if (src / name).is_file():
            shutil.copy(src / name, out / name)
    record = {
        **asdict(config),
        "tokens": len(rows),
        "texts": len(dataset),
        "losses": [round(x, 4) for x in losses],
    }
    (out / "emoji_tokens.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    logger.info(
        "Saved %s: %d emoji tokens; calibrate it next (python -m emotions calibrate --model-dir %s)",
        out,
        len(rows),
        out,
    )
    return out
