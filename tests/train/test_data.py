import json
from pathlib import Path

import numpy as np
import pytest

from emotions.labels import EKMAN_MAPPING, EMOJI, LABELS, SENTIMENT_MAPPING, rollup_probs
from emotions.train.data import load_split
from emotions.train.datafiles import read_tsv


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_reads_texts_and_multi_labels(tmp_path):
    path = write(tmp_path, "train.tsv", "so happy\t17\ta1\nthanks, sad\t15,25\ta2\n")
    split = read_tsv(path)
    assert split.texts == ["so happy", "thanks, sad"]
    assert split.targets.shape == (2, 28)
    assert np.flatnonzero(split.targets[1]).tolist() == [15, 25]


def test_quotes_are_plain_text(tmp_path):
    path = write(tmp_path, "dev.tsv", 'He said "hi\t27\tx\n')
    assert read_tsv(path).texts == ['He said "hi']


@pytest.mark.parametrize(
    "row, message",
    [
        ("only text\n", r"bad\.tsv:1: expected 3 tab-separated columns"),
        ("ok\t27\tx\nbad\tjoy\tx\n", r"bad\.tsv:2: label ids must be comma-separated integers"),
        ("ok\t28\tx\n", r"bad\.tsv:1: label id 28 is out of range 0\.\.27"),
        ("", "holds no examples"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, row, message):
    with pytest.raises(ValueError, match=message):
        read_tsv(write(tmp_path, "bad.tsv", row))


def test_missing_folder_and_split_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="GoEmotions folder not found.*--data-dir"):
        load_split("train", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="test.tsv"):
        load_split("test", tmp_path)
    with pytest.raises(ValueError, match="Unknown split 'validation'"):
        load_split("validation", tmp_path)


def test_real_data_has_the_release_sizes(goemotions_dir):
    sizes = {s: len(load_split(s, goemotions_dir)) for s in ("train", "dev", "test")}
    assert sizes == {"train": 43410, "dev": 5426, "test": 5427}
    assert (goemotions_dir / "labels.txt").read_text().split() == list(LABELS)


def test_rollups_match_the_release_mappings(goemotions_dir):
    root = goemotions_dir.parent
    for mapping, file in (
        (EKMAN_MAPPING, "ekman_mapping.json"),
        (SENTIMENT_MAPPING, "sentiment_mapping.json"),
    ):
        release = json.loads((root / file).read_text())
        assert {k: sorted(v) for k, v in mapping.items() if k != "neutral"} == {
            k: sorted(v) for k, v in release.items()
        }


def test_every_label_has_its_own_emoji_and_one_rollup_group():
    assert len({EMOJI[n] for n in LABELS}) == len(LABELS)
    for mapping in (EKMAN_MAPPING, SENTIMENT_MAPPING):
        members = [m for group in mapping.values() for m in group]
        assert sorted(members) == sorted(LABELS)


def test_rollup_takes_the_strongest_member():
    probs = np.zeros(28, dtype=np.float32)
    probs[LABELS.index("annoyance")] = 0.7
    probs[LABELS.index("anger")] = 0.2
    groups, rolled = rollup_probs(probs, "ekman")
    assert rolled[groups.index("anger")] == pytest.approx(0.7)
    assert rolled.max() == pytest.approx(0.7)
