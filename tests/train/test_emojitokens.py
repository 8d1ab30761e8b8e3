"""``python -m emotions teach-emoji`` on a tiny model: each common emoji gets a token of its own,
only those tokens learn, so a text without emoji keeps its answer on every backend."""

import json
import re

import emoji
import numpy as np
import pytest
import torch
from helpers import make_tiny_checkpoint, write_tiny_goemotions
from transformers import AutoTokenizer

from emotions.cli import main
from emotions.emoji_emotions import HELD_OUT
from emotions.labels import LABELS
from emotions.model import backends, onnxfiles
from emotions.model.checkpoint import load_torch_model
from emotions.model.explain import explain
from emotions.model.inference import EmotionClassifier
from emotions.train.data import DataArguments
from emotions.train.emojitokens import EmojiTokensConfig, emoji_in, emoji_texts, pick_emoji, teach_emoji
from emotions.train.targets import Split

PLAIN = ["i love it", "thanks so much !", "this is bad", "what ? why", "[NAME] is so happy"]
TINY = ["--epochs", "3", "--learning-rate", "0.05", "--emoji-examples", "24", "--batch-size", "16"]


@pytest.fixture(scope="module")
def taught(tmp_path_factory):
    root = tmp_path_factory.mktemp("emoji")
    source = make_tiny_checkpoint(root / "source")
    data = write_tiny_goemotions(root / "data")
    out = root / "taught"
    assert (
        main(
            [
                "teach-emoji",
                "--model-dir",
                str(source),
                "--data-dir",
                str(data),
                "--output-dir",
                str(out),
                *TINY,
            ]
        )
        == 0
    )
    return source, out


def test_each_emoji_of_the_table_becomes_one_token(taught):
    _, out = taught
    tokenizer = AutoTokenizer.from_pretrained(out)
    for text in ["😂", "😡", "🙏", "❤", "🎉"]:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert len(ids) == 1 and ids[0] != tokenizer.unk_token_id, text
    assert tokenizer.tokenize("great😂😂") == ["great", "😂", "😂"]
    config = json.loads((out / "config.json").read_text())
    assert config["text_preprocessing"]["emoji"] == "tokens"
    assert config["vocab_size"] == len(tokenizer)


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_a_text_without_emoji_keeps_its_answer_on_every_backend(taught, backend, tmp_path, monkeypatch):
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path))
    source, out = taught
    before = EmotionClassifier.from_pretrained(source, backend=backend).predict_proba(PLAIN)
    after = EmotionClassifier.from_pretrained(out, backend=backend).predict_proba(PLAIN)
    assert np.abs(before - after).max() <= 1e-6


def test_only_the_new_rows_moved(taught):
    source, out = taught
    old, new = load_torch_model(source), load_torch_model(out)
    old_rows = old.get_input_embeddings().weight
    new_rows = new.get_input_embeddings().weight
    assert torch.equal(new_rows[: len(old_rows)], old_rows)
    for (name, a), (_, b) in zip(old.named_parameters(), new.named_parameters()):
        if "word_embeddings" not in name:
            assert torch.equal(a, b), name


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_the_emoji_read_apart_and_their_skin_tones_change_nothing(taught, backend, tmp_path, monkeypatch):
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path))
    source, out = taught
    before = EmotionClassifier.from_pretrained(source, backend=backend).predict_proba(["😂", "😡", "🙏"])
    got = EmotionClassifier.from_pretrained(out, backend=backend).predict_proba(["😂", "😡", "🙏"])
    assert len({tuple(row.round(4)) for row in before}) == 1  # all three were [UNK]
    assert len({tuple(row.round(4)) for row in got}) == 3  # now each reads as itself
    tones = EmotionClassifier.from_pretrained(out, backend=backend).predict_proba(
        ["great 👍🏿", "great 👍🏻", "great 👍"]
    )
    assert np.abs(tones - tones[2]).max() <= 1e-6


def test_the_training_loss_fell(taught):
    _, out = taught
    record = json.loads((out / "emoji_tokens.json").read_text())
    assert record["tokens"] >= 55 and record["texts"] > 0
    assert record["losses"][-1] < record["losses"][0]


