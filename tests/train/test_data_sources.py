"""DataArguments: GoEmotions-style folders, CSV/TSV/JSON-lines files and `datasets` ids give the
same Split; bad input is one clear error naming the value and the fix."""

import json
import logging
import sys
import types

import numpy as np
import pytest
from helpers import DATA_DIR, make_tiny_checkpoint

from emotions.cli import main
from emotions.labels import LABELS
from emotions.model.inference import EmotionClassifier
from emotions.train.data import HUB_DATASET, DataArguments

SHARED = DATA_DIR.parent  # ../shared/data/goemotions


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- GoEmotions-style folders -----------------------------------------------------------------


@pytest.mark.parametrize(
    "folder, labels",
    [
        ("ekman", ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]),
        ("group", ["ambiguous", "negative", "neutral", "positive"]),
    ],
)
def test_goemotions_folders_name_their_labels(folder, labels):
    if not (SHARED / folder / "labels.txt").is_file():
        pytest.skip(f"no {SHARED / folder}")
    split = DataArguments(data_dir=str(SHARED / folder)).load("dev")
    assert list(split.labels) == labels and split.multi_label
    assert len(split) == 5426 and split.targets.shape == (5426, len(labels))
    assert split.targets.sum(1).min() >= 1
    with pytest.raises(ValueError, match=r"dev\.tsv: row \d+ has 2 labels, but the data is single-label"):
        DataArguments(data_dir=str(SHARED / folder), multi_label=False).load("dev")


def test_the_default_folder_is_the_28_label_release(monkeypatch, tmp_path):
    write(tmp_path / "dev.tsv", "so happy\t17\ta1\n")
    monkeypatch.setenv("GOEMOTIONS_DIR", str(tmp_path))
    split = DataArguments().load("dev")
    assert split.labels == LABELS and split.multi_label and np.flatnonzero(split.targets[0]).tolist() == [17]


def test_a_model_orders_a_folders_labels_and_must_match_them(tmp_path):
    write(tmp_path / "labels.txt", "b\na\n")
    write(tmp_path / "dev.tsv", "x\t0\t1\ny\t1\t2\n")
    split = DataArguments(data_dir=str(tmp_path)).load("dev", labels=("a", "b"))
    assert split.labels == ("a", "b") and split.targets.tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError, match=r"has labels \['b', 'a'\], but the model has \['a', 'c'\].*retrain"):
        DataArguments(data_dir=str(tmp_path)).load("dev", labels=("a", "c"))


# --- files --------------------------------------------------------------------------------------


def test_csv_tsv_and_json_lines_read_the_same(tmp_path):
    rows = [("so happy", "joy"), ('he said "no", sadly', "sadness, anger"), ("ok", "joy")]
    csv_text = "text,label\n" + "".join(f'"{t.replace(chr(34), chr(34) * 2)}","{lab}"\n' for t, lab in rows)
    tsv_text = "label\ttext\n" + "".join(f"{lab}\t{t}\n" for t, lab in rows)
    jsonl = "".join(json.dumps({"text": t, "label": lab}) + "\n\n" for t, lab in rows)
    array = json.dumps([{"text": t, "label": [n.strip() for n in lab.split(",")]} for t, lab in rows])
    for name, text in (("a.csv", csv_text), ("a.tsv", tsv_text), ("a.jsonl", jsonl), ("a.json", array)):
        split = DataArguments(train_file=write(tmp_path / name, text)).load("train")
        assert split.texts == [t for t, _ in rows], name
        assert split.labels == ("anger", "joy", "sadness") and split.multi_label  # row 2 has two
        assert split.targets.tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]


def test_labels_are_sorted_numbers_by_value_and_single_label_is_inferred(tmp_path):
    train = write(tmp_path / "t.csv", "review,stars\nbad,1\ngreat,10\nok,2\n")
    split = DataArguments(train_file=train, text_column="review", label_column="stars").load("train")
    assert split.labels == ("1", "2", "10") and not split.multi_label
    assert split.classes.tolist() == [0, 2, 1]


def test_dev_and_test_files_take_the_training_labels(tmp_path):
    train = write(tmp_path / "train.csv", "text,label\na,x\nb,y\n")
    dev = write(tmp_path / "dev.csv", "text,label\nc,y\n")
    test = write(tmp_path / "test.csv", "text,label\nd,z\n")
    data = DataArguments(train_file=train, validation_file=dev, test_file=test)
    assert data.load("dev").labels == ("x", "y") and not data.load("dev").multi_label
    with pytest.raises(
        ValueError, match=r"test\.csv:2: label 'z' is not in the label list \['x', 'y'\]\. .*--labels"
    ):
        data.load("test")
    with pytest.raises(ValueError, match=r"No train data: pass --train-file"):
        DataArguments(validation_file=dev).load("train")


