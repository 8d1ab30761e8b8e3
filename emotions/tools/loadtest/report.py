"""A finished load test as figures and checks (JSON), and as the table it prints."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path

from .checks import (
    all_answered,
    count_inversions,
    in_order,
    memory_growth,
    model_calls_at_once,
    most_at_once,
    no_starvation,
    no_text_in_log,
    phase_stats,
    read_trace,
    zero_errors,
)  # fmt: skip


def report(
    run, log: Path | None, trace: Path | None, connect_errors: list[str], wall: float, last_rss
) -> dict:
    """Every figure and check of a finished run (``run``: the clients' shared state)."""
    config = run.config
    rows = read_trace(trace, run)
    phases = {}
    for name in ("burst", "soak"):
        results = [r for r in run.results if r.phase == name]
        if results:
            phases[name] = phase_stats(results, config)
    total = len(run.results)
    expected = max(config.soak_total, config.clients * config.requests)
    first, last = run.rss_after_first, last_rss
    if last is None and run.rss:
        last = run.rss[-1][1]
    growth = None if first is None or last is None else round(last - first, 1)
    server_inversions = None if rows is None else count_inversions([r[0] for r in rows])
    checks = {
        "all answered": all_answered(total, expected, connect_errors),
        "zero errors": zero_errors(phases, connect_errors),
        "in order": in_order(phases, server_inversions),
        "model calls at once": model_calls_at_once(
            None if rows is None else run.model_runs, config.model_concurrency
        ),
        "no starvation": no_starvation(phases),
        "memory growth": memory_growth(growth, total >= expected, config.max_growth_mb),
        "no text in server log": no_text_in_log(log),
    }
    return {
        "command": " ".join(["python -m emotions loadtest", *sys.argv[2:]]),
        "url": run.url,
        "config": asdict(config),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "wall_s": round(wall, 1),
        "requests": total,
        "phases": phases,
        "server_queue": None
        if rows is None
        else {
            "model_events": len(rows),
            "started_out_of_queue_order": server_inversions,
            "model_runs": len(run.model_runs),
            "most_at_once": most_at_once(run.model_runs),
        },
        "rss_mb": {
            "after_first": None if first is None else round(first, 1),
            "first_n": run.first,
            "at_end": None if last is None else round(last, 1),
            "growth": growth,
            "samples": [(n, round(v, 1)) for n, v in run.rss],
        },
        "checks": checks,
        "passed": all(v is not False for v in checks.values()),
        "error_samples": (sorted({r.error for r in run.results if not r.ok})[:5] + connect_errors)[:10],
        "request_fields": [
            "client",
            "seq",
            "phase",
            "kind",
            "start_s",
            "end_s",
            "ok",
            "server_wait_s",
            "service_s",
        ],
        "requests_log": [
            [r.client, r.seq, r.phase, r.kind, round(r.start, 4), round(r.end, 4), r.ok]
            + [None if v is None else round(v, 4) for v in (r.wait, r.service)]
            for r in sorted(run.results, key=lambda r: r.start)
        ],
    }


def table(out: dict) -> str:
    head = ("phase", "requests", "single/batch", "errors", "p50 s", "p95 s", "max s", "req/s", "wait p50/max s", "ahead max", "starved", "fairness")  # fmt: skip
    rows = [head]
    for name, p in out["phases"].items():
        lat, wait = p["latency_s"], p["server_wait_s"]
        waits = "n/a" if wait["p50"] is None else f"{wait['p50']:.3f}/{wait['max']:.3f}"
        rows.append((
            name, str(p["requests"]), f"{p['single']}/{p['batch']}", str(p["errors"]), f"{lat['p50']:.3f}",
            f"{lat['p95']:.3f}", f"{lat['max']:.3f}", str(p["throughput_rps"]), waits, str(p["max_events_ahead"]), str(p["starved"]),
            f"{p['jain_fairness']:.3f}",
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows
    ]
    queue = out["server_queue"]
    if queue:
        lines.append(
            f"server: {queue['model_events']} model events, {queue['started_out_of_queue_order']} started out of "
            f"queue order, at most {queue['most_at_once']} running at once"
        )
    rss = out["rss_mb"]
    lines.append(
        f"server RSS: {rss['after_first']} MB after the first {rss['first_n']} requests, {rss['at_end']} MB after "
        f"{out['requests']}: growth {rss['growth']} MB (limit {out['config']['max_growth_mb']} MB)"
    )
    lines.append(
        "checks: "
        + ", ".join(
            f"{k}: {'n/a' if v is None else 'ok' if v else 'FAILED'}" for k, v in out["checks"].items()
        )
    )
    lines.extend(f"error: {sample}" for sample in out["error_samples"])
    return "\n".join(lines)
