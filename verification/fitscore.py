"""The industry fit of a buyer: the admins' keywords and the learned model, calibrated. Pure.

``assess(matcher, model, sources)`` reads the buyer's website (title, description,
headings, text), the company name and the inquiry's message:

* the keyword part (``verification.fit.score_fit``): the admins' weighted keywords,
  found after normalisation, with where they stand; its points act at once when an
  admin adds a keyword;
* the learned part (``verification.fitmodel``): a linear model over the page's words,
  trained on the project's corpus of real company pages in twelve languages;
* the two combined by a logistic calibration fitted on pages the model had not seen,
  so that a fit of 50 means "more likely a target than not" and each band's fit
  matches the share of targets found in it (docs/VERIFICATION.md, reliability table).

Without a readable page the fit is the keyword part alone (the buyer's own words count
less: a claim, not evidence). A page in a language the model was not trained on says
so (``covered`` False, ``language``) instead of scoring 0 for want of known words.
"""

from __future__ import annotations

import functools
import math
import re

from verification import fitmodel, textnorm
from verification.fit import TARGET, FitResult, Matcher, score_fit
from verification.textnorm import fold_with_map

MODEL_SHARE_MIN = 0.15  # a word moving the calibrated logit less than this is not shown
MIN_PAGE = 40  # letters (a Chinese character counts three): less is no page to read
SENTENCE = re.compile(r"[^\n.!?。！？;；]+[.!?。！？;；]?")


def assess(matcher: Matcher, model: fitmodel.Model | None, sources: dict[str, str], *,
           language: str = "") -> FitResult:
    """Fit from texts by source: title, description, headings, text, company, message."""
    keywords = score_fit(matcher, {key: value for key, value in sources.items()
                                   if key != "headings"})
    page = "\n".join(sources.get(key, "") for key in ("title", "description", "headings",
                                                        "text")).strip()
    keywords.keyword_fit = keywords.fit
    if model is None or _substance(page) < MIN_PAGE:
        keywords.source = "keywords"
        return keywords
    language = textnorm.base_language(language) or _language_of(page)
    keywords.language = language
    if language and language not in textnorm.COVERED:
        keywords.covered = False
        keywords.source = "keywords"
        if not keywords.matches:
            keywords.fit = None
        return keywords
    logit, industry, evidence = _model_part(
        model, language, *(sources.get(key, "") for key in PAGE_SOURCES))
    p = model.calibrated(logit, keywords.points)
    keywords.fit = min(100, max(0, round(100 * p)))
    keywords.source = "model"
    keywords.model_logit = round(logit, 3)
    keywords.model_industry = industry
    a, b, c = model.calibration
    keywords.parts = {"model": round(a * logit, 2),
                      "keywords": round(b * math.log1p(max(keywords.points, 0.0)), 2),
                      "base": round(c, 2)}
    if keywords.fit >= TARGET and keywords.model_industry not in keywords.industries:
        keywords.industries = [keywords.model_industry, *keywords.industries]
    keywords.evidence = [dict(item) for item in evidence]
    return keywords


PAGE_SOURCES = ("title", "description", "headings", "text")


@functools.lru_cache(maxsize=512)
def _language_of(page: str) -> str:
    """The inquiries of a company share its page: lingua reads it once."""
    return textnorm.detect_language(page)


@functools.lru_cache(maxsize=512)
def _model_part(model: fitmodel.Model, language: str, title: str, description: str,
                headings: str, text: str) -> tuple[float, str, tuple]:
    """(target logit, industry, evidence) of one page: the inquiries of a company share
    its website, and a rescoring goes through them one after the other."""
    head = "\n".join((title, description, headings))
    doc = fitmodel.document([(head, fitmodel.HEAD_WEIGHT), (text, 1.0)], language)
    sources = dict(zip(PAGE_SOURCES, (title, description, headings, text), strict=True))
    evidence = _evidence(model.explain(doc, top=16), sources)
    return model.target_logit(doc), model.industry(doc), tuple(evidence)


def _substance(text: str) -> int:
    return sum(3 if textnorm.is_cjk(ch) else 1 for ch in text if ch.isalnum())


def _evidence(shares: list[tuple[str, float, str]], sources: dict[str, str]) -> list[dict]:
    """The words behind the model's part, each with the sentence where it first stands
    on the page (highlighted, in the page's own language), its industry and weight."""
    folded = {source: fold_with_map(text) for source, text in sources.items() if text}
    found = []
    for word, share, industry in shares:
        if abs(share) < MODEL_SHARE_MIN:
            continue
        where, snippet = _first_sentence(word, sources, folded)
        shown = snippet.partition("[[")[2].partition("]]")[0] or word  # as on the page
        found.append({"term": shown, "share": round(share, 2), "industry": industry,
                      "where": where, "snippet": snippet})
    return found[:10]


def _first_sentence(word: str, sources: dict[str, str], folded_sources: dict
                    ) -> tuple[str, str]:
    for source in ("title", "headings", "description", "text"):
        text = sources.get(source, "")
        if not text:
            continue
        folded, index = folded_sources[source]
        at = folded.find(word)
        if at < 0:
            continue
        lo, hi = index[at], index[at + len(word) - 1] + 1
        for sentence in SENTENCE.finditer(text):
            if sentence.start() <= lo < sentence.end():
                start, end = sentence.start(), sentence.end()
                if end - start > 240:  # a long run without punctuation: around the word
                    start, end = max(start, lo - 100), min(end, hi + 100)
                left = " ".join(text[start:lo].split())
                right = " ".join(text[hi:end].split())
                return source, (("…" if start > sentence.start() else "") + left
                                + (" " if left else "") + "[[" + text[lo:hi] + "]]"
                                + (" " if right else "") + right
                                + ("…" if end < sentence.end() else ""))
    return "", word
