"""parse_country: what people and platform exports write -> ISO 3166 alpha-2 (no database)."""

import pytest

from leads.countries import country_name, parse_country


@pytest.mark.parametrize(("value", "code"), [
    # United States
    ("USA", "US"), ("usa", "US"), ("U.S.A.", "US"), ("United States of America", "US"),
    ("United States", "US"), ("  usa  ", "US"), ("美国", "US"),
    # United Kingdom
    ("UK", "GB"), ("uk", "GB"), ("England", "GB"), ("United Kingdom", "GB"),
    ("Great Britain", "GB"),
    # Turkey under all its names
    ("Türkiye", "TR"), ("Turkey", "TR"), ("turkiye", "TR"), ("TÜRKIYE", "TR"), ("土耳其", "TR"),
    # Germany
    ("德国", "DE"), ("Deutschland", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("deu", "DE"),
    # Other local-language names
    ("España", "ES"), ("Espana", "ES"), ("Россия", "RU"), ("Österreich", "AT"),
    ("印度", "IN"), ("越南", "VN"), ("新加坡", "SG"), ("马来西亚", "MY"), ("香港", "HK"),
    # Vietnam, Korea, UAE, Hong Kong as exports write them
    ("Viet Nam", "VN"), ("Vietnam", "VN"), ("Korea, Republic of", "KR"), ("South Korea", "KR"),
    ("UAE", "AE"), ("U.A.E.", "AE"), ("United Arab Emirates", "AE"),
    ("Hong Kong, China", "HK"), ("Hong Kong", "HK"), ("Taiwan, China", "TW"),
    # Names with a qualifier after a bracket or dash
    ("Germany (DE)", "DE"), ("China - Guangdong", "CN"),
    # alpha-3
    ("BRA", "BR"), ("vnm", "VN"),
])
def test_names_and_variants(value, code):
    assert parse_country(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("DE", "DE"), ("de", "DE"), ("De", "DE"), ("dE", "DE"), ("vn", "VN"), ("Us", "US"),
    ("gb", "GB"), ("uk", "GB"), ("XK", "XK"),
])
def test_alpha_2_in_any_case(value, code):
    assert parse_country(value) == code


def test_look_alike_names_are_told_apart():
    assert parse_country("Niger") == "NE"
    assert parse_country("Nigeria") == "NG"
    assert parse_country("Sudan") == "SD"
    assert parse_country("South Sudan") == "SS"
    assert parse_country("Dominica") == "DM"
    assert parse_country("Dominican Republic") == "DO"


@pytest.mark.parametrize("value", [
    "Atlantis", "Narnia", "XX", "ZZ", "QQQ", "123", "12", "n/a", "-", "", "   ", None,
])
def test_unknown_values_are_none(value):
    assert parse_country(value) is None


@pytest.mark.parametrize(("value", "code"), [
    # Alibaba.com's and Made-in-China.com's Chinese back offices write these regions so;
    # the English forms ("Hong Kong, China", "Taiwan, China") are already understood.
    ("中国香港", "HK"), ("中国台湾", "TW"), ("中国澳门", "MO"),
])
def test_chinese_platform_spellings_of_regions(value, code):
    assert parse_country(value) == code


def test_country_name_round_trip():
    assert country_name("DE") == "Germany"
    assert country_name("XK") == "Kosovo"
    assert parse_country(country_name("VN")) == "VN"
    assert parse_country(country_name("KR")) == "KR"
