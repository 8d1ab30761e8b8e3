"""Publish to the Hugging Face Hub: the model repo (checkpoint, thresholds, card) and the Space (the app).

``python -m emotions publish --target all`` builds each repo's exact bundle in a staging folder,
checks the token and that the Hub answers (``whoami``) before any write, then creates the repos if
needed, uploads each bundle (files no longer in it are deleted on the Hub) and points the Space at
the model repo through its ``EMOTIONS_MODEL_REPO`` variable. ``--dry-run`` only lists the bundles.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from emotions.model.backends import onnx_available
from emotions.model.calibration_maps import MAPS_FILE, maps_for
from emotions.model.checkpoint import check_checkpoint
from emotions.model.hub import LOCAL_MODEL_DIR, LOCAL_THRESHOLDS, PROJECT_ROOT, hub_timeout, within
from emotions.model.onnxfiles import export_beside
from emotions.model.thresholds import THRESHOLDS_FILE, load_thresholds

logger = logging.getLogger(__name__)
TARGETS = ("model", "space", "all")
# The Space runs app.py with the parts of the package that serve (emotions.model, serve and text);
# weights and thresholds come from the model repo.
SPACE_FILES = (
    "app.py", "requirements.txt", "README.md", "docs/*.png", "docs/*.md",  # the card links the docs
    "emotions/__init__.py", "emotions/labels.py", "emotions/csvout.py", "emotions/model/*.py", "emotions/serve/*.py", "emotions/text/*.py",
)  # fmt: skip
SPACE_REQUIRED = ("app.py", "requirements.txt", "README.md", "emotions/__init__.py")
# Never in the Space, whatever SPACE_FILES grows into.
SPACE_FORBIDDEN = (
    "tests/*", "data/*", "*__pycache__*", "*.pyc", ".git*", "*.env", ".env*", "*secret*", "*.pem",
    "*.key", "*.safetensors", "*.bin", "*.pt", "*.pth", "*.ckpt", "*.onnx", "model/*", "student/*", "thresholds/*",
    "runs/*", "artifacts/*", "reports/*", ".venv/*",
    "emotions/train/*", "emotions/tools/*",  # training, benchmarks, publishing: not what a Space runs
)  # fmt: skip
# Training leftovers in model/ that are not part of the published checkpoint.
MODEL_SKIP = (".*", "*.bin", "*.pt", "*.pth", "*.ckpt", "optimizer*", "scheduler*", "rng_state*")
COLORS = ("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray")
SPACE_CARD_KEYS = (
    "title", "emoji", "colorFrom", "colorTo", "sdk", "sdk_version", "python_version", "app_file",
    "short_description", "license", "models",
)  # fmt: skip


@dataclass
class PublishConfig:
    target: str = field(default="all", metadata={"help": f"What to publish: one of {TARGETS}."})
    model_repo: str | None = field(default=None, metadata={"help": "Model repo id [$EMOTIONS_MODEL_REPO]."})
    space_repo: str | None = field(default=None, metadata={"help": "Space repo id [$EMOTIONS_SPACE_REPO]."})
    dry_run: bool = field(default=False, metadata={"help": "Build and list the bundles only: no network."})
    staging_dir: str = field(default="artifacts/publish", metadata={"help": "Where bundles are built."})
    only_if_changed: bool = field(default=False, metadata={"help": "Skip repos already up to date (hashes)."})
    model_dir: str = field(default=str(LOCAL_MODEL_DIR), metadata={"help": "Checkpoint folder to publish."})
    thresholds: str = field(default=str(LOCAL_THRESHOLDS), metadata={"help": "thresholds.json to publish."})
    project_dir: str = field(default=str(PROJECT_ROOT), metadata={"help": "Where the app's files are."})

    def __post_init__(self) -> None:
        from huggingface_hub.utils import validate_repo_id

        if self.target not in TARGETS:
            raise ValueError(f"target={self.target!r} is not supported: choose one of {TARGETS}.")
        self.model_repo = self.model_repo or os.environ.get("EMOTIONS_MODEL_REPO") or None
        self.space_repo = self.space_repo or os.environ.get("EMOTIONS_SPACE_REPO") or None
        for repo in (self.model_repo, self.space_repo):
            if repo:
                validate_repo_id(repo)  # HFValidationError is a ValueError
        staging = Path(self.staging_dir).resolve()
        if staging in (Path(self.project_dir).resolve(), *Path(self.project_dir).resolve().parents):
            raise ValueError(f"staging_dir={self.staging_dir!r} holds the project: pick an empty folder.")
        if not self.dry_run and not self.model_repo:
            raise ValueError("No model repo: pass --model-repo or set EMOTIONS_MODEL_REPO.")
        if not self.dry_run and self.target != "model" and not self.space_repo:
            raise ValueError("No Space: pass --space-repo or set EMOTIONS_SPACE_REPO.")

    @property
    def kinds(self) -> list[str]:
        return ["model", "space"] if self.target == "all" else [self.target]


@dataclass
class Bundle:
    kind: str  # "model" or "space"
    repo_id: str | None
    folder: Path
    sizes: dict[str, int]  # path in the repo -> bytes


def model_files(model_dir: Path, thresholds: Path) -> dict[str, Path]:
    """The model repo: the checkpoint and card from ``model_dir`` plus ``thresholds/thresholds.json``
    (and the calibration maps beside it, when it uses them)."""
    check_checkpoint(model_dir)
    if not (model_dir / "README.md").is_file():
        raise FileNotFoundError(f"{model_dir / 'README.md'} is missing: the model repo needs its card.")
    id2label = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["id2label"]
    thresholds = thresholds / THRESHOLDS_FILE if thresholds.is_dir() else thresholds
    labels = [id2label[k] for k in sorted(id2label, key=int)]
    load_thresholds(thresholds, labels)
    files = {p.name: p for p in sorted(model_dir.iterdir()) if p.is_file()}
    files = {n: p for n, p in files.items() if not any(fnmatch(n, s) for s in MODEL_SKIP)}
    files[f"thresholds/{THRESHOLDS_FILE}"] = thresholds
    if maps_for(thresholds, labels) is not None:  # checked: the published maps load
        files[f"thresholds/{MAPS_FILE}"] = thresholds.parent / MAPS_FILE
    return files


def space_files(project_dir: Path) -> dict[str, Path]:
    """The Space repo: the app, the package's code, requirements and the README (the Space card)."""
    files = {p.relative_to(project_dir).as_posix(): p for pat in SPACE_FILES for p in project_dir.glob(pat)}
    files = {rel: p for rel, p in sorted(files.items()) if p.is_file()}
    if missing := [rel for rel in SPACE_REQUIRED if rel not in files]:
        raise FileNotFoundError(f"The Space needs {missing}, not found in {project_dir}.")
    if bad := [rel for rel in files if any(fnmatch(rel, pat) for pat in SPACE_FORBIDDEN)]:
        raise ValueError(f"Refusing to put {bad} in the Space: no tests, data, caches, secrets, weights.")
    return files


