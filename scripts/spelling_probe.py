"""Would a serve-time spelling corrector fix the typos the behaviour suite finds? A probe, not shipped.

    pip install symspellpy   # not a dependency of the project
    python scripts/spelling_probe.py [--model-dir model] [--thresholds thresholds/thresholds.json] [--distance 1]

SymSpell (Garbe; the ``symspellpy`` package and its 82,765-word English frequency list) replaces
each word of four letters or more that neither the tokenizer's vocabulary nor GoEmotions' training
texts (3 times or more) know by the most frequent dictionary word within ``--distance`` edits that
starts with the same letter: context-free, as a preprocessing step would be. On the app's backend
it prints the suite's typo capability with and without the corrector, how many dev texts it
changes and its most common corrections, and dev macro-F1 at the served thresholds with and
without it (dev only: the test split is not read).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.backends import app_backend  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.train.behaviour import typos  # noqa: E402
from emotions.train.checklist import run  # noqa: E402
from emotions.train.data import load_split  # noqa: E402
from emotions.train.metrics import binarize, f1_scores  # noqa: E402

WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass
class Corrected:
    """A preprocessing that corrects spelling first, then does what the checkpoint declares."""

    fix: object
    then: object
    is_identity: bool = False

    def __call__(self, text: str) -> str:
        return self.then(self.fix(text))


def corrector(clf: EmotionClassifier, distance: int):
    from symspellpy import SymSpell, Verbosity

    start = time.perf_counter()
    sym = SymSpell(max_dictionary_edit_distance=distance, prefix_length=7)
    sym.load_dictionary(str(files("symspellpy") / "frequency_dictionary_en_82_765.txt"), 0, 1)
    counts = collections.Counter(
        w.lower() for t in load_split("train").texts for w in re.findall(r"[A-Za-z]+", t)
    )
    known = {w for w in clf.encoder.get_vocab() if w.isalpha()} | {w for w, c in counts.items() if c >= 3}
    print(f"dictionary loaded in {time.perf_counter() - start:.1f} s")
    made: collections.Counter = collections.Counter()

    def word(m: re.Match) -> str:
        w = m.group()
        low = w.lower()
        if low in known or low in sym.words:
            return w
        found = sym.lookup(low, Verbosity.TOP, max_edit_distance=distance)
        if not found or found[0].term[0] != low[0]:
            return w
        made[(low, found[0].term)] += 1
        return found[0].term.capitalize() if w[0].isupper() else found[0].term

    return (lambda text: WORD.sub(word, text)), made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model-dir", default="model")
    parser.add_argument("--thresholds", default="thresholds/thresholds.json")
    parser.add_argument("--distance", type=int, default=1, help="edits SymSpell may make to a word")
    args = parser.parse_args()
    clf = EmotionClassifier.from_pretrained(args.model_dir, args.thresholds, backend=app_backend())
    fix, made = corrector(clf, args.distance)
    dev = load_split("dev")
    served = clf.preprocessing
    rows = {}
    for name, prep in (("as served", served), ("spelling corrected first", Corrected(fix, served))):
        clf.preprocessing = prep
        (report,) = run(clf, [typos()])
        preds = binarize(clf.predict_proba(dev.texts), clf.threshold_array)
        rows[name] = (report.pass_rate, f1_scores(dev.targets, preds)["macro_f1"])
    made.clear()
    changed = sum(fix(t) != t for t in dev.texts)
    print(f"\n{clf.backend} backend, SymSpell distance {args.distance}\n")
    print("| reading | typo capability pass rate | dev macro-F1 at the served thresholds |")
    print("|---|---|---|")
    for name, (rate, f1) in rows.items():
        print(f"| {name} | {rate:.1%} | {f1:.4f} |")
    print(f"\ndev texts the corrector changes: {changed} of {len(dev.texts)}")
    print("most common corrections:", ", ".join(f"{a}->{b} ({n})" for (a, b), n in made.most_common(25)))


if __name__ == "__main__":
    main()
