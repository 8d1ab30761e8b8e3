"""Load test for the emotion reader: concurrent ``gradio_client`` clients against ``python app.py``.

It starts ``app.py`` on a free loopback port (or attaches to ``--url``, loopback only), then
runs two phases, prints a table and writes every number to ``--json``:

1. **Burst**: ``--clients`` clients (threads, one ``gradio_client.Client`` each) start together
   and each sends ``--requests`` requests one after another, a mix of ``/predict`` (one text)
   and ``/predict_batch`` (``--batch-size`` texts, every ``--batch-every``-th request).
2. **Soak**: the same clients keep going until ``--soak-total`` requests have been answered in
   all, while the server's resident memory (``VmRSS``) is read after the first 100 and at the end.

The app is started as ``python app.py`` runs it (``runpy``, ``__name__ == "__main__"``) plus a
probe on Gradio's queue that records, per event, its session, when it was queued, started and
ended: no texts. That gives the server's own view of ordering and waiting; client-side times
alone are not enough, since on a busy machine a client thread can take seconds to send or to
notice an answer.

Checks (exit status 1 if one fails):

- **all answered, zero errors**: every request answered, none with an error, within ``--timeout``.
- **in order**: the model runs one request at a time, first come first served: the server must
  start model events in exactly the order they were queued (0 inversions), and each client's
  requests complete in the order it sent them. With ``--url`` (no probe) the client-side
  approximation is used: no request sent ``--order-slack`` s before another is answered
  ``--order-slack`` s after it.
- **no starvation**: each client has one request in flight, so in a fair queue a request waits
  for at most ``--clients`` - 1 others: the server must start no more than that many model
  events while it is queued (with ``--url``: no latency over ``--starve-factor`` x the median
  + 1 s). And the clients are served evenly: Jain's fairness index of their mean latencies
  >= 0.9 (1.0 is perfectly even).
- **model calls at once**: at most ``--model-concurrency`` (app.py runs one at a time).
- **memory**: server RSS after ``--soak-total`` requests within ``--max-growth-mb`` of its RSS
  after the first 100.
- **no text in the server log**: each text carries a marker that must not show up there.

Loopback only, bounded in count (at most 20,000 requests) and time (``--timeout``). Examples::

    python scripts/loadtest.py                   # model/ and thresholds/: 50 x 20, then to 5,000
    python scripts/loadtest.py --tiny --clients 5 --requests 4 --soak-total 200   # a quick check
"""

from __future__ import annotations

import argparse
import bisect
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MARKER = "zqlt"  # in every text sent; must not show up in the server log
MODEL_QUEUE = "model"  # the concurrency_id app.py gives its model events
TEXTS = [
    "OMG, yep!!! That is the final answer! Thank you so much!",
    "I'm so sorry for your loss. Sending you a big hug.",
    "Why would anyone think this is a good idea? I'm honestly confused.",
    "That is disgusting. I can't believe they got away with it.",
    "I was so nervous about the exam, but I passed. What a relief!",
    "The meeting moved to 3pm in room 4.",
    "This is the best thing I've read all week, well done.",
    "Ugh, my train is late again. Every single day.",
    "Wait, you're telling me it was him all along?",
    "I really hope tomorrow goes better for you.",
    "lol that cat is ridiculous 😂",
    "I regret saying that to her, it was unfair of me.",
]
# Runs app.py as `python app.py` would, recording each queue event's timing (no data): when it
# was queued, started and ended, and when its function ran.
PROBE = r"""
import itertools, json, runpy, sys, time
import gradio.queueing as queueing
import gradio.route_utils as route_utils

trace, app_path = open(sys.argv[1], "a", buffering=1), sys.argv[2]
started = itertools.count()
original = queueing.Queue.process_events

async def process_events(self, events, *args, **kwargs):
    seq, start = next(started), time.monotonic()
    try:
        return await original(self, events, *args, **kwargs)
    finally:
        end = time.monotonic()
        for e in events:
            trace.write(json.dumps([seq, e.session_hash, e.concurrency_id, e.enqueue_time, start, end]) + "\n")

queueing.Queue.process_events = process_events
run_fn = route_utils.call_process_api  # the event's function itself, inside process_events

async def call_process_api(*args, **kwargs):
    start = time.monotonic()
    try:
        return await run_fn(*args, **kwargs)
    finally:
        queue = getattr(kwargs.get("fn"), "concurrency_id", None)
        trace.write(json.dumps(["run", queue, start, time.monotonic()]) + "\n")

route_utils.call_process_api = call_process_api
sys.argv = [app_path]
runpy.run_path(app_path, run_name="__main__")
"""


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


