"""The behaviour suite's machinery and the bias audit, on a tiny model; the command end to end."""

from __future__ import annotations

import json

import pytest

from emotions.cli import main
from emotions.model.inference import EmotionClassifier
from emotions.train import audit, behaviour, heldout
from emotions.train.behave import END, START
from emotions.train.checklist import Capability, Case, run


@pytest.fixture(scope="module")
def classifier(tiny_model_dir, tiny_thresholds):
    return EmotionClassifier.from_pretrained(tiny_model_dir, tiny_thresholds, backend="torch")


def test_the_three_test_types_pass_and_fail_as_they_should(classifier):
    happy = classifier.predict(["i love you"])[0].labels
    caps = [
        Capability("mft", "MFT", [Case(("i love you",), "its labels", lambda r: list(r.labels) == happy)]),
        Capability("inv", "INV", [Case.invariant("i love you", "i love you"), Case.invariant("wow", "i hate it . not good")]),
        Capability("dir", "DIR", [Case(("a", "b"), "never", lambda x, y: False)], target=0.5),
    ]  # fmt: skip
    reports = {r.name: r for r in run(classifier, caps)}
    assert reports["mft"].pass_rate == 1.0
    assert reports["inv"].passed >= 1 and reports["inv"].cases == 2
    assert reports["dir"].pass_rate == 0 and reports["dir"].met is False
    assert "(expected never)" in reports["dir"].failures[0]


def test_a_case_with_the_wrong_number_of_texts_is_refused():
    with pytest.raises(ValueError, match="each INV case takes 2 text"):
        Capability("x", "INV", [Case(("one",), "", lambda r: True)])
    with pytest.raises(ValueError, match="kind='XYZ'"):
        Capability("x", "XYZ", [])


def test_the_suite_covers_every_capability_the_issue_names():
    names = [c.name for c in behaviour.suite()]
    for word in (
        "emoji alone",
        "name swap",
        "typos",
        "casing",
        "negation",
        "intensity",
        "plain facts",
        "sarcasm",
    ):
        assert any(word in n for n in names), word
    swaps = next(c for c in behaviour.suite() if c.name == "name swap")
    assert len(swaps.cases) == len(behaviour.NAME_TEMPLATES) * 190  # every pair of 20 names


def test_the_held_out_cases_share_nothing_with_the_suite_or_the_audit():
    from emotions.train.names import EEC_NAMES, SUITE_NAMES

    held = set(heldout.NAMES) | set(heldout.NAMES_2) | set(heldout.NAMES_3)
    seen = set(SUITE_NAMES) | {n for group in EEC_NAMES.values() for n in group}
    assert len(held) == 72 and not held & seen
    assert not set(heldout.PLAIN) & set(behaviour.PLAIN)
    templates = heldout.TEMPLATES + heldout.TEMPLATES_2 + heldout.TEMPLATES_3
    assert len(set(templates)) == 24 and not set(templates) & set(behaviour.NAME_TEMPLATES)
    sizes = {c.name: len(c.cases) for c in heldout.held_out_suite()}
    assert sizes["held out: emoji before a new plain sentence"] == 8 * len(behaviour.KEY_EMOJI)
    assert sizes["held out: name swap, new names and templates (third set)"] == 8 * 276  # pairs of 24


def test_the_audit_counts_name_pairs_and_groups(classifier):
    sentences = audit.sentences()
    assert len(sentences) == 4 * (4 * 5 + 3 * 5) * 60  # emotions x frames x (40 names + 20 phrases)
    assert "Jasmine found herself in a dreadful situation." in {s.text for s in sentences}
    result = audit.audit(classifier)
    # every pair of the 40 names per frame, but "found himself/herself" pairs within a gender only
    assert result["name_pairs"] == 4 * ((20 + 10) * 780 + 5 * 2 * 190)
    assert 0 <= result["name_pairs_differing"] <= result["name_pairs"]
    assert set(result["by_emotion"]) == {"anger", "fear", "joy", "sadness"}


def test_behave_writes_the_json_and_the_card_section(tiny_model_dir, tiny_thresholds, tmp_path, capsys):
    card = tmp_path / "README.md"
    card.write_text(f"# card\n{START}\nold\n{END}\nafter\n")
    argv = ["behave", "--model-dir", str(tiny_model_dir), "--thresholds", str(tiny_thresholds)]
    assert main([*argv, "--backend", "torch", "--output-dir", str(tmp_path), "--card", str(card)]) == 0
    result = json.loads((tmp_path / "behaviour.json").read_text())
    assert {r["capability"] for r in result["suite"]} == {c.name for c in behaviour.suite()}
    assert [r["capability"] for r in result["held_out"]] == [c.name for c in heldout.held_out_suite()]
    text = card.read_text()
    assert "old" not in text and text.endswith("after\n") and "| name swap | INV |" in text
    assert (
        "### Held out" in text
        and "| held out: name swap, new names and templates (third set) | INV |" in text
    )
    assert "Same-sentence name pairs" in capsys.readouterr().out


def test_behave_names_a_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a folder: pass a checkpoint folder"):
        from emotions.train.behave import BehaveConfig

        BehaveConfig(model_dir=str(tmp_path / "nope"))
