"""The import result page a person can trust: every row of the import and who got it,
rows that give no way to reach the buyer, and files that are not tables named for what
they are (browser upload and management command alike)."""

import gzip
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from selectolax.lexbor import LexborHTMLParser

from leads import views
from leads.importer import ROW_NUMBER, NotATable, UnreadableFile, read_table, with_row_numbers
from leads.models import AssignmentRule, Company, ImportBatch, Inquiry, TeamSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "received_at,buyer_name,company,country,email,phone,whatsapp,platform,platform_ref,message"


def csv_file(*rows: str) -> bytes:
    return "\r\n".join([HEADER, *rows, ""]).encode()


# Nine rows: five German buyers (a rule gives them to Kevin), three Italian ones (to the
# importer, Lily), one from the US that no rule takes (the public pool).
NINE = csv_file(
    "2025-06-02 09:00,Jonas,Klar Wasser GmbH,DE,jonas@klarwasser.example,,,web,,UV reactors",
    "2025-06-02 09:05,Anna,Aqua Tech AG,DE,anna@aquatech.example,,,web,,UV lamps",
    "2025-06-02 09:10,Ralf,Teich Profi,DE,ralf@teichprofi.example,,,web,,pond clarifier",
    "2025-06-02 09:15,Uwe,Reinluft GmbH,DE,uwe@reinluft.example,,,web,,kitchen exhaust",
    "2025-06-02 09:20,Eva,Bio Hof Eva,DE,eva@biohof.example,,,web,,greenhouse water",
    "2025-06-02 09:25,Sofia,Acqua Pura Srl,IT,sofia@acquapura.example,,,web,,ballasts",
    "2025-06-02 09:30,Marco,Piscine Marco,IT,marco@piscine.example,,,web,,pool UV",
    "2025-06-02 09:35,Luca,Depura Srl,IT,luca@depura.example,,,web,,sewage works",
    "2025-06-02 09:40,Bob,Pond Life Inc,US,bob@pondlife.example,,,web,,koi pond UV",
)


