"""Industry fit: is the buyer's business in one of our target industries?

Weighted keywords and phrases per industry and language (admin-edited, see
``Keyword``) are found in the website text, the company name and the inquiry
message with one Aho-Corasick pass over the folded text (case and accents
ignored), on word boundaries where the script has them. Pure: keyword entries
and texts in, ``FitResult`` out.

How the 0-100 fit is computed (the one place for its weights):

* each distinct keyword found counts ``weight x where`` once, plus a quarter
  for each repeat (at most four repeats): where = 1.5 in the page title, meta
  description or company name, 1.0 in the page text, 0.5 in the message (the
  buyer wrote it; it is a claim, not evidence);
* an industry's points are multiplied by the industry's weight; the fit uses
  the best industry plus a third of the others' points;
* negative keywords (other trades: cosmetics, fashion, ...) subtract their
  points the same way;
* fit = 100 x (1 - e^(-points / 7)), then capped below 50 when the evidence is
  thin: fewer than two distinct keywords of the industry, or fewer than four
  that are all mentioned only once in the body text (a menu item, an advert),
  or none of them on the website (the company name and the message are the
  buyer's own words: a claim, not something shown).

So fit >= 50 needs several distinct target words, repeated or in the title,
name or description: a page about the trade, not a page that mentions it.
"""

import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

from verification.textnorm import fold, fold_with_map

WEBSITE_SOURCES = {"title", "description", "text"}
SOURCE_FACTOR = {"title": 1.5, "description": 1.5, "company": 1.5, "text": 1.0, "message": 0.5}
REPEAT_BONUS, MAX_REPEATS = 0.25, 4
OTHER_INDUSTRIES_SHARE = 1 / 3
SCALE = 7.0
THIN_CAP = 45
BROAD = 4  # this many distinct keywords of one industry are not a passing mention
SNIPPET_CHARS = 60
TARGET = 50  # fit >= TARGET: the buyer is shown to be in a target industry


@dataclass(frozen=True)
class KeywordEntry:
    term: str
    weight: float
    industry: str  # slug; "" for a negative keyword
    language: str = ""
    industry_weight: float = 1.0

    @property
    def negative(self) -> bool:
        return not self.industry


@dataclass
class FitResult:
    fit: int | None  # None: a page in a language the scorer does not read, no keyword
    industries: list[str] = field(default_factory=list)  # best first, those with points
    matches: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)
    points: float = 0.0
    # Set by verification.fitscore.assess (the calibrated fit with the learned model):
    keyword_fit: int | None = None  # the keywords' own 0-100, as computed below
    source: str = "keywords"  # "model": keywords and model calibrated together
    language: str = ""  # the page's language, as read
    covered: bool = True  # False: the model was not trained on that language
    model_logit: float | None = None
    model_industry: str = ""
    parts: dict = field(default_factory=dict)  # the calibrated logit, term by term
    evidence: list[dict] = field(default_factory=list)  # the model's words and sentences

    @property
    def is_target(self) -> bool:
        return self.fit is not None and self.fit >= TARGET

    def details(self) -> dict:
        """What is stored with a verification to explain the fit factor by factor."""
        return {"negatives": self.negatives, "points": self.points,
                "keyword_fit": self.keyword_fit, "source": self.source,
                "language": self.language, "covered": self.covered,
                "model_logit": self.model_logit, "model_industry": self.model_industry,
                "parts": self.parts, "evidence": self.evidence}


def _spaced(ch: str) -> bool:
    """Does this character's script separate words with spaces?"""
    if not ch:
        return False
    code = ord(ch)
    return not (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0x0E00 <= code <= 0x0E7F
                or 0x3040 <= code <= 0x30FF or 0xF900 <= code <= 0xFAFF)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# Arabic writes "and", "for", "with", "as", "so" as one letter joined to the next word:
# "لمعالجة المياه" is "for water treatment". Such a letter may precede a keyword.
_ARABIC_PROCLITICS = frozenset("وفبلك")


def _left_boundary(folded: str, start: int, key: str) -> bool:
    before = folded[start - 1] if start > 0 else ""
    if not _is_word_char(before):
        return True
    if "\u0600" <= key[0] <= "\u06ff" and before in _ARABIC_PROCLITICS:
        return start < 2 or not _is_word_char(folded[start - 2])
    return False


# --- The matcher ----------------------------------------------------------------

@dataclass(frozen=True)
class _Pattern:
    entry: KeywordEntry
    left_open: bool  # "*term": may start inside a word
    right_open: bool  # "term*": may end inside a word


class Matcher:
    """All keywords compiled into one automaton; build once, scan many texts."""

    def __init__(self, entries: Iterable[KeywordEntry]):
        self.automaton = ahocorasick.Automaton()
        patterns: dict[str, list[_Pattern]] = defaultdict(list)
        for entry in entries:
            term = entry.term.strip()
            left_open, right_open = term.startswith("*"), term.endswith("*")
            key = " ".join(fold(term.strip("*")).split())
            if len(key) < 2:
                continue
            patterns[key].append(_Pattern(entry, left_open, right_open))
        for key, items in patterns.items():
            self.automaton.add_word(key, (key, tuple(items)))
        self.size = len(patterns)
        if patterns:
            self.automaton.make_automaton()

    def scan(self, folded: str) -> list[tuple[int, int, _Pattern]]:
        """(start, end, pattern) of every keyword occurrence in already folded text."""
        if not self.size:
            return []
        hits = []
        for end, (key, items) in self.automaton.iter(folded):
            start = end - len(key) + 1
            after = folded[end + 1] if end + 1 < len(folded) else ""
            left_ok = not _spaced(key[0]) or _left_boundary(folded, start, key)
            for pattern in items:
                if not pattern.left_open and not left_ok:
                    continue
                if (not pattern.right_open and _spaced(key[-1]) and _is_word_char(after)):
                    continue
                hits.append((start, end + 1, pattern))
        return hits


