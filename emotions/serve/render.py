"""HTML for the app: detected-emotion chips, probability bars with their thresholds and
each emotion's test reliability, and the summary under a word explanation.

Every piece of text that could come from a visitor goes through :func:`escape`, which
also neutralises ``$``, ``{`` and ``}`` so nothing reaches ``gr.HTML``'s template engine.
Colours come from Gradio's theme variables, so light and dark mode both work.
"""

from __future__ import annotations

import html

from emotions.labels import GUESSED, emoji_for
from emotions.model.reliability import LOW_F1, LOW_SUPPORT, Reliability
from emotions.model.views import Row

Reliabilities = dict[str, Reliability] | None  # test F1 and support per label; None or {}: not shown

N_CLOSEST = 3  # rows shown, marked as below threshold, when none passes

CSS = """
.emo-panel { font-size: var(--text-md); color: var(--body-text-color); }
.emo-hint { color: var(--body-text-color-subdued); margin: 0.25rem 0 0.5rem; }
.emo-notice { border-left: 3px solid var(--color-accent); padding: 0.35rem 0.6rem; margin-bottom: 0.6rem;
  background: var(--background-fill-secondary); border-radius: 4px; font-size: var(--text-sm); }
.emo-notice.error { border-left-color: var(--error-border-color, #ef4444); color: var(--error-text-color, inherit); }
.emo-chips { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.emo-chip { display: inline-flex; align-items: center; gap: 0.4rem; padding: 0.35rem 0.75rem 0.35rem 0.5rem;
  border-radius: 999px; border: 1.5px solid var(--color-accent); background: var(--color-accent-soft); }
.emo-emoji, .emo-ico { font-family: "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif; }
.emo-chip .emo-emoji { font-size: 1.6rem; line-height: 1; }
.emo-chip .emo-name { font-weight: 600; }
.emo-chip .emo-p { font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); }
.emo-chip.below { border-style: dashed; border-color: var(--border-color-primary);
  background: transparent; opacity: 0.85; }
.emo-badge { font-size: var(--text-xs); text-transform: uppercase; letter-spacing: 0.03em;
  color: var(--body-text-color-subdued); border: 1px solid var(--border-color-primary);
  border-radius: 4px; padding: 0 0.3rem; }
.emo-legend { display: flex; flex-wrap: wrap; gap: 0.9rem; font-size: var(--text-sm);
  color: var(--body-text-color-subdued); margin-bottom: 0.4rem; }
.emo-key { display: inline-block; width: 0.9rem; height: 0.6rem; border-radius: 2px; margin-right: 0.3rem;
  vertical-align: middle; background: var(--color-accent); }
.emo-key.off { background: var(--neutral-400); opacity: 0.6; }
.emo-key.tick { width: 3px; height: 0.9rem; background: var(--body-text-color); }
.emo-group { font-size: var(--text-sm); font-weight: 600; color: var(--body-text-color-subdued);
  margin: 0.6rem 0 0.2rem; text-transform: uppercase; letter-spacing: 0.04em; }
.emo-row { display: grid; grid-template-columns: minmax(7.5rem, 10rem) 1fr 5.5rem; align-items: center;
  gap: 0.6rem; padding: 0.12rem 0; }
.emo-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.emo-row.pass .emo-label { font-weight: 600; }
.emo-row.fail .emo-label { color: var(--body-text-color-subdued); }
.emo-track { position: relative; height: 0.8rem; border-radius: 999px; background: var(--background-fill-secondary);
  border: 1px solid var(--border-color-primary); }
.emo-fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 999px; }
.emo-row.pass .emo-fill { background: var(--color-accent); }
.emo-row.fail .emo-fill { background: var(--neutral-400); opacity: 0.6; }
.emo-tick { position: absolute; top: -0.2rem; bottom: -0.2rem; width: 3px; margin-left: -1.5px;
  background: var(--body-text-color); border-radius: 2px; }
.emo-val { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.emo-val small { color: var(--body-text-color-subdued); }
.emo-rel { display: block; font-size: var(--text-xs); font-weight: 400; line-height: 1.2;
  color: var(--body-text-color-subdued); font-variant-numeric: tabular-nums; }
.emo-rel.low, .emo-warn { color: var(--color-orange-600, #c2410c); }
.emo-chip .emo-warn { font-size: var(--text-sm); }
.emo-guess { color: var(--body-text-color-subdued); font-size: var(--text-xs); margin-left: 0.05rem; }
.emo-why { font-size: var(--text-sm); margin: 0.2rem 0; }
.emo-why b { font-weight: 600; }
@media (max-width: 480px) {
  .emo-row { grid-template-columns: 6.8rem 1fr 4.6rem; gap: 0.4rem; font-size: var(--text-sm); }
  .emo-notice.error { border-left-color: var(--error-border-color, #ef4444); color: var(--error-text-color, inherit); }
.emo-chips { gap: 0.35rem; }
  .emo-chip { padding: 0.2rem 0.55rem 0.2rem 0.35rem; gap: 0.3rem; font-size: var(--text-sm); }
  .emo-chip .emo-emoji { font-size: 1.2rem; }
}
"""


