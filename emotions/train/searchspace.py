"""A sweep's search space, read from a small JSON file: one entry per ``train`` option.

    {"learning_rate": {"type": "float", "low": 3e-5, "high": 3e-4, "log": true},
     "batch_size": {"type": "categorical", "choices": [16, 32, 64]}}

Types: ``float`` (``low``, ``high``, optional ``log``), ``int`` (``low``, ``high``) and
``categorical`` (``choices``). Names are ``TrainConfig`` fields; the default file is
``emotions/train/sweep_space.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SPACE = Path(__file__).with_name("sweep_space.json")
# The options a trial may change: the recipe, not where files go or which data is read.
TUNABLE = (
    "learning_rate", "head_learning_rate", "epochs", "batch_size", "warmup_ratio", "weight_decay",
    "loss", "focal_gamma", "pooling", "dropout", "max_length", "typo_rate", "name_fill",
)  # fmt: skip
KINDS = ("float", "int", "categorical")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()

    def holds(self, value) -> bool:
        """Whether ``value`` (a recipe's) lies in this parameter's range."""
        if self.kind == "categorical":
            return value in self.choices
        whole = self.kind == "float" or float(value).is_integer()
        return isinstance(value, int | float) and whole and self.low <= value <= self.high

    def suggest(self, trial):
        """This parameter's value in an Optuna ``trial``."""
        if self.kind == "float":
            return trial.suggest_float(self.name, self.low, self.high, log=self.log)
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_categorical(self.name, list(self.choices))


def _param(name: str, spec, source: str) -> Param:
    if name not in TUNABLE:
        raise ValueError(f"{source}: {name!r} is not a parameter a sweep can tune; use some of {TUNABLE}.")
    if not isinstance(spec, dict) or spec.get("type") not in KINDS:
        raise ValueError(f'{source}: {name} needs a "type", one of {KINDS}, e.g. {{"type": "float", ...}}.')
    kind = spec["type"]
    if kind == "categorical":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices:
            raise ValueError(f'{source}: {name} has an empty range: give "choices" a non-empty list.')
        return Param(name, kind, choices=tuple(choices))
    low, high = spec.get("low"), spec.get("high")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)):
        raise ValueError(f'{source}: {name} needs numbers "low" and "high" (got {low!r}, {high!r}).')
    if not low < high:
        raise ValueError(f"{source}: {name} has an empty range (low={low}, high={high}): make low < high.")
    log = bool(spec.get("log", False))
    if log and low <= 0:
        raise ValueError(f"{source}: {name} is searched on a log scale, so low={low} must be positive.")
    return Param(name, kind, float(low), float(high), log)


def load_space(path: str | Path = DEFAULT_SPACE) -> list[Param]:
    """The parameters of a search-space file; a clear ``ValueError`` for any mistake in it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass --space with a JSON search-space file.")
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} is not valid JSON ({err}): fix it, see {DEFAULT_SPACE.name}.") from None
    if not isinstance(spec, dict) or not spec:
        raise ValueError(f"{path} must be a non-empty JSON object of parameters, see {DEFAULT_SPACE.name}.")
    return [_param(name, value, str(path)) for name, value in spec.items()]
