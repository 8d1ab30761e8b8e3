"""A small behaviour-testing harness with CheckList's three test types (Ribeiro et al., 2020).

- **MFT**, minimum functionality: one text, and what the model must say of it ("😂" ->
  amusement detected);
- **INV**, invariance: two texts that differ in something that must not matter (a name, a
  typo, casing), and the detected labels must be the same;
- **DIR**, directional: two texts, and how the answer must move from the first to the second
  ("good" -> "really good" must not lower the score).

A :class:`Capability` holds its cases; :func:`run` scores every distinct text once (one batched
call) and returns a :class:`Report` per capability: cases, pass rate, the target if it has one,
and a few failing examples. The ``checklist`` package itself no longer installs on Python 3.11.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from emotions.model.inference import EmotionClassifier
from emotions.model.outputs import detected

KINDS = ("MFT", "INV", "DIR")


@dataclass(frozen=True)
class Reading:
    """What the model says of one text: every label's probability and the labels detected."""

    text: str
    scores: dict[str, float]
    labels: tuple[str, ...]  # detected, strongest first

    @property
    def top(self) -> str:
        return max(self.scores, key=self.scores.get)

    def brief(self) -> str:
        shown = ", ".join(f"{n} {self.scores[n]:.2f}" for n in self.labels) or "nothing"
        return f"{self.text!r} -> {shown}"


@dataclass(frozen=True)
class Case:
    """One test: its texts (one for MFT, two for INV and DIR), what must hold, in words."""

    texts: tuple[str, ...]
    expect: str
    check: Callable[..., bool]  # called with one Reading per text

    @classmethod
    def invariant(cls, a: str, b: str, what: str = "same labels") -> Case:
        return cls((a, b), what, lambda x, y: set(x.labels) == set(y.labels))


@dataclass
class Capability:
    name: str
    kind: str  # MFT, INV or DIR
    cases: list[Case]
    target: float | None = None  # the pass rate it must reach; None: measured, no target
    about: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r}: use one of {KINDS}.")
        wanted = 1 if self.kind == "MFT" else 2
        if any(len(c.texts) != wanted for c in self.cases):
            raise ValueError(f"{self.name}: each {self.kind} case takes {wanted} text(s); give it that many.")


@dataclass
class Report:
    name: str
    kind: str
    cases: int
    passed: int
    target: float | None
    about: str
    failures: list[str] = field(default_factory=list)  # a few, as "text -> labels (expected ...)"

    @property
    def pass_rate(self) -> float:
        return self.passed / self.cases if self.cases else float("nan")

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.pass_rate >= self.target

    def as_dict(self) -> dict:
        return {
            "capability": self.name, "type": self.kind, "cases": self.cases, "passed": self.passed,
            "pass_rate": round(self.pass_rate, 4), "target": self.target, "met": self.met,
            "about": self.about, "failing_examples": self.failures,
        }  # fmt: skip


def read(classifier: EmotionClassifier, texts: Sequence[str]) -> dict[str, Reading]:
    """Each distinct text scored once, at the classifier's calibrated thresholds."""
    unique = list(dict.fromkeys(texts))
    probs = classifier.predict_proba(unique)
    passed = detected(probs, classifier.threshold_array, classifier.multi_label)
    out = {}
    for text, p, hit in zip(unique, probs, passed):
        order = [i for i in np.argsort(-p, kind="stable") if hit[i]]
        scores = {n: float(v) for n, v in zip(classifier.labels, p)}
        out[text] = Reading(text, scores, tuple(classifier.labels[i] for i in order))
    return out


def run(classifier: EmotionClassifier, capabilities: Sequence[Capability], examples: int = 2) -> list[Report]:
    """Every capability's pass rate on ``classifier``, with up to ``examples`` failures each."""
    readings = read(classifier, [t for cap in capabilities for case in cap.cases for t in case.texts])
    reports = []
    for cap in capabilities:
        report = Report(cap.name, cap.kind, len(cap.cases), 0, cap.target, cap.about)
        for case in cap.cases:
            got = [readings[t] for t in case.texts]
            if case.check(*got):
                report.passed += 1
            elif len(report.failures) < examples:
                report.failures.append(" | ".join(r.brief() for r in got) + f" (expected {case.expect})")
        reports.append(report)
    return reports


def table(reports: Sequence[Report]) -> str:
    """The reports as a markdown table: capability, type, cases, pass rate, target, failures."""
    lines = [
        "| capability | type | cases | pass rate | target | failing examples |",
        "|---|---|---|---|---|---|",
    ]
    for r in reports:
        target = "–" if r.target is None else f"≥ {r.target:.0%}" + (" ✓" if r.met else " ✗")
        fails = "<br>".join(f.replace("|", "\\|") for f in r.failures) or "–"
        lines.append(f"| {r.name} | {r.kind} | {r.cases} | {r.pass_rate:.1%} | {target} | {fails} |")
    return "\n".join(lines)
