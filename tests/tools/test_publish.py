"""Publishing: the exact bundle for each Hub repo, the README as a Space card, and failing safely."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import make_tiny_checkpoint

from emotions.labels import LABELS
from emotions.model.hub import MODEL_FILES, PROJECT_ROOT
from emotions.model.inference import EmotionClassifier
from emotions.model.onnxfiles import INT8_NAME, weights_key
from emotions.model.thresholds import save_thresholds
from emotions.tools import publish as pub

WRITES = ("create_repo", "upload_folder", "add_space_variable", "create_commit", "delete_file", "upload_file")
MODEL_BUNDLE = {
    "README.md", "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "vocab.txt", "thresholds/thresholds.json",
}  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the app's files, a tiny model, and everything that must stay out of the Space."""
    root = tmp_path / "project"
    shutil.copytree(
        PROJECT_ROOT / "emotions", root / "emotions", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("README.md", "requirements.txt"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    (root / "app.py").write_text("import emotions\n")
    model = make_tiny_checkpoint(root / "model")
    (model / "README.md").write_text("---\nlicense: apache-2.0\n---\n# A tiny model\n")
    (model / "training_args.bin").write_bytes(b"pickle")
    (model / "trainer_state").mkdir()
    (model / "trainer_state" / "log.txt").write_text("step 1")
    save_thresholds(root / "thresholds", LABELS, np.full(len(LABELS), 0.4), np.full(len(LABELS), 0.5))
    junk = [
        "tests/test_app.py", "data/train.tsv", "emotions/__pycache__/app.cpython-311.pyc", ".env",
        ".git/config", "runs/a/model.safetensors", "artifacts/x.json", "reports/r.md", ".venv/bin/python",
        "pytorch_model.bin", "secrets.toml", "docs/notes.txt",
    ]  # fmt: skip
    for rel in junk:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("must not be published")
    (root / "docs" / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def config(project: Path, tmp_path: Path, **kw) -> pub.PublishConfig:
    kw = {"model_repo": "me/emotions-model", "space_repo": "me/emotions-space", **kw}
    return pub.PublishConfig(
        project_dir=str(project), model_dir=str(project / "model"),
        thresholds=str(project / "thresholds" / "thresholds.json"), staging_dir=str(tmp_path / "stage"), **kw,
    )  # fmt: skip


class FakeHub:
    """Records the calls that ``publish`` makes; ``tree`` is what the Hub holds."""

    def __init__(self, tree=None, variables=None):
        self.calls: list[tuple[str, tuple, dict]] = []
        self.tree, self.variables = tree, variables or {}

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            if name == "list_repo_tree":
                if self.tree is None:
                    import httpx2
                    from huggingface_hub.errors import RepositoryNotFoundError

                    response = httpx2.Response(404, request=httpx2.Request("GET", "http://hub/api/tree"))
                    raise RepositoryNotFoundError("Repository not found", response=response)
                return self.tree
            return self.variables if name == "get_space_variables" else None

        return call

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def no_token(monkeypatch, tmp_path):
    import huggingface_hub.constants as constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))


@pytest.fixture
def spy_writes(monkeypatch) -> list[str]:
    """Replace every HfApi write with a recorder; the test asserts it stays empty."""
    from huggingface_hub import HfApi

    done: list[str] = []
    for name in WRITES:
        monkeypatch.setattr(HfApi, name, lambda self, *a, _n=name, **k: done.append(_n))
    return done


def test_space_bundle_holds_exactly_the_app(project, tmp_path):
    bundle = pub.build_bundle("space", config(project, tmp_path))
    serving = [p for area in ("model", "serve", "text") for p in (project / "emotions" / area).glob("*.py")]
    code = {
        "emotions/__init__.py",
        "emotions/labels.py",
        "emotions/csvout.py",
        *(p.relative_to(project).as_posix() for p in serving),
    }
    assert set(bundle.sizes) == {"app.py", "README.md", "requirements.txt", "docs/screenshot.png", *code}
    on_disk = {p.relative_to(bundle.folder).as_posix() for p in bundle.folder.rglob("*") if p.is_file()}
    assert on_disk == set(bundle.sizes)
    card = yaml.safe_load((bundle.folder / "README.md").read_text().split("---")[1])
    assert card["models"] == ["me/emotions-model"]  # the card names the repo the Space loads


def test_model_bundle_holds_checkpoint_thresholds_and_card(project, tmp_path):
    bundle = pub.build_bundle("model", config(project, tmp_path))
    int8 = f"onnx/model-{weights_key(project / 'model')}-{INT8_NAME}.onnx"  # the app's backend
    assert set(bundle.sizes) == MODEL_BUNDLE | {int8}
    assert (
        EmotionClassifier.from_pretrained(bundle.folder, backend="onnx-int8").runner.path
        == bundle.folder / int8
    )
    assert [pat for pat in MODEL_FILES if fnmatch(int8, pat)]  # and the app downloads it
    for rel, size in bundle.sizes.items():
        if rel == int8:
            continue
        source = (
            project / "thresholds" / "thresholds.json"
            if rel.startswith("thresholds/")
            else project / "model" / rel
        )
        assert (bundle.folder / rel).read_bytes() == source.read_bytes() and size == source.stat().st_size


def test_a_rebuild_drops_files_left_from_the_last_one(project, tmp_path):
    cfg = config(project, tmp_path)
    stale = pub.build_bundle("model", cfg).folder / "old.bin"
    stale.write_bytes(b"x")
    assert "old.bin" not in pub.build_bundle("model", cfg).sizes and not stale.exists()


def test_model_bundle_needs_card_and_valid_thresholds(project, tmp_path):
    (project / "thresholds" / "thresholds.json").write_text(json.dumps({"thresholds": {"joy": 0.5}}))
    with pytest.raises(ValueError, match="thresholds"):
        pub.build_bundle("model", config(project, tmp_path))
    (project / "model" / "README.md").unlink()
    with pytest.raises(FileNotFoundError, match="card"):
        pub.build_bundle("model", config(project, tmp_path))


def test_space_bundle_refuses_forbidden_files(project, tmp_path, monkeypatch):
    monkeypatch.setattr(pub, "SPACE_FILES", (*pub.SPACE_FILES, "tests/*.py"))
    with pytest.raises(ValueError, match="tests/test_app.py"):
        pub.build_bundle("space", config(project, tmp_path))
    (project / "app.py").unlink()
    with pytest.raises(FileNotFoundError, match="app.py"):
        pub.space_files(project)


def test_this_repos_space_bundle(tmp_path):
    files = pub.space_files(PROJECT_ROOT)
    assert {
        "app.py",
        "README.md",
        "requirements.txt",
        "emotions/__init__.py",
        "emotions/serve/server.py",
    } <= set(files)
    assert not [rel for rel in files if rel.startswith(("emotions/train/", "emotions/tools/"))]
    assert all(
        rel.endswith(".py") or rel in ("README.md", "requirements.txt") or rel.startswith("docs/")
        for rel in files
    )
    cfg = pub.PublishConfig(target="space", dry_run=True, staging_dir=str(tmp_path), model_repo="me/m")
    assert set(pub.build_bundle("space", cfg).sizes) == set(files)


def test_readme_front_matter_is_a_valid_space_card():
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    card = yaml.safe_load(text.split("---\n")[1])
    assert set(pub.SPACE_CARD_KEYS) <= set(card)
    gradio = pub.gradio_pin(PROJECT_ROOT / "requirements.txt")
    assert gradio and card["sdk"] == "gradio" and card["sdk_version"] == gradio
    assert card["app_file"] == "app.py" and card["python_version"] == "3.11"
    assert isinstance(card["models"], list) and all("/" in m for m in card["models"])
    pub.check_space_card(card, {"app.py"}, gradio)


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"sdk_version": "5.0.0"}, "sdk_version"),
        ({"python_version": 3.1}, "python_version"),
        ({"python_version": "3.10"}, "python_version"),
        ({"colorFrom": "teal"}, "colorFrom"),
        ({"app_file": "main.py"}, "app_file"),
        ({"short_description": "x" * 61}, "short_description"),
        ({"license": None}, "missing license"),
    ],
)
def test_space_card_problems_are_named(change, problem):
    card = yaml.safe_load((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    with pytest.raises(ValueError, match=problem):
        pub.check_space_card({**card, **change}, {"app.py"}, "6.31.0")


def test_dry_run_lists_files_and_sizes_without_network_or_token(
    project, tmp_path, capsys, no_network, no_token
):
    result = pub.publish(config(project, tmp_path, dry_run=True, model_repo=None, space_repo=None))
    assert result == {"model": "dry run", "space": "dry run"}
    out = capsys.readouterr().out
    size = (project / "model" / "model.safetensors").stat().st_size
    assert f"{size:,d}  model.safetensors" in out and "emotions/__init__.py" in out and "(no repo id)" in out


def test_publish_without_token_fails_and_writes_nothing(project, tmp_path, no_token, spy_writes, no_network):
    with pytest.raises(ValueError, match="HF_TOKEN"):
        pub.publish(config(project, tmp_path))
    assert spy_writes == []


@pytest.mark.parametrize("offline", [False, True])
def test_publish_with_hub_unreachable_fails_and_writes_nothing(
    project, tmp_path, monkeypatch, spy_writes, offline
):
    import huggingface_hub.constants as constants

    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")  # nothing listens on port 9
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", offline)
    with pytest.raises(ConnectionError, match=r"Cannot reach the Hugging Face Hub .*Nothing was published"):
        pub.publish(config(project, tmp_path))
    assert spy_writes == []


def test_cli_with_hub_unreachable(project, tmp_path):
    env = {**os.environ, "HF_TOKEN": "hf_not_a_real_token", "HF_ENDPOINT": "http://127.0.0.1:9"}
    args = [sys.executable, "-m", "emotions", "publish", "--target", "model", "--model-repo", "me/m",
            "--model-dir", str(project / "model"), "--thresholds", str(project / "thresholds"),
            "--staging-dir", str(tmp_path / "stage")]  # fmt: skip
    run = subprocess.run(args, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=300)
    assert run.returncode != 0
    assert "Cannot reach the Hugging Face Hub at http://127.0.0.1:9" in run.stderr
    assert "model.safetensors" in run.stdout  # the bundle was built and listed first


def test_read_only_token_is_refused(project, tmp_path, monkeypatch, spy_writes):
    from huggingface_hub import HfApi

    monkeypatch.setenv("HF_TOKEN", "hf_read")
    me = {"name": "me", "auth": {"accessToken": {"role": "read"}}}
    monkeypatch.setattr(HfApi, "whoami", lambda self, *a, **k: me)
    with pytest.raises(ValueError, match="write token"):
        pub.publish(config(project, tmp_path))
    assert spy_writes == []


def test_publish_all_uploads_model_then_space_and_points_the_space_at_the_model(
    project, tmp_path, monkeypatch
):
    hub = FakeHub()
    monkeypatch.setattr(pub, "connect", lambda: hub)
    assert pub.publish(config(project, tmp_path)) == {"model": "uploaded", "space": "uploaded"}
    names = hub.names()
    assert names == ["create_repo", "upload_folder", "create_repo", "get_space_variables",
                     "add_space_variable", "upload_folder"]  # fmt: skip
    (_, model_args, model_kw), (_, _, model_up) = hub.calls[0], hub.calls[1]
    assert model_args == ("me/emotions-model",) and model_kw["repo_type"] == "model" and model_kw["exist_ok"]
    assert model_up["repo_id"] == "me/emotions-model" and model_up["delete_patterns"] == "*"
    assert Path(model_up["folder_path"]) == tmp_path / "stage" / "hub-model"
    assert hub.calls[2][2] == {"repo_type": "space", "exist_ok": True, "space_sdk": "gradio"}
    assert hub.calls[4][1] == ("me/emotions-space", "EMOTIONS_MODEL_REPO", "me/emotions-model")
    space_up = hub.calls[5][2]
    assert space_up["repo_type"] == "space" and Path(space_up["folder_path"]).name == "hub-space"


def remote_tree(folder: Path, lfs: set[str]):
    """What list_repo_tree would answer for a repo holding exactly ``folder``."""
    from huggingface_hub import RepoFile

    files = [RepoFile(path=".gitattributes", size=1, oid="0" * 40)]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel, data = path.relative_to(folder).as_posix(), path.read_bytes()
        if rel in lfs:
            pointer = {"size": len(data), "oid": hashlib.sha256(data).hexdigest(), "pointerSize": 130}
            files.append(RepoFile(path=rel, size=len(data), oid="f" * 40, lfs=pointer))
        else:
            oid = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            files.append(RepoFile(path=rel, size=len(data), oid=oid))
    return files


def test_only_if_changed_compares_git_and_lfs_hashes(project, tmp_path, monkeypatch):
    cfg = config(project, tmp_path, target="model", only_if_changed=True)
    tree = remote_tree(pub.build_bundle("model", cfg).folder, lfs={"model.safetensors"})
    hub = FakeHub(tree=tree)
    monkeypatch.setattr(pub, "connect", lambda: hub)
    assert pub.publish(cfg) == {"model": "unchanged"} and "upload_folder" not in hub.names()

    (project / "model" / "README.md").write_text("# A better card\n")  # the card changed
    assert pub.publish(cfg) == {"model": "uploaded"}
    (project / "model" / "README.md").write_text("---\nlicense: apache-2.0\n---\n# A tiny model\n")
    assert pub.publish(cfg) == {"model": "unchanged"}
    make_tiny_checkpoint(project / "model", seed=1)  # the weights changed (LFS), still a valid file
    assert pub.publish(cfg) == {"model": "uploaded"}


def test_only_if_changed_uploads_when_the_repo_is_new_or_has_extra_files(project, tmp_path, monkeypatch):
    from huggingface_hub import RepoFile

    cfg = config(project, tmp_path, target="space", only_if_changed=True)
    hub = FakeHub(tree=None, variables={})
    monkeypatch.setattr(pub, "connect", lambda: hub)
    assert pub.publish(cfg) == {"space": "uploaded"}  # no such repo yet
    tree = remote_tree(tmp_path / "stage" / "hub-space", lfs=set())
    current = type("Var", (), {"value": "me/emotions-model"})()
    hub = FakeHub(tree=tree, variables={"EMOTIONS_MODEL_REPO": current})
    monkeypatch.setattr(pub, "connect", lambda: hub)
    assert pub.publish(cfg) == {"space": "unchanged"}
    assert "add_space_variable" not in hub.names()  # already points at the model repo
    hub.tree = [*tree, RepoFile(path="old_module.py", size=1, oid="1" * 40)]
    assert pub.publish(cfg) == {"space": "uploaded"}  # so old_module.py is deleted


@pytest.mark.parametrize(
    "kw, problem",
    [
        ({"target": "everything"}, "target"),
        ({"model_repo": None}, "EMOTIONS_MODEL_REPO"),
        ({"space_repo": None}, "EMOTIONS_SPACE_REPO"),
        ({"model_repo": "not a repo id!"}, "Repo id"),
    ],
)
def test_config_is_checked(project, tmp_path, monkeypatch, kw, problem):
    monkeypatch.delenv("EMOTIONS_MODEL_REPO", raising=False)
    monkeypatch.delenv("EMOTIONS_SPACE_REPO", raising=False)
    with pytest.raises(ValueError, match=problem):
        config(project, tmp_path, **kw)


def test_repo_ids_default_from_the_environment_and_staging_never_holds_the_project(project, monkeypatch):
    monkeypatch.setenv("EMOTIONS_MODEL_REPO", "env/model")
    monkeypatch.setenv("EMOTIONS_SPACE_REPO", "env/space")
    cfg = pub.PublishConfig(project_dir=str(project))
    assert (cfg.model_repo, cfg.space_repo) == ("env/model", "env/space")
    for staging in (project, project.parent):
        with pytest.raises(ValueError, match="staging_dir"):
            pub.PublishConfig(project_dir=str(project), staging_dir=str(staging))


def test_the_committed_student_is_a_model_bundle_of_its_own(tmp_path):
    """student/ (the faster model, docs/training.md) publishes like model/: checkpoint, card, thresholds."""
    student = PROJECT_ROOT / "student"
    if not (student / "model.safetensors").is_file():
        pytest.skip("No student/ checkpoint in this checkout")
    files = pub.model_files(student, student / "thresholds" / "thresholds.json")
    assert {"config.json", "model.safetensors", "README.md", "thresholds/thresholds.json"} <= set(files)
    assert "thresholds/calibration_maps.json" in files
    card = (student / "README.md").read_text(encoding="utf-8")
    assert "faster model" in card and "goemotions-minilm-student" in card
    served = EmotionClassifier.from_pretrained(
        student, student / "thresholds" / "thresholds.json", backend="torch"
    )
    assert tuple(served.labels) == tuple(LABELS) and served.calibrated
    assert "gratitude" in served.predict("Thank you so much for your help!")[0].labels
