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


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return "Kosovo" if code == "XK" else code
    return getattr(country, "common_name", None) or country.name
