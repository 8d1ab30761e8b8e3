"""``python -m emotions bench-predict`` in smoke mode: two small corpora on the tiny model."""

from __future__ import annotations

import json

from emotions.cli import main


def test_bench_predict_reports_throughput_memory_and_workers(
    tiny_model_dir, goemotions_dir, tmp_path, capsys
):
    out = tmp_path / "bench.json"
    args = ["bench-predict", "--model-dir", str(tiny_model_dir), "--backend", "torch", "--sizes", "30", "60"]
    assert main([*args, "--output", str(out)]) == 0
    report = json.loads(out.read_text())
    assert [(r["texts"], r["written"]) for r in report["runs"]] == [(30, 30), (60, 60)]
    assert all(r["peak_rss_mb"] > 0 and r["texts_per_s"] > 0 for r in report["runs"])
    assert report["workers_for_100M_a_day"] >= 1 and "workers like this one" in capsys.readouterr().out
