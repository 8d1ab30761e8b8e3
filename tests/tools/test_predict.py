"""``python -m emotions predict`` on files of any size: every input format with its other columns
carried through, blank and broken rows in place, resume after an interruption, option errors,
and the same scoring through ``datasets`` and Ray Data (local mode), on a tiny model."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import make_tiny_checkpoint, the_one_error_logged

from emotions.cli import main
from emotions.labels import LABELS
from emotions.tools import corpus
from emotions.tools.engines import Scorer


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("predict") / "model")


def run(model: Path, *args: str) -> int:
    return main(
        ["predict", "--model-dir", str(model), "--thresholds", "", "--backend", "torch", "--quiet", *args]
    )


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_csv_input_keeps_its_columns_and_its_order(model, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('id,text,lang\n7,"I love it, truly",en\n8,,en\n9,"two\nlines",fr\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run(model, "--input", str(source), "--output", str(out), "--format", "csv") == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [(r["row"], r["id"], r["lang"], r["text"]) for r in rows] == [
        ("1", "7", "en", "I love it, truly"), ("2", "8", "en", ""), ("3", "9", "fr", "two\nlines"),
    ]  # fmt: skip
    assert (
        rows[1]["error"] == "blank text: not scored" and rows[1]["labels"] == "" and rows[1][LABELS[0]] == ""
    )
    assert all(float(rows[0][n]) >= 0 for n in LABELS) and rows[0]["error"] == ""


def test_jsonl_and_txt_inputs_with_broken_rows(model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"text": "thank you", "user": "a"}\n{broken\n\n{"text": 5}\n["x"]\n{"text": "caf\xe9"}\n{"text": "ok", "row": 1}\n'
    )
    out = tmp_path / "out.jsonl"
    assert run(model, "--input", str(source), "--output", str(out)) == 0
    rows = jsonl(out)
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]  # one result per line, none shifted
    assert rows[0]["user"] == "a" and set(rows[0]["scores"]) == set(LABELS)
    errors = [r.get("error", "") for r in rows]
    assert "is not JSON" in errors[1] and "blank" in errors[2] and "not a string" in errors[3]
    assert "not a JSON object" in errors[4] and "not UTF-8" in errors[5] and rows[6]["input_row"] == 1
    assert all(r["scores"] == {} and r["labels"] == [] for r in rows[1:6])
    text = tmp_path / "in.txt"
    text.write_text("one\n\nthree\n", encoding="utf-8")
    assert run(model, "--input", str(text), "--output", str(out)) == 0
    assert [(r["row"], r["text"], "error" in r) for r in jsonl(out)] == [
        (1, "one", False),
        (2, "", True),
        (3, "three", False),
    ]


def test_texts_that_start_with_a_dash_pass_after_the_separator(model, tmp_path):
    out = tmp_path / "out.jsonl"
    assert run(model, "--output", str(out), "--", "--by-sentnce", "-1 is my score") == 0
    assert [r["text"] for r in jsonl(out)] == ["--by-sentnce", "-1 is my score"]


def test_an_unknown_option_is_an_error_that_suggests_the_closest(model, capsys):
    assert run(model, "--thresold", "0.4", "I love it") == 2
    err = capsys.readouterr().err
    assert "unknown option --thresold" in err and "did you mean --threshold?" in err
    assert run(model, "--by-sentnce", "I love it") == 2
    assert main(["train", "--epoch", "1"]) == 2


def test_an_interrupted_run_resumes_where_it_stopped(model, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "text,n\n" + "".join(f'"text number {i}, ok",{i}\n' for i in range(50)), encoding="utf-8"
    )
    for fmt in ("jsonl", "csv"):
        full, part = tmp_path / f"full.{fmt}", tmp_path / f"part.{fmt}"
        assert run(model, "--input", str(source), "--output", str(full), "--format", fmt) == 0
        data = full.read_bytes()
        part.write_bytes(data[: len(data) // 2 + 7])  # killed mid-row
        assert run(model, "--input", str(source), "--output", str(part), "--format", fmt, "--resume") == 0
        assert part.read_bytes() == data  # every row once, in order, the cut row written again
        assert run(model, "--input", str(source), "--output", str(part), "--format", fmt, "--resume") == 0
        assert part.read_bytes() == data  # nothing left to do


def test_resume_point_counts_whole_rows_only(tmp_path):
    out = tmp_path / "o.csv"
    out.write_bytes(b'row,text\n1,"a"\n2,"two\nlin')  # cut inside a quoted field
    assert corpus.resume_point(out, "csv") == 1 and out.read_bytes() == b'row,text\n1,"a"\n'
    assert corpus.resume_point(tmp_path / "none.jsonl", "jsonl") == 0


def test_bad_options_are_clear_errors(model, tmp_path, caplog):
    assert run(model, "hi", "--resume") == 1
    assert the_one_error_logged(caplog) == "--resume needs --output: the file whose rows are already done."
    assert run(model, "--input", str(tmp_path / "x.docx")) == 1
    assert the_one_error_logged(caplog).startswith(
        f"{tmp_path / 'x.docx'}: unknown file type .docx; use one of"
    )
    assert run(model, "--backend", "tpu", "hi") == 1
    assert the_one_error_logged(caplog).startswith("backend='tpu' is unknown: choose one of")


def test_scoring_through_datasets_map(model):
    datasets = pytest.importorskip("datasets")
    scorer = Scorer(model, thresholds="", backend="torch")
    ds = datasets.Dataset.from_dict({"text": ["I love it", "", "so sad"], "id": [1, 2, 3]})
    scored = ds.map(scorer, batched=True, batch_size=2)
    assert scored["id"] == [1, 2, 3] and scored["labels"][1] == []
    direct = scorer.score(["I love it"])[1][0]
    assert scored["scores"][0] == pytest.approx(direct)


def test_scoring_through_ray_data_in_local_mode(model):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=1, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    try:
        ds = ray.data.from_items([{"text": t, "id": i} for i, t in enumerate(["I love it", "", "so sad"])])
        scored = ds.map_batches(
            Scorer, fn_constructor_kwargs={"model_dir": str(model), "thresholds": "", "backend": "torch"},
            batch_size=2, concurrency=1, batch_format="numpy",
        ).take_all()  # fmt: skip
    finally:
        ray.shutdown()
    rows = sorted(scored, key=lambda r: r["id"])
    assert [r["id"] for r in rows] == [0, 1, 2] and len(rows[1]["labels"]) == 0
    assert set(rows[0]["scores"]) == set(LABELS)


def test_the_writer_guards_csv_and_keeps_json_unicode():
    out = io.StringIO()
    corpus.Writer(out, "jsonl", ["joy"]).write(corpus.result(corpus.Row(1, "😀 é"), ["joy"], {"joy": 0.5}))
    assert json.loads(out.getvalue())["text"] == "😀 é" and "\\u" not in out.getvalue()
