"""Industry fit: matching rules and the thresholds that make fit >= 50 mean something."""

import pytest

from verification.fit import KeywordEntry, Matcher, score_fit, snippet_parts

ENTRIES = [
    KeywordEntry("water treatment", 3, "water"), KeywordEntry("wastewater", 3, "water"),
    KeywordEntry("reverse osmosis", 2, "water"), KeywordEntry("ultrafiltration", 2, "water"),
    KeywordEntry("tratamiento de aguas", 3, "water", "es"),
    KeywordEntry("aguas residuales", 3, "water", "es"),
    KeywordEntry("ósmosis inversa", 2, "water", "es"),
    KeywordEntry("xử lý nước thải", 3, "water", "vi"),
    KeywordEntry("xử lý nước", 2, "water", "vi"),
    KeywordEntry("*abwasserbehandlung*", 3, "water", "de"),
    KeywordEntry("wasseraufbereitung*", 3, "water", "de"),
    KeywordEntry("水处理", 3, "water", "zh"), KeywordEntry("污水处理", 3, "water", "zh"),
    KeywordEntry("معالجة المياه", 3, "water", "ar"),
    KeywordEntry("ras", 2, "aqua"), KeywordEntry("shrimp farm", 3, "aqua"),
    KeywordEntry("cosmetics", 3, ""), KeywordEntry("lipstick", 3, ""),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(ENTRIES)


def fit(matcher, **sources):
    return score_fit(matcher, sources)


def test_case_and_accents_are_ignored(matcher):
    result = fit(matcher, text="Empresa de TRATAMIENTO DE AGUAS y osmosis inversa.")
    assert {m["term"] for m in result.matches} == {"tratamiento de aguas", "ósmosis inversa"}


def test_word_boundaries_where_the_script_has_them(matcher):
    assert fit(matcher, text="Fresh grass and extras.").matches == []  # not "ras"
    assert [m["term"] for m in fit(matcher, text="A RAS for tilapia.").matches] == ["ras"]
    # Chinese has no spaces: substrings match.
    chinese = fit(matcher, text="我们公司专业从事污水处理工程")
    assert {m["term"] for m in chinese.matches} == {"污水处理"}


def test_wildcards_for_compounds(matcher):
    terms = {m["term"] for m in fit(matcher, text=(
        "Industrieabwasserbehandlungsanlagen und Wasseraufbereitungsanlagen")).matches}
    assert terms == {"*abwasserbehandlung*", "wasseraufbereitung*"}


def test_vietnamese_diacritics_and_the_longest_phrase_counts_once(matcher):
    result = fit(matcher, text="Công ty chuyên XỬ LÝ NƯỚC THẢI công nghiệp")
    assert [m["term"] for m in result.matches] == ["xử lý nước thải"]


def test_a_single_mention_in_a_menu_or_advert_stays_below_50(matcher):
    menu = "Home | Products | Water treatment | Contact\nWe sell furniture and lamps."
    assert fit(matcher, text=menu).fit < 50
    advert = "News of the day.\nAdvert: visit the wastewater expo!\nSports and weather."
    assert fit(matcher, text=advert).fit < 50
    # Two different words, each once in the body, still thin.
    assert fit(matcher, text="Water treatment expo. Reverse osmosis seminar.").fit < 50


def test_a_water_treatment_contractor_in_spanish_reaches_50(matcher):
    page = ("Somos una empresa de tratamiento de aguas residuales. Diseñamos plantas de "
            "tratamiento de aguas y sistemas de ósmosis inversa. Tratamiento de aguas para "
            "municipios.")
    result = fit(matcher, title="Hidro Sur – tratamiento de aguas", text=page)
    assert result.fit >= 50 and result.industries[0] == "water"


def test_negative_keywords_pull_the_fit_down(matcher):
    page = "Water treatment and wastewater. " * 2
    plain = fit(matcher, text=page).fit
    assert fit(matcher, text=page + " Cosmetics, lipstick and cosmetics.").fit < plain


def test_message_counts_less_than_the_website(matcher):
    claim = "We are a water treatment and wastewater company"
    assert fit(matcher, message=claim).fit < fit(matcher, text=claim).fit


def test_snippets_highlight_the_keyword(matcher):
    result = fit(matcher, text="Our company builds wastewater plants in Peru.")
    snippet = result.matches[0]["snippet"]
    assert ("wastewater", True) in snippet_parts(snippet)
    assert "Our company builds" in snippet


def test_no_keywords_no_fit():
    assert score_fit(Matcher([]), {"text": "anything"}).fit == 0


def test_arabic_keywords_match_after_a_joined_preposition(matcher):
    # "لمعالجة المياه": "for water treatment", the preposition written onto the word.
    assert [m["term"] for m in fit(matcher, text="شركة النقاء لمعالجة المياه").matches] == [
        "معالجة المياه"]
    assert fit(matcher, text="شركة النقاء بالمعالجة المياه").matches == []


def test_four_distinct_keywords_said_once_are_a_page_about_the_trade(matcher):
    page = ("We build water treatment plants. Wastewater is our field. Reverse osmosis "
            "skids. Ultrafiltration units.")
    assert fit(matcher, text=page).fit >= 50
