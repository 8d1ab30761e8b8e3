"""The thread budget: torch's, the process's cores, and a container's CPU quota."""

from __future__ import annotations

import os

import pytest

from emotions.model import backends, onnxfiles, threads
from emotions.model.inference import EmotionClassifier


@pytest.fixture
def quota_file(tmp_path, monkeypatch):
    path = tmp_path / "cpu.max"
    monkeypatch.setattr(threads, "CGROUP_CPU_MAX", path)
    return path


@pytest.mark.parametrize(
    "content, cores",
    [("200000 100000\n", 2), ("150000 100000", 2), ("50000 100000", 1), ("max 100000", None), ("", None)],
)
def test_a_containers_quota_is_read_as_whole_cores(quota_file, content, cores):
    quota_file.write_text(content)
    assert threads.cpu_quota() == cores


def test_no_quota_file_means_no_quota(quota_file):
    assert threads.cpu_quota() is None
    seen = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert threads.usable_cores() == seen


def test_sessions_and_int8_copies_keep_within_the_quota(quota_file, monkeypatch, tiny_model_dir, tmp_path):
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "onnx"))
    path = EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8").runner.path
    monkeypatch.setattr(threads, "torch_threads", lambda: 0)  # as in the app, where torch is not loaded
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert threads.default_threads() == 0  # no quota: ONNX Runtime's own default
    assert backends.per_text(path).workers == backends.MAX_COPIES  # 16 cores seen, 8 copies at most
    quota_file.write_text("100000 100000")
    assert threads.usable_cores() == 1 and threads.default_threads() == 1
    assert backends.per_text(path).workers == 1  # one core allowed: no copies, rows in turn