def test_label_columns_hold_0_or_1(tmp_path):
    path = write(tmp_path / "f.csv", "text,joy,fear\na,1,0\nb,0,0\nc,true,1\n")
    split = DataArguments(train_file=path, label_columns=["joy", "fear"]).load("train")
    assert split.labels == ("joy", "fear") and split.multi_label
    assert split.targets.tolist() == [[1, 0], [0, 0], [1, 1]]
    bad = write(tmp_path / "g.csv", "text,joy,fear\na,1,2\n")
    with pytest.raises(ValueError, match=r"g\.csv:2: column 'fear' holds '2', not 0 or 1\. Write 1 where"):
        DataArguments(train_file=bad, label_columns=["joy", "fear"]).load("train")


# --- `datasets` ids (a stand-in module: nothing is downloaded) ---------------------------------


class FakeDataset(dict):
    def __init__(self, columns: dict, features: dict):
        super().__init__(columns)
        self.column_names = list(columns)
        self.features = features


@pytest.fixture
def fake_datasets(monkeypatch):
    calls = []
    names = types.SimpleNamespace(names=list(LABELS))

    def load_dataset(dataset_id, config, split):
        calls.append((dataset_id, config, split))
        if dataset_id == HUB_DATASET:
            columns = {"text": ["thanks!", "so sad"], "labels": [[15], [25, 9]], "id": ["a", "b"]}
            return FakeDataset(columns, {"labels": types.SimpleNamespace(feature=names)})
        labels = types.SimpleNamespace(names=["neg", "pos"])
        return FakeDataset({"sentence": ["bad", "good"], "label": [0, 1]}, {"label": labels})

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset))
    return calls


def test_the_goemotions_hub_id_keeps_its_defaults(fake_datasets):
    split = DataArguments(dataset_id=HUB_DATASET).load("dev")
    assert fake_datasets == [(HUB_DATASET, "simplified", "validation")]
    assert split.labels == LABELS and split.multi_label
    assert np.flatnonzero(split.targets[1]).tolist() == [9, 25]


def test_a_hub_id_with_config_split_and_class_names(fake_datasets):
    data = DataArguments(
        dataset_id="glue", dataset_config="sst2", text_column="sentence", test_split="validation"
    )
    split = data.load("test")
    assert fake_datasets == [("glue", "sst2", "validation")]
    assert split.labels == ("neg", "pos") and not split.multi_label and split.classes.tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"no column 'text' \(found \['sentence', 'label'\]\)"):
        DataArguments(dataset_id="glue").load("train")


def test_a_hub_id_without_the_datasets_library_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ValueError, match="needs the `datasets` library: pip install datasets"):
        DataArguments(dataset_id="glue").load("train")


