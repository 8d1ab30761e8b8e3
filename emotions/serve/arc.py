"""The emotion arc of a multi-sentence text: its sentences in reading order (each with its
detected emojis, coloured by its strongest emotion), a chart of how the main emotions rise
and fall across them, the document's emotions with the sentences that carry each, and each
speaker's emotions over a conversation.

HTML goes through :func:`emotions.serve.render.escape`; colours are translucent tints of a
fixed palette over the theme's own background and text colours, so light and dark mode and
a phone's width all read.
"""

from __future__ import annotations

import pandas as pd

from emotions.limits import MAX_LENGTH
from emotions.model.reading import Reading
from emotions.model.readingviews import ReadingAtThresholds

from .render import escape, pct

MAIN_EMOTIONS = 5  # lines in the chart: the emotions detected in the most sentences
PREVIEW = 90  # characters of a sentence shown in the sentence choice
# Tableau 10: distinct on white and on near-black backgrounds
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
CSS = """
.emo-arc { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.3rem; }
.emo-arc li { border-left: 4px solid var(--emo-c, var(--border-color-primary)); border-radius: 4px;
  padding: 0.3rem 0.5rem; background: color-mix(in srgb, var(--emo-c, transparent) 12%, transparent); }
.emo-arc .emo-n { color: var(--body-text-color-subdued); font-variant-numeric: tabular-nums; margin-right: 0.3rem; }
.emo-arc .emo-ico { margin-right: 0.25rem; }
.emo-arc .emo-who { font-weight: 600; margin-right: 0.3rem; }
.emo-arc .emo-flag { font-size: var(--text-xs); color: var(--body-text-color-subdued); margin-left: 0.3rem; }
.emo-doc details { margin: 0.15rem 0; }
.emo-doc summary { cursor: pointer; }
.emo-doc ol { margin: 0.2rem 0 0.4rem 1.2rem; color: var(--body-text-color-subdued); font-size: var(--text-sm); }
.emo-who-row { margin: 0.2rem 0; }
"""


def colors(cut: ReadingAtThresholds) -> dict[str, str]:
    """A colour per emotion the text carries, the most frequent first, so the chart's lines and
    the sentences' tints agree and the main emotions never share one."""
    names = list(cut.carriers) or [cut.whole[0].name]
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def main_emotions(cut: ReadingAtThresholds, k: int = MAIN_EMOTIONS) -> list[str]:
    return list(cut.carriers)[:k]


def chart_frame(reading: Reading, cut: ReadingAtThresholds) -> pd.DataFrame:
    """Long-form data for the line chart: a row per sentence and main emotion. Each line is
    named by its rank (``line``), so the chart's colours never depend on which emotions a
    text has; :func:`legend_html` names them, and the tooltip shows the ``emotion``."""
    names = main_emotions(cut) or [cut.whole[0].name]
    rows = []
    for i, sentence_rows in enumerate(cut.sentences):
        probs = {r.name: r.prob for r in sentence_rows}
        rows.extend(
            {"sentence": str(i + 1), "line": str(k + 1), "emotion": n, "probability": round(probs[n], 4)}
            for k, n in enumerate(names)
        )
    return pd.DataFrame(rows, columns=["sentence", "line", "emotion", "probability"])


LINE_COLORS = {str(k + 1): PALETTE[k] for k in range(MAIN_EMOTIONS)}  # the chart's fixed colours


def legend_html(cut: ReadingAtThresholds) -> str:
    """The chart's legend: each main emotion's colour and name."""
    palette = colors(cut)
    keys = "".join(
        f'<span><span class="emo-key" style="background:{palette[n]}"></span>{escape(n)}</span>'
        for n in main_emotions(cut) or [cut.whole[0].name]
    )
    return f'<div class="emo-legend" aria-label="chart legend">{keys}</div>'


def sentences_html(reading: Reading, cut: ReadingAtThresholds) -> str:
    """Every sentence in reading order, its detected emojis, tinted by its strongest emotion."""
    items, palette = [], colors(cut)  # a sentence's tint: its strongest emotion's line colour
    for i, s in enumerate(reading.sentences):
        found = cut.detected(i)
        tint = f' style="--emo-c:{palette[found[0].name]}"' if found else ""
        emojis = "".join(r.emoji for r in found) or "·"
        names = ", ".join(r.name for r in found) or "nothing detected"
        who = f'<span class="emo-who">{escape(s.speaker)}:</span>' if s.speaker else ""
        flag = f'<span class="emo-flag">(read up to {MAX_LENGTH} tokens)</span>' if s.truncated else ""
        items.append(
            f'<li{tint} title="{escape(names)}"><span class="emo-n">{i + 1}</span>'
            f'<span class="emo-ico" aria-label="{escape(names)}">{emojis}</span>{who}'
            f"{escape(reading.text[s.start : s.end])}{flag}</li>"
        )
    return f'<div class="emo-panel">{legend_html(cut)}<ol class="emo-arc">{"".join(items)}</ol></div>'


def document_html(reading: Reading, cut: ReadingAtThresholds) -> str:
    """Every emotion detected in any sentence, in how many, and (opened) which."""
    if not cut.carriers:
        return '<div class="emo-panel"><p class="emo-hint">No emotion passes its threshold in any sentence.</p></div>'
    emoji = {r.name: r.emoji for rows in cut.sentences for r in rows}
    parts = []
    for name, idx in cut.carriers.items():
        listed = "".join(f"<li>{i + 1}. {escape(reading.sentence_text(i))}</li>" for i in idx)
        count = f"{len(idx)} of {len(reading.sentences)} sentences"
        parts.append(
            f"<details><summary>{emoji[name]} <b>{escape(name)}</b> · {count}</summary><ol>{listed}</ol></details>"
        )
    return f'<div class="emo-panel emo-doc">{"".join(parts)}</div>'


def speakers_html(reading: Reading, cut: ReadingAtThresholds) -> str:
    """Each speaker's emotions over the conversation: their turns' emojis in order, and counts."""
    if not reading.conversation:
        return ""
    rows = []
    for speaker, counts in cut.speakers.items():
        steps = [
            "".join(r.emoji for r in cut.detected(i)[:2]) or "·"
            for i, s in enumerate(reading.sentences)
            if s.speaker == speaker
        ]
        total = ", ".join(f"{escape(n)} ×{c}" for n, c in sorted(counts.items(), key=lambda kv: -kv[1]))
        rows.append(
            f'<p class="emo-who-row"><span class="emo-who">{escape(speaker)}</span> '
            f'<span class="emo-ico">{" → ".join(steps)}</span> <small>{total or "nothing detected"}</small></p>'
        )
    return f'<div class="emo-panel"><p class="emo-group">Speakers</p>{"".join(rows)}</div>'


def sentence_choices(reading: Reading) -> list[tuple[str, int]]:
    """The sentence choice's options: "1. I was so worried…" for each sentence."""
    out = []
    for i, s in enumerate(reading.sentences):
        text = reading.sentence_text(i).replace("\n", " ")
        text = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
        out.append((f"{i + 1}. {s.speaker + ': ' if s.speaker else ''}{text}", i))
    return out


def whole_note(cut: ReadingAtThresholds) -> str:
    """The whole text read as one, for comparison: its strongest detected emotions."""
    found = [r for r in cut.whole if r.passed][:4]
    shown = ", ".join(f"{r.emoji} {escape(r.name)} {pct(r.prob)}" for r in found) or "nothing detected"
    return f'<p class="emo-hint">Read as one text: {shown}.</p>'
