"""``python -m emotions sweep`` on a tiny model: a study in SQLite that resumes, a results table,
and best values that ``train --config`` reads back; bad search spaces are clear errors."""

import json

import optuna
import pytest
from helpers import make_tiny_checkpoint, the_one_error_logged, write_tiny_goemotions

from emotions.cli import main
from emotions.train import sweep as sweep_module
from emotions.train.searchspace import DEFAULT_SPACE, TUNABLE, load_space

SPACE = {
    "learning_rate": {"type": "float", "low": 1e-4, "high": 1e-3, "log": True},
    "loss": {"type": "categorical", "choices": ["bce", "focal"]},
    "pooling": {"type": "categorical", "choices": ["mean", "cls"]},
}


@pytest.fixture
def setup(tmp_path):
    base = make_tiny_checkpoint(tmp_path / "base")
    data = write_tiny_goemotions(tmp_path / "data", (("train", 120), ("dev", 60)))
    space = tmp_path / "space.json"
    space.write_text(json.dumps(SPACE))
    return tmp_path, base, data, space


def sweep_args(root, base, data, space, trials):
    return [
        "sweep", "--space", str(space), "--trials", str(trials), "--sweep-dir", str(root / "sweep"),
        "--base-model", str(base), "--data-dir", str(data), "--epochs", "1", "--batch-size", "16",
        "--max-length", "16", "--emoji-examples", "0",
    ]  # fmt: skip


def trials(root):
    study = optuna.load_study(study_name="emotions", storage=f"sqlite:///{root / 'sweep' / 'study.db'}")
    return study.get_trials(deepcopy=False)


def test_a_sweep_resumes_within_its_budget_and_train_reads_the_best_values(setup):
    root, base, data, space = setup
    assert main(sweep_args(root, base, data, space, 2)) == 0
    assert len(trials(root)) == 2
    recipe = trials(root)[0].params  # trial 0 is train's own recipe, the baseline
    assert recipe == {"learning_rate": pytest.approx(1e-4), "loss": "focal", "pooling": "mean"}
    assert main(sweep_args(root, base, data, space, 3)) == 0  # one more, not three
    done = trials(root)
    assert len(done) == 3 and all(t.state.name in ("COMPLETE", "PRUNED") for t in done)
    table = (root / "sweep" / "results.md").read_text()
    assert table.startswith("| trial | state | dev macro-F1 (calibrated) |") and table.count("\n") == 5
    assert (root / "sweep" / "results.csv").read_text().count("\n") == 4
    best = json.loads((root / "sweep" / "best_args.json").read_text())
    assert set(best) == set(SPACE)
    top = max((t for t in done if t.value is not None), key=lambda t: t.value)
    assert top.params == best
    out = root / "retrained"
    args = ["train", "--config", str(root / "sweep" / "best_args.json"), "--base-model", str(base)]
    args += ["--data-dir", str(data), "--output-dir", str(out), "--epochs", "1", "--max-length", "16"]
    assert main([*args, "--emoji-examples", "0"]) == 0
    recipe = json.loads((out / "training_config.json").read_text())
    assert recipe["pooling"] == best["pooling"] and recipe["learning_rate"] == pytest.approx(
        best["learning_rate"]
    )
    assert recipe["epochs"] == 1  # the command line overrides the file


def test_a_trial_cut_off_is_run_again_with_the_same_values(setup, monkeypatch):
    root, base, data, space = setup
    real, calls = sweep_module.build_model, []

    def interrupted(*args, **kwargs):  # __init__'s model, trial 0, then trial 1 is cut off
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "build_model", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(sweep_args(root, base, data, space, 2))
    cut = [t for t in trials(root) if t.state.name == "FAIL"]
    assert len(cut) == 1
    monkeypatch.setattr(sweep_module, "build_model", real)
    assert main(sweep_args(root, base, data, space, 2)) == 0
    after = trials(root)
    finished = [t for t in after if t.state.name in ("COMPLETE", "PRUNED")]
    assert len(finished) == 2
    assert after[-1].params == cut[0].params  # the cut-off trial's values, tried again


@pytest.mark.parametrize(
    "space, message",
    [
        (
            {"learnin_rate": {"type": "float", "low": 1, "high": 2}},
            "'learnin_rate' is not a parameter a sweep",
        ),
        ({"epochs": {"type": "int", "low": 3, "high": 3}}, "epochs has an empty range \\(low=3, high=3\\)"),
        ({"loss": {"type": "categorical", "choices": []}}, 'loss has an empty range: give "choices"'),
        ({"epochs": {"low": 1, "high": 3}}, 'epochs needs a "type"'),
        ({"learning_rate": {"type": "float", "low": 0, "high": 1, "log": True}}, "low=0 must be positive"),
        ({}, "must be a non-empty JSON object"),
    ],
)
def test_bad_search_spaces_name_the_fix(tmp_path, space, message):
    path = tmp_path / "space.json"
    path.write_text(json.dumps(space))
    with pytest.raises(ValueError, match=message):
        load_space(path)


def test_the_default_space_is_valid_and_a_missing_file_is_a_clear_error(setup, caplog):
    assert {p.name for p in load_space(DEFAULT_SPACE)} <= set(TUNABLE)
    root, base, data, _ = setup
    assert main(sweep_args(root, base, data, root / "nope.json", 1)) == 1
    assert "nope.json not found: pass --space with a JSON search-space file" in the_one_error_logged(caplog)
    (root / "bad.json").write_text("{nope")
    assert main(["train", "--config", str(root / "bad.json")]) == 2


def test_with_report_to_wandb_each_trial_is_a_weights_and_biases_run_offline(setup, monkeypatch):
    pytest.importorskip("wandb")
    root, base, data, space = setup
    for name, value in {"WANDB_MODE": "offline", "WANDB_DIR": str(root), "WANDB_SILENT": "true"}.items():
        monkeypatch.setenv(name, value)
    assert main([*sweep_args(root, base, data, space, 2), "--report-to", "wandb"]) == 0
    assert len(list((root / "wandb").glob("offline-run-*"))) == 2