# --- bad input: one clear error each ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(labels=[]), r"--labels: the label set is empty\. Give the data at least one label"),
        (dict(labels=["joy", "anger", "joy"]), r"--labels: label names must be unique, but \['joy'\] repeat"),
        (dict(label_columns=["joy", "joy"]), r"--label-columns: label names must be unique, but \['joy'\]"),
        (
            dict(train_file="data.xlsx"),
            r"train_file='data\.xlsx': unknown file type '\.xlsx'\. Use one of \.csv, \.tsv",
        ),
        (dict(test_file="data"), r"unknown file type '\(none\)'"),
        (dict(data_dir="x", train_file="t.csv"), r"Pick one data source, not data_dir and --train-file"),
        (dict(label_columns=["a", "b"], labels=["a", "c"]), r"differ: the 0/1 columns are the labels"),
        (dict(text_column="label"), r"text_column='label' is also a label column"),
    ],
)
def test_bad_data_arguments_are_refused_at_once(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataArguments(**kwargs)


@pytest.mark.parametrize(
    "file, content, kwargs, message",
    [
        ("labels.txt", "", {}, r"labels\.txt: the label set is empty"),
        ("labels.txt", "joy\nanger\njoy\n", {}, r"labels\.txt: label names must be unique, but \['joy'\] repeat"),
        ("t.csv", "text,label\na,joy\nb,fear\n", dict(labels=["joy", "anger"]),
         r"t\.csv:3: label 'fear' is not in the label list \['joy', 'anger'\]\. Fix the row, or add the name to --labels"),
        ("t.csv", "text,label\na,joy\nb,\n", {}, r"t\.csv:3: the row has no label\. .*--multi-label true"),
        ("t.csv", "text,label\na,joy\nb,\n", dict(multi_label=True), None),  # allowed: no label
        ("t.csv", "text,label\na,\"joy,anger\"\n", dict(multi_label=False), r"t\.csv:2: the row has 2 labels \(joy, anger\) but the data is single-label"),
        ("t.csv", "body,label\na,joy\n", {}, r"t\.csv: no column 'text' \(found \['body', 'label'\]\)\. Name the right one with --text-column"),
        ("t.csv", "text,emotion\na,joy\n", {}, r"no column 'label' \(found \['text', 'emotion'\]\)\. Name the right one with --label-column"),
        ("t.jsonl", '{"text": "a", "label": "joy"}\nnot json\n', {}, r"t\.jsonl:2: not a JSON object"),
        ("t.csv", "text,label\n", {}, r"t\.csv holds no examples"),
        ("t.csv", "text,label\na,joy\nb,joy\n", {}, r"single-label data needs at least 2 labels, found \['joy'\]"),
    ],
)  # fmt: skip
def test_bad_data_names_the_value_and_the_fix(tmp_path, file, content, kwargs, message):
    path = write(tmp_path / file, content)
    source = dict(data_dir=str(tmp_path)) if file == "labels.txt" else dict(train_file=path)
    if file == "labels.txt":
        write(tmp_path / "train.tsv", "a\t0\tx\n")
    data = DataArguments(**source, **kwargs)
    if message is None:
        assert data.load("train").targets.tolist() == [[1.0], [0.0]]
        return
    with pytest.raises(ValueError, match=message):
        data.load("train")


def test_a_missing_file_names_the_flag(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"Data file not found: .*nope\.csv\. Check the path given to --train-file"
    ):
        DataArguments(train_file=str(tmp_path / "nope.csv")).load("train")


def test_the_cli_turns_bad_data_into_one_line(tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    assert main(["train", "--base-model", str(tmp_path), "--train-file", "x.parquet"]) == 1
    assert "unknown file type '.parquet'" in caplog.text
    assert main(["calibrate", "--labels", "a", "a"]) == 1
    assert "['a'] repeat" in caplog.text


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "model")


def test_thresholds_with_unknown_labels_are_refused_naming_them(tiny, tmp_path, caplog):
    thresholds = {n: 0.5 for n in LABELS[:-1]} | {"nope": 0.5}
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps({"thresholds": thresholds}))
    with pytest.raises(ValueError, match=r"missing: \['neutral'\]; unknown: \['nope'\].*Recalibrate"):
        EmotionClassifier.from_pretrained(tiny, path)
    caplog.set_level(logging.ERROR)
    dev = write(tmp_path / "dev.csv", "text,label\na,joy\n")
    args = [
        "evaluate",
        "--model-dir",
        str(tiny),
        "--thresholds",
        str(path),
        "--validation-file",
        dev,
        "--test-file",
        dev,
    ]
    assert main([*args, "--output-dir", str(tmp_path / "r")]) == 1
    assert "unknown: ['nope']" in caplog.text


def test_a_config_without_id2label_is_refused(tiny, tmp_path, caplog):
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny, model)
    config = json.loads((model / "config.json").read_text())
    config.pop("label2id")
    config.pop("id2label")
    (model / "config.json").write_text(json.dumps(config))
    caplog.set_level(logging.ERROR)
    dev = write(tmp_path / "dev.csv", "text,label\na,joy\n")
    args = [
        "calibrate",
        "--model-dir",
        str(model),
        "--validation-file",
        dev,
        "--output",
        str(tmp_path / "t.json"),
    ]
    assert main(args) == 1
    assert "config.json has no id2label: the checkpoint does not describe its labels" in caplog.text


def test_data_labels_outside_the_models_are_refused(tiny, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    dev = write(tmp_path / "dev.csv", "text,label\na,joy\nb,bliss\n")
    assert (
        main(
            [
                "calibrate",
                "--model-dir",
                str(tiny),
                "--validation-file",
                dev,
                "--output",
                str(tmp_path / "t.json"),
            ]
        )
        == 1
    )
    assert "dev.csv:3: label 'bliss' is not in the label list ['admiration'" in caplog.text


def test_a_single_label_only_loss_on_multi_label_data_is_refused(tiny, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    data = write(tmp_path / "t.csv", 'text,label\na,"joy,love"\nb,joy\n')
    args = ["train", "--base-model", str(tiny), "--train-file", data, "--validation-file", data]
    assert main([*args, "--loss", "cross_entropy", "--output-dir", str(tmp_path / "m")]) == 1
    assert "loss='cross_entropy' is for single-label data, but this data is multi-label" in caplog.text
