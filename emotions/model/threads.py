"""How many threads a model may use: torch's budget, the process's cores, a container's quota.

A container can see every core of its host and be allowed two (Docker's ``--cpus``, a Space's
hardware): a thread for each core it sees then waits for its turn, so the quota counts.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # a container's CPU quota: "<quota> <period>", or "max"


def torch_threads() -> int:
    """torch's thread count when torch is loaded, else what it would start with
    (``$OMP_NUM_THREADS``, or 0: ONNX Runtime's default, one per physical core, as torch's)."""
    if "torch" in sys.modules:
        return sys.modules["torch"].get_num_threads()
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() else 0


def cpu_quota() -> int | None:
    """The cores a container's CPU quota allows (cgroup v2, rounded up), or None without one."""
    try:
        quota, period = CGROUP_CPU_MAX.read_text().split()[:2]
        return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no such file (not Linux, cgroup v1), or "max": no quota
        return None


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (Linux), within a container's quota."""
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    return min(cores, cpu_quota() or cores)


def default_threads() -> int:
    """Threads for a session when none are asked for: torch's budget; else, in a container with a
    CPU quota, the cores it allows; else 0 (ONNX Runtime's default, one per physical core)."""
    return torch_threads() or (usable_cores() if cpu_quota() else 0)
