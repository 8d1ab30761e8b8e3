"""The load: ``gradio_client`` clients in threads, each with one request in flight."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from .checks import MARKER, Result
from .server import rss_mb

if TYPE_CHECKING:
    from .config import LoadTestConfig

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


class Run:
    """Shared state of one load test: the deadline, the request counter, results, memory."""

    def __init__(self, config: LoadTestConfig, url: str, pid: int | None):
        self.config, self.url, self.pid = config, url, pid
        self.deadline = time.monotonic() + config.timeout
        self.lock = threading.Lock()
        self.results: list[Result] = []
        self.sessions: dict[str, int] = {}  # gradio session hash -> client number
        self.sent = 0  # requests started in all (burst and soak)
        self.first = min(100, config.soak_total)
        self.rss: list[tuple[int, float]] = []  # (requests answered, RSS MB)
        self.rss_after_first: float | None = None
        self.model_runs: list[list[float]] = []  # (start, end) of each model function call (probe)

    def record(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)
            done = len(self.results)
        if done == self.first or done % self.config.rss_every == 0:
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


def payload(client: int, seq: int, config: LoadTestConfig) -> tuple[str, str | list[str]]:
    """The ``seq``-th request of ``client``: a single text or a batch, each text marked."""
    kind = "predict_batch" if (client + seq) % config.batch_every == 0 else "predict"
    n = config.batch_size if kind == "predict_batch" else 1
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
    kind, data = payload(cid, seq, run.config)
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
    burst_limit = run.config.clients * run.config.requests
    seq = 0
    try:
        ready.wait()
        for _ in range(run.config.requests):  # the burst: --requests each
            if not run.take(burst_limit):
                break
            one_request(run, client, cid, seq, "burst")
            seq += 1
        ready.wait()  # everyone finishes the burst before the soak starts
    except threading.BrokenBarrierError:
        return
    while run.take(max(run.config.soak_total, burst_limit)):
        one_request(run, client, cid, seq, "soak")
        seq += 1


def warm_up(url: str, config: LoadTestConfig) -> list[float]:
    """One uncounted request of each kind, so a cold start is not measured as load."""
    client, took, kinds = connect(url), [], {}
    for seq in range(config.batch_every + 1):
        kinds.setdefault(payload(-1, seq, config)[0], seq)
    for kind, seq in sorted(kinds.items()):
        start = time.monotonic()
        client.predict(payload(-1, seq, config)[1], api_name=f"/{kind}")
        took.append(round(time.monotonic() - start, 3))
    return took


def run_clients(run: Run) -> list[str]:
    """Connect every client first (one after another: not part of the load), then start them together."""
    errors: list[str] = []
    clients = []
    for c in range(run.config.clients):
        try:
            clients.append(connect(run.url))
            run.sessions[clients[-1].session_hash] = c
        except Exception as err:
            errors.append(f"client {c} could not connect: {type(err).__name__}: {err}")
    if errors:
        return errors
    ready = threading.Barrier(run.config.clients)
    threads = [
        threading.Thread(target=client_loop, args=(run, client, c, ready), daemon=True)
        for c, client in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, run.deadline - time.monotonic() + 60))
    return errors
