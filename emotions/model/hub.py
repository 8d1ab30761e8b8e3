"""Find the model to serve: a Hub repo when configured, else (or on failure) the bundled copy.

Publishing (``python -m emotions publish``) lives in ``emotions.tools.publish``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from emotions.labels import ROLLUPS_FILE

from .calibration_maps import MAPS_FILE
from .checkpoint import check_checkpoint
from .onnxfiles import INT8_NAME
from .thresholds import THRESHOLDS_FILE

logger = logging.getLogger(__name__)
T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the folder holding app.py
LOCAL_MODEL_DIR = PROJECT_ROOT / "model"
LOCAL_THRESHOLDS = PROJECT_ROOT / "thresholds" / THRESHOLDS_FILE
# Seconds the whole Hub download may take before the app falls back. Some huggingface_hub
# calls (repo_info, the file listing) have no timeout, so a Hub that accepts connections but
# never answers would otherwise hang start-up for ever. EMOTIONS_HUB_TIMEOUT overrides it.
HUB_TIMEOUT = 180.0
# What the app needs from a model repo; everything else there is skipped.
MODEL_FILES = [
    "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "vocab.txt", "README.md", f"thresholds/{THRESHOLDS_FILE}",
    THRESHOLDS_FILE, ROLLUPS_FILE,  # thresholds or roll-up views in the model folder itself
    f"thresholds/{MAPS_FILE}", MAPS_FILE,  # calibration maps, beside the thresholds that use them
    "per_class.csv",  # the test report's per-class F1 and support (emotions.model.reliability)
    f"onnx/*-{INT8_NAME}.onnx",  # the app's int8 backend, exported by publish: no export at start
]  # fmt: skip


@dataclass
class ResolvedModel:
    model_dir: Path
    thresholds: Path | None  # None: look beside the model (find_thresholds, below)
    source: str  # for the page footer: "owner/name@revision" or "local: model/"
    repo_id: str | None = None
    revision: str | None = None


def find_thresholds(model_dir: str | Path) -> Path | None:
    """The thresholds published beside a model: ``thresholds/thresholds.json`` (as the Hub repo
    holds it) or ``thresholds.json`` in its folder; for the bundled model, the repo's
    ``thresholds/thresholds.json``. None when there are none."""
    model_dir = Path(model_dir)
    found = [model_dir / "thresholds" / THRESHOLDS_FILE, model_dir / THRESHOLDS_FILE]
    if model_dir.resolve() == LOCAL_MODEL_DIR.resolve():
        found.append(LOCAL_THRESHOLDS)
    return next((path for path in found if path.is_file()), None)


def local_model(
    model_dir: Path = LOCAL_MODEL_DIR, thresholds: Path | None = LOCAL_THRESHOLDS
) -> ResolvedModel:
    """A local copy: by default the one bundled with the app (``model/`` and ``thresholds/``)."""
    found = Path(thresholds) if thresholds else None
    return ResolvedModel(Path(model_dir), found, source=f"local: {Path(model_dir).name}/")


def download_model(repo_id: str, revision: str | None = None) -> ResolvedModel:
    """Download the checkpoint (and the thresholds beside it, if any) from a Hub model repo (cached)."""
    from huggingface_hub import snapshot_download

    folder = Path(
        within(
            hub_timeout(),
            snapshot_download,
            repo_id,
            revision=revision,
            allow_patterns=MODEL_FILES,
            etag_timeout=5,
        )
    )
    check_checkpoint(folder)
    return ResolvedModel(folder, None, f"{repo_id}@{revision or 'main'}", repo_id, revision)


def hub_timeout() -> float:
    return float(os.environ.get("EMOTIONS_HUB_TIMEOUT") or HUB_TIMEOUT)


def within(seconds: float, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or ``TimeoutError`` if it has not returned after ``seconds``.

    It runs in a daemon thread: one stuck on a silent socket is abandoned, not waited for.
    """
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as err:  # handed to the caller
            box["error"] = err

    worker = threading.Thread(target=run, name="hub-download", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"no answer from the Hub within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def resolve_model(
    repo_id: str | None = None,
    revision: str | None = None,
    fallback: ResolvedModel | None = None,
) -> ResolvedModel:
    """The Hub repo if given and reachable, else the bundled copy.

    ``repo_id``/``revision`` default to ``$EMOTIONS_MODEL_REPO``/``$EMOTIONS_MODEL_REVISION``.
    Any Hub failure (offline, not found, interrupted, no answer within ``HUB_TIMEOUT``
    seconds) falls back with a warning; with
    nothing to fall back to, it raises naming both problems.
    """
    repo_id = repo_id if repo_id is not None else os.environ.get("EMOTIONS_MODEL_REPO") or None
    revision = revision if revision is not None else os.environ.get("EMOTIONS_MODEL_REVISION") or None
    fallback = fallback or local_model()
    if not repo_id:
        return fallback
    try:
        return download_model(repo_id, revision)
    except Exception as err:  # offline, 404, interrupted download, broken files: all fall back
        problem = f"{type(err).__name__}: {err}".splitlines()[0]
        return fall_back(
            fallback, f"Could not get model {repo_id}@{revision or 'main'} from the Hub ({problem})", err
        )


def fall_back(
    fallback: ResolvedModel, failed: str, err: BaseException, error: type[Exception] = FileNotFoundError
) -> ResolvedModel:
    """The bundled copy, once ``failed`` (what went wrong with the Hub model) is logged; raises
    ``error`` naming both problems when there is no bundled copy."""
    if not fallback.model_dir.is_dir():
        raise error(
            f"{failed}, and there is no bundled model at {fallback.model_dir} to fall back to."
        ) from err
    logger.warning("%s; using the bundled copy in %s.", failed, fallback.model_dir)
    return fallback


def load_resolved(
    load: Callable[[ResolvedModel], T],
    fallback: ResolvedModel | None = None,
    repo_id: str | None = None,
    revision: str | None = None,
) -> T:
    """``load(resolved)`` for the model :func:`resolve_model` finds; a Hub model that downloads
    but does not load (``ValueError``, ``OSError``) falls back to the bundled copy too."""
    fallback = fallback or local_model()
    resolved = resolve_model(repo_id, revision, fallback)
    logger.info("Loading %s", resolved.source)
    try:
        return load(resolved)
    except (ValueError, OSError) as err:
        if resolved.repo_id is None:
            raise
        return load(fall_back(fallback, f"Model {resolved.source} does not load ({err})", err, ValueError))
