"""Operator commands: score files (``predict``), benchmarks (``bench``, ``bench-explain``,
``loadtest``) and publishing to the Hub (``publish``)."""