def escape(text: str) -> str:
    """HTML-escape ``text`` and the template characters ``$``, ``{``, ``}``."""
    out = html.escape(str(text), quote=True)
    return out.replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


def pct(value: float) -> str:
    """A probability or threshold as a whole percentage ("<1%" below one percent)."""
    return "<1%" if value < 0.005 else f"{value * 100:.0f}%"


def notice_html(message: str, error: bool = False) -> str:
    kind, role = (" error", "alert") if error else ("", "status")
    return f'<div class="emo-notice{kind}" role="{role}">{escape(message)}</div>'


def hint_html(message: str, notice: str | None = None) -> str:
    """A placeholder panel: nothing scored yet, or the input was empty."""
    top = notice_html(notice) if notice else ""
    return f'<div class="emo-panel">{top}<p class="emo-hint">{escape(message)}</p></div>'


def _guess(row: Row) -> str:
    """A mark after an emoji that was guessed from the label's name (not GoEmotions' own)."""
    return f'<sup class="emo-guess" title="emoji {GUESSED}">°</sup>' if row.guessed else ""


def _chip(row: Row, below: bool = False, trust: Reliability | None = None) -> str:
    badge = ' <span class="emo-badge">below threshold</span>' if below else ""
    title = f"{row.name}: probability {pct(row.prob)}, threshold {pct(row.threshold)}"
    warn = ""
    if trust is not None:
        title += f"; {trust.describe()}" + (", so trust it less" if trust.low else "")
        warn = '<span class="emo-warn" aria-hidden="true">⚠</span>' if trust.low else ""
    return (
        f'<span class="emo-chip{" below" if below else ""}" title="{escape(title)}">'
        f'<span class="emo-emoji" aria-hidden="true">{row.emoji}</span>{_guess(row)}'
        f'<span class="emo-name">{escape(row.name)}</span>'
        f'<span class="emo-p">{pct(row.prob)}</span>{warn}{badge}</span>'
    )


def notices_html(notice: str | list[str] | None) -> str:
    return "".join(notice_html(n) for n in ([notice] if isinstance(notice, str) else notice or []))


def detected_html(
    rows: list[Row], notice: str | list[str] | None = None, reliability: Reliabilities = None
) -> str:
    """Chips for every row that passes, strongest first; else the closest few, marked.
    With ``reliability``, a chip's tooltip has its test F1 and a shaky emotion gets a ⚠."""
    top = notices_html(notice)
    reliability = reliability or {}
    passing = sorted((r for r in rows if r.passed), key=lambda r: -r.prob)
    if passing:
        chips = "".join(_chip(r, trust=reliability.get(r.name)) for r in passing)
        return f'<div class="emo-panel">{top}<div class="emo-chips">{chips}</div></div>'
    closest = sorted(rows, key=lambda r: r.threshold - r.prob)[:N_CLOSEST]
    chips = "".join(_chip(r, below=True, trust=reliability.get(r.name)) for r in closest)
    return (
        f'<div class="emo-panel">{top}<p class="emo-hint">No emotion passes its threshold. '
        f'The {len(closest)} closest:</p><div class="emo-chips">{chips}</div></div>'
    )


def _reliability(trust: Reliability | None) -> str:
    if trust is None:
        return ""
    warn = "⚠ " if trust.low else ""
    tip = "few test examples or a low F1: trust this emotion less" if trust.low else "scored on the test set"
    return (
        f'<small class="emo-rel{" low" if trust.low else ""}" title="{escape(tip)}">'
        f"{warn}{escape(trust.describe())}</small>"
    )