def _snippet(original: str, index: Sequence[int], start: int, end: int) -> str:
    lo, hi = index[start], index[end - 1] + 1
    left = max(0, lo - SNIPPET_CHARS)
    right = min(len(original), hi + SNIPPET_CHARS)
    before = " ".join(original[left:lo].split())
    after = " ".join(original[hi:right].split())
    return (("…" if left > 0 else "") + before + (" " if before else "") + "[["
            + original[lo:hi] + "]]" + (" " if after else "") + after
            + ("…" if right < len(original) else ""))


def score_fit(matcher: Matcher, sources: dict[str, str]) -> FitResult:
    """Fit from texts by source: title, description, text, company, message."""
    found: dict[tuple[str, str], dict] = {}  # (industry, term) -> match record
    for source, text in sources.items():
        if not text or source not in SOURCE_FACTOR:
            continue
        factor = SOURCE_FACTOR[source]
        for key, entry, count, snippet in _found_in(matcher, text):
            record = found.get(key)
            if record is None:
                record = found[key] = {
                    "term": entry.term, "industry": entry.industry, "language": entry.language,
                    "weight": entry.weight, "industry_weight": entry.industry_weight,
                    "count": 0, "where": [], "snippet": "", "best_factor": 0.0,
                }
            record["count"] += count
            if source not in record["where"]:
                record["where"].append(source)
            if factor > record["best_factor"]:  # the first mention where it counts most
                record["best_factor"] = factor
                record["snippet"] = snippet
    by_industry: dict[str, float] = defaultdict(float)
    distinct: dict[str, int] = defaultdict(int)
    strong: dict[str, bool] = defaultdict(bool)
    on_site: dict[str, bool] = defaultdict(bool)
    negative_points = 0.0
    for record in found.values():
        repeats = min(record["count"] - 1, MAX_REPEATS)
        points = record["weight"] * record["best_factor"] * (1 + REPEAT_BONUS * repeats)
        record["points"] = round(points * record["industry_weight"], 2)
        if not record["industry"]:
            negative_points += points
            continue
        by_industry[record["industry"]] += points * record["industry_weight"]
        distinct[record["industry"]] += 1
        if record["count"] > 1 or record["best_factor"] > 1.0:
            strong[record["industry"]] = True
        if set(record["where"]) & WEBSITE_SOURCES:
            on_site[record["industry"]] = True
    ranked = sorted(by_industry, key=lambda slug: -by_industry[slug])
    # Thin evidence: one keyword, or a few each said once in the body (a menu, an advert).
    points = 0.0
    if ranked:
        best = ranked[0]
        points = by_industry[best] + OTHER_INDUSTRIES_SHARE * sum(
            by_industry[slug] for slug in ranked[1:])
    points = max(0.0, points - negative_points)
    fit = round(100 * (1 - math.exp(-points / SCALE)))
    if ranked and (distinct[ranked[0]] < 2 or not on_site[ranked[0]]
                   or (not strong[ranked[0]] and distinct[ranked[0]] < BROAD)):
        fit = min(fit, THIN_CAP)
    matches = sorted((r for r in found.values() if r["industry"]),
                     key=lambda r: (-r["points"], r["term"]))
    negatives = sorted((r for r in found.values() if not r["industry"]),
                       key=lambda r: (-r["points"], r["term"]))
    for record in [*matches, *negatives]:
        record.pop("best_factor", None)
    return FitResult(fit=fit, industries=ranked, matches=matches[:25],
                     negatives=negatives[:10], points=round(points, 2))


@functools.lru_cache(maxsize=64)
def _found_in(matcher: Matcher, text: str) -> tuple[tuple, ...]:
    """Each keyword found in ``text``, in the order of its first mention: ((industry, term),
    entry, mentions, snippet of the first mention).

    Remembered for a while: the inquiries of one company share its website's texts,
    and rescoring takes them one after the other.
    """
    folded, index = fold_with_map(text)
    found: dict[tuple[str, str], list] = {}
    for start, end, pattern in _outermost(matcher.scan(folded)):
        entry = pattern.entry
        key = (entry.industry, entry.term)
        if key in found:
            found[key][1] += 1
        else:
            found[key] = [entry, 1, _snippet(text, index, start, end)]
    return tuple((key, entry, count, snippet) for key, (entry, count, snippet) in found.items())


def _outermost(hits):
    """Drop a hit inside a longer hit of the same industry ("water treatment" within
    "water treatment plant"): one mention counts once."""
    hits = sorted(hits, key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list = []
    for start, end, pattern in hits:
        industry = pattern.entry.industry
        if any(k_start <= start and end <= k_end and k_pattern.entry.industry == industry
               for k_start, k_end, k_pattern in kept[-20:]):
            continue
        kept.append((start, end, pattern))
    return kept


_HIGHLIGHT = re.compile(r"\[\[(.+?)\]\]")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into (text, highlighted) parts for templates."""
    parts, last = [], 0
    for match in _HIGHLIGHT.finditer(snippet):
        parts.append((snippet[last:match.start()], False))
        parts.append((match.group(1), True))
        last = match.end()
    parts.append((snippet[last:], False))
    return [(text, hl) for text, hl in parts if text]
