"""``python -m emotions loadtest``: concurrent ``gradio_client`` clients against ``python app.py``.

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

Checks (exit status 1 if one fails; each is a function in :mod:`emotions.tools.loadtest.checks`):

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

    python -m emotions loadtest              # model/ and thresholds/: 50 x 20, then to 5,000
    python -m emotions loadtest --tiny --clients 5 --requests 4 --soak-total 200   # a quick check
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path

from emotions.tools.benchtools import PROJECT_ROOT

from .clients import Run, run_clients, warm_up
from .config import LoadTestConfig
from .report import report, table
from .server import rss_mb, start_server, stop, tiny_model

logger = logging.getLogger(__name__)
ROOT = PROJECT_ROOT


def loadtest(config: LoadTestConfig) -> int:
    """Run both phases, print the table, write the JSON; returns 0 when every check passes."""
    out_path = Path(config.json)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    proc = log = trace = None
    pid = config.pid
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        if config.url:
            url = config.url
        else:
            model_dir, thresholds = config.model_dir, config.thresholds
            if config.tiny:
                model_dir, thresholds = tiny_model(Path(tmp))
            log = out_path.with_name(out_path.stem + "-server.log")
            trace = Path(tmp) / "queue-trace.jsonl"
            logger.info("Starting app.py (log: %s)", log)
            proc, url = start_server(config, model_dir, thresholds, log, trace)
            pid = proc.pid
        try:
            warm = warm_up(url, config)
            logger.info(
                "%d clients x %d requests, then to %d in all, on %s",
                config.clients, config.requests, config.soak_total, url,
            )  # fmt: skip
            run = Run(config, url, pid)
            start = time.monotonic()
            connect_errors = run_clients(run)
            out = report(run, log, trace, connect_errors, time.monotonic() - start, rss_mb(pid))
            out["warm_up_s"] = warm
        finally:
            if proc is not None:
                stop(proc)
    out_path.write_text(json.dumps(out, indent=1) + "\n")
    print(table(out))
    logger.info("Wrote %s", out_path)
    if not out["passed"]:
        raise LoadTestFailed("A load-test check failed (see the table).")
    return 0


class LoadTestFailed(ValueError):
    """A check failed: the CLI exits 1 with this message."""
