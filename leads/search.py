"""What the inbox search compares: names, addresses and numbers, written the way reps type.

Pure: no Django. The models keep a folded copy of what a row is found by
(``leads.fields``), and the inbox search (``leads.filters.CompanyFilter.search``)
folds the query the same way, so a plain substring match finds

* names whatever their accents and case: "garcia" finds "García", "MULLER" finds
  "Müller", "strasse" finds "Straße", "sorensen" finds "Sørensen";
* email addresses, domains and platform inquiry numbers, in any case;
* phone and WhatsApp numbers in any format: stored numbers are kept as E.164 digits
  ("+49 89 1234567" → "49891234567"), and a query that reads as a phone number is
  looked for by its national significant number ("0049-89-123 4567", "(089) 1234567"
  and "+49 89 1234567" all look for "891234567"), which also finds a number stored
  without its country.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# Between the folded fields of one row: a folded query never holds a newline, so a
# match never runs from one field into the next.
FIELD_SEPARATOR = "\n"
# A query needs at least this many digits to be looked for among phone numbers: "089"
# or "1234" would find half the numbers on file.
MIN_PHONE_DIGITS = 7

# Accents and other marks written over Latin, Greek and Cyrillic letters; the marks of
# other scripts (Indic vowel signs, kana voicing) change the letter, and stay.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters with no decomposition into a base letter and a mark (after casefold).
_LETTERS = str.maketrans({
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k",
})
_NOT_DIGIT = re.compile(r"[^0-9]")
# Digits, and what people put between them: "+49 (0)89 123-45.67", "0049/89/1234567".
_PHONE_LIKE = re.compile(r"\+?[0-9 ().\-/]+")


def fold(text: str) -> str:
    """``text`` without case, accents or width, its spaces collapsed: what a search
    compares. Scripts without case or accents (Chinese, Arabic) are kept as they are."""
    # Casefold after the compatibility decomposition ("𝐀" is an "A" only then), then
    # decompose again: casefolding may yield letters that carry a mark.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = _DIACRITICS.sub("", text).translate(_LETTERS)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def search_text(*values: str) -> str:
    """The folded ``values`` of one row, each once, as the search column stores them."""
    folded = dict.fromkeys(fold(value) for value in values if value)
    return FIELD_SEPARATOR.join(value for value in folded if value)


@functools.lru_cache(maxsize=8192)
def phone_key(number: str, country: str = "") -> str:
    """The digits a stored number is found by: E.164 without the "+" when phonenumbers
    can read it (as written, or in the country of the row), else its digits without
    leading zeros. An import sees the same number twice (inquiry and channel): cached."""
    number = unicodedata.normalize("NFKC", number)
    digits = _NOT_DIGIT.sub("", number)
    if not digits:
        return ""
    parsed = _parse(number, country.strip().upper() or None)
    if parsed is None and digits.startswith("00"):
        parsed = _parse("+" + digits[2:], None)
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]
    return digits.lstrip("0")


def phone_keys(numbers: list[str], country: str = "") -> str:
    """The keys of a row's numbers, each once, space-separated (no key holds a space,
    so a query's digits never match across two numbers)."""
    keys = dict.fromkeys(phone_key(number, country or "") for number in numbers if number)
    return " ".join(key for key in keys if key)


def phone_query(query: str) -> tuple[str, ...]:
    """The digits to look for among stored numbers when ``query`` reads as a phone number
    (any format: with or without country code, "+" or "00", a trunk "0"); none otherwise.

    The national significant number without its leading zero is a substring of the
    number's E.164 digits, and of the digits of a number stored without its country. A
    national number may also start with the trunk "8" of Russia, Belarus, Kazakhstan
    and Turkmenistan ("8 (301) 123-45-67"): then the digits after it are looked for too.
    """
    query = unicodedata.normalize("NFKC", query).strip()
    if not _PHONE_LIKE.fullmatch(query):
        return ()
    digits = _NOT_DIGIT.sub("", query)
    international = query.startswith("+") or digits.startswith("00")
    if international:
        if not query.startswith("+"):
            digits = digits[2:]
        parsed = _parse("+" + digits, None)
        if parsed is not None:
            digits = phonenumbers.national_significant_number(parsed)
    keys = [digits.lstrip("0")]
    if not international and digits.startswith("8"):
        keys.append(digits[1:].lstrip("0"))
    return tuple(key for key in keys if len(key) >= MIN_PHONE_DIGITS)


@dataclass(frozen=True)
class Query:
    """A search box's text as the search columns are compared with it."""

    text: str  # folded; "" for a query of spaces only
    digits: tuple[str, ...]  # phone digits to look for (any of them); none for other text


def query_parse(query: str) -> Query:
    return Query(text=fold(query), digits=phone_query(query))


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
