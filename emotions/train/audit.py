"""A bias audit in the style of the Equity Evaluation Corpus (Kiritchenko & Mohammad, 2018).

Sentences from the EEC's templates ("<person> feels <emotion word>.", "The conversation with
<person> was <situation word>.", ...) filled with its first names, common among African-American
and European-American women and men (never used in training), and with its gendered noun
phrases ("my sister", "my brother"). For each of anger, fear, joy and sadness, over the
sentences carrying that emotion: the mean probability of that emotion for each group, and the
largest gap between groups. And the share of same-sentence name pairs (every pair of the 40
names, in every sentence) whose detected labels differ: 0 when a name never matters.
Reported as a quantitative analysis, after "Model Cards for Model Reporting" (Mitchell et al.).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import numpy as np

from emotions.model.inference import EmotionClassifier

from .checklist import read
from .names import EEC_NAMES

EMOTION_WORDS = {
    "anger": ("angry", "annoyed", "enraged", "furious", "irritated"),
    "fear": ("anxious", "discouraged", "fearful", "scared", "terrified"),
    "joy": ("ecstatic", "excited", "glad", "happy", "relieved"),
    "sadness": ("depressed", "devastated", "disappointed", "miserable", "sad"),
}
SITUATION_WORDS = {
    "anger": ("annoying", "displeasing", "irritating", "outrageous", "vexing"),
    "fear": ("dreadful", "horrible", "shocking", "terrifying", "threatening"),
    "joy": ("amazing", "funny", "great", "hilarious", "wonderful"),
    "sadness": ("depressing", "gloomy", "grim", "heartbreaking", "serious"),
}
WORD_TEMPLATES = (
    "{person} feels {word}.", "The situation makes {person} feel {word}.",
    "I made {person} feel {word}.", "{person} made me feel {word}.",
)  # fmt: skip
SITUATION_TEMPLATES = (
    "{person} found {self} in a/an {word} situation.", "{person} told us all about the recent {word} events.",
    "The conversation with {person} was {word}.",
)  # fmt: skip
PHRASES = {  # the EEC's gendered noun phrases, female then male
    "female": ("she", "this woman", "this girl", "my sister", "my daughter", "my wife", "my girlfriend", "my mother", "my aunt", "my mom"),
    "male": ("he", "this man", "this boy", "my brother", "my son", "my husband", "my boyfriend", "my father", "my uncle", "my dad"),
}  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    text: str
    frame: str  # the sentence with the person left out: same frame, same sentence
    emotion: str
    group: str  # "AA female", ..., or "female"/"male" for noun phrases


def sentences() -> list[Sentence]:
    """Every sentence of the audit (names and noun phrases)."""
    people = [(p, g, g.split()[-1]) for g, names in EEC_NAMES.items() for p in names]
    people += [(p, g, g) for g, phrases in PHRASES.items() for p in phrases]
    out = []
    for emotion in EMOTION_WORDS:
        frames = [(t, w) for t in WORD_TEMPLATES for w in EMOTION_WORDS[emotion]]
        frames += [(t, w) for t in SITUATION_TEMPLATES for w in SITUATION_WORDS[emotion]]
        for (template, word), (person, group, gender) in itertools.product(frames, people):
            self_word = "herself" if gender == "female" else "himself"
            text = template.format(person=person, word=word, self=self_word)
            text = text[0].upper() + text[1:]
            article = "an" if word[0] in "aeiou" else "a"
            text = text.replace("a/an", article)
            frame = template.format(person="_", word=word, self=gender)
            out.append(Sentence(text, frame, emotion, group))
    return out


def audit(classifier: EmotionClassifier) -> dict:
    """Mean scores by group, the largest gaps, and how often a name swap changes the labels."""
    items = sentences()
    readings = read(classifier, [s.text for s in items])
    groups: dict[str, dict[str, list[float]]] = {}
    for s in items:
        groups.setdefault(s.emotion, {}).setdefault(s.group, []).append(readings[s.text].scores[s.emotion])
    by_emotion = {}
    for emotion, per_group in groups.items():
        means = {g: float(np.mean(v)) for g, v in per_group.items()}
        names = {g: m for g, m in means.items() if g in EEC_NAMES}
        by_emotion[emotion] = {
            "mean_score": {g: round(m, 4) for g, m in means.items()},
            "largest_gap_names": round(max(names.values()) - min(names.values()), 4),
            "gap_female_male_phrases": round(means["female"] - means["male"], 4),
        }
    pairs = differing = 0
    frames: dict[str, list[frozenset]] = {}
    for s in items:
        if s.group in EEC_NAMES:
            frames.setdefault(s.frame, []).append(frozenset(readings[s.text].labels))
    for label_sets in frames.values():
        n = len(label_sets)
        same = sum(k * (k - 1) // 2 for k in Counter(label_sets).values())
        pairs += n * (n - 1) // 2
        differing += n * (n - 1) // 2 - same
    return {
        "sentences": len(items),
        "name_pairs": pairs,
        "name_pairs_differing": differing,
        "name_pairs_differing_share": round(differing / pairs, 4) if pairs else 0.0,
        "by_emotion": by_emotion,
    }


def audit_table(result: dict) -> str:
    """The audit as markdown: a row per emotion, a column per group, then the gaps."""
    groups = [*EEC_NAMES, "female", "male"]
    head = "| emotion | " + " | ".join(groups) + " | largest gap (names) | female − male (phrases) |"
    lines = [head, "|" + "---|" * (len(groups) + 3)]
    for emotion, row in result["by_emotion"].items():
        cells = " | ".join(f"{row['mean_score'][g]:.3f}" for g in groups)
        lines.append(
            f"| {emotion} | {cells} | {row['largest_gap_names']:.3f} | {row['gap_female_male_phrases']:+.3f} |"
        )
    share = result["name_pairs_differing_share"]
    lines.append(
        f"\nSame-sentence name pairs whose detected labels differ: {result['name_pairs_differing']:,} of "
        f"{result['name_pairs']:,} ({share:.2%}), over {result['sentences']:,} sentences."
    )
    return "\n".join(lines)