def gradio_pin(requirements: Path) -> str | None:
    text = requirements.read_text(encoding="utf-8")
    found = re.search(r"^gradio(?:\[[\w,]+\])?==([\w.]+)\s*(?:#.*)?$", text, re.M)
    return found and found.group(1)


def check_space_card(card: dict, bundle: set[str], gradio_version: str | None) -> None:
    """Raise ValueError when the README front matter would not make a working Space."""
    problems = [f"missing {key}" for key in SPACE_CARD_KEYS if not card.get(key)]
    problems += [f"{k} not in {COLORS}" for k in ("colorFrom", "colorTo") if card.get(k) not in COLORS]
    if card.get("sdk") != "gradio" or str(card.get("sdk_version")) != gradio_version:
        problems.append(f"sdk must be gradio, sdk_version {gradio_version} as in requirements.txt")
    version = card.get("python_version")
    minor = re.fullmatch(r"3\.(\d+)(\.\d+)?", version) if isinstance(version, str) else None
    if not minor or int(minor.group(1)) < 11:
        problems.append(f"python_version must be a quoted string >= '3.11', not {version!r}")
    if card.get("app_file") not in bundle:
        problems.append(f"app_file {card.get('app_file')!r} is not in the bundle")
    if len(str(card.get("short_description", ""))) > 60:
        problems.append("short_description is longer than 60 characters")
    if problems:
        raise ValueError(f"README.md front matter is not a valid Space card: {'; '.join(problems)}.")


def build_bundle(kind: str, config: PublishConfig) -> Bundle:
    """Copy one repo's exact contents into ``<staging_dir>/hub-<kind>`` (emptied first)."""
    project = Path(config.project_dir)
    if kind == "model":
        files = model_files(Path(config.model_dir), Path(config.thresholds))
    else:
        files = space_files(project)
    folder = Path(config.staging_dir) / f"hub-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    for rel, src in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, folder / rel)
    if kind == "model" and onnx_available():  # the app's int8 file, so the Space need not export
        files.update({f"onnx/{p.name}": p for p in export_beside(folder, keep_fp32=False)})
    elif kind == "model":
        logger.warning("onnxruntime/onnx not installed: the model repo goes without its int8 ONNX file.")
    if kind == "space":
        from huggingface_hub import SpaceCard

        card = SpaceCard.load(folder / "README.md")
        if config.model_repo:  # the card links the model repo the Space really loads
            card.data.models = [config.model_repo]
            card.save(folder / "README.md")
        check_space_card(card.data.to_dict(), set(files), gradio_pin(project / "requirements.txt"))
    repo_id = config.model_repo if kind == "model" else config.space_repo
    return Bundle(kind, repo_id, folder, {rel: (folder / rel).stat().st_size for rel in files})