@pytest.fixture
def rules(rep, other_rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    AssignmentRule.objects.create(name="Germany → Kevin", kind=AssignmentRule.Kind.COUNTRY,
                                  values="DE", rep=other_rep, priority=1)
    AssignmentRule.objects.create(name="Italy → Lily", kind=AssignmentRule.Kind.COUNTRY,
                                  values="IT", rep=rep, priority=2)


def upload(client, data: bytes, name="export.csv"):
    return client.post(reverse("leads:import"), {
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        "preset": "auto",
    })


def imported_rows(client, batch, query="") -> list[dict]:
    """The result page's imported rows as the reader sees them."""
    response = client.get(reverse("leads:import-result", args=[batch.pk]) + query)
    assert response.status_code == 200
    tree = LexborHTMLParser(response.content.decode())
    rows = []
    for tr in tree.css("#imported tbody tr"):
        cells = tr.css("td")
        if len(cells) < 7:
            continue
        link = cells[2].css_first("a")
        text = [" ".join(cell.text().split()) for cell in cells]
        rows.append({
            "number": text[0], "company": text[2],
            "link": link.attributes.get("href") if link else None,
            "buyer": text[3], "country": text[4], "contact": text[5], "owner": text[6],
            "unreachable": "unreachable" in (tr.attributes.get("class") or ""),
        })
    return rows


# --- every row and who got it ----------------------------------------------------------------


def test_importer_sees_every_row_and_who_got_it(client, rep, other_rep, rules):
    client.force_login(rep)
    response = upload(client, NINE)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("leads:import-result", args=[batch.pk])
    assert batch.imported_count == 9
    # The rep's own view of the companies hides Kevin's five...
    assert Company.objects.filter(owner=other_rep).count() == 5
    rows = imported_rows(client, batch)
    # ...but her import's page lists all nine, in the file's order, by row number.
    assert [row["number"] for row in rows] == [str(n) for n in range(2, 11)]
    owners = [row["owner"] for row in rows]
    assert owners[:5] == ["kevin · Assignment rule"] * 5
    assert owners[5:8] == ["You · Assignment rule"] * 3
    assert owners[8] == "Public pool"
    assert rows[0]["company"] == "Klar Wasser GmbH" and rows[0]["buyer"] == "Jonas"
    assert rows[0]["country"] == "Germany" and rows[0]["contact"] == "jonas@klarwasser.example"
    # A company opens only for who may open it: Kevin's are listed without a link.
    assert [row["link"] is None for row in rows] == [True] * 5 + [False] * 4
    mine = Company.objects.get(name="Acqua Pura Srl")
    assert rows[5]["link"] == mine.get_absolute_url()
    assert client.get(Company.objects.get(name="Klar Wasser GmbH").get_absolute_url()) \
        .status_code == 404

    page = LexborHTMLParser(client.get(response["Location"]).content.decode())
    assert " ".join(page.css_first("#owners").text().split()) == \
        "Who got them: You 3 · kevin 5 · Public pool 1"
    assert "gave 5 rows to other reps" in page.css_first("#others-note").text()


def test_managers_see_the_rows_with_names_and_links(client, rep, other_rep, manager, rules):
    client.force_login(rep)
    upload(client, NINE)
    batch = ImportBatch.objects.get()
    client.force_login(manager)
    rows = imported_rows(client, batch)
    assert len(rows) == 9 and all(row["link"] for row in rows)
    assert {row["owner"] for row in rows} == {"kevin · Assignment rule", "lily · Assignment rule",
                                              "Public pool"}


def test_only_the_importer_managers_and_admins_open_the_page(client, rep, other_rep, manager,
                                                              admin_user, rules):
    client.force_login(rep)
    upload(client, NINE)
    url = reverse("leads:import-result", args=[ImportBatch.objects.get().pk])
    # Kevin got five of its rows, and still the import is not his to read.
    client.force_login(other_rep)
    assert client.get(url).status_code == 404
    for user in (manager, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="norole"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_rejected_and_duplicate_rows_are_reported(client, rep):
    client.force_login(rep)
    data = csv_file(
        "2025-06-02 09:00,Jonas,Klar Wasser GmbH,DE,jonas@klarwasser.example,,,web,,UV",
        "",  # a blank line: row numbers stay the spreadsheet's
        "2025-06-02 09:10,Nemo,Atlantis Pools,Atlantis,nemo@atlantis.example,,,web,,UV",
        "2025-06-02 09:20,Sofia,Acqua Pura Srl,IT,sofia@acquapura.example,,,web,,UV",
    )
    upload(client, data)
    first = ImportBatch.objects.get()
    assert [row["number"] for row in imported_rows(client, first)] == ["2", "5"]
    assert {i.raw[ROW_NUMBER] for i in Inquiry.objects.all()} == {2, 5}
    page = LexborHTMLParser(client.get(
        reverse("leads:import-result", args=[first.pk])).content.decode())
    rejected = page.css("#rejected tbody tr")
    assert len(rejected) == 1
    assert rejected[0].css("td")[0].text() == "4"
    assert "not a known country" in rejected[0].css("td")[1].text()
    assert ROW_NUMBER not in rejected[0].css("td")[2].text()  # the marker is not a column

    upload(client, data)
    second = ImportBatch.objects.order_by("-pk").first()
    assert (second.imported_count, second.duplicate_count) == (0, 2)
    page = LexborHTMLParser(client.get(
        reverse("leads:import-result", args=[second.pk])).content.decode())
    assert "2 rows were already in Leadqual" in page.css_first("#duplicates-note").text()
    assert "Nothing new in this file." in page.css_first("#imported").text()


def test_a_large_import_is_listed_page_by_page(client, rep, monkeypatch):
    monkeypatch.setattr(views, "IMPORT_PAGE_ROWS", 4)
    client.force_login(rep)
    good = [f"2025-06-03 10:{n:02d},B{n},Firm {n},FR,b{n}@firm{n}.example,,,web,,UV"
            for n in range(10)]
    bad = [f"2025-06-03 11:{n:02d},C{n},Bad {n},Atlantis,c{n}@bad{n}.example,,,web,,UV"
           for n in range(6)]
    upload(client, csv_file(*good, *bad))
    batch = ImportBatch.objects.get()
    assert (batch.imported_count, batch.rejected_count) == (10, 6)
    assert [row["number"] for row in imported_rows(client, batch, "?page=3")] == ["10", "11"]
    url = reverse("leads:import-result", args=[batch.pk])
    page = LexborHTMLParser(client.get(url + "?page=3&rejected=2").content.decode())
    assert [tr.css_first("td").text() for tr in page.css("#rejected tbody tr")] == \
        ["16", "17"]
    # Each listing's pager keeps the other listing's page.
    links = [a.attributes["href"] for a in page.css("nav.pager a")]
    assert "?page=3&rejected=1#rejected-rows" in links
    assert "?page=2&rejected=2#imported-rows" in links


def test_the_result_page_reads_the_same_number_of_queries_for_any_size(client, rep, other_rep,
                                                                       rules):
    client.force_login(rep)
    upload(client, csv_file(
        "2025-06-02 09:00,Jonas,Klar Wasser GmbH,DE,jonas@klarwasser.example,,,web,,UV"))
    upload(client, NINE)
    small, large = ImportBatch.objects.order_by("pk")
    counts = []
    for batch in (small, large):
        url = reverse("leads:import-result", args=[batch.pk])
        client.get(url)  # sessions, roles: warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- no way to reach the buyer ---------------------------------------------------------------


def test_a_row_with_only_an_inquiry_number_is_flagged_and_offers_no_email(client, rep):
    client.force_login(rep)
    upload(client, csv_file(
        "2025-06-02 09:00,,,,,,,alibaba,AL2025009999,Need 500 UV lamps",
        "2025-06-02 09:05,Sofia,Acqua Pura Srl,IT,sofia@acquapura.example,,,web,,ballasts",
        "2025-06-02 09:10,Ali,,AE,,+971 50 123 4567,,web,,UV for a pool",
    ))
    batch = ImportBatch.objects.get()
    rows = imported_rows(client, batch)
    assert [row["unreachable"] for row in rows] == [True, False, False]
    assert rows[0]["contact"].startswith("No way to reach the buyer")
    assert "Inquiry AL2025009999 on Alibaba.com" in rows[0]["contact"]
    assert rows[2]["contact"] == "+971 50 123 4567"
    page = LexborHTMLParser(client.get(
        reverse("leads:import-result", args=[batch.pk])).content.decode())
    summary = page.css_first("#import-summary").text(separator=" ", strip=True)
    assert "1 no way to reach the buyer" in " ".join(summary.split())
    # The count is a link to just those rows.
    only = imported_rows(client, batch, "?only=unreachable")
    assert [row["number"] for row in only] == ["2"]

    unreachable = Inquiry.objects.get(platform_ref="AL2025009999").company
    detail = client.get(unreachable.get_absolute_url()).content.decode()
    assert reverse("leads:company-email", args=[unreachable.pk]) not in detail
    assert "Email the buyer" not in detail
    assert 'id="no-email"' in detail
    phone_only = Inquiry.objects.get(phone="+971 50 123 4567").company
    assert "Email the buyer" not in client.get(phone_only.get_absolute_url()).content.decode()
    reachable = Company.objects.get(name="Acqua Pura Srl")
    detail = client.get(reachable.get_absolute_url()).content.decode()
    assert reverse("leads:company-email", args=[reachable.pk]) in detail
    assert 'id="no-email"' not in detail


def test_an_email_added_by_hand_brings_the_button_back(client, rep):
    client.force_login(rep)
    upload(client, csv_file("2025-06-02 09:00,,,,,,,alibaba,AL2025008888,Need UV lamps"))
    company = Inquiry.objects.get().company
    assert "Email the buyer" not in client.get(company.get_absolute_url()).content.decode()
    company.channels.create(kind="email", value="buyer@found.example")
    assert "Email the buyer" in client.get(company.get_absolute_url()).content.decode()


# --- files that are not tables ----------------------------------------------------------------


def _zip(**members: bytes | str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["email", "message"])
    workbook.active.append(["a@aqua.example", "hi"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
NOT_TABLES = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "inquiries.pdf", "it is a PDF document"),
    "zip": (_zip(**{"inquiries.csv": "email\r\na@aqua.example\r\n"}), "inquiries.zip",
            "it is a ZIP archive (inquiries.csv); unpack it"),
    "xls": (OLE2, "inquiries.xls",
            "it is an Excel 97-2003 workbook (.xls); open it in Excel and save it as Excel "
            "Workbook (.xlsx) or CSV"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "screenshot.png",
            "it is an image (PNG)"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.csv", "it is an image (JPEG)"),
    "docx": (_zip(**{"[Content_Types].xml": "<Types/>", "word__document.xml": "<w/>"}),
             "inquiries.docx", "it is a Word document (.docx)"),
    "xlsb": (_zip(**{"[Content_Types].xml": "<Types/>", "xl__workbook.bin": b"\x00"}),
             "inquiries.xlsb", "it is an Excel binary workbook (.xlsb)"),
    "ods": (_zip(mimetype="application/vnd.oasis.opendocument.spreadsheet",
                 **{"content.xml": "<x/>"}), "inquiries.ods",
            "it is an OpenDocument spreadsheet (.ods)"),
    "gzip": (gzip.compress(b"email\r\na@aqua.example\r\n"), "inquiries.csv.gz",
             "it is a compressed archive (gzip)"),
    "html": (b"<!DOCTYPE html><html><body><table><tr><td>email</td></tr></table>",
             "inquiries.xls", "it is a web page (HTML)"),
    "binary": (bytes(range(256)) * 8, "inquiries.csv", "it is binary data, not text"),
    "zeros": (bytes(2048), "inquiries.csv", "it is binary data, not text"),
}


@pytest.mark.parametrize(("data", "filename", "words"), NOT_TABLES.values(),
                         ids=NOT_TABLES.keys())
def test_a_file_that_is_not_a_table_says_what_it_is(data, filename, words):
    with pytest.raises(NotATable) as raised:
        read_table(data, filename=filename)
    message = str(raised.value)
    assert message.startswith("this file is not a CSV or Excel (.xlsx) file: ")
    assert words in message
    assert "no rows" not in message


@pytest.mark.parametrize(("data", "words"), [
    ("email,message\r\na@aqua.example,hi\r\n".encode("utf-16"), None),  # with its BOM
    ("email,message\r\na@aqua.example,hi\r\n".encode("utf-16-le"), None),  # without
    (b"email,mess\x00age\r\na@aqua.example,he\x00llo\r\n", None),  # stray NULs in UTF-8
    (_workbook(), None),
    (b"", "the file is empty"),
    (b"email,message\r\n", "the file has column names but no rows"),
], ids=["utf-16", "utf-16-without-bom", "utf-8-with-nul", "xlsx", "empty", "header-only"])
def test_tables_are_still_read_and_empty_files_keep_their_messages(data, words):
    if words is None:
        assert read_table(data, filename="export").rows == [
            (2, {"email": "a@aqua.example", "message": "hi" if b"he\x00llo" not in data
                 else "hello"})]
        return
    with pytest.raises(UnreadableFile, match=words) as raised:
        read_table(data, filename="export.csv")
    assert not isinstance(raised.value, NotATable)


def test_with_row_numbers_puts_each_rows_number_in_the_row():
    table = read_table(b"email\r\na@aqua.example\r\n\r\nb@aqua.example\r\n")
    numbered = with_row_numbers(table)
    assert numbered.rows == [(2, {"email": "a@aqua.example", ROW_NUMBER: 2}),
                             (4, {"email": "b@aqua.example", ROW_NUMBER: 4})]
    assert table.rows[0] == (2, {"email": "a@aqua.example"})  # the table itself is unchanged
    # A column that happens to have the marker's name stays a column, renamed.
    assert read_table(b"email,__row__\r\na@aqua.example,7\r\n").headers == \
        ["email", "__row__ (column)"]


@pytest.mark.parametrize("kind", ["pdf", "zip", "xls", "png"])
def test_the_upload_form_says_the_file_is_not_a_table(client, rep, kind):
    data, filename, words = NOT_TABLES[kind]
    client.force_login(rep)
    response = upload(client, data, filename)
    assert response.status_code == 200
    errors = " ".join(p.text() for p in LexborHTMLParser(response.content.decode()).css(
        "p.error"))
    assert errors.startswith("This file cannot be read. It is not a CSV or Excel (.xlsx) "
                             "file: it is ")
    assert "no rows" not in errors
    expected = {"pdf": "it is a PDF document. Export the inquiries as CSV or Excel (.xlsx)",
                "zip": "it is a ZIP archive (inquiries.csv). Unpack it",
                "xls": "it is an Excel 97-2003 workbook (.xls). Open it in Excel and save it "
                       "as Excel Workbook (.xlsx) or CSV.",
                "png": "it is an image (PNG)."}[kind]
    assert expected in errors
    assert not ImportBatch.objects.exists()


def test_the_upload_form_keeps_the_empty_and_header_only_messages(client, rep):
    client.force_login(rep)
    assert "The submitted file is empty." in upload(client, b"").content.decode()
    page = upload(client, b"email,message\r\n").content.decode()
    assert "This file cannot be read: the file has column names but no rows" in page
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", ["pdf", "zip", "xls", "png"])
def test_the_command_gives_the_same_message(tmp_path, kind):
    data, filename, words = NOT_TABLES[kind]
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(CommandError) as raised:
        call_command("import_inquiries", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value) == f"cannot read {path}: {read_table_message(data, filename)}"
    assert "this file is not a CSV or Excel (.xlsx) file: " + words in str(raised.value)
    assert not ImportBatch.objects.exists()


def read_table_message(data: bytes, filename: str) -> str:
    try:
        read_table(data, filename=filename)
    except UnreadableFile as exc:
        return str(exc)
    raise AssertionError("read")
