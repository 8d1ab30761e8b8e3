"""The load test (``python -m emotions loadtest``): its pieces, and one small run on the tiny model."""

from __future__ import annotations

import json

import pytest

from emotions.cli import main
from emotions.serve import events, server
from emotions.tools.loadtest import LoadTestConfig, checks, clients
from emotions.tools.loadtest.config import check_loopback


def parse_args(argv: list[str]) -> LoadTestConfig:
    """The config the CLI would build from ``argv``."""
    from transformers import HfArgumentParser

    (config,) = HfArgumentParser(LoadTestConfig).parse_args_into_dataclasses(argv)
    return config


def test_only_loopback_urls():
    for url in ("http://127.0.0.1:7860", "http://localhost:7860/", "http://[::1]:7860", "http://127.1.2.3/"):
        assert check_loopback(url).endswith("/")
    for url in (
        "http://10.0.0.1:7860",
        "https://example.com",
        "http://0.0.0.0:7860",
        "http://huggingface.co",
    ):
        with pytest.raises(ValueError, match="only loopback"):
            check_loopback(url)


def test_runs_are_bounded():
    with pytest.raises(ValueError):
        parse_args(["--clients", "200", "--requests", "200"])
    with pytest.raises(ValueError):
        parse_args(["--soak-total", "100000"])
    with pytest.raises(ValueError):
        parse_args(["--clients", "0"])
    args = parse_args([])
    assert (args.clients, args.requests, args.soak_total, args.max_growth_mb) == (50, 20, 5000, 50.0)


def test_requests_mix_single_and_batch_and_mark_every_text():
    args = parse_args(["--batch-every", "4", "--batch-size", "3"])
    kinds = [clients.payload(c, s, args) for c in range(3) for s in range(8)]
    assert sum(k == "predict_batch" for k, _ in kinds) == len(kinds) // 4
    for kind, data in kinds:
        texts = data if kind == "predict_batch" else [data]
        assert len(texts) == (3 if kind == "predict_batch" else 1)
        assert all(checks.MARKER in t for t in texts)


def test_the_queue_is_set_deliberately(app):
    queue = app.demo._queue
    assert (
        (queue.max_size, queue.default_concurrency_limit)
        == (server.QUEUE_SIZE, server.MODEL_CONCURRENCY)
        == (100, 1)
    )
    assert server.QUEUE_SIZE >= 2 * 50  # the load test's 50 clients, one request each in flight
    assert queue.ANALYTICS_MAX_EVENTS <= 1000  # Gradio's per-event stats do not pile up
    assert queue.ANAYLTICS_CACHE_FREQUENCY >= 1000  # ... nor get summarised after every event
    fns = list(app.demo.fns.values())
    model = [f for f in fns if f.concurrency_id == "model"]
    apis = {f.api_name for f in model}
    assert {"predict", "predict_batch"} <= apis and len(model) >= 4  # + Submit, Enter, upload, ...
    assert all(f.concurrency_limit == "default" for f in model)  # -> MODEL_CONCURRENCY
    rerender = [f for f in fns if f.fn is not None and getattr(f.fn, "func", None) is events.rerender]
    assert rerender and all(f.concurrency_limit is None for f in rerender)  # never wait behind the model


def test_order_and_fairness_measures():
    assert checks.count_inversions([0, 1, 2, 3]) == 0
    assert checks.count_inversions([1, 0, 3, 2]) == 2
    assert checks.count_inversions([3, 2, 1, 0]) == 6
    assert checks.jain([1.0, 1.0, 1.0]) == pytest.approx(1.0)
    assert checks.jain([1.0, 0.0, 0.0, 0.0]) == pytest.approx(0.25)
    R = checks.Result
    late = [R(0, 0, "burst", "predict", 0.0, 5.0, True), R(1, 0, "burst", "predict", 1.0, 2.0, True)]
    assert checks.client_inversions(late, slack=0.5) == 1
    assert checks.client_inversions(late, slack=5.0) == 0
    runs = [[0.0, 1.0], [1.0, 2.0], [1.5, 2.5]]  # (start, end) of model calls
    assert checks.most_at_once(runs) == 2 and checks.most_at_once(runs[:2]) == 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_small_run_on_the_tiny_model(tmp_path, capsys):
    out = tmp_path / "lt.json"
    args = ["--tiny", "--clients", "3", "--requests", "2", "--soak-total", "10", "--rss-every", "5"]
    code = main(["loadtest", *args, "--timeout", "600", "--json", str(out)])
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())
    assert code == 0, printed
    assert result["passed"] and result["requests"] == 10 and all(result["checks"].values())
    assert result["phases"]["burst"]["requests"] == 6 and result["phases"]["soak"]["requests"] == 4
    queue = result["server_queue"]  # 10 requests + 2 warm-up, first come first served, one at a time
    assert queue == {"model_events": 12, "started_out_of_queue_order": 0, "model_runs": 12, "most_at_once": 1}
    assert all(r[7] is not None for r in result["requests_log"])  # server-side wait for every request
    assert result["rss_mb"]["growth"] is not None
    assert "p50 s" in printed and "checks: all answered: ok" in printed
