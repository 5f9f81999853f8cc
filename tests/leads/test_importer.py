"""read_table / detect_preset / map_row on the sample exports in tests/fixtures/imports.

Pure: no database. Each fixture is read, mapped and cleaned exactly as
``services.inquiries_import`` does; README.md next to the fixtures lists the
rows each file should reject and why.
"""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.styles import Font

from leads.importer import (
    ALIBABA,
    GENERIC,
    MADE_IN_CHINA,
    PLATFORM_OF_PRESET,
    PRESETS,
    UnreadableFile,
    decode,
    detect_preset,
    map_row,
    read_table,
)
from leads.intake import InquiryData, RowRejected, clean_inquiry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 12, 31, 12, 0, tzinfo=SHANGHAI)

# file -> (encoding, preset, good row numbers, {bad row number: words its reason contains})
EXPECTED = {
    "generic_utf8.csv": ("utf_8", GENERIC, [2, 3, 4, 6, 7, 9], {
        5: ["email 'bob@'", "not a valid address"],
        8: ["country 'Atlantis'", "not a known country"],
    }),
    "generic_utf8_bom.csv": ("utf_8_sig", GENERIC, [2, 3, 4, 6, 7, 9], {
        5: ["email 'bob@'", "not a valid address"],
        8: ["country 'Atlantis'", "not a known country"],
    }),
    "generic_gbk.csv": ("gb18030", GENERIC, [2, 3, 5, 6], {
        4: ["received_at 'next tuesday'", "not a date"],
    }),
    "alibaba_en_utf8_bom.csv": ("utf_8_sig", ALIBABA, [2, 3, 4, 6, 7], {
        5: ["no email, phone, WhatsApp or platform reference", "nothing to reach"],
    }),
    "alibaba_zh_gbk.csv": ("gb18030", ALIBABA, [2, 3, 4, 5, 6], {}),
    "mic_en_utf8.csv": ("utf_8", MADE_IN_CHINA, [2, 3, 5, 6, 7], {
        4: ["received_at '03/04/2025'", "ambiguous"],
    }),
    "mic_zh_gbk.csv": ("gb18030", MADE_IN_CHINA, [2, 3, 4, 5], {}),
    "generic.xlsx": ("", GENERIC, [2, 3, 5, 6], {
        4: ["email 'greg.miles@milesponds'", "not a valid address"],
    }),
}


def load(name: str, **kwargs):
    return read_table((FIXTURES / name).read_bytes(), filename=name, **kwargs)


def clean_table(name: str) -> dict[int, InquiryData | str]:
    """Row number -> cleaned inquiry, or the reason it was rejected (as the import does)."""
    table = load(name)
    preset = detect_preset(table.headers)
    results: dict[int, InquiryData | str] = {}
    for row_number, row in table.rows:
        try:
            results[row_number] = clean_inquiry(
                map_row(row, preset), default_platform=PLATFORM_OF_PRESET[preset], tz=SHANGHAI,
                raw=row, now=NOW,
            )
        except RowRejected as exc:
            results[row_number] = str(exc)
    return results