def _bar(row: Row, trust: Reliability | None = None) -> str:
    state = "pass" if row.passed else "fail"
    verdict = "detected" if row.passed else "below threshold"
    mark = " (set by you)" if row.overridden else ""
    aria = f"{row.name}: probability {pct(row.prob)}, threshold {pct(row.threshold)}{mark}, {verdict}"
    if trust is not None:
        aria += f"; {trust.describe()}" + (", trust it less" if trust.low else "")
    width = min(max(row.prob, 0.0), 1.0) * 100
    left = min(max(row.threshold, 0.0), 1.0) * 100
    star = '<span title="threshold set by you"> ✎</span>' if row.overridden else ""
    return (
        f'<div class="emo-row {state}" role="listitem" aria-label="{escape(aria)}">'
        f'<span class="emo-label"><span class="emo-ico" aria-hidden="true">{row.emoji}</span>{_guess(row)} {escape(row.name)}{star}{_reliability(trust)}</span>'
        f'<span class="emo-track"><span class="emo-fill" style="width:{width:.1f}%"></span>'
        f'<span class="emo-tick" style="left:{left:.1f}%" title="threshold {pct(row.threshold)}"></span></span>'
        f'<span class="emo-val">{pct(row.prob)} <small>/ {pct(row.threshold)}</small></span></div>'
    )


def bars_html(rows: list[Row], reliability: Reliabilities = None) -> str:
    """Every row as a bar, those that pass first, each group sorted by probability.
    With ``reliability``, each row shows its test F1 and support, shaky ones marked ⚠."""
    reliability = reliability or {}
    passing = sorted((r for r in rows if r.passed), key=lambda r: -r.prob)
    failing = sorted((r for r in rows if not r.passed), key=lambda r: -r.prob)
    key = (
        f"<span>test F1 · n: how well the emotion was found in n test texts; "
        f"⚠ F1 under {LOW_F1} or n under {LOW_SUPPORT}: trust it less</span>"
        if any(r.name in reliability for r in rows)
        else ""
    )
    if any(r.guessed for r in rows):
        key += f"<span>° emoji {GUESSED}</span>"
    legend = (
        '<div class="emo-legend"><span><span class="emo-key"></span>detected</span>'
        '<span><span class="emo-key off"></span>below threshold</span>'
        '<span><span class="emo-key tick"></span>threshold</span><span>probability / threshold</span>'
        f"{key}</div>"
    )
    parts = [f'<div class="emo-panel emo-bars" role="list">{legend}']
    if passing:
        parts.append(f'<div class="emo-group">Above threshold ({len(passing)})</div>')
        parts.extend(_bar(r, reliability.get(r.name)) for r in passing)
    if failing:
        parts.append(f'<div class="emo-group">Below threshold ({len(failing)})</div>')
        parts.extend(_bar(r, reliability.get(r.name)) for r in failing)
    parts.append("</div>")
    return "".join(parts)


def counts_html(counts: list[tuple[str, int]], n_texts: int) -> str:
    """A bar per name: in how many of ``n_texts`` texts it was detected."""
    if not counts:
        return '<div class="emo-panel"><p class="emo-hint">No emotion was detected in any text.</p></div>'
    top = max(c for _, c in counts)
    rows = []
    for name, count in counts:
        share = count / max(n_texts, 1)
        rows.append(
            f'<div class="emo-row pass" role="listitem" aria-label="{escape(name)}: {count} of {n_texts} texts">'
            f'<span class="emo-label"><span class="emo-ico" aria-hidden="true">{emoji_for(name)}</span> {escape(name)}</span>'
            f'<span class="emo-track"><span class="emo-fill" style="width:{count / top * 100:.1f}%"></span></span>'
            f'<span class="emo-val">{count} <small>({pct(share)})</small></span></div>'
        )
    return f'<div class="emo-panel emo-bars" role="list">{"".join(rows)}</div>'


def _words(pairs: list[tuple[str, float]]) -> str:
    return ", ".join(f"<b>{escape(w)}</b> ({a * 100:+.1f} pts)" for w, a in pairs)


def why_html(
    name: str, prob: float, raised: list[tuple[str, float]], lowered: list[tuple[str, float]], method: str
) -> str:
    """Under a word explanation: the words that moved ``name`` most, and how it was computed."""
    head = f"<b>{escape(name)}</b> {emoji_for(name)} {pct(prob)}"
    if not raised and not lowered:
        body = "no single word moves it: removing any one word leaves its probability as it is"
    else:
        up = f"raised most by {_words(raised)}" if raised else "no word raised it"
        down = f"lowered most by {_words(lowered)}" if lowered else "no word lowered it"
        body = f"{up}; {down}"
    return (
        f'<div class="emo-panel"><p class="emo-why">{head}: {body}.</p>'
        f'<p class="emo-hint">{escape(method)} Points: percentage points of probability.</p></div>'
    )
