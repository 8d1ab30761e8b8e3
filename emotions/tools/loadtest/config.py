"""``python -m emotions loadtest``'s options (``LoadTestConfig``), checked as they are parsed."""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass, field

from emotions.tools.benchtools import PROJECT_ROOT

ROOT = PROJECT_ROOT


def check_loopback(url: str) -> str:
    host = urllib.parse.urlparse(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"--url {url}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed.")
    return url.rstrip("/") + "/"


@dataclass
class LoadTestConfig:
    url: str | None = field(
        default=None, metadata={"help": "Attach to a running app (loopback only) instead of starting one."}
    )
    tiny: bool = field(
        default=False, metadata={"help": "Start the app on the tests' tiny model (a quick check)."}
    )
    pid: int | None = field(
        default=None, metadata={"help": "With --url: the server's process id, to read its memory."}
    )
    model_dir: str | None = field(
        default=None, metadata={"help": "Checkpoint folder for the started app (default: model/)."}
    )
    thresholds: str | None = field(
        default=None, metadata={"help": "Its thresholds.json (default: thresholds/)."}
    )
    clients: int = field(default=50, metadata={"help": "Concurrent clients."})
    requests: int = field(default=20, metadata={"help": "Requests per client in the burst."})
    soak_total: int = field(default=5000, metadata={"help": "Requests in all, burst included."})
    batch_every: int = field(default=4, metadata={"help": "Every n-th request is /predict_batch."})
    batch_size: int = field(default=8, metadata={"help": "Texts per /predict_batch request."})
    timeout: float = field(default=1800, metadata={"help": "Seconds for the whole run."})
    start_timeout: float = field(default=300, metadata={"help": "Seconds for the app to start."})
    order_slack: float = field(
        default=0.5, metadata={"help": "With --url: client timing jitter tolerated, s."}
    )
    starve_factor: float = field(
        default=4.0, metadata={"help": "With --url: starved if latency > this x median + 1 s."}
    )
    max_growth_mb: float = field(
        default=50.0, metadata={"help": "RSS growth allowed after the first 100 requests."}
    )
    model_concurrency: int = field(
        default=1, metadata={"help": "Model calls the app may run at once (app.py: 1)."}
    )
    rss_every: int = field(default=250, metadata={"help": "Read the server's RSS every n answers."})
    json: str = field(
        default=str(ROOT / "artifacts/loadtest/loadtest.json"), metadata={"help": "Results file."}
    )

    def __post_init__(self) -> None:
        if self.url and self.tiny:
            raise ValueError(
                "--url and --tiny exclude each other: attach to an app, or start one on the tiny model."
            )
        if self.url:
            self.url = check_loopback(self.url)
        counts = ("clients", "requests", "soak_total", "batch_every", "batch_size", "rss_every")
        if bad := [f"--{n}={getattr(self, n)}" for n in counts if getattr(self, n) < 1]:
            raise ValueError(f"{', '.join(bad)}: counts must be at least 1.")
        if max(self.clients * self.requests, self.soak_total) > 20_000 or self.clients > 200:
            raise ValueError("Bounded: at most 20,000 requests and 200 clients per run.")
        if self.timeout > 3 * 3600:
            raise ValueError(f"--timeout={self.timeout}: at most 3 hours.")
