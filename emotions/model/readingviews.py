"""A document read sentence by sentence, cut at the current thresholds: rows per sentence, the
document's emotions (which sentences carry each), each speaker's, and the API's result.

Everything here re-cuts the probabilities kept in a :class:`~emotions.model.reading.Reading`,
so a threshold or view change re-renders every sentence without a model call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emotions.text.language import Language

from .reading import Reading
from .views import Row, ThresholdSettings, ViewThresholds, row_result, score_rows

LANGUAGE_NAMES = {
    "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "ru": "Russian", "pl": "Polish", "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "fi": "Finnish", "cs": "Czech", "ro": "Romanian", "hu": "Hungarian", "el": "Greek", "uk": "Ukrainian",
    "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "id": "Indonesian", "vi": "Vietnamese", "th": "Thai", "fa": "Persian", "ca": "Catalan",
}  # fmt: skip


def language_notice(language: Language) -> str | None:
    """The plain warning for a text that does not look English (None for English)."""
    if language.english:
        return None
    name = LANGUAGE_NAMES.get(language.code, f"language '{language.code}'")
    return (
        f"This text looks like {name} ({language.code}), but the model reads English: "
        "the scores below are unreliable."
    )


@dataclass
class ReadingAtThresholds:
    """A reading at the current thresholds and view."""

    sentences: list[list[Row]]  # rows of each sentence, strongest first
    whole: list[Row]  # the whole text's rows
    carriers: dict[str, list[int]] = field(default_factory=dict)  # emotion -> sentences detecting it
    speakers: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # speaker -> emotion -> turns' sentences

    def detected(self, i: int) -> list[Row]:
        return [r for r in self.sentences[i] if r.passed]


def at_thresholds(
    reading: Reading, calibration: ViewThresholds, settings: ThresholdSettings, view: str
) -> ReadingAtThresholds:
    """Every sentence's rows, the whole text's, and what each emotion and speaker carry."""
    sentences = [score_rows(p, view, calibration, settings) for p in reading.probs]
    out = ReadingAtThresholds(sentences, score_rows(reading.whole, view, calibration, settings))
    for i, rows in enumerate(sentences):
        speaker = reading.sentences[i].speaker
        if speaker is not None:
            out.speakers.setdefault(speaker, {})
        for row in rows:
            if row.passed:
                out.carriers.setdefault(row.name, []).append(i)
                if speaker is not None:
                    out.speakers[speaker][row.name] = out.speakers[speaker].get(row.name, 0) + 1
    out.carriers = dict(sorted(out.carriers.items(), key=lambda kv: (-len(kv[1]), kv[1][0])))
    return out


def as_result(reading: Reading, cut: ReadingAtThresholds, view: str) -> dict[str, Any]:
    """What ``/predict_sentences`` and ``predict --by-sentence`` return for one text."""
    sentences = []
    for s, rows in zip(reading.sentences, cut.sentences):
        item = {"text": reading.text[s.start : s.end], "start": s.start, "end": s.end, **row_result(rows)}
        item = {**item, "truncated": s.truncated}
        sentences.append({**item, "speaker": s.speaker} if s.speaker is not None else item)
    out = {
        "sentences": sentences,
        **row_result(cut.whole),
        "truncated": reading.whole_truncated or reading.cut,
        "cut": reading.cut,
        "language": reading.language.code,
        "reliable": reading.language.english,  # the model reads English: other languages are not
        "view": view,
        "emotions": {name: idx for name, idx in cut.carriers.items()},
    }
    if notice := language_notice(reading.language):
        out["notice"] = notice
    if reading.conversation:
        out["speakers"] = cut.speakers
    return out
