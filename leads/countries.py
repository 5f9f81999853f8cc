"""Country names and codes, in any case and common variant, to ISO 3166 alpha-2.

Platform exports write countries every which way: "USA", "United States of
America", "uk", "Türkiye", "Turkey", "美国", "Deutschland". pycountry knows the
ISO names and ships their translations; the aliases below cover what people
write that is not an ISO name.
"""

import gettext
import re
import unicodedata
from functools import cache

import pycountry

# Names people use that are not ISO short, official or common names.
ALIASES = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US",
    "united states of america": "US", "the united states": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "gb": "GB",
    "turkey": "TR", "turkiye": "TR", "republic of turkey": "TR",
    "russia": "RU", "south korea": "KR", "korea": "KR", "republic of korea": "KR",
    "north korea": "KP", "vietnam": "VN", "viet nam": "VN", "iran": "IR", "syria": "SY",
    "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "taiwan": "TW", "taiwan china": "TW", "chinese taipei": "TW",
    "中国香港": "HK", "中国台湾": "TW", "中国澳门": "MO",
    "hong kong": "HK", "hongkong": "HK", "hong kong china": "HK", "macau": "MO", "macao": "MO",
    "uae": "AE", "u a e": "AE", "emirates": "AE", "dubai": "AE", "abu dhabi": "AE",
    "ksa": "SA", "saudi": "SA", "czech republic": "CZ", "czechia": "CZ",
    "holland": "NL", "the netherlands": "NL", "ivory coast": "CI", "cote d ivoire": "CI",
    "macedonia": "MK", "north macedonia": "MK", "palestine": "PS", "kosovo": "XK",
    "brunei": "BN", "cape verde": "CV", "swaziland": "SZ", "burma": "MM", "east timor": "TL",
    "congo": "CG", "dr congo": "CD", "drc": "CD", "democratic republic of congo": "CD",
    "vatican": "VA", "micronesia": "FM", "st lucia": "LC", "saint lucia": "LC",
    "trinidad": "TT", "trinidad and tobago": "TT", "bosnia": "BA", "the philippines": "PH",
    "россия": "RU", "mainland china": "CN", "prc": "CN", "p r china": "CN", "china mainland": "CN",
    "deutschland": "DE", "espana": "ES", "italia": "IT", "brasil": "BR", "mexique": "MX",
    "nederland": "NL", "polska": "PL", "osterreich": "AT", "schweiz": "CH", "suisse": "CH",
}

_TRANSLATION_LOCALES = (
    "zh_CN", "zh_TW", "zh_HK", "de", "fr", "es", "it", "pt", "pt_BR", "ru", "ar", "tr", "ja",
    "ko", "nl", "pl", "vi", "id", "th",
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    translations = []
    for locale in _TRANSLATION_LOCALES:
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
            )
        except OSError:
            continue
    for country in pycountry.countries:
        names = {country.name, getattr(country, "official_name", ""),
                 getattr(country, "common_name", "")} - {""}
        for name in list(names):
            for translation in translations:
                names.add(translation.gettext(name))
        for name in names:
            index.setdefault(_normalise(name), country.alpha_2)
        index[country.alpha_3.casefold()] = country.alpha_2
    for alias, code in ALIASES.items():
        index[_normalise(alias)] = code
    return index


def parse_country(value: str) -> str | None:
    """ISO alpha-2 code for ``value``, or None when it names no country.

    >>> parse_country("usa"), parse_country("Türkiye"), parse_country("美国")
    ('US', 'TR', 'US')
    """
    value = (value or "").strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha() and value.isascii():
        code = value.upper()
        if code == "UK":
            return "GB"
        if pycountry.countries.get(alpha_2=code) or code == "XK":
            return code
        return None
    key = _normalise(value)
    found = _index().get(key)
    if found:
        return found
    # "Germany (DE)", "China - Guangdong": try the part before a bracket or dash.
    head = re.split(r"[(\[/,\-–]", value, maxsplit=1)[0].strip()
    if head and head != value:
        return parse_country(head)
    return None


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (the active one by default): CLDR's through
    Babel ("德国" in zh-Hans), else pycountry's English common name."""
    if language is None:
        from django.utils.translation import get_language

        language = get_language() or "en"
    if code and not language.startswith("en"):
        local = _territories(language).get(code.upper())
        if local:
            return local
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return "Kosovo" if code == "XK" else code
    return getattr(country, "common_name", None) or country.name


@cache
def _territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError
    from django.utils.translation import to_locale

    try:
        return dict(Locale.parse(to_locale(language)).territories)
    except (UnknownLocaleError, ValueError):
        return {}


# Regions for assignment rules ("Middle East → Lily"). Sales regions, not UN
# geography: Turkey and Egypt are sold to as Middle East, Mexico as Latin America.
REGIONS: dict[str, frozenset[str]] = {
    "middle east": frozenset("AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE".split()),
    "europe": frozenset(
        "AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GI GR HR HU IE IS IT LI LT "
        "LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA VA XK".split()),
    "eu": frozenset(
        "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI "
        "SK".split()),
    "north america": frozenset("US CA".split()),
    "latin america": frozenset(
        "AR BO BR BZ CL CO CR CU DO EC GT HN HT JM MX NI PA PE PR PY SV TT UY VE".split()),
    "africa": frozenset(
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ ER ET GA GH GM GN GQ GW KE KM LR LS LY MA "
        "MG ML MR MU MW MZ NA NE NG RW SC SD SL SN SO SS ST SZ TD TG TN TZ UG ZA ZM "
        "ZW".split()),
    "south asia": frozenset("AF BD BT IN LK MV NP PK".split()),
    "southeast asia": frozenset("BN ID KH LA MM MY PH SG TH TL VN".split()),
    "east asia": frozenset("CN HK JP KP KR MN MO TW".split()),
    "central asia": frozenset("KG KZ TJ TM UZ".split()),
    "cis": frozenset("AM AZ BY GE KG KZ MD RU TJ TM UA UZ".split()),
    "oceania": frozenset("AU FJ NZ PG SB VU WS TO".split()),
}


def countries_of(term: str) -> frozenset[str]:
    """The countries a rule term names: a region name or one country, in any spelling."""
    region = REGIONS.get(" ".join(term.lower().split()))
    if region is not None:
        return region
    code = parse_country(term)
    return frozenset([code]) if code else frozenset()
