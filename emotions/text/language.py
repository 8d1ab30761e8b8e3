"""Which language a text looks like, offline: py3langid (langid.py's model, bundled, 97
languages). Chosen over lingua and langdetect on short texts in English, French, Spanish,
German and five more: 25 of 26 right against 24 and 22, and 0.1 ms a text against 1.7 and 6
(docs/sentences.md). Short texts are guessed badly by every such model ("wow" looks Polish), so
a text is called non-English only with enough letters and when English is unlikely.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

logger = logging.getLogger(__name__)
MIN_LETTERS = 12  # fewer letters than this: too short to tell, read as English
MAX_ENGLISH = 0.05  # a text is non-English only when English is this unlikely (or less)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, e.g. "fr"; "en" also when the text is too short to tell
    confidence: float  # the identifier's probability for ``code`` (1.0: not enough text)

    @property
    def english(self) -> bool:
        return self.code == "en"


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> Language:
    """The language ``text`` looks like; English unless the evidence says otherwise."""
    if len(_LETTER.findall(text or "")) < MIN_LETTERS:
        return Language("en", 1.0)
    upper = sum(c.isupper() for c in text)
    if upper * 2 >= len(_LETTER.findall(text)):  # SHOUTING or aLtErNaTiNg case reads as noise
        text = text.lower()
    ranked = dict(_identifier().rank(text))
    code = max(ranked, key=ranked.get)
    if code != "en" and ranked.get("en", 0.0) > MAX_ENGLISH:
        code = "en"
    return Language(str(code), round(float(ranked[code]), 4))
