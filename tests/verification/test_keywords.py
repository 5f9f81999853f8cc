"""The shipped keyword lists and their use from the database."""

import json

import pytest

from verification.lists import INDUSTRIES, KEYWORDS_DIR, keyword_matcher
from verification.models import Industry, Keyword

LANGUAGES = {"en", "es", "pt", "fr", "de", "it", "ru", "ar", "tr", "vi", "id", "zh"}


def test_defaults_cover_every_industry_in_twelve_languages():
    files = {path.stem: json.loads(path.read_text()) for path in KEYWORDS_DIR.glob("*.json")}
    assert set(files) >= LANGUAGES
    for language in LANGUAGES:
        data = files[language]
        assert set(data["industries"]) == set(INDUSTRIES), language
        for slug, terms in data["industries"].items():
            assert len(terms) >= 5, (language, slug)
            assert all(1 <= weight <= 3 for _, weight in terms)
        assert data["negative"], language


@pytest.mark.django_db
def test_defaults_are_installed_and_edits_take_effect_at_once():
    assert Industry.objects.count() == len(INDUSTRIES)
    assert Keyword.objects.filter(negative=False).values("language").distinct().count() >= 12
    matcher, names = keyword_matcher()
    assert names["aquaculture"] == "Aquaculture"
    before = matcher.size
    Keyword.objects.create(industry=Industry.objects.get(slug="aquaculture"),
                           term="sea cucumber ranching", language="en", weight=3)
    matcher, _ = keyword_matcher()
    assert matcher.size == before + 1