def test_a_model_that_reads_every_emoji_is_taught_again_only_when_asked(taught, tmp_path):
    """A student cut from a taught teacher already has the rows: refused with the fix, then
    --retrain moves those rows only, so a text without emoji keeps its answer."""
    from emotions.train.cardfacts import emoji_tokens_record, teach_emoji_command

    source, out = taught
    data = write_tiny_goemotions(tmp_path / "data")
    again = ["teach-emoji", "--model-dir", str(out), "--data-dir", str(data), *TINY]
    with pytest.raises(
        ValueError, match=re.escape("nothing to teach (pass --retrain to train their rows again)")
    ):
        teach_emoji(
            EmojiTokensConfig(model_dir=str(out), output_dir=str(tmp_path / "no")),
            DataArguments(data_dir=str(data)),
        )
    assert main([*again, "--output-dir", str(tmp_path / "again"), "--retrain"]) == 0
    before, after = load_torch_model(out), load_torch_model(tmp_path / "again")
    tokenizer = AutoTokenizer.from_pretrained(out)
    emoji_rows = sorted(set(tokenizer.convert_tokens_to_ids(["😂", "😡", "🙏"])))
    old, new = before.get_input_embeddings().weight, after.get_input_embeddings().weight
    assert old.shape == new.shape  # no new tokens
    assert not torch.equal(old[emoji_rows], new[emoji_rows])  # the emoji rows trained again
    others = torch.ones(len(old), dtype=torch.bool)
    others[len(AutoTokenizer.from_pretrained(source)) :] = False
    assert torch.equal(old[others], new[others])  # the word pieces' rows never move
    scores = [
        EmotionClassifier.from_pretrained(d, backend="torch").predict_proba(PLAIN)
        for d in (out, tmp_path / "again")
    ]
    assert np.abs(scores[0] - scores[1]).max() <= 1e-6
    assert teach_emoji_command(emoji_tokens_record(tmp_path / "again")).endswith(" --retrain")


def test_held_out_emoji_get_a_token_but_no_training_text():
    char = emoji.emojize(next(iter(HELD_OUT)))
    texts = [f"so sad {char}", "so funny 😂", "plain words", "neutral text"]
    split = Split(texts, np.eye(28, dtype=np.float32)[[25, 1, 27, 27]], LABELS, True)
    chars = pick_emoji(split.texts, min_count=1)
    assert char in chars and "😂" in chars
    texts, targets = emoji_texts(split, set(chars), per_emoji=0, seed=0)
    assert texts == ["so funny 😂"] and targets.shape == (1, 28)
    texts, targets = emoji_texts(split, set(chars), per_emoji=0, seed=0, repeats=3)
    assert texts == ["so funny 😂"] * 3 and (targets == split.targets[1]).all()


def test_emoji_are_counted_one_character_each():
    assert emoji_in("👨\u200d👩\u200d👧 and 👍🏿❤️") == ["👨", "👩", "👧", "👍", "❤"]
    assert emoji_in("no emoji here") == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"min_count": 0}, "min_count=0 must be 1 or more."),
        ({"data_repeats": 0}, "data_repeats=0 must be 1 or more."),
        ({"emoji_examples": -1}, "emoji_examples=-1 must be 0 or more."),
        ({"learning_rate": 0.0}, "learning_rate=0.0 must be above 0."),
        ({"init": "zero"}, "init='zero' is not known: use one of ('name', 'unk')."),
    ],
)
def test_bad_settings_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        EmojiTokensConfig(**kwargs)


def test_explanations_highlight_the_emoji_typed(taught):
    _, out = taught
    text = "i love it😂 👍🏿 so much"
    words = explain(EmotionClassifier.from_pretrained(out, backend="torch"), text).words
    spans = {w.text: text[w.start : w.end] for w in words if w.tokens}  # words the model read
    assert spans["😂"] == "😂" and spans["👍🏿"] == "👍🏿"  # the emoji typed, its tone included


def test_the_card_names_the_teach_emoji_step(taught):
    from emotions.train.cardfacts import emoji_tokens_record, teach_emoji_command

    source, out = taught
    record = emoji_tokens_record(out)
    command = teach_emoji_command(record)
    assert command.startswith("; python -m emotions teach-emoji --model-dir ")
    assert f"--epochs {record['epochs']}" in command and f"--output-dir {record['output_dir']}" in command
    assert teach_emoji_command(emoji_tokens_record(source)) == ""  # a checkpoint without the step
