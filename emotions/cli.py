"""One CLI: ``python -m emotions train|calibrate|evaluate|predict|...``.

Each command is one or more dataclass configs (help text per field, checked in
``__post_init__``) parsed together by transformers' ``HfArgumentParser``, and one function that
takes them in that order. ``train``, ``calibrate`` and ``evaluate`` share ``DataArguments``
(``emotions.train.data``): which dataset, and how its texts and labels look.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import json
import logging
import sys
import typing
from pathlib import Path

from transformers import HfArgumentParser

TRUTHY = {"yes", "no", "true", "false", "t", "f", "y", "n", "1", "0"}  # what a bool option takes

# command: (module, config dataclass(es) in the module, function, what it does)
COMMANDS = {
    "train": ("emotions.train.training", ("TrainConfig", "DataArguments"), "train", "fine-tune the classifier"),
    "calibrate": ("emotions.train.calibration", ("CalibrateConfig", "DataArguments"), "calibrate", "per-class thresholds on dev"),
    "evaluate": ("emotions.train.evaluation", ("EvaluateConfig", "DataArguments"), "evaluate", "test-split report"),
    "distill": ("emotions.train.distill", ("DistillConfig", "TrainConfig", "DataArguments"), "distill", "train a smaller student on a teacher's probabilities"),
    "sweep": ("emotions.train.sweep", ("SweepConfig", "TrainConfig", "DataArguments"), "sweep", "hyperparameter search (Optuna)"),
    "teach-emoji": ("emotions.train.emojitokens", ("EmojiTokensConfig", "DataArguments"), "teach_emoji", "give emoji tokens of their own (only they train)"),
    "average": ("emotions.train.soup", "SoupConfig", "average", "average fine-tuned checkpoints (a model soup)"),
    "behave": ("emotions.train.behave", "BehaveConfig", "behave", "behaviour suite and bias audit"),
    "card": ("emotions.train.card", "CardConfig", "write_card", "write the model card from the reports"),
    "predict": ("emotions.tools.predict", "PredictConfig", "predict", "score texts"),
    "bench": ("emotions.tools.bench", "BenchConfig", "bench", "speed and memory benchmarks"),
    "bench-explain": ("emotions.tools.explainbench", "ExplainBenchConfig", "run", "time word explanations"),
    "bench-predict": ("emotions.tools.predictbench", "PredictBenchConfig", "bench_predict", "predict over big files"),
    "loadtest": ("emotions.tools.loadtest", "LoadTestConfig", "loadtest", "concurrent clients against app.py"),
    "publish": ("emotions.tools.publish", "PublishConfig", "publish", "push the model and the app to the Hub"),
}  # fmt: skip


def usage() -> str:
    lines = ["usage: python -m emotions <command> [--help]", "", "commands:"]
    lines += [f"  {name:<14} {spec[3]}" for name, spec in COMMANDS.items()]
    return "\n".join(lines)


class UsageError(Exception):
    """A mistyped command line: exit 2 with one line naming the problem."""


def _options(configs: list[type]) -> tuple[list[str], set[str]]:
    """Every option of ``configs`` (``--model-dir`` and ``--model_dir``), and the bool ones."""
    options, flags = [], set()
    for config in configs:
        hints = typing.get_type_hints(config)
        for f in dataclasses.fields(config):
            names = {f"--{f.name}", f"--{f.name.replace('_', '-')}"}
            options += sorted(names)
            if hints[f.name] in (bool, bool | None):
                flags |= names
    return options, flags


def expand_config(argv: list[str]) -> list[str]:
    """``--config FILE``: the options of a JSON file (``{"learning_rate": 5e-5}``, such as the
    ``best_args.json`` a sweep writes) go first, so options on the command line override them."""
    if "--config" not in argv:
        return argv
    i = argv.index("--config")
    if i + 1 == len(argv):
        raise UsageError("--config needs a JSON file path")
    path = argv[i + 1]
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UsageError(f"--config {path}: cannot read it as JSON ({err})") from None
    if not isinstance(values, dict):
        raise UsageError(f"--config {path}: must be a JSON object of options")
    options = []
    for name, value in values.items():
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        options += [f"--{name}", *(str(v).lower() if isinstance(v, bool) else str(v) for v in items)]
    return [*options, *argv[:i], *argv[i + 2 :]]


def parse(
    parser: HfArgumentParser, configs: list[type], argv: list[str], free: bool
) -> tuple[tuple, list[str]]:
    """The configs, and the free arguments (texts) when ``free``; whatever follows ``--`` is
    free as it is. An unknown option, or a free argument where none is taken, is a
    :class:`UsageError` that suggests the closest option."""
    cut = argv.index("--") if "--" in argv else len(argv)
    argv = [*expand_config(argv[:cut]), *argv[cut:]]
    cut = argv.index("--") if "--" in argv else len(argv)
    head, tail = list(argv[:cut]), list(argv[cut + 1 :])
    options, flags = _options(configs)
    for i in range(len(head) - 1, -1, -1):  # "--quiet I love it": --quiet is a flag, not given "I love it"
        if head[i] in flags and (i + 1 == len(head) or head[i + 1].lower() not in TRUTHY):
            head.insert(i + 1, "true")
    *parsed, rest = parser.parse_args_into_dataclasses(head, return_remaining_strings=True)
    for arg in rest:
        if arg.startswith("-") and len(arg) > 1 and not arg[1].isdigit():
            name = arg.split("=", 1)[0]
            close = difflib.get_close_matches(name.replace("_", "-"), options, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            after = "; a text that starts with '-' goes after --" if free else ""
            raise UsageError(f"unknown option {name}{hint}{after}")
    if rest and not free:
        raise UsageError(f"unexpected argument {rest[0]!r}: this command takes options only")
    return tuple(parsed), [*rest, *tail]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        if argv and argv[0] not in ("-h", "--help"):
            close = difflib.get_close_matches(argv[0], list(COMMANDS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            print(f"\npython -m emotions: unknown command {argv[0]!r}{hint}", file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    module_name, config_names, fn_name, _ = COMMANDS[argv[0]]
    module = importlib.import_module(module_name)
    names = (config_names,) if isinstance(config_names, str) else config_names
    configs = [getattr(module, name) for name in names]
    try:
        try:
            parsed, texts = parse(
                HfArgumentParser(configs, allow_abbrev=False), configs, argv[1:], free=argv[0] == "predict"
            )
        except SystemExit as err:  # argparse: --help, or a bad value (printed with the usage)
            return err.code if isinstance(err.code, int) else 2
        if argv[0] == "predict":  # free arguments are the texts to score
            parsed[0].texts = [*parsed[0].texts, *texts]
        getattr(module, fn_name)(*parsed)
    except UsageError as err:
        print(f"python -m emotions {argv[0]}: {err}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as err:  # OSError: missing files, an unreachable Hub
        logging.getLogger("emotions").error("%s", err)
        return 1
    return 0