def describe(bundle: Bundle) -> str:
    total = sum(bundle.sizes.values())
    lines = [f"{bundle.kind} bundle for {bundle.repo_id or '(no repo id)'}: {len(bundle.sizes)} files, "
             f"{total / 1e6:.2f} MB in {bundle.folder}"]  # fmt: skip
    return "\n".join(lines + [f"  {size:>12,d}  {rel}" for rel, size in bundle.sizes.items()])


def unchanged_on_hub(api, bundle: Bundle, repo_type: str) -> bool:
    """True when the repo holds exactly the bundle's files with the same contents (git/LFS hashes)."""
    from huggingface_hub import RepoFile
    from huggingface_hub.errors import RepositoryNotFoundError

    try:
        tree = api.list_repo_tree(bundle.repo_id, recursive=True, repo_type=repo_type)
        remote = {f.path: f for f in tree if isinstance(f, RepoFile) and f.path != ".gitattributes"}
    except RepositoryNotFoundError:
        return False
    if set(remote) != set(bundle.sizes):
        return False
    for rel, info in remote.items():
        if rel.startswith("onnx/"):
            continue  # named by the weights' hash and the recipe; exports are not byte-stable
        data = (bundle.folder / rel).read_bytes()
        if info.lfs is not None:
            same = hashlib.sha256(data).hexdigest() == info.lfs.sha256
        else:
            same = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == info.blob_id
        if not same:
            return False
    return True


def connect():
    """An authenticated ``HfApi`` after checking, before any write, that the Hub answers and accepts the token."""
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    token = get_token()
    if not token:
        raise ValueError("No Hugging Face token: set HF_TOKEN to a write token. Nothing was published.")
    api = HfApi(token=token, library_name="emotions")
    try:
        me = within(hub_timeout(), api.whoami)  # whoami has no timeout: a silent Hub would hang
    except HfHubHTTPError as err:
        if getattr(err.response, "status_code", None) in (401, 403):
            raise ValueError(f"The Hub rejected HF_TOKEN ({err}). Nothing was published.") from None
        raise ConnectionError(f"The Hub at {api.endpoint} failed: {err}. Nothing was published.") from err
    except Exception as err:  # connection refused, DNS, offline mode, timeouts
        raise ConnectionError(
            f"Cannot reach the Hugging Face Hub at {api.endpoint} ({type(err).__name__}: {err}). "
            "Nothing was published."
        ) from err
    if me.get("auth", {}).get("accessToken", {}).get("role") == "read":
        raise ValueError("HF_TOKEN is read-only: publishing needs a write token. Nothing was published.")
    logger.info("Publishing to %s as %s", api.endpoint, me.get("name"))
    return api


def source_revision() -> str:
    sha = os.environ.get("GITHUB_SHA")
    if not sha:
        run = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT)
        sha = run.stdout.strip() if run.returncode == 0 else "a local tree"
    return sha[:12]


def publish(config: PublishConfig) -> dict[str, str]:
    """Build the bundles, then (unless ``dry_run``) upload them; returns ``{kind: what happened}``."""
    bundles = [build_bundle(kind, config) for kind in config.kinds]  # local checks before any network
    for bundle in bundles:
        print(describe(bundle), flush=True)
    if config.dry_run:
        return {b.kind: "dry run" for b in bundles}
    api = connect()
    done = {}
    for bundle in bundles:
        repo_type = "space" if bundle.kind == "space" else "model"
        extra = {"space_sdk": "gradio"} if repo_type == "space" else {}
        api.create_repo(bundle.repo_id, repo_type=repo_type, exist_ok=True, **extra)
        if repo_type == "space":  # before the upload, so the new build already loads the right model
            current = api.get_space_variables(bundle.repo_id).get("EMOTIONS_MODEL_REPO")
            if getattr(current, "value", None) != config.model_repo:
                api.add_space_variable(bundle.repo_id, "EMOTIONS_MODEL_REPO", config.model_repo)
                logger.info("Set EMOTIONS_MODEL_REPO=%s on %s", config.model_repo, bundle.repo_id)
        if config.only_if_changed and unchanged_on_hub(api, bundle, repo_type):
            logger.info("%s already holds this %s bundle: nothing to upload.", bundle.repo_id, bundle.kind)
            done[bundle.kind] = "unchanged"
            continue
        info = api.upload_folder(
            repo_id=bundle.repo_id, folder_path=bundle.folder, repo_type=repo_type, delete_patterns="*",
            commit_message=f"Publish {bundle.kind} from {source_revision()}",
        )  # fmt: skip
        logger.info("Published %s to %s", bundle.kind, getattr(info, "commit_url", bundle.repo_id))
        done[bundle.kind] = "uploaded"
    return done
