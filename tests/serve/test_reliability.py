"""Per-emotion test F1 and support from the evaluation report, and how the page shows them."""

from __future__ import annotations

import logging
import shutil
from fnmatch import fnmatch

import huggingface_hub
import pytest
from helpers import F1, SUPPORT, make_tiny_checkpoint, thresholds_with_rollups, write_report

from emotions.labels import LABELS
from emotions.model import hub
from emotions.model.reliability import (
    LOW_F1,
    LOW_SUPPORT,
    RELIABILITY_FILE,
    Reliability,
    find_reliability,
    load_reliability,
)
from emotions.model.views import Row
from emotions.serve.render import bars_html, detected_html
from emotions.serve.served import load_served

# as `python -m emotions evaluate` writes it: the 0.5 rows, then the calibrated ("per-class") ones
REPORT_HEAD = """thresholds,label,precision,recall,f1,support
0.5,admiration,0.0,0.0,0.0,19
0.5,grief,0.0,0.0,0.0,0
per-class,admiration,0.06007067137809187,0.8947368421052632,0.11258278145695365,19
per-class,grief,0.0,0.0,0.0,0
per-class,neutral,0.42105263157894735,0.41739130434782606,0.4192139737991266,115
"""


def test_reads_the_calibrated_rows_of_the_report(tmp_path):
    found = load_reliability(write_report(tmp_path / "per_class.csv", F1, SUPPORT))
    assert set(found) == set(LABELS)
    assert found["grief"] == Reliability(0.12, 6) and found["grief"] == (0.12, 6)  # a (f1, support) tuple
    assert found["neutral"] == (F1["neutral"], SUPPORT["neutral"])  # per-class rows, not the 0.5 ones
    assert isinstance(found["joy"].support, int)


def test_reads_the_evaluation_output_format(tmp_path):
    path = tmp_path / "per_class.csv"
    path.write_text(REPORT_HEAD, encoding="utf-8")
    found = load_reliability(path)
    assert found == {
        "admiration": (pytest.approx(0.1126, abs=1e-4), 19),
        "grief": (0.0, 0),
        "neutral": (pytest.approx(0.4192, abs=1e-4), 115),
    }


def test_low_reliability_and_its_description():
    assert Reliability(0.12, 6).low and Reliability(0.9, LOW_SUPPORT - 1).low
    assert Reliability(LOW_F1 - 0.01, 500).low and not Reliability(LOW_F1, LOW_SUPPORT).low
    assert Reliability(0.853, 352).describe() == "test F1 0.85 · n=352"


@pytest.mark.parametrize(
    "content, message",
    [
        ("label,f1,support\njoy,0.5,10\n", "no thresholds column"),
        ("thresholds,label,precision,recall,f1\nper-class,joy,1,1,0.5\n", "no support column"),
        (
            "thresholds,label,precision,recall,f1,support\n0.5,joy,1,1,0.5,10\n",
            "no rows with thresholds='per-class'",
        ),
        ("thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,high,10\n", "line 2: f1='high'"),
        ("thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,1.5,10\n", "must lie in [0, 1]"),
        ("thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,0.5,-3\n", "be a count"),
        ("thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,0.5,2.5\n", "be a count"),
        ("thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,nan,3\n", "must lie in [0, 1]"),
        (
            "thresholds,label,precision,recall,f1,support\nper-class,joy,1,1,0.5,3\nper-class,joy,1,1,0.5,3\n",
            "line 3: label 'joy' is empty or repeated",
        ),
    ],
)
def test_a_bad_report_raises_naming_the_problem(tmp_path, content, message):
    path = tmp_path / "per_class.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_reliability(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_or_binary_report(tmp_path):
    with pytest.raises(FileNotFoundError, match="evaluate"):
        load_reliability(tmp_path / "nope.csv")
    path = tmp_path / "per_class.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ValueError, match="not a readable CSV"):
        load_reliability(path)


def test_serving_without_a_report_shows_nothing_and_logs_once(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="emotions.model.reliability"):
        assert find_reliability(tmp_path) == {}
    assert len(caplog.records) == 1 and "not shown" in caplog.text


def test_serving_ignores_a_broken_report_with_a_warning(tmp_path, caplog):
    (tmp_path / RELIABILITY_FILE).write_text("not,a,report\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="emotions.model.reliability"):
        assert find_reliability(tmp_path) == {}
    assert [r.levelname for r in caplog.records] == ["WARNING"]


def test_serving_drops_labels_the_model_does_not_have(tmp_path, caplog):
    path = tmp_path / RELIABILITY_FILE
    path.write_text(REPORT_HEAD + "per-class,plutchik,1,1,0.5,9\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="emotions.model.reliability"):
        found = find_reliability(tmp_path, list(LABELS))
    assert set(found) == {"admiration", "grief", "neutral"} and "plutchik" in caplog.text


def test_serve_model_reads_the_report_beside_the_weights(tmp_path):
    model_dir = make_tiny_checkpoint(tmp_path / "model")
    thresholds = thresholds_with_rollups(tmp_path / "thresholds.json")
    assert load_served(model_dir, thresholds).reliability == {}
    write_report(model_dir / RELIABILITY_FILE, F1, SUPPORT)
    served = load_served(model_dir, thresholds)
    assert served.reliability["grief"] == (0.12, 6) and len(served.reliability) == len(LABELS)


def test_the_space_downloads_the_report_with_the_model(tmp_path, monkeypatch):
    repo = make_tiny_checkpoint(tmp_path / "repo")  # what the model repo holds
    write_report(repo / RELIABILITY_FILE, F1, SUPPORT)
    (repo / "training_args.bin").write_bytes(b"not needed")

    def snapshot_download(repo_id, revision=None, allow_patterns=(), **kwargs):  # the Hub, offline
        folder = tmp_path / "snapshot"
        for path in repo.rglob("*"):
            name = path.relative_to(repo).as_posix()
            if path.is_file() and any(fnmatch(name, pattern) for pattern in allow_patterns):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, folder / name)
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    folder = hub.download_model("someone/emotions").model_dir
    assert (folder / RELIABILITY_FILE).is_file() and not (folder / "training_args.bin").exists()
    assert load_served(folder, None).reliability["grief"] == (0.12, 6)


def rows() -> list[Row]:
    return [
        Row("gratitude", "🙏", 0.9, 0.4, True),
        Row("grief", "💔", 0.6, 0.3, True),
        Row("joy", "😁", 0.1, 0.5, False),
    ]


def test_bars_show_f1_and_support_and_mark_shaky_emotions():
    trust = {"gratitude": Reliability(0.853, 352), "grief": Reliability(0.12, 6)}
    html = bars_html(rows(), trust)
    assert "test F1 0.85 · n=352" in html and "⚠ test F1 0.12 · n=6" in html
    assert html.count('class="emo-rel low"') == 1 and html.count('class="emo-rel"') == 1  # joy: not in report
    assert "trust it less" in html and f"F1 under {LOW_F1}" in html and html.count('class="emo-row') == 3
    plain = bars_html(rows())
    assert "emo-rel" not in plain and "test F1" not in plain and plain == bars_html(rows(), {})


def test_chips_warn_about_shaky_emotions():
    trust = {"gratitude": Reliability(0.853, 352), "grief": Reliability(0.12, 6)}
    html = detected_html(rows(), reliability=trust)
    assert html.count('class="emo-chip"') == 2 and html.count('class="emo-warn"') == 1
    assert "test F1 0.12 · n=6, so trust it less" in html and "test F1 0.85 · n=352" in html
    assert "emo-warn" not in detected_html(rows())
