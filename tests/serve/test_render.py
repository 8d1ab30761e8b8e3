"""HTML for the app: escaping, chips, bars, counts."""

from __future__ import annotations

import re

from emotions.model.views import Row
from emotions.serve.render import bars_html, counts_html, detected_html, escape, hint_html, pct


def row(name: str, prob: float, threshold: float = 0.5, overridden: bool = False) -> Row:
    return Row(name, "🙂", prob, threshold, prob >= threshold, overridden)


def test_escape_neutralises_html_and_template_syntax():
    out = escape('<script>alert("x")</script> ${1+1} {{value}} & \'')
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert "$" not in out and "{" not in out and "}" not in out
    assert "&lt;script&gt;" in out


def test_pct():
    assert pct(0.0) == "<1%" and pct(0.004) == "<1%" and pct(0.5) == "50%" and pct(1.0) == "100%"


def test_detected_lists_passing_rows_strongest_first():
    html = detected_html([row("joy", 0.6), row("love", 0.9), row("anger", 0.2)])
    assert re.findall(r'class="emo-name">(\w+)', html) == ["love", "joy"]
    assert "below threshold" not in html


def test_detected_shows_the_three_closest_when_none_passes():
    rows = [row("joy", 0.45), row("love", 0.1), row("anger", 0.3, 0.31), row("fear", 0.2), row("grief", 0.05)]
    html = detected_html(rows, notice="cut <b>")
    assert "No emotion passes" in html and html.count("below threshold") == 3
    assert re.findall(r'class="emo-name">(\w+)', html) == ["anger", "joy", "fear"]  # smallest gap first
    assert "cut &lt;b&gt;" in html


def test_bars_set_passing_rows_apart_and_show_thresholds():
    html = bars_html([row("joy", 0.2, 0.1), row("love", 0.9), row("anger", 0.3, overridden=True)])
    assert (
        html.index("Above threshold (2)")
        < html.index("love")
        < html.index("joy")
        < html.index("Below threshold (1)")
    )
    assert html.index("Below threshold (1)") < html.index("anger")
    assert 'style="left:10.0%"' in html and 'style="width:20.0%"' in html
    assert 'aria-label="anger: probability 30%, threshold 50% (set by you), below threshold"' in html


def test_bars_with_nothing_passing_has_no_above_section():
    html = bars_html([row("joy", 0.2)])
    assert "Above threshold" not in html and "Below threshold (1)" in html


def test_counts_and_hint():
    html = counts_html([("joy", 3), ("anger", 1)], 4)
    assert html.count('class="emo-row') == 2 and "3 <small>(75%)" in html and "width:33.3%" in html
    assert "No emotion was detected" in counts_html([], 4)
    assert "&lt;x&gt;" in hint_html("<x>")


def test_bars_with_everything_passing_has_no_below_section():
    html = bars_html([row("joy", 0.9), row("love", 0.6)])
    assert "Above threshold (2)" in html and "Below threshold" not in html
