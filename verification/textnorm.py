"""Text as the fit scorer reads it: one form for every script and spelling. Pure.

* compatibility forms unified (NFKD: full-width letters and digits, ligatures), case
  folded and accents dropped (``fold``: "Desinfección" and "DESINFECCION" are one word);
* traditional Chinese as simplified (OpenCC ``t2s``: 淨化 → 净化, 汙水 → 污水), so one
  keyword or feature serves Taiwan, Hong Kong and the mainland;
* words stemmed per language (Snowball through PyStemmer: "desinfecciones" and
  "desinfección" share a stem), where Snowball has the language;
* Chinese, which writes no spaces, as overlapping character pairs (the usual unit of
  Chinese retrieval), and, for the words shown to people, segmented with jieba.

The language comes from the caller when it is known (the corpus, the page's ``lang``
attribute) or from ``detect_language`` (lingua: short and mixed text).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

# The languages the scorer was trained on and can read (ISO 639-1, zh for both scripts).
COVERED = ("en", "zh", "es", "pt", "fr", "de", "ru", "ar", "tr", "id", "vi", "it")
SNOWBALL = {"en": "english", "es": "spanish", "pt": "portuguese", "fr": "french",
            "de": "german", "ru": "russian", "ar": "arabic", "tr": "turkish",
            "id": "indonesian", "it": "italian"}
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
# A token: a run of CJK characters, or a run of letters and digits of any other script.
TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")


def base_language(code: str) -> str:
    """"zh-Hant" -> "zh", "PT-br" -> "pt"."""
    return (code or "").split("-")[0].split("_")[0].lower()


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_SURROGATE = re.compile("[\ud800-\udfff]")


def simplified(text: str) -> str:
    if not _HAS_CJK.search(text):
        return text
    # OpenCC takes UTF-8: a lone surrogate (a page decoded with surrogateescape) is no
    # character; U+FFFD keeps the length, so offsets into the text still hold.
    return _t2s().convert(_SURROGATE.sub("\ufffd", text))


def normalize(text: str) -> str:
    """Compatibility forms, traditional → simplified Chinese, case and accents folded."""
    return fold(text)


def lowered(text: str) -> str:
    """Compatibility forms, traditional → simplified Chinese, case folded, accents kept:
    what a Snowball stemmer expects (Portuguese "-ções" is a suffix, "-coes" is not)."""
    return _HARAKAT.sub("", simplified(unicodedata.normalize("NFKC", text)).casefold())


_HARAKAT = re.compile("[\u064b-\u065f\u0670\u0640]")  # Arabic short vowels and tatweel


# --- Folding with an offset map back to the original text --------------------

_FOLD_CACHE: dict[str, str] = {}
_SPECIAL = {"ı": "i", "İ": "i", "đ": "d", "Đ": "d", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l",
            "Ł": "l", "æ": "ae", "œ": "oe", "ё": "е", "Ё": "е", "й": "и", "Й": "и"}
# str.translate tables, filled as characters are met: every character folded so far
# (ASCII from the start), and those whose folded form is not exactly one character.
_FOLD_TABLE: dict[int, str] = {code: chr(code).lower() for code in range(128)}
_IRREGULAR: set[str] = set()


def _fold_char(ch: str) -> str:
    folded = _FOLD_CACHE.get(ch)
    if folded is None:
        folded = _SPECIAL.get(ch)
        if folded is None:
            decomposed = unicodedata.normalize("NFKD", ch.casefold())
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
            folded = "".join(_SPECIAL.get(c, c) for c in folded)
        _FOLD_CACHE[ch] = folded
    return folded


def fold_with_map(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each of its characters, the index it came from.

    Compatibility forms (NFKD: full-width letters, ligatures), case and accents folded,
    traditional Chinese as simplified. Character by character, but run by
    ``str.translate``: a website's text is folded for every inquiry at each rescoring,
    and a Python loop over it was most of the cost.
    """
    if text.isascii():
        return text.lower(), range(len(text))
    converted = simplified(text)
    if len(converted) == len(text):  # OpenCC maps character for character here
        text = converted
    chars = set(text)
    for ch in chars:
        if ord(ch) not in _FOLD_TABLE:
            folded = _fold_char(ch)
            if len(folded) != 1:  # first: a thread finding ch in the table finds it here
                _IRREGULAR.add(ch)
            _FOLD_TABLE[ord(ch)] = folded
    folded = text.translate(_FOLD_TABLE)
    irregular = chars & _IRREGULAR
    if not irregular:
        return folded, range(len(text))
    # Some characters fold to more or fewer than one ("ß" -> "ss", a combining accent
    # -> ""): the map is a run of indexes between them, and repeats or skips at them.
    index: list[int] = []
    done = 0
    for match in re.finditer("[" + "".join(map(re.escape, sorted(irregular))) + "]", text):
        at = match.start()
        index.extend(range(done, at))
        index.extend([at] * len(_FOLD_TABLE[ord(text[at])]))
        done = at + 1
    index.extend(range(done, len(text)))
    return folded, index


def fold(text: str) -> str:
    return fold_with_map(text)[0]




@functools.cache
def _stemmer(language: str):
    import Stemmer

    name = SNOWBALL.get(language)
    return Stemmer.Stemmer(name) if name else None


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The folded stem of a word (given with its accents, as ``lowered`` leaves it)."""
    stemmer = _stemmer(language)
    return fold(stemmer.stemWord(word) if stemmer is not None and len(word) > 3 else word)


def is_cjk(token: str) -> bool:
    return bool(_HAS_CJK.match(token))


# --- Language ----------------------------------------------------------------------


# Languages told apart: those covered, and the others a buyer's page is often in (so that
# such a page is named, not taken for the nearest covered language).
DETECTED = ("ENGLISH CHINESE SPANISH PORTUGUESE FRENCH GERMAN RUSSIAN ARABIC TURKISH "
            "INDONESIAN VIETNAMESE ITALIAN JAPANESE KOREAN THAI POLISH DUTCH SWEDISH DANISH "
            "BOKMAL FINNISH CZECH HUNGARIAN ROMANIAN GREEK HEBREW HINDI PERSIAN UKRAINIAN "
            "BULGARIAN CROATIAN SERBIAN SLOVAK MALAY BENGALI URDU TAGALOG SWAHILI").split()
# Close enough to a covered language for the model to read: Malay is read as Indonesian.
READ_AS = {"ms": "id"}


@functools.cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Low-accuracy mode, preloaded: 60 MB for these 38 languages (high accuracy: 850 MB),
    # and right on 521 of the corpus's 523 pages (the two misses: Indonesian as Malay).
    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in DETECTED))
            .with_low_accuracy_mode().with_preloaded_language_models().build())


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, "" when there is too little to tell.

    A covered language wins over an uncovered one that lingua finds only somewhat more
    likely (a short English sentence read as Danish): the model reads what it can."""
    sample = " ".join(text.split())[:1500]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 12:
        return ""
    if _HAS_CJK.search(sample) and len(_HAS_CJK.findall(sample)) > letters / 3:
        return "ja" if re.search("[\u3040-\u30ff]", sample) else "zh"
    ranked = [(v.language.iso_code_639_1.name.lower(), v.value)
              for v in _detector().compute_language_confidence_values(sample)]
    if not ranked:
        return ""
    best, confidence = ranked[0]
    best = READ_AS.get(best, best)
    if best not in COVERED and confidence < 0.98:
        covered = [code for code, value in ranked[1:] if value >= 0.02
                   and READ_AS.get(code, code) in COVERED]
        if covered:
            return READ_AS.get(covered[0], covered[0])
    return best
