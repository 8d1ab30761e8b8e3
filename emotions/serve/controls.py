"""The settings panel: read as one :class:`Controls` by the events that cut probabilities
(:func:`bind`), and its own events (mode, inspect one threshold, override, reset), none of
which calls the model.

The panel's threshold modes are :data:`PER_CLASS` and :data:`GLOBAL`. Per class is what the
model code and the API call ``"calibrated"`` (:data:`emotions.model.views.MODES`), a name that
holds only for a model with calibrated thresholds; the page keeps its own honest value and
:data:`MODEL_MODES` maps it, here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

import gradio as gr

from emotions.model.views import ThresholdSettings, override_key

from . import render
from .served import ServedModel

PER_CLASS, GLOBAL = "per_class", "global"  # the settings panel's threshold modes
MODEL_MODES = {PER_CLASS: "calibrated", GLOBAL: "global"}  # each as ThresholdSettings (and the API) names it


def model_mode(mode: str) -> str:
    """The panel's threshold mode as :class:`ThresholdSettings` names it."""
    if mode not in MODEL_MODES:
        raise ValueError(f"mode={mode!r} is unknown: choose one of {list(MODEL_MODES)}.")
    return MODEL_MODES[mode]


@dataclass(frozen=True)
class Controls:
    """The settings panel, read once: the view, and how thresholds are set."""

    view: str = "emotions"
    mode: str = PER_CLASS  # or GLOBAL
    global_threshold: float = 0.5
    sensitivity: float = 0.0
    overrides: dict[str, float] = field(default_factory=dict)  # key: "view:name"

    @property
    def thresholds(self) -> ThresholdSettings:
        return ThresholdSettings(
            model_mode(self.mode),
            float(self.global_threshold),
            float(self.sensitivity),
            dict(self.overrides or {}),
        )


N_CONTROLS = len(fields(Controls))  # the last inputs of every event bound with bind()


def control_inputs(**components) -> list:
    """The components that feed :class:`Controls`, in its fields' order (pass one per field, by
    name): the list every bound event ends its inputs with, so the order lives in one place."""
    names = [f.name for f in fields(Controls)]
    if set(components) != set(names):
        raise TypeError(f"control_inputs takes exactly {names}, got {sorted(components)}")
    return [components[name] for name in names]


def bind(fn: Callable, served: ServedModel) -> Callable:
    """``fn`` as a Gradio event on ``served``: its last inputs (:func:`control_inputs`) become
    one :class:`Controls`."""

    def event(*inputs):
        values = dict(zip((f.name for f in fields(Controls)), inputs[-N_CONTROLS:]))
        return fn(served, *inputs[:-N_CONTROLS], Controls(**values))

    event.__name__, event.__doc__, event.func = fn.__name__, fn.__doc__, fn  # .func: as a partial's
    return event


def show_mode(mode: str) -> tuple[dict, dict]:
    """Mode switch: the global slider in global mode, per-class controls otherwise."""
    return gr.update(visible=mode == GLOBAL), gr.update(visible=mode == PER_CLASS)


def view_names(served: ServedModel, view: str) -> dict:
    """View switch: the names one can inspect are the view's rows."""
    names = served.labelset.groups(view)
    return gr.update(choices=names, value=names[0])


def inspect_threshold(
    served: ServedModel, name: str | None, view: str, sensitivity: float, overrides: dict
) -> tuple[dict, str]:
    """Show one row's threshold in force, and where it comes from."""
    if not name or name not in served.labelset.views.get(view, {}):
        return gr.update(), ""
    settings = ThresholdSettings(model_mode(PER_CLASS), 0.5, float(sensitivity), dict(overrides or {}))
    (value,), (overridden,) = served.calibration.thresholds(view, [name], settings)
    calibrated = served.calibration.calibrated(view, name)
    if overridden:
        source = f"set by you (calibrated: {calibrated:.2f})"
    elif not served.calibration.is_calibrated:
        source = "not calibrated: the default" + (
            f", shifted by sensitivity {sensitivity:+.1f}" if sensitivity else ""
        )
    elif sensitivity:
        source = f"calibrated {calibrated:.2f}, shifted by sensitivity {sensitivity:+.1f}"
    else:
        source = "calibrated on the dev set"
    info = f"{render.escape(name)}: <b>{value:.2f}</b>, {render.escape(source)}"
    return gr.update(value=round(float(value), 2)), f'<p class="emo-hint">{info}</p>'


def set_override(name: str | None, value: float, view: str, overrides: dict) -> dict:
    """Override slider moved by the visitor: that row's threshold becomes ``value``."""
    if not name:
        return overrides
    return {**(overrides or {}), override_key(view, name): float(value)}


def reset_override(name: str | None, view: str, overrides: dict) -> dict:
    return {k: v for k, v in (overrides or {}).items() if k != override_key(view, name or "")}


def reset_all() -> dict:
    return {}
