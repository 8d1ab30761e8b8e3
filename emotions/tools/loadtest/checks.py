"""What a load test measures, and its checks: one function each.

A check is True (passed), False (failed) or None (nothing to judge it on, e.g. no server probe
when attached to a running app with ``--url``). :mod:`.report` gathers them.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MARKER = "zqlt"  # in every text sent; must not show up in the server log
MODEL_QUEUE = "model"  # the concurrency_id app.py gives its model events


@dataclass
class Result:
    client: int
    seq: int  # the client's n-th request
    phase: str  # "burst" or "soak"
    kind: str  # "predict" or "predict_batch"
    start: float  # monotonic seconds, when the client sent it
    end: float  # when the client had the answer
    ok: bool
    error: str = ""
    wait: float | None = None  # server side: queued -> started (from the probe)
    service: float | None = None  # server side: started -> ended
    ahead: int | None = None  # server side: model events that started while it was queued

    @property
    def latency(self) -> float:
        return self.end - self.start


def read_trace(trace: Path | None, run) -> list[list] | None:
    """The probe's model-queue events, in the order they were queued; server wait and service
    time copied onto the matching results (a client's k-th event is its k-th request)."""
    if trace is None or not trace.is_file():
        return None
    lines = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    run.model_runs = [r[2:] for r in lines if r[0] == "run" and r[1] == MODEL_QUEUE]
    rows = sorted((r for r in lines if r[0] != "run" and r[2] == MODEL_QUEUE), key=lambda r: r[3])
    by_client: dict[int, list[list]] = {}
    for row in rows:
        if row[1] in run.sessions:
            by_client.setdefault(run.sessions[row[1]], []).append(row)
    starts = sorted(r[4] for r in rows)
    for result in run.results:
        events = by_client.get(result.client, [])
        if result.seq < len(events):
            _, _, _, queued, start, end = events[result.seq]
            result.wait, result.service = start - queued, end - start
            result.ahead = bisect.bisect_left(starts, start) - bisect.bisect_right(starts, queued)
    return rows


def count_inversions(values: list) -> int:
    """Pairs out of order in ``values`` (merge sort, n log n)."""

    def sort(xs: list) -> tuple[list, int]:
        if len(xs) < 2:
            return xs, 0
        left, a = sort(xs[: len(xs) // 2])
        right, b = sort(xs[len(xs) // 2 :])
        merged, n, i, j = [], a + b, 0, 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                merged.append(left[i])
                i += 1
            else:
                merged.append(right[j])
                n += len(left) - i
                j += 1
        return merged + left[i:] + right[j:], n

    return sort(list(values))[1]


def most_at_once(intervals: list[list[float]]) -> int:
    """The most (start, end) intervals overlapping: model functions running at the same time."""
    edges = sorted(
        [(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals], key=lambda e: (e[0], e[1])
    )
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


def client_inversions(results: list[Result], slack: float) -> int:
    """Pairs where one request was sent ``slack`` s before another but answered ``slack`` s after it."""
    if len(results) < 2:
        return 0
    start = np.array([r.start for r in results])
    end = np.array([r.end for r in results])
    return int(((start[:, None] + slack < start[None, :]) & (end[:, None] > end[None, :] + slack)).sum())


def jain(values: list[float]) -> float:
    x = np.asarray(values, dtype=float)
    return float(x.sum() ** 2 / (len(x) * (x**2).sum())) if len(x) and (x**2).sum() else 1.0


def pct(values, q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if len(values) else None


def phase_stats(results: list[Result], config) -> dict:
    ok = [r for r in results if r.ok]
    lat = np.array([r.latency for r in ok])
    waits = np.array([r.wait for r in ok if r.wait is not None])
    service = np.array([r.service for r in ok if r.service is not None])
    ahead = [r.ahead for r in ok if r.ahead is not None]
    probed = len(ok) > 0 and len(ahead) == len(ok)
    if probed:  # FIFO, one request in flight per client: nobody waits for more than the others once
        bound, starved = config.clients - 1, sum(a > config.clients - 1 for a in ahead)
    else:  # client side only: no latency far above the median
        bound = config.starve_factor * float(np.median(lat)) + 1.0 if ok else None
        starved = int((lat > bound).sum()) if ok else 0
    per_client: dict[int, list[Result]] = {}
    for r in results:
        per_client.setdefault(r.client, []).append(r)
    means = [float(np.mean([r.latency for r in rs if r.ok] or [0.0])) for rs in per_client.values()]
    own_order = all(
        [r.seq for r in sorted(rs, key=lambda r: r.end)] == sorted(r.seq for r in rs)
        for rs in per_client.values()
    )
    span = (max(r.end for r in results) - min(r.start for r in results)) if results else 0.0
    return {
        "requests": len(results),
        "single": sum(r.kind == "predict" for r in results),
        "batch": sum(r.kind == "predict_batch" for r in results),
        "errors": len(results) - len(ok),
        "latency_s": {"p50": pct(lat, 50), "p95": pct(lat, 95), "max": pct(lat, 100)},
        "server_wait_s": {"p50": pct(waits, 50), "p95": pct(waits, 95), "max": pct(waits, 100)},
        "server_service_s": {"p50": pct(service, 50), "p95": pct(service, 95), "max": pct(service, 100)},
        "throughput_rps": round(len(ok) / span, 2) if span else None,
        "client_side_inversions": client_inversions(results, config.order_slack),
        "own_order_kept": own_order,
        "max_events_ahead": max(ahead) if ahead else None,
        "starvation_rule": f"a request waited for more than {bound} other requests (server side)"
        if probed
        else f"latency over {config.starve_factor} x median + 1 s = {bound} s (client side)",
        "starved": starved,
        "client_mean_latency_s": {"min": round(min(means), 4), "max": round(max(means), 4)}
        if means
        else None,
        "jain_fairness": round(jain(means), 4),
    }


def all_answered(total: int, expected: int, connect_errors: list[str]) -> bool:
    """Every request was answered (within the time allowed) and every client connected."""
    return total == expected and not connect_errors


def zero_errors(phases: dict, connect_errors: list[str]) -> bool:
    """No request got an error, in any phase."""
    return not connect_errors and all(p["errors"] == 0 for p in phases.values())


def in_order(phases: dict, server_inversions: int | None) -> bool:
    """First come, first served: the server started model events in the order they were queued
    (client-side approximation without the probe), and each client's answers came in order."""
    if server_inversions is None:
        queue_order = all(p["client_side_inversions"] == 0 for p in phases.values())
    else:
        queue_order = server_inversions == 0
    return queue_order and all(p["own_order_kept"] for p in phases.values())


def model_calls_at_once(model_runs: list[list[float]] | None, limit: int) -> bool | None:
    """At most ``limit`` model functions ran at the same time (needs the probe)."""
    return None if model_runs is None else most_at_once(model_runs) <= limit


def no_starvation(phases: dict) -> bool:
    """No request waited longer than a fair queue allows, and clients were served evenly."""
    return all(p["starved"] == 0 and p["jain_fairness"] >= 0.9 for p in phases.values())


def memory_growth(growth: float | None, complete: bool, limit_mb: float) -> bool | None:
    """The server's RSS grew at most ``limit_mb`` after the first 100 requests (a full run only)."""
    return None if growth is None or not complete else growth <= limit_mb


def no_text_in_log(log: Path | None) -> bool | None:
    """No text sent (each carries ``MARKER``) shows up in the server's log."""
    return None if log is None else MARKER not in log.read_text(errors="replace")
