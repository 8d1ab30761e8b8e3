"""One CLI: ``python -m emotions train|calibrate|evaluate|predict|...``.

Each command is a dataclass config (help text per field, checked in ``__post_init__``)
parsed by transformers' ``HfArgumentParser``, and one function that takes it.
"""

from __future__ import annotations

import importlib
import logging
import sys

from transformers import HfArgumentParser

# command: (module, config dataclass, function, what it does)
COMMANDS = {
    "train": ("emotions.train.training", "TrainConfig", "train", "fine-tune the classifier"),
    "calibrate": ("emotions.train.calibration", "CalibrateConfig", "calibrate", "per-class thresholds on dev"),
    "evaluate": ("emotions.train.evaluation", "EvaluateConfig", "evaluate", "test-split report"),
    "card": ("emotions.train.card", "CardConfig", "write_card", "write the model card from the reports"),
    "predict": ("emotions.tools.predict", "PredictConfig", "predict", "score texts"),
    "bench": ("emotions.tools.bench", "BenchConfig", "bench", "speed and memory benchmarks"),
    "bench-explain": ("emotions.tools.explainbench", "ExplainBenchConfig", "run", "time word explanations"),
    "loadtest": ("emotions.tools.loadtest", "LoadTestConfig", "loadtest", "concurrent clients against app.py"),
    "publish": ("emotions.tools.publish", "PublishConfig", "publish", "push the model and the app to the Hub"),
}  # fmt: skip


def usage() -> str:
    lines = ["usage: python -m emotions <command> [--help]", "", "commands:"]
    lines += [f"  {name:<14} {spec[3]}" for name, spec in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    module_name, config_name, fn_name, _ = COMMANDS[argv[0]]
    module = importlib.import_module(module_name)
    parser = HfArgumentParser(getattr(module, config_name))
    try:
        if argv[0] == "predict":  # free arguments are the texts to score
            config, rest = parser.parse_args_into_dataclasses(argv[1:], return_remaining_strings=True)
            config.texts = [*config.texts, *rest]
        else:
            (config,) = parser.parse_args_into_dataclasses(argv[1:])
        getattr(module, fn_name)(config)
    except (ValueError, OSError) as err:  # OSError: missing files, an unreachable Hub
        logging.getLogger("emotions").error("%s", err)
        return 1
    return 0