def at(year, month, day, hour=0, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- every fixture ----------------------------------------------------------------------------


def test_every_fixture_is_covered():
    on_disk = {path.name for path in FIXTURES.iterdir() if path.suffix in (".csv", ".xlsx")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_encoding_and_format_are_detected(name):
    encoding, _, _, _ = EXPECTED[name]
    table = load(name)
    assert table.encoding == encoding
    assert table.file_format == ("xlsx" if name.endswith(".xlsx") else "csv")
    assert not any("\ufeff" in header for header in table.headers)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_is_detected(name):
    _, preset, _, _ = EXPECTED[name]
    assert detect_preset(load(name).headers) == preset


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_good_and_bad_rows_by_spreadsheet_row_number(name):
    _, _, good, bad = EXPECTED[name]
    results = clean_table(name)
    assert sorted(results) == sorted(good + list(bad))
    accepted = [number for number, result in results.items() if isinstance(result, InquiryData)]
    assert accepted == good
    for number, words in bad.items():
        assert isinstance(results[number], str), f"row {number} should be rejected"
        for word in words:
            assert word in results[number], (number, results[number])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_naive_times_are_read_in_the_team_zone(name):
    for result in clean_table(name).values():
        if isinstance(result, InquiryData):
            assert result.received_at_given is True
            assert result.received_at.tzinfo is not None
            if result.raw.get("received_at") != "2025-01-15T16:45:00+00:00":
                assert result.received_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_headers_are_spellings_the_preset_knows(name):
    _, preset, _, _ = EXPECTED[name]
    spellings = {spelling for names in PRESETS[preset].values() for spelling in names}
    headers = load(name).headers
    unknown = [header for header in headers if header not in spellings]
    assert unknown == (["crm_id"] if name.startswith("generic_utf8") else [])
    assert len(map_row(dict.fromkeys(headers, "x"), preset)) == len(headers) - len(unknown)


# --- the fixture bytes are what README.md says ------------------------------------------------


def test_utf8_bom_file_is_the_utf8_file_with_a_bom():
    plain = (FIXTURES / "generic_utf8.csv").read_bytes()
    bom = (FIXTURES / "generic_utf8_bom.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert bom == b"\xef\xbb\xbf" + plain
    assert (FIXTURES / "alibaba_en_utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (FIXTURES / "mic_en_utf8.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("name", ["generic_gbk.csv", "alibaba_zh_gbk.csv", "mic_zh_gbk.csv"])
def test_gbk_files_are_not_utf8(name):
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, encoding = decode(data)
    assert encoding == "gb18030"
    assert text == data.decode("gbk")


def test_decode_strips_the_bom():
    text, encoding = decode((FIXTURES / "generic_utf8_bom.csv").read_bytes())
    assert encoding == "utf_8_sig"
    assert text.startswith("received_at,platform,")
    assert text == (FIXTURES / "generic_utf8.csv").read_bytes().decode("utf-8")


# --- generic_utf8.csv / generic_utf8_bom.csv --------------------------------------------------


@pytest.mark.parametrize("name", ["generic_utf8.csv", "generic_utf8_bom.csv"])
def test_generic_utf8_rows(name):
    rows = clean_table(name)
    emily = rows[2]
    assert (emily.platform, emily.country, emily.buyer_name) == ("alibaba", "US", "Emily Carter")
    assert emily.received_at == at(2025, 1, 14, 9, 30)
    assert emily.message == (
        "Hello, we need UV-C sterilizers for 6 commercial pools, please quote FOB Shanghai.\n"
        "Also send the CE and RoHS certificates."
    )
    assert emily.website == "https://clearwaterpool.example"
    assert emily.company_key == "domain:clearwaterpool.example"

    oliver = rows[3]
    assert (oliver.platform, oliver.country) == ("email", "GB")
    assert oliver.received_at == datetime(2025, 1, 15, 16, 45, tzinfo=UTC)
    assert oliver.received_at.utcoffset() == timedelta(0)

    zeynep = rows[4]
    assert (zeynep.platform, zeynep.country) == ("made-in-china", "TR")
    assert (zeynep.buyer_name, zeynep.company_name) == ("Zeynep Çelik", "Çelik Su Arıtma A.Ş.")
    assert zeynep.whatsapp == "+90 532 555 0198"

    jurgen = rows[6]
    assert (jurgen.platform, jurgen.country) == ("alibaba", "DE")
    assert jurgen.received_at == at(2025, 2, 10, 14, 5)
    assert jurgen.company_name == "Klärtechnik Müller GmbH"

    priya = rows[7]
    assert (priya.country, priya.platform) == ("IN", "web")
    assert priya.company_key == "email:priya.nair@gmail.com"

    hoa = rows[9]
    assert (hoa.country, hoa.platform, hoa.buyer_name) == ("VN", "made-in-china", "Trần Thị Hoa")
    assert hoa.phone == "" and hoa.whatsapp == "+84 90 555 0123"
    assert [rows[n].country for n in (2, 3, 4, 6, 7, 9)] == ["US", "GB", "TR", "DE", "IN", "VN"]


def test_generic_utf8_and_bom_files_give_the_same_inquiries():
    plain, bom = clean_table("generic_utf8.csv"), clean_table("generic_utf8_bom.csv")
    assert plain == bom


def test_unknown_column_is_kept_in_the_raw_row():
    table = load("generic_utf8.csv")
    assert table.headers[-1] == "crm_id"
    number, row = table.rows[0]
    assert number == 2 and row["crm_id"] == "CRM-1001"
    assert "crm_id" not in map_row(row, GENERIC)
    rows = clean_table("generic_utf8.csv")
    assert rows[2].raw["crm_id"] == "CRM-1001"
    assert rows[9].raw["crm_id"] == "CRM-1008"
    assert rows[2].raw["country"] == "USA"  # the raw row is as written
    # Rejected rows keep the column too, through the table.
    assert dict(table.rows)[5]["crm_id"] == "CRM-1004"


def test_a_quoted_line_break_stays_in_one_row():
    table = load("generic_utf8.csv")
    assert [number for number, _ in table.rows] == list(range(2, 10))
    assert "\n" in dict(table.rows)[2]["message"]
    assert all(len(row) == 13 for _, row in table.rows)


# --- generic_gbk.csv --------------------------------------------------------------------------


def test_generic_gbk_rows():
    rows = clean_table("generic_gbk.csv")
    chen = rows[2]
    assert (chen.buyer_name, chen.company_name, chen.country) == (
        "陈志明", "台湾净水设备有限公司", "TW")
    assert chen.message.startswith("我们是台湾的净水设备经销商")
    assert chen.received_at == at(2025, 4, 1, 10, 0)
    singapore = rows[3]
    assert (singapore.company_name, singapore.country) == ("新加坡净水科技私人有限公司", "SG")
    assert singapore.message == "我们需要用于游泳池的紫外线杀菌器，请报价。"
    assert singapore.received_at.astimezone(UTC) == datetime(2025, 4, 2, 7, 30, tzinfo=UTC)
    assert (rows[5].country, rows[5].platform, rows[5].company_name) == (
        "MY", "made-in-china", "大马水产养殖有限公司")
    assert (rows[6].country, rows[6].buyer_name) == ("HK", "张家豪")


# --- alibaba_en_utf8_bom.csv ------------------------------------------------------------------


def test_alibaba_english_headers_map_to_canonical_fields():
    table = load("alibaba_en_utf8_bom.csv")
    assert table.headers[0] == "Inquiry No."
    number, row = table.rows[0]
    fields = map_row(row, ALIBABA)
    assert fields["platform_ref"] == "AL2408150001"
    assert fields["received_at"] == "2024-08-15 14:22:10"
    assert fields["buyer_name"] == "João Pereira"
    assert fields["country"] == "Brazil"
    assert fields["quantity"] == "500 Pieces"
    assert set(fields) == {
        "platform_ref", "received_at", "buyer_name", "company", "country", "email", "phone",
        "product", "quantity", "message",
    }


def test_alibaba_english_rows():
    rows = clean_table("alibaba_en_utf8_bom.csv")
    joao = rows[2]
    assert (joao.platform, joao.platform_ref, joao.country) == ("alibaba", "AL2408150001", "BR")
    assert joao.received_at == at(2024, 8, 15, 14, 22, 10)
    assert joao.company_name == "Águas Claras Saneamento Ltda"
    assert joao.dedup_key == "ref:alibaba:AL2408150001"
    assert "São Paulo" in joao.message
    nile = rows[6]  # a phone, no email
    assert (nile.email, nile.phone, nile.country) == ("", "+20 2 5555 0133", "EG")
    assert nile.company_key == "phone:20255550133"
    assert [rows[n].country for n in (2, 3, 4, 6, 7)] == ["BR", "SA", "AU", "EG", "MX"]
    assert all(rows[n].platform == "alibaba" for n in (2, 3, 4, 6, 7))


def test_alibaba_row_without_any_contact_or_reference_is_rejected():
    table = load("alibaba_en_utf8_bom.csv")
    raw = dict(table.rows)[5]
    assert raw["Inquiry No."] == "" and raw["Buyer Email"] == "" and raw["Buyer Tel"] == ""
    reason = clean_table("alibaba_en_utf8_bom.csv")[5]
    assert reason == ("no email, phone, WhatsApp or platform reference: nothing to reach or "
                      "identify the buyer by")


# --- alibaba_zh_gbk.csv -----------------------------------------------------------------------


def test_alibaba_chinese_rows():
    table = load("alibaba_zh_gbk.csv")
    assert table.headers == [
        "询盘编号", "询盘时间", "买家姓名", "买家公司", "国家/地区", "买家邮箱", "买家电话",
        "询盘产品", "采购数量", "询盘内容",
    ]
    rows = clean_table("alibaba_zh_gbk.csv")
    assert [rows[n].country for n in range(2, 7)] == ["US", "DE", "IN", "VN", "TR"]
    assert [dict(table.rows)[n]["国家/地区"] for n in range(2, 7)] == [
        "美国", "德国", "印度", "越南", "土耳其"]
    arjun = rows[4]
    assert (arjun.platform, arjun.platform_ref) == ("alibaba", "AL2502180103")
    assert arjun.product == "紫外线消毒车"
    assert arjun.message == "医院手术室消毒用，请报价。"
    assert arjun.received_at == at(2025, 2, 18, 9, 0)
    assert rows[5].quantity == "1000支"


# --- mic_en_utf8.csv --------------------------------------------------------------------------


def test_mic_english_rows():
    rows = clean_table("mic_en_utf8.csv")
    carlos = rows[2]
    assert (carlos.platform, carlos.platform_ref, carlos.country) == (
        "made-in-china", "MIC5000001", "CL")
    assert carlos.buyer_name == "Carlos Méndez"
    assert carlos.website == "https://aguasdelsur.example"
    assert carlos.received_at == at(2025, 5, 6, 8, 0)
    assert carlos.dedup_key == "ref:made-in-china:MIC5000001"
    siti = rows[6]  # "25/06/2025 09:45": day first, unambiguous
    assert siti.received_at == at(2025, 6, 25, 9, 45)
    assert siti.country == "ID"
    lagos = rows[5]
    assert (lagos.email, lagos.phone) == ("", "+234 803 555 0104")
    assert [rows[n].country for n in (2, 3, 5, 6, 7)] == ["CL", "FR", "NG", "ID", "KE"]


def test_mic_ambiguous_date_reason():
    reason = clean_table("mic_en_utf8.csv")[4]
    assert reason.startswith("received_at '03/04/2025' is ambiguous (day/month or month/day?)")


# --- mic_zh_gbk.csv ---------------------------------------------------------------------------


def test_mic_chinese_rows():
    rows = clean_table("mic_zh_gbk.csv")
    anan = rows[2]
    assert anan.received_at == at(2025, 3, 4, 10, 20)  # "2025年3月4日 10:20"
    assert (anan.platform, anan.platform_ref, anan.country) == (
        "made-in-china", "MIC6100001", "TH")
    assert anan.message == "用于罗非鱼养殖场，请报CIF曼谷价格。"
    assert [rows[n].country for n in range(2, 6)] == ["TH", "PH", "RU", "KR"]
    kim = rows[5]
    assert (kim.email, kim.phone, kim.product) == ("", "+82 2 555 0104", "紫外线消毒柜")


# --- generic.xlsx -----------------------------------------------------------------------------


def test_xlsx_cells_keep_their_types_in_the_table():
    table = load("generic.xlsx")
    assert table.headers == [
        "received_at", "platform", "buyer_name", "company", "country", "email", "phone",
        "whatsapp", "website", "product", "quantity", "message",
    ]
    row = dict(table.rows)[2]
    assert row["received_at"] == datetime(2025, 5, 20, 9, 15)
    assert row["phone"] == 4915112345678


def test_xlsx_rows():
    rows = clean_table("generic.xlsx")
    hans = rows[2]
    assert hans.received_at == at(2025, 5, 20, 9, 15)
    assert hans.received_at.astimezone(UTC) == datetime(2025, 5, 20, 1, 15, tzinfo=UTC)
    assert hans.phone == "4915112345678"
    assert (hans.platform, hans.country) == ("alibaba", "DE")
    assert rows[3].phone == "5511955550123"
    assert rows[6].whatsapp == "971505550199"
    assert rows[6].country == "AE"
    assert [rows[n].country for n in (2, 3, 5, 6)] == ["DE", "BR", "JP", "AE"]


# --- detect_preset / map_row ------------------------------------------------------------------


def test_detect_preset_prefers_generic_on_a_tie():
    assert detect_preset(["Email"]) == GENERIC
    assert detect_preset([]) == GENERIC
    assert detect_preset(["foo", "bar"]) == GENERIC


def test_detect_preset_ignores_case_spacing_bom_and_colons():
    assert detect_preset(["\ufeffinquiry no.", " BUYER  EMAIL ", "Buyer Tel:"]) == ALIBABA
    assert detect_preset(["询盘ID：", "发送时间", "电子邮箱"]) == MADE_IN_CHINA


def test_map_row_first_non_empty_header_wins():
    row = {"Buyer Email": "", "Email": "sales@reefpond.example", "Buyer Tel": "+61 2 5555 0101",
           "Tel": "+61 2 5555 0199", "crm_id": "X"}
    assert map_row(row, ALIBABA) == {
        "email": "sales@reefpond.example", "phone": "+61 2 5555 0101",
    }


def test_map_row_under_another_preset_finds_little():
    table = load("alibaba_zh_gbk.csv")
    _, row = table.rows[0]
    assert map_row(row, GENERIC) == {}
    assert map_row(row, MADE_IN_CHINA) == {}
    assert len(map_row(row, ALIBABA)) == 10


# --- unreadable files -------------------------------------------------------------------------


def _workbook(rows, *, styled_empty_row: int | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if styled_empty_row:
        sheet.cell(row=styled_empty_row, column=1).font = Font(bold=True)  # formatted, no value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "words"), [
    (b"", "inquiries.csv", "empty"),
    (b"  \r\n\r\n \t", "inquiries.csv", "empty"),
    (b"hello,world\r\n1,2\r\n", "inquiries.xlsx", "not an Excel workbook"),
    (b"received_at;email\r\n", "INQUIRIES.XLSX", "not an Excel workbook"),
    (_zip(**{"readme.txt": "not a workbook"}), "inquiries.xlsx",
     r"not a CSV or Excel \(\.xlsx\) file: it is a ZIP archive \(readme\.txt\)"),
    (_zip(**{"readme.txt": "not a workbook"}), "inquiries.csv", "it is a ZIP archive"),
    (b"PK\x03\x04garbage", "inquiries.xlsx", "damaged"),
    (b",,,\r\nx,y,z\r\n", "inquiries.csv", "no column names"),
], ids=["empty", "whitespace-only", "csv-named-xlsx", "csv-named-XLSX", "zip-named-xlsx",
        "zip-named-csv", "broken-zip", "no-header-names"])
def test_unreadable_files(data, filename, words):
    with pytest.raises(UnreadableFile, match=words):
        read_table(data, filename=filename)


def test_truncated_workbook_is_unreadable():
    data = (FIXTURES / "generic.xlsx").read_bytes()
    with pytest.raises(UnreadableFile):
        read_table(data[: len(data) // 2], filename="generic.xlsx")


def test_workbook_with_an_empty_first_sheet_is_unreadable():
    with pytest.raises(UnreadableFile, match="empty"):
        read_table(_workbook([]), filename="empty.xlsx")


@pytest.mark.parametrize(("data", "filename"), [
    (b"received_at,email,message\r\n", "header_only.csv"),
    (b"received_at,email,message", "header_only.csv"),
    (b"received_at,email,message\r\n\r\n,,\r\n", "header_only.csv"),
    (_workbook([["received_at", "email", "message"]]), "header_only.xlsx"),
], ids=["csv", "csv-without-newline", "csv-with-blank-lines", "xlsx"])
def test_header_only_file_is_unreadable(data, filename):
    with pytest.raises(UnreadableFile):
        read_table(data, filename=filename)


# --- max_rows ---------------------------------------------------------------------------------


def test_max_rows_on_a_fixture():
    assert len(load("generic_utf8.csv", max_rows=8)) == 8
    with pytest.raises(UnreadableFile, match="more than 7 rows"):
        load("generic_utf8.csv", max_rows=7)
    assert len(load("generic.xlsx", max_rows=5)) == 5
    with pytest.raises(UnreadableFile, match="more than 4 rows"):
        load("generic.xlsx", max_rows=4)


def test_max_rows_does_not_count_blank_csv_lines():
    data = b"email,country\r\na@aqua.example,US\r\n\r\n,\r\nb@aqua.example,DE\r\n\r\n\r\n"
    assert len(read_table(data, max_rows=2)) == 2
    with pytest.raises(UnreadableFile, match="more than 1 rows"):
        read_table(data, max_rows=1)


def test_max_rows_does_not_count_empty_workbook_rows():
    header, first, second = ["email", "country"], ["a@aqua.example", "US"], ["b@aqua.example",
                                                                             "DE"]
    with_gap = _workbook([header, first, [None, None], second])
    assert [n for n, _ in read_table(with_gap, max_rows=2).rows] == [2, 4]
    # Excel often keeps a formatted but empty row below the data.
    trailing = _workbook([header, first, second], styled_empty_row=4)
    assert [n for n, _ in read_table(trailing).rows] == [2, 3]
    assert [n for n, _ in read_table(trailing, max_rows=2).rows] == [2, 3]


# --- delimiters and blank lines ---------------------------------------------------------------


def _csv(rows, **fmt) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, **fmt).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(delimiter):
    data = _csv([
        ["received_at", "email", "country", "message"],
        ["2025-03-04 10:20", "sales@reefpond.example", "Australia",
         "UV clarifier 9W, 300 pieces, OEM box"],
        ["04.03.2025", "lena@huberbiohof.example", "Österreich", "Preis, bitte"],
    ], delimiter=delimiter)
    table = read_table(data, filename="inquiries.csv")
    assert table.headers == ["received_at", "email", "country", "message"]
    rows = dict(table.rows)
    assert rows[2]["message"] == "UV clarifier 9W, 300 pieces, OEM box"
    assert rows[3]["country"] == "Österreich"
    cleaned = clean_inquiry(map_row(rows[3], GENERIC), default_platform="other", tz=SHANGHAI,
                            now=NOW)
    assert (cleaned.country, cleaned.received_at) == ("AT", at(2025, 3, 4))


def test_semicolon_csv_with_bom_and_chinese_headers():
    text = (
        "询盘编号;询盘时间;买家邮箱;国家/地区;询盘内容\r\n"
        "AL1;2025-03-04 10:20;a@aqua.example;德国;紫外线灯, 320W\r\n"
    )
    table = read_table(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert table.encoding == "utf_8_sig"
    assert detect_preset(table.headers) == ALIBABA
    fields = map_row(table.rows[0][1], ALIBABA)
    assert fields == {"platform_ref": "AL1", "received_at": "2025-03-04 10:20",
                      "email": "a@aqua.example", "country": "德国", "message": "紫外线灯, 320W"}


def test_blank_lines_are_skipped_but_row_numbers_match_the_spreadsheet():
    data = (
        b"email,country,message\r\n"       # row 1
        b"a@aqua.example,US,one\r\n"       # row 2
        b"\r\n"                            # row 3 (blank)
        b" , ,  \r\n"                      # row 4 (only spaces)
        b"b@aqua.example,DE,\"two\r\n"     # row 5 (a quoted line break ...
        b"lines\"\r\n"                     # ... continues in the same cell)
        b"\r\n"                            # row 6 (blank)
        b"c@aqua.example,VN,three\r\n"     # row 7
        b"\r\n\r\n"                        # trailing blank lines
    )
    table = read_table(data)
    assert [number for number, _ in table.rows] == [2, 5, 7]
    rows = dict(table.rows)
    assert rows[5]["message"] == "two\r\nlines"
    assert rows[7] == {"email": "c@aqua.example", "country": "VN", "message": "three"}


def test_short_and_long_rows():
    data = b"email,country,message\r\na@aqua.example,US\r\nb@aqua.example,DE,hi,extra1,extra2\r\n"
    rows = dict(read_table(data).rows)
    assert rows[2] == {"email": "a@aqua.example", "country": "US"}
    assert rows[3]["message"] == "hi"
    assert rows[3]["__extra__"] == ["extra1", "extra2"]
