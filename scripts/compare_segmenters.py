"""Sentence segmenters and language identifiers compared on hard cases (docs/sentences.md).

    pip install pysbd syntok blingfire spacy py3langid lingua-language-detector langdetect
    python scripts/compare_segmenters.py

Segmenters are scored with and without the two steps emotions/text/sentences.py adds (lines
split first; a piece with no letter joins the sentence before it); identifiers on short texts.
"""

from __future__ import annotations

import re
import time

CASES = [  # (what is hard, text, sentences a reader sees)
    ("abbreviation", "I saw Dr. Smith today. He was kind.", 2),
    ("decimal", "It costs 3.50 dollars. That is cheap!", 2),
    ("!!!", "I love it!!! Thank you so much!!! Best day ever", 3),
    ("emoji", "So happy 😊 I passed the exam 🎉 Cannot believe it", 1),
    ("emoji after .", "So happy 😊. I passed! 🎉", 2),
    ("no punctuation", "i am so tired i want to sleep forever", 1),
    ("line breaks", "Dear diary\nToday was awful\nI cried all day", 3),
    ("quotes", 'She said "I hate you." Then she left.', 2),
    ("questions", "Why would you do that? I'm furious. Call me.", 3),
    ("ellipsis", "Well... I don't know. Maybe tomorrow?", 2),
    ("e.g.", "Fruits, e.g. apples, are good. I like them.", 2),
    ("U.S.", "I moved to the U.S. last year. It is great.", 2),
    (
        "the issue's text",
        "I was so worried about you! Thank god you're safe. But honestly, I'm furious you didn't call.",
        3,
    ),
    ("lowercase starts", "this is great. really great. thanks", 3),
    ("URL", "Check https://example.com/a.b today. It is good.", 2),
    ("p.m.", "We met at 3 p.m. on Monday. It rained.", 2),
]
LANGUAGES = [
    ("en", "I love it"), ("en", "Thank god you're safe."), ("en", "lol that cat is ridiculous"),
    ("en", "ugh, my train is late again"), ("en", "OMG, yep!!! That is the final answer!"),
    ("en", "I'm so sorry for your loss."), ("en", "The meeting moved to 3pm in room 4."), ("en", "wow"),
    ("en", "Why would anyone think this is a good idea?"), ("fr", "Je suis tellement heureux aujourd'hui !"),
    ("fr", "Merci beaucoup pour ton aide."), ("fr", "C'est nul, je déteste ça."), ("fr", "J'ai peur du noir"),
    ("es", "Estoy muy feliz hoy."), ("es", "Muchas gracias por todo."), ("es", "Qué asco, no me gusta nada."),
    ("es", "Tengo miedo"), ("de", "Ich bin heute so glücklich."), ("de", "Vielen Dank für deine Hilfe!"),
    ("de", "Das ist wirklich ekelhaft."), ("de", "Ich habe Angst"), ("it", "Sono molto felice oggi."),
    ("pt", "Estou muito feliz hoje."), ("nl", "Ik ben vandaag zo blij."), ("ru", "Я очень счастлив сегодня."),
    ("ja", "今日はとても幸せです。"),
]  # fmt: skip


def segmenters() -> dict:
    import blingfire
    import pysbd
    import spacy
    import syntok.segmenter as syntok

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def by_syntok(t):
        return [
            "".join(tok.spacing + tok.value for tok in s).strip() for para in syntok.analyze(t) for s in para
        ]

    return {
        "pysbd": lambda t: [s.sent.strip() for s in seg.segment(t) if s.sent.strip()],
        "syntok": by_syntok,
        "blingfire": lambda t: [s for s in blingfire.text_to_sentences(t).split("\n") if s.strip()],
        "spaCy sentencizer": lambda t: [s.text.strip() for s in nlp(t).sents if s.text.strip()],
    }


def with_steps(split):
    def steps(text):
        out = []
        for line in text.split("\n"):
            for s in split(line) if line.strip() else []:
                if out and not re.search(r"\w", s):
                    out[-1] += " " + s
                else:
                    out.append(s)
        return out

    return steps


def main() -> None:
    long = (" ".join(t for _, t, _ in CASES) * 20)[:5000]
    print(
        "| segmenter | right, as is | right, with the two steps | ms for 5,000 characters | wrong (as is) |"
    )
    print("|---|---|---|---|---|")
    for name, split in segmenters().items():
        wrong = [label for label, text, n in CASES if len(split(text)) != n]
        stepped = sum(len(with_steps(split)(text)) == n for _, text, n in CASES)
        start = time.perf_counter()
        for _ in range(5):
            split(long)
        ms = (time.perf_counter() - start) / 5 * 1000
        print(
            f"| {name} | {len(CASES) - len(wrong)}/{len(CASES)} | {stepped}/{len(CASES)} | {ms:.1f} | {', '.join(wrong)} |"
        )
    import langdetect
    import py3langid
    from lingua import LanguageDetectorBuilder

    langdetect.DetectorFactory.seed = 0
    lingua = LanguageDetectorBuilder.from_all_languages().build()

    def by_lingua(text):
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "?"

    def by_langdetect(text):
        try:
            return langdetect.detect(text)
        except langdetect.LangDetectException:
            return "?"

    print("\n| identifier | right | ms a text | wrong |")
    print("|---|---|---|---|")
    for name, detect in (
        ("py3langid", lambda t: py3langid.classify(t)[0]),
        ("lingua", by_lingua),
        ("langdetect", by_langdetect),
    ):
        wrong = [f"{text!r} as {got}" for code, text in LANGUAGES if (got := detect(text)) != code]
        start = time.perf_counter()
        for _, text in LANGUAGES * 5:
            detect(text)
        ms = (time.perf_counter() - start) / (len(LANGUAGES) * 5) * 1000
        print(f"| {name} | {len(LANGUAGES) - len(wrong)}/{len(LANGUAGES)} | {ms:.2f} | {'; '.join(wrong)} |")


if __name__ == "__main__":
    main()