# ---- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_loopback(url: str) -> str:
    host = urllib.parse.urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"--url {url}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed.")
    return url.rstrip("/") + "/"


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of process ``pid`` in MB (from /proc), or None if unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:
        return None


def tiny_model(folder: Path) -> tuple[Path, Path]:
    """The tests' tiny model (2 layers, 32 wide) and thresholds: for trying the script out."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    from apptools import thresholds_with_rollups
    from conftest import make_tiny_checkpoint

    return make_tiny_checkpoint(folder / "model"), thresholds_with_rollups(folder / "thresholds.json")


def start_server(args, model_dir: Path | None, thresholds: Path | None, log: Path, trace: Path):
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    env.pop("EMOTIONS_MODEL_REPO", None)  # the local model: no Hub
    if model_dir:
        env["EMOTIONS_MODEL_DIR"] = str(model_dir)
    if thresholds:
        env["EMOTIONS_THRESHOLDS"] = str(thresholds)
    command = [sys.executable, "-c", PROBE, str(trace), str(ROOT / "app.py")]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + args.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(1)
    stop(proc)
    raise SystemExit(
        f"app.py did not answer on {url} within {args.start_timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


# ---- the clients -----------------------------------------------------------------------------


class Run:
    """Shared state of one load test: the deadline, the request counter, results, memory."""

    def __init__(self, args, url: str, pid: int | None):
        self.args, self.url, self.pid = args, url, pid
        self.deadline = time.monotonic() + args.timeout
        self.lock = threading.Lock()
        self.results: list[Result] = []
        self.sessions: dict[str, int] = {}  # gradio session hash -> client number
        self.sent = 0  # requests started in all (burst and soak)
        self.first = min(100, args.soak_total)
        self.rss: list[tuple[int, float]] = []  # (requests answered, RSS MB)
        self.rss_after_first: float | None = None
        self.model_runs: list[list[float]] = []  # (start, end) of each model function call (probe)

    def record(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)
            done = len(self.results)
        if done == self.first or done % self.args.rss_every == 0:
            value = rss_mb(self.pid)
            if value is not None:
                with self.lock:
                    self.rss.append((done, value))
                    if done == self.first:
                        self.rss_after_first = value

    def take(self, limit: int) -> bool:
        """Reserve one more request if fewer than ``limit`` were sent and time is left."""
        with self.lock:
            if self.sent >= limit or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True


def payload(client: int, seq: int, args) -> tuple[str, str | list[str]]:
    """The ``seq``-th request of ``client``: a single text or a batch, each text marked."""
    kind = "predict_batch" if (client + seq) % args.batch_every == 0 else "predict"
    n = args.batch_size if kind == "predict_batch" else 1
    texts = [f"{TEXTS[(client * 7 + seq + i) % len(TEXTS)]} ({MARKER}{client}x{seq})" for i in range(n)]
    return kind, (texts if kind == "predict_batch" else texts[0])


def connect(url: str, attempts: int = 3):
    """A ``gradio_client.Client`` (no telemetry: loopback only), retried on a slow start."""
    from gradio_client import Client

    for attempt in range(attempts):
        try:
            return Client(url, verbose=False, analytics_enabled=False, httpx_kwargs={"timeout": 120})
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def one_request(run: Run, client, cid: int, seq: int, phase: str) -> None:
    kind, data = payload(cid, seq, run.args)
    start = time.monotonic()
    try:
        job = client.submit(data, api_name=f"/{kind}")
        out = job.result(timeout=max(1.0, run.deadline - time.monotonic()))
        answers = out if kind == "predict_batch" else [out]
        if len(answers) != len(data if kind == "predict_batch" else [data]) or not all(
            a["scores"] for a in answers
        ):
            raise ValueError(f"unexpected answer: {str(out)[:200]}")
        run.record(Result(cid, seq, phase, kind, start, time.monotonic(), True))
    except Exception as err:  # every failure is counted and named
        error = f"{type(err).__name__}: {err}"[:300]
        run.record(Result(cid, seq, phase, kind, start, time.monotonic(), False, error))


def client_loop(run: Run, client, cid: int, ready: threading.Barrier) -> None:
    burst_limit = run.args.clients * run.args.requests
    seq = 0
    try:
        ready.wait()
        for _ in range(run.args.requests):  # the burst: --requests each
            if not run.take(burst_limit):
                break
            one_request(run, client, cid, seq, "burst")
            seq += 1
        ready.wait()  # everyone finishes the burst before the soak starts
    except threading.BrokenBarrierError:
        return
    while run.take(max(run.args.soak_total, burst_limit)):
        one_request(run, client, cid, seq, "soak")
        seq += 1


def warm_up(url: str, args) -> list[float]:
    """One uncounted request of each kind, so a cold start is not measured as load."""
    client, took, kinds = connect(url), [], {}
    for seq in range(args.batch_every + 1):
        kinds.setdefault(payload(-1, seq, args)[0], seq)
    for kind, seq in sorted(kinds.items()):
        start = time.monotonic()
        client.predict(payload(-1, seq, args)[1], api_name=f"/{kind}")
        took.append(round(time.monotonic() - start, 3))
    return took


def run_clients(run: Run) -> list[str]:
    """Connect every client first (one after another: not part of the load), then start them together."""
    errors: list[str] = []
    clients = []
    for c in range(run.args.clients):
        try:
            clients.append(connect(run.url))
            run.sessions[clients[-1].session_hash] = c
        except Exception as err:
            errors.append(f"client {c} could not connect: {type(err).__name__}: {err}")
    if errors:
        return errors
    ready = threading.Barrier(run.args.clients)
    threads = [
        threading.Thread(target=client_loop, args=(run, client, c, ready), daemon=True)
        for c, client in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, run.deadline - time.monotonic() + 60))
    return errors


# ---- the report --------------------------------------------------------------------------------


def read_trace(trace: Path | None, run: Run) -> list[list] | None:
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


def phase_stats(results: list[Result], args) -> dict:
    ok = [r for r in results if r.ok]
    lat = np.array([r.latency for r in ok])
    waits = np.array([r.wait for r in ok if r.wait is not None])
    service = np.array([r.service for r in ok if r.service is not None])
    ahead = [r.ahead for r in ok if r.ahead is not None]
    probed = len(ok) > 0 and len(ahead) == len(ok)
    if probed:  # FIFO, one request in flight per client: nobody waits for more than the others once
        bound, starved = args.clients - 1, sum(a > args.clients - 1 for a in ahead)
    else:  # client side only: no latency far above the median
        bound = args.starve_factor * float(np.median(lat)) + 1.0 if ok else None
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
        "client_side_inversions": client_inversions(results, args.order_slack),
        "own_order_kept": own_order,
        "max_events_ahead": max(ahead) if ahead else None,
        "starvation_rule": f"a request waited for more than {bound} other requests (server side)"
        if probed
        else f"latency over {args.starve_factor} x median + 1 s = {bound} s (client side)",
        "starved": starved,
        "client_mean_latency_s": {"min": round(min(means), 4), "max": round(max(means), 4)}
        if means
        else None,
        "jain_fairness": round(jain(means), 4),
    }


def report(run: Run, log: Path | None, trace: Path | None, connect_errors: list[str], wall: float) -> dict:
    args = run.args
    rows = read_trace(trace, run)
    phases = {}
    for name in ("burst", "soak"):
        results = [r for r in run.results if r.phase == name]
        if results:
            phases[name] = phase_stats(results, args)
    total = len(run.results)
    expected = max(args.soak_total, args.clients * args.requests)
    first, last = run.rss_after_first, rss_mb(run.pid)
    if last is None and run.rss:
        last = run.rss[-1][1]
    growth = None if first is None or last is None else round(last - first, 1)
    server_inversions = None if rows is None else count_inversions([r[0] for r in rows])
    if server_inversions is None:
        in_order = all(p["client_side_inversions"] == 0 for p in phases.values())
    else:
        in_order = server_inversions == 0
    checks = {
        "all answered": total == expected and not connect_errors,
        "zero errors": not connect_errors and all(p["errors"] == 0 for p in phases.values()),
        "in order": in_order and all(p["own_order_kept"] for p in phases.values()),
        "model calls at once": None
        if rows is None
        else most_at_once(run.model_runs) <= args.model_concurrency,
        "no starvation": all(p["starved"] == 0 and p["jain_fairness"] >= 0.9 for p in phases.values()),
        "memory growth": None if growth is None or total < expected else growth <= args.max_growth_mb,
        "no text in server log": None if log is None else MARKER not in log.read_text(errors="replace"),
    }
    return {
        "command": " ".join(["python", *sys.argv]),
        "url": run.url,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
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


# ---- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--url", help="attach to a running app (loopback only) instead of starting one")
    where.add_argument(
        "--tiny", action="store_true", help="start the app on the tests' tiny model (a quick check)"
    )
    p.add_argument("--pid", type=int, help="with --url: the server's process id, to read its memory")
    p.add_argument("--model-dir", type=Path, help="checkpoint folder for the started app [model/]")
    p.add_argument("--thresholds", type=Path, help="its thresholds.json [thresholds/thresholds.json]")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients [50]")
    p.add_argument("--requests", type=int, default=20, help="requests per client in the burst [20]")
    p.add_argument("--soak-total", type=int, default=5000, help="requests in all, burst included [5000]")
    p.add_argument("--batch-every", type=int, default=4, help="every n-th request is /predict_batch [4]")
    p.add_argument("--batch-size", type=int, default=8, help="texts per /predict_batch request [8]")
    p.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run [1800]")
    p.add_argument("--start-timeout", type=float, default=300, help="seconds for the app to start [300]")
    p.add_argument(
        "--order-slack", type=float, default=0.5, help="with --url: client timing jitter tolerated, s [0.5]"
    )
    p.add_argument(
        "--starve-factor",
        type=float,
        default=4.0,
        help="with --url: starved if latency > this x median + 1 s [4]",
    )
    p.add_argument(
        "--max-growth-mb", type=float, default=50.0, help="RSS growth allowed after the first 100 [50]"
    )
    p.add_argument(
        "--model-concurrency", type=int, default=1, help="model calls the app may run at once (app.py: 1) [1]"
    )
    p.add_argument("--rss-every", type=int, default=250, help="read the server's RSS every n answers [250]")
    p.add_argument(
        "--json", type=Path, default=ROOT / "artifacts/loadtest/loadtest.json", help="results file"
    )
    args = p.parse_args(argv)
    if (
        min(args.clients, args.requests, args.soak_total, args.batch_every, args.batch_size, args.rss_every)
        < 1
    ):
        p.error("counts must be at least 1")
    if max(args.clients * args.requests, args.soak_total) > 20_000 or args.clients > 200:
        p.error("bounded: at most 20,000 requests and 200 clients per run")
    if args.timeout > 3 * 3600:
        p.error("bounded: --timeout at most 3 hours")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    proc = log = trace = None
    pid = args.pid
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        if args.url:
            url = check_loopback(args.url)
        else:
            model_dir, thresholds = args.model_dir, args.thresholds
            if args.tiny:
                model_dir, thresholds = tiny_model(Path(tmp))
            log = args.json.with_name(args.json.stem + "-server.log")
            trace = Path(tmp) / "queue-trace.jsonl"
            print(f"starting app.py (log: {log}) ...", flush=True)
            proc, url = start_server(args, model_dir, thresholds, log, trace)
            pid = proc.pid
        try:
            warm = warm_up(url, args)
            print(
                f"{args.clients} clients x {args.requests} requests, then to {args.soak_total} in all, on {url}",
                flush=True,
            )
            run = Run(args, url, pid)
            start = time.monotonic()
            connect_errors = run_clients(run)
            out = report(run, log, trace, connect_errors, time.monotonic() - start)
            out["warm_up_s"] = warm
        finally:
            if proc is not None:
                stop(proc)
    args.json.write_text(json.dumps(out, indent=1) + "\n")
    print(table(out))
    print(f"wrote {args.json}")
    return 0 if out["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
