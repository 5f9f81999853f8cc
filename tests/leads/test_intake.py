"""clean_inquiry and its parsers: one row of canonical fields -> InquiryData (no database)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leads.intake import (
    MAX_LENGTHS,
    MAX_MESSAGE,
    InquiryData,
    RowRejected,
    clean_inquiry,
    parse_email,
    parse_platform,
    parse_received_at,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=SHANGHAI)

BASE = {
    "received_at": "2025-03-04 10:20",
    "platform": "alibaba",
    "buyer_name": "Jürgen Müller",
    "company": "Klärtechnik Müller GmbH",
    "country": "Deutschland",
    "email": "j.mueller@klaertechnik-mueller.example",
    "phone": "+49 711 555 0120",
    "product": "Amalgam UV lamp 320W",
    "quantity": "60 pieces",
    "message": "Please quote 320W amalgam lamps with electronic ballasts for a sewage plant.",
}


def clean(fields: dict | None = None, *, default_platform: str = "other", now: datetime = NOW,
          **overrides) -> InquiryData:
    values = dict(BASE if fields is None else fields)
    values.update(overrides)
    return clean_inquiry(values, default_platform=default_platform, tz=SHANGHAI, now=now)


def rejection(fields: dict | None = None, **overrides) -> str:
    with pytest.raises(RowRejected) as excinfo:
        clean(fields, **overrides)
    return str(excinfo.value)


# --- a good row -------------------------------------------------------------------------------


def test_good_row_is_normalised():
    data = clean(buyer_name="  Jürgen Müller ", country="deutschland",
                 message="Line one\r\nLine two")
    assert data.platform == "alibaba"
    assert data.platform_ref == ""
    assert data.received_at == datetime(2025, 3, 4, 10, 20, tzinfo=SHANGHAI)
    assert data.received_at.utcoffset() == timedelta(hours=8)
    assert data.received_at_given is True
    assert data.buyer_name == "Jürgen Müller"
    assert data.company_name == "Klärtechnik Müller GmbH"
    assert data.country == "DE"
    assert data.email == "j.mueller@klaertechnik-mueller.example"
    assert data.email_domain == "klaertechnik-mueller.example"
    assert data.message == "Line one\nLine two"


def test_raw_defaults_to_the_non_empty_fields_and_can_be_given():
    data = clean(whatsapp="", website=None)
    assert "whatsapp" not in data.raw and "website" not in data.raw
    assert data.raw["country"] == "Deutschland"  # as written, not the code
    raw = {"Buyer Email": "x", "crm_id": "CRM-7"}
    given = clean_inquiry(BASE, default_platform="other", tz=SHANGHAI, raw=raw, now=NOW)
    assert given.raw == raw


def test_spreadsheet_numbers_become_digits_without_a_decimal_point():
    data = clean(phone=4915112345678.0, quantity=100.0, whatsapp=971505550199)
    assert data.phone == "4915112345678"
    assert data.quantity == "100"
    assert data.whatsapp == "971505550199"


def test_several_problems_are_reported_together():
    reason = rejection(email="bob@", country="Atlantis", received_at="next tuesday")
    parts = [
        "email 'bob@' is not a valid address",
        "; country 'Atlantis' is not a known country or code",
        "; received_at 'next tuesday' is not a date",
    ]
    positions = [reason.find(part) for part in parts]
    assert -1 not in positions
    assert positions == sorted(positions)


# --- dedup_key --------------------------------------------------------------------------------


def test_dedup_key_uses_the_platform_reference_when_given():
    first = clean(platform_ref="AL2408150001")
    again = clean(platform_ref="AL2408150001", message="A different text", email="",
                  received_at="2025-04-01 08:00")
    assert first.dedup_key == "ref:alibaba:AL2408150001"
    assert again.dedup_key == first.dedup_key
    assert clean(platform_ref="AL2408150002").dedup_key != first.dedup_key
    other_platform = clean(platform_ref="AL2408150001", platform="MIC")
    assert other_platform.dedup_key == "ref:made-in-china:AL2408150001"


def test_dedup_key_without_reference_is_a_fingerprint():
    key = clean().dedup_key
    assert key.startswith("fp:")
    assert len(key) == len("fp:") + 64
    assert clean().dedup_key == key  # deterministic


def test_fingerprint_ignores_whitespace_changes_in_the_message():
    key = clean(message="Please quote 320W amalgam lamps, with ballasts.").dedup_key
    assert clean(message="  Please  quote 320W\tamalgam lamps,\r\nwith   ballasts. \n").dedup_key \
        == key
    assert clean(message="Please quote 320W amalgam lamps,\nwith ballasts.").dedup_key == key


@pytest.mark.parametrize("change", [
    {"email": "someone.else@klaertechnik-mueller.example"},
    {"received_at": "2025-03-04 10:21"},
    {"received_at": "2025-03-05 10:20"},
    {"message": "Please quote 800W amalgam lamps with electronic ballasts for a sewage plant."},
    {"message": ""},
])
def test_fingerprint_differs_when_email_date_or_message_differ(change):
    assert clean(**change).dedup_key != clean().dedup_key


def test_fingerprint_is_the_same_instant_in_any_zone():
    naive = clean(received_at="2025-03-04 10:20")
    utc = clean(received_at="2025-03-04T02:20:00Z")
    assert naive.received_at == utc.received_at
    assert naive.dedup_key == utc.dedup_key


def test_fingerprint_falls_back_to_phone_digits():
    by_phone = clean(email="", phone="+49 711 555-0120")
    assert by_phone.dedup_key == clean(email="", phone="+49 (711) 5550120").dedup_key
    assert by_phone.dedup_key != clean(email="", phone="+49 711 555 0121").dedup_key
    assert by_phone.dedup_key != clean().dedup_key  # the email, when given, is the contact


def test_fingerprint_without_a_date_does_not_depend_on_the_import_time():
    first = clean(received_at="", now=NOW)
    later = clean(received_at="", now=NOW + timedelta(days=3))
    assert first.received_at_given is False and first.received_at == NOW
    assert later.received_at == NOW + timedelta(days=3)
    assert first.dedup_key == later.dedup_key


# --- company_key ------------------------------------------------------------------------------


def test_company_key_is_the_domain_of_a_company_address():
    data = clean(email="Emily.Carter@ClearwaterPool.example")
    assert data.company_key == "domain:clearwaterpool.example"
    assert data.lookup_keys == ["email:Emily.Carter@clearwaterpool.example",
                                "domain:clearwaterpool.example"]


@pytest.mark.parametrize("address", [
    "priya.nair@gmail.com", "priya.nair@GMAIL.com", "wq.huang@qq.com", "a.b@163.com",
])
def test_company_key_of_a_free_mail_address_is_the_address(address):
    data = clean(email=address)
    assert data.company_key == f"email:{data.email}"
    assert data.company_key.endswith(address.split("@")[1].lower())
    assert data.lookup_keys == [data.company_key]


def test_company_key_falls_back_to_phone_then_whatsapp_digits():
    assert clean(email="", phone="+49 711 555-0120").company_key == "phone:497115550120"
    assert clean(email="", phone="", whatsapp="+84 90 555 0123").company_key \
        == "phone:84905550123"
    # Too short to be a number: the company name decides.
    short = clean(email="", phone="12345", company="  Klar   Wasser  GmbH ")
    assert short.company_key == "name:DE:klar wasser gmbh"


def test_company_key_by_name_includes_the_country():
    german = clean(email="", phone="n/a", company="Aqua Tech", platform_ref="X1")
    indian = clean(email="", phone="n/a", company="AQUA  TECH", country="India",
                   platform_ref="X2")
    assert german.company_key == "name:DE:aqua tech"
    assert indian.company_key == "name:IN:aqua tech"


def test_company_key_is_none_with_nothing_to_group_by():
    data = clean({"platform_ref": "AL1"})
    assert data.company_key is None
    assert data.lookup_keys == []


# --- received_at ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-04T10:20:00+02:00", datetime(2025, 3, 4, 8, 20, tzinfo=UTC)),
    ("2025-03-04T02:20:00Z", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
    ("2025-03-04 10:20", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
    ("2025-03-04", datetime(2025, 3, 3, 16, 0, tzinfo=UTC)),
    ("2025/03/04 10:20:30", datetime(2025, 3, 4, 2, 20, 30, tzinfo=UTC)),
    ("2025年3月4日 10:20", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
    ("2025年03月04日", datetime(2025, 3, 3, 16, 0, tzinfo=UTC)),
    ("04.03.2025", datetime(2025, 3, 3, 16, 0, tzinfo=UTC)),
    ("04.03.2025 10:20", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
    ("25/12/2024", datetime(2024, 12, 24, 16, 0, tzinfo=UTC)),
    ("12/25/2024", datetime(2024, 12, 24, 16, 0, tzinfo=UTC)),
    ("25/06/2025 09:45", datetime(2025, 6, 25, 1, 45, tzinfo=UTC)),
    ("04/04/2025", datetime(2025, 4, 3, 16, 0, tzinfo=UTC)),
    ("4 Mar 2025", datetime(2025, 3, 3, 16, 0, tzinfo=UTC)),
    ("Mar 4, 2025 10:20", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
    ("  2025-03-04 10:20  ", datetime(2025, 3, 4, 2, 20, tzinfo=UTC)),
])
def test_received_at_formats(text, expected):
    parsed = parse_received_at(text, SHANGHAI)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_naive_values_are_in_the_team_zone_and_offsets_are_kept():
    naive = parse_received_at("2025-03-04 10:20", SHANGHAI)
    assert naive.tzinfo == SHANGHAI
    assert naive.utcoffset() == timedelta(hours=8)
    offset = parse_received_at("2025-03-04T10:20:00+02:00", SHANGHAI)
    assert offset.utcoffset() == timedelta(hours=2)
    berlin = parse_received_at("2025-03-04 10:20", ZoneInfo("Europe/Berlin"))
    assert berlin - naive == timedelta(hours=7)


def test_date_and_datetime_cells():
    assert parse_received_at(datetime(2025, 5, 20, 9, 15), SHANGHAI) == datetime(
        2025, 5, 20, 1, 15, tzinfo=UTC)
    assert parse_received_at(date(2025, 5, 20), SHANGHAI) == datetime(
        2025, 5, 19, 16, 0, tzinfo=UTC)
    aware = datetime(2025, 5, 20, 9, 15, tzinfo=UTC)
    assert parse_received_at(aware, SHANGHAI) is aware


def test_day_first_slashed_date_is_the_25th_of_december():
    data = clean(received_at="25/12/2024")
    assert (data.received_at.year, data.received_at.month, data.received_at.day) == (2024, 12, 25)


@pytest.mark.parametrize("text", ["03/04/2025", "03/04/2025 10:20", "1/2/2025", "12/11/2024"])
def test_ambiguous_day_month_is_rejected(text):
    reason = rejection(received_at=text)
    assert f"received_at {text!r} is ambiguous" in reason
    assert "YYYY-MM-DD" in reason


@pytest.mark.parametrize("text", ["next tuesday", "31/02/2025", "2025-02-30", "13/13/2025",
                                  "yesterday 10:00", "45720"])
def test_not_a_date_is_rejected(text):
    assert f"received_at {text!r} is not a date" in rejection(received_at=text)


def test_future_dates_are_rejected_with_a_day_of_grace():
    within_a_day = NOW + timedelta(hours=23)
    assert clean(received_at=within_a_day.isoformat()).received_at == within_a_day
    reason = rejection(received_at="2025-07-05 09:00")
    assert "received_at 2025-07-05 09:00 lies in the future" in reason


def test_empty_received_at_is_the_import_time():
    data = clean(received_at="  ")
    assert data.received_at == NOW
    assert data.received_at_given is False
    missing = clean({k: v for k, v in BASE.items() if k != "received_at"})
    assert missing.received_at == NOW and missing.received_at_given is False


# --- platform ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "platform"), [
    ("alibaba", "alibaba"), ("Alibaba.com", "alibaba"), ("ALIBABA", "alibaba"),
    ("阿里巴巴", "alibaba"), ("阿里国际站", "alibaba"),
    ("MIC", "made-in-china"), ("mic", "made-in-china"), ("made-in-china", "made-in-china"),
    ("Made-in-China.com", "made-in-china"), ("中国制造网", "made-in-china"),
    ("E-mail", "email"), ("web form", "web"), ("官网", "web"), ("API", "api"),
    ("other", "other"),
])
def test_platform_aliases(value, platform):
    assert parse_platform(value, "other") == platform
    assert clean(platform=value).platform == platform


def test_empty_platform_is_the_default():
    assert clean(platform="", default_platform="made-in-china").platform == "made-in-china"
    assert clean(platform="  ", default_platform="alibaba").platform == "alibaba"
    assert clean(platform="web", default_platform="alibaba").platform == "web"


@pytest.mark.parametrize("value", ["eBay", "Global Sources", "amazon", "linkedin"])
def test_unknown_platform_is_rejected(value):
    reason = rejection(platform=value)
    assert f"platform {value!r} is not one of" in reason
    assert "made-in-china" in reason
    with pytest.raises(RowRejected):
        parse_platform(value, "other")


# --- email ------------------------------------------------------------------------------------


def test_first_of_several_addresses_is_taken():
    assert parse_email("sales@aqua.example; boss@aqua.example") == "sales@aqua.example"
    assert parse_email(" sales@aqua.example , boss@aqua.example") == "sales@aqua.example"
    assert parse_email("   ") == ""


@pytest.mark.parametrize("address", ["bob@", "bob", "@aqua.example", "bob@@aqua.example",
                                     "bob@aqua"])
def test_invalid_email_is_rejected(address):
    reason = rejection(email=address)
    assert f"email {address!r} is not a valid address" in reason


# --- lengths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(MAX_LENGTHS) - {"email"}))
def test_too_long_fields_are_rejected_with_their_length(name):
    limit = MAX_LENGTHS[name]
    fields = dict(BASE, platform_ref="AL1")
    assert clean(fields, **{name: "7" * limit}) is not None  # exactly at the limit
    reason = rejection(fields, **{name: "7" * (limit + 1)})
    assert f"{name} is {limit + 1} characters long (at most {limit})" in reason


def test_too_long_email_is_rejected_with_its_length():
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 5) + ".example"
    assert len(address) > MAX_LENGTHS["email"]
    assert f"email is {len(address)} characters long (at most 320)" in rejection(email=address)


def test_too_long_message_is_rejected():
    assert clean(message="x" * MAX_MESSAGE).message == "x" * MAX_MESSAGE
    reason = rejection(message="x" * (MAX_MESSAGE + 1))
    assert f"message is {MAX_MESSAGE + 1} characters long (at most {MAX_MESSAGE})" in reason


# --- how the buyer is reached -----------------------------------------------------------------


def test_a_row_with_only_a_platform_reference_is_accepted():
    data = clean({"platform_ref": "MIC5000001"}, default_platform="made-in-china")
    assert data.platform == "made-in-china"
    assert data.platform_ref == "MIC5000001"
    assert data.email == data.phone == data.whatsapp == data.country == ""
    assert data.received_at == NOW and data.received_at_given is False
    assert data.dedup_key == "ref:made-in-china:MIC5000001"
    assert data.raw == {"platform_ref": "MIC5000001"}


@pytest.mark.parametrize("contact", [{"email": "a@aqua.example"}, {"phone": "+1 305 555 0142"},
                                     {"whatsapp": "+84 90 555 0123"}])
def test_any_one_contact_is_enough(contact):
    assert clean({"message": "price?", **contact}) is not None


@pytest.mark.parametrize("fields", [
    {"buyer_name": "Anonymous", "company": "Nile Aquaculture", "country": "Egypt",
     "message": "price"},
    {"email": "  ", "phone": "", "whatsapp": None, "platform_ref": " ", "message": "hi"},
    {},
])
def test_a_row_with_nothing_to_reach_is_rejected(fields):
    reason = rejection(fields)
    assert "no email, phone, WhatsApp or platform reference" in reason
    assert "nothing to reach" in reason
