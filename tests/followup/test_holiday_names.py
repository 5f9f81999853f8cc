"""Chinese holiday names: the table's look-ups, and that it covers every name the package gives.

When an upgrade of ``holidays`` brings names the table lacks, ``test_the_table_covers_...``
fails with them listed: run ``followup/data/make_holiday_names.py`` and translate them.
"""

import importlib.util
import json
from datetime import date

import holidays
import pytest

from followup.holiday_names import TABLE_PATH, Templates, split_parts, zh_hans_name

SCRIPT = TABLE_PATH.parent / "make_holiday_names.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_holiday_names", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def package_names(script):
    """Every name the installed package gives, over all countries and subdivisions."""
    return script.list_names()


# --- look-ups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Thanksgiving Day", "感恩节"),
        ("Christmas Day", "圣诞节"),
        ("Good Friday", "耶稣受难日"),
        ("Whit Monday", "圣灵降临节次日"),
        ("Martin Luther King Jr. Day", "马丁·路德·金纪念日"),
        ("Washington's Birthday", "华盛顿诞辰纪念日"),
        ("Independence Day (observed)", "独立日（补假）"),
        ("Eid al-Fitr (estimated)", "开斋节（预计）"),
        ("Eid al-Adha (observed, estimated)", "宰牲节（补假，预计）"),
        ("Independence Day; Self Government Day", "独立日；自治政府日"),
        ("Eid al-Fitr (estimated); Liberation Day", "开斋节（预计）；解放日"),
        ("Monday following Epiphany", "主显节后的星期一"),
        ("Day after the Eid al-Adha", "宰牲节次日"),
        ("Day off (substituted from 12/28/2024)", "休息日（由2024年12月28日调休）"),
    ],
)
def test_known_names(name, expected):
    assert zh_hans_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "",
        "No Such Holiday",
        "No Such Holiday (observed)",
        "Independence Day; No Such Holiday",
    ],
)
def test_an_unknown_part_gives_none(name):
    assert zh_hans_name(name) is None


def test_names_of_real_calendars():
    us = holidays.country_holidays("US", years=2025, language="en_US")
    assert zh_hans_name(us[date(2025, 11, 27)]) == "感恩节"
    assert zh_hans_name(us[date(2025, 1, 20)]) == "马丁·路德·金纪念日"
    sa = holidays.country_holidays("SA", years=2026, language="en_US")
    eids = [name for name in sa.values() if name.startswith("Eid al-Fitr")]
    assert eids and all(zh_hans_name(name).startswith("开斋节") for name in eids)


def test_templates_nest_and_prefer_the_most_specific():
    templates = Templates(
        ["%s (estimated)", "%s (observed, estimated)", "Day after the %s", "%s (observed)"]
    )
    [part] = split_parts("Day after the Eid al-Adha (observed, estimated)", templates)
    assert part.templates == ("%s (observed, estimated)", "Day after the %s")
    assert part.base == "Eid al-Adha" and not part.is_date
    [part] = split_parts("Chinese New Year (Second Day) (estimated)", templates)
    assert part.base == "Chinese New Year (Second Day)"


# --- the table ----------------------------------------------------------------


def test_the_table_file_is_sorted_and_complete_in_itself():
    text = TABLE_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert set(data) == {"names", "patterns"}
    for section in data.values():
        assert list(section) == sorted(section)
        assert all(isinstance(v, str) and v.strip() for v in section.values())
    assert all(t.count("%s") == 1 and v.count("%s") == 1 for t, v in data["patterns"].items())
    assert text == json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def test_the_table_covers_every_name_the_package_gives(script, package_names):
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    bases, used = script.base_names(package_names)
    missing_names = sorted(b for b in bases if not data["names"].get(b))
    missing_patterns = sorted(t for t in used if not data["patterns"].get(t))
    assert (missing_names, missing_patterns) == ([], []), (
        f"holidays {holidays.__version__}: untranslated names {missing_names}, patterns "
        f"{missing_patterns}; run followup/data/make_holiday_names.py and translate them"
    )
    unrendered = sorted(name for name in package_names if zh_hans_name(name) is None)
    assert unrendered == []


def test_the_listing_covers_subdivisions_and_the_named_countries(script):
    names = script.list_names(["US", "DE", "MX", "IN", "SA", "ID", "BR", "NG"])
    assert {"Thanksgiving Day", "German Unity Day", "Reformation Day", "Diwali"} <= set(names)
    assert any("(estimated)" in name for name in names)
    bases, used = script.base_names(names)
    assert "%s (estimated)" in used and "Reformation Day" in bases
    assert not any(name.endswith(("(observed)", "(estimated)")) for name in bases)
