"""Recall of intended emotions: reading each sentence against reading the whole text at once.

    python scripts/sentence_recall.py [--model-dir model] [--backend onnx-int8]

Twenty multi-sentence texts, written for this check, each with the GoEmotions emotions its
writer meant (one or two per sentence). An intended emotion is found when it is detected at
the calibrated thresholds: by sentence, in any of the text's sentences; whole, in the text
read as one. Reading more pieces also detects more, so the mean number of emotions detected
per text is reported beside the recall. Results: docs/sentences.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.hub import find_thresholds  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.reading import read_document  # noqa: E402
from emotions.model.readingviews import at_thresholds  # noqa: E402
from emotions.model.views import ThresholdSettings, ViewThresholds  # noqa: E402

TEXTS = [
    ("I was so worried about you! Thank god you're safe. But honestly, I'm furious you didn't call.", {"fear", "relief", "anger"}),
    ("I passed the exam!!! I can't believe it. I was so nervous this morning.", {"joy", "surprise", "nervousness"}),
    ("Thank you so much for the flowers. They made my day. I miss you already.", {"gratitude", "joy", "sadness"}),
    ("My dog died last night. I keep crying. Thanks everyone for the kind words.", {"grief", "sadness", "gratitude"}),
    ("This movie was hilarious. The ending though? I have no idea what happened.", {"amusement", "confusion"}),
    ("Wow, you actually did it. I'm so proud of you! Let's celebrate tonight.", {"surprise", "pride", "excitement"}),
    ("I'm sorry I yelled at you. That was unfair of me. I hope you can forgive me.", {"remorse", "optimism"}),
    ("The food was disgusting. The waiter was rude. I'm never going back there.", {"disgust", "annoyance", "disapproval"}),
    ("Why is the train late again? This is so annoying. At least I have a good book.", {"curiosity", "annoyance", "joy"}),
    ("I love you. I'm scared of losing you. Please stay.", {"love", "fear", "desire"}),
    ("Congratulations on the new job! I'm a bit jealous, honestly. You deserve it though.", {"excitement", "admiration"}),
    ("Oh no, I forgot her birthday. I feel terrible. I'll make it up to her.", {"embarrassment", "remorse", "optimism"}),
    ("That's a great idea. I totally agree. When do we start?", {"admiration", "approval", "curiosity"}),
    ("I can't stand his jokes. They're offensive. Why does anyone laugh?", {"annoyance", "disapproval", "confusion"}),
    ("What a relief, the tests came back negative. I was terrified. Now I can finally sleep.", {"relief", "fear"}),
    ("I realized I had been wrong all along. That hurt. But I learned something.", {"realization", "sadness", "optimism"}),
    ("You're amazing at this. Seriously, how do you do it? Teach me!", {"admiration", "curiosity", "desire"}),
    ("I'm so excited for the trip! Hope the weather holds. Packing now.", {"excitement", "optimism"}),
    ("Stop lying to me. I'm disappointed in you. I trusted you.", {"anger", "disappointment"}),
    ("Thanks for helping me move. My back hurts, lol. Pizza's on me!", {"gratitude", "amusement"}),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="model")
    parser.add_argument("--backend", default=None)
    args = parser.parse_args()
    clf = EmotionClassifier.from_pretrained(
        args.model_dir, find_thresholds(args.model_dir), backend=args.backend
    )
    calibration = ViewThresholds(clf.thresholds, None, "", clf.labelset, clf.multi_label, clf.calibrated)
    found = {"by sentence": 0, "whole text": 0}
    detected = {"by sentence": 0, "whole text": 0}
    intended = sum(len(wanted) for _, wanted in TEXTS)
    for text, wanted in TEXTS:
        reading = read_document(clf, text)
        cut = at_thresholds(reading, calibration, ThresholdSettings(), "emotions")
        by_sentence = set(cut.carriers)
        whole = {r.name for r in cut.whole if r.passed}
        found["by sentence"] += len(wanted & by_sentence)
        found["whole text"] += len(wanted & whole)
        detected["by sentence"] += len(by_sentence)
        detected["whole text"] += len(whole)
    print(f"{len(TEXTS)} texts, {intended} intended emotions, {args.model_dir} on the {clf.backend} backend")
    print("| reading | intended emotions found | recall | emotions detected per text |")
    print("|---|---|---|---|")
    for way in found:
        print(
            f"| {way} | {found[way]} of {intended} | {found[way] / intended:.2f} | {detected[way] / len(TEXTS):.1f} |"
        )


if __name__ == "__main__":
    main()
