"""Write emotions/text/name_words.txt (the first names that are also English words),
emotions/text/words.txt (every word people type in lowercase: a Titlecase word not among them
may be a name) and emotions/text/proper_nouns.txt (capitalised words GoEmotions left unmasked,
not among those: its masking judged them no person's name).

    python scripts/name_words.py [--data-dir ../shared/data/goemotions] [--min-count 3]

A first name (Faker's lists, emotions.text.namemask.first_names) is also a word when people
type it in lowercase: at least ``--min-count`` times in GoEmotions' training split, where every
real name was already masked as [NAME]. "hope" (656 times), "joy" (24), "will", "mark" are
words; "emily" and "jamal" (0) are not. Such words are masked only when a verb follows them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.text.namemask import NAME_WORDS_FILE, PROPER_NOUNS_FILE, WORDS_FILE, capitalised, first_names  # noqa: E402
from emotions.train.data import DataArguments  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", default=None, help="GoEmotions folder (default: ../shared/data/goemotions)"
    )
    parser.add_argument("--min-count", type=int, default=3, help="lowercase uses that make a name a word")
    args = parser.parse_args()
    data = DataArguments(data_dir=args.data_dir) if args.data_dir else DataArguments()
    texts = data.load("train").texts
    counts = Counter(w for text in texts for w in re.findall(r"\b[a-z]+\b", text))
    words = sorted(n for n in first_names() if counts[n] >= args.min_count)
    header = f"# First names that are also words: {len(words)}, written by scripts/name_words.py\n"
    NAME_WORDS_FILE.write_text(header + "\n".join(words) + "\n")
    print(f"{len(words)} words written to {NAME_WORDS_FILE}")
    typed = sorted(w for w, c in counts.items() if c >= args.min_count and len(w) > 1)
    header = f"# Words typed in lowercase at least {args.min_count} times in GoEmotions' train split: {len(typed)}\n"
    WORDS_FILE.write_text(header + "\n".join(typed) + "\n")
    print(f"{len(typed)} words written to {WORDS_FILE}")
    titlecase = Counter(m.group(1).lower() for text in texts for m in capitalised(text))
    kept = set(typed)
    proper = sorted(w for w, c in titlecase.items() if c >= args.min_count and w not in kept and len(w) > 1)
    header = f"# Capitalised at least {args.min_count} times in GoEmotions' train split, typed in lowercase fewer times than that: {len(proper)}\n"
    PROPER_NOUNS_FILE.write_text(header + "\n".join(proper) + "\n")
    print(f"{len(proper)} words written to {PROPER_NOUNS_FILE}")


if __name__ == "__main__":
    main()
