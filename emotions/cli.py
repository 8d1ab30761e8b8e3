"""One CLI: ``python -m emotions train|calibrate|evaluate|predict|...``."""

from __future__ import annotations

import logging
import sys

from transformers import HfArgumentParser

COMMANDS = {
    "train": ("emotions.training", "TrainConfig", "train"),
    "publish": ("emotions.publish", "PublishConfig", "publish"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m emotions {{{','.join(COMMANDS)}}} [--help]", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import importlib

    module_name, config_name, fn_name = COMMANDS[argv[0]]
    module = importlib.import_module(module_name)
    (config,) = HfArgumentParser(getattr(module, config_name)).parse_args_into_dataclasses(argv[1:])
    getattr(module, fn_name)(config)
    return 0
