"""Attachments that exist: the library admins keep, the files a follow-up email carries
through the real SMTP relay on loopback, and messages that promise only what is attached."""

import io
import zipfile
from email import message_from_bytes, policy

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.attachments import (
    Problem,
    attached_sentence,
    file_check,
    mentions_attachment,
    safe_filename,
    tiny_pdf,
)
from followup.cadence import fill_template
from followup.models import CadenceStep, FollowUp, LibraryFile, MailAttachment
from followup.services import (
    followup_email_with_files_queue,
    library_demo_seed,
    library_file_add,
    library_file_delete,
)
from leads import services
from leads.models import Activity, MailMessage, TeamSettings
from tests.leads.helpers import ingest, verified
from tests.mail.servers import Relay

MB = 1024 * 1024
PDF = tiny_pdf(["UV lamps catalogue"])
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 60
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 60


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Model", "Price FOB (USD)"])
    book.active.append(["T8 36W UV-C", 4.8])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
             b'document.main+xml"/></Types>', "word/document.xml": b"<w:document/>"})
XLSM = _zip({"[Content_Types].xml": b'<Types><Default ContentType="application/vnd.ms-excel.'
             b'sheet.macroEnabled.main+xml"/></Types>', "xl/workbook.xml": b"<workbook/>",
             "xl/vbaProject.bin": b"\x00VBA"})


# --- what a file may be: its content decides ---------------------------------------


@pytest.mark.parametrize(("name", "data", "kind", "content_type"), [
    ("catalogue.pdf", PDF, "pdf", "application/pdf"),
    ("Lamp photo.JPG", JPEG, "jpeg", "image/jpeg"),
    ("ballast.png", PNG, "png", "image/png"),
    ("prices.xlsx", _xlsx(), "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("spec.docx", DOCX, "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("prices.csv", "型号,价格\nT8 36W,4.80\n".encode("gb18030"), "csv", "text/csv"),
    ("prices.csv", b"\xef\xbb\xbfModel;Price\nT8;4.80\n", "csv", "text/csv"),
])
def test_the_allowed_types_are_recognised_by_their_content(name, data, kind, content_type):
    check = file_check(name, data, max_bytes=MB)
    assert check.ok and check.problem is None
    assert (check.allowed.kind, check.allowed.content_type) == (kind, content_type)


@pytest.mark.parametrize(("name", "data", "problem", "seen_as"), [
    ("catalogue.pdf", b"MZ\x90\x00" + b"\x00" * 100, Problem.PROGRAM, "a Windows program"),
    ("prices.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 50, Problem.PROGRAM, "a Linux program"),
    ("run.csv", b"#!/bin/sh\nrm -rf /,x\n", Problem.PROGRAM, "a script"),
    ("catalogue.zip", _zip({"catalogue.pdf": PDF}), Problem.ARCHIVE, "a ZIP archive"),
    ("catalogue.docx", _zip({"a.pdf": PDF}), Problem.ARCHIVE, "a ZIP archive"),
    ("files.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, Problem.ARCHIVE, "a RAR archive"),
    ("files.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 40, Problem.ARCHIVE, "a 7-Zip archive"),
    ("prices.pdf", b"\x1f\x8b\x08\x00" + b"\x00" * 40, Problem.ARCHIVE, "a gzip archive"),
    ("prices.xlsx", XLSM, Problem.MACROS, "an Office file with macros"),
    ("prices.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, Problem.MACROS,
     "an old Office file (.doc/.xls), which can carry macros"),
    ("catalogue.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction "
                                                      b"<< /S /JavaScript /JS (app.alert(1)) >>"),
     Problem.PROGRAM, "a PDF that runs scripts or carries other files"),
    ("catalogue.pdf", PDF.replace(b"trailer\n<<", b"trailer\n<< /Encrypt 9 0 R"),
     Problem.ENCRYPTED, "PDF"),
    ("catalogue.pdf", PDF[:-40], Problem.BROKEN, "PDF"),
    ("catalogue.pdf", PNG, Problem.MISMATCH, "PNG"),
    ("catalogue.pdf", b"", Problem.EMPTY, ""),
    ("page.csv", b"<html><script>alert(1)</script>,</html>", Problem.UNKNOWN, ""),
    ("setup.exe", b"just some words without any table", Problem.PROGRAM,
     "a program, script or web page (its name)"),
])
def test_programs_archives_macros_and_disguises_are_refused(name, data, problem, seen_as):
    check = file_check(name, data, max_bytes=MB)
    assert not check.ok
    assert (check.problem, check.seen_as) == (problem, seen_as)


def test_a_file_over_the_limit_is_refused():
    assert file_check("big.pdf", PDF, max_bytes=len(PDF) - 1).problem == Problem.TOO_LARGE
    assert file_check("big.pdf", PDF, max_bytes=len(PDF)).ok


def test_the_name_the_buyer_sees_has_no_path_or_control_characters():
    assert safe_filename("C:\\Users\\lily\\Katalog 2027\x07.pdf", kind="pdf") == \
        "Katalog 2027.pdf"
    assert safe_filename("../../etc/price list", kind="pdf") == "price list.pdf"
    assert safe_filename("foto.JPEG", kind="jpeg") == "foto.JPEG"
    assert safe_filename("目录" * 200 + ".pdf", kind="pdf").endswith(".pdf")
    assert len(safe_filename("目录" * 200 + ".pdf", kind="pdf")) == 150


@pytest.mark.parametrize(("text", "word"), [
    ("Please find our catalogue attached.", "attached"),
    ("The price list is enclosed.", "enclosed"),
    ("请查收附件中的报价单。", "附件"),
    ("Adjunto el catálogo.", "Adjunto"),
    ("Shall I send the updated catalogue?", ""),
    ("Thanks!\n\n> Please see the attached drawing.\n> Regards", ""),  # the buyer's words
])
def test_words_that_promise_an_attachment(text, word):
    assert mentions_attachment(text) == word


def test_tiny_pdf_is_a_pdf_with_a_correct_cross_reference_table():
    data = tiny_pdf(["Hello (world)"])
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[start:start + 4] == b"xref"
    for number, line in enumerate(data[start:].split(b"\n")[3:8], start=1):
        assert data[int(line.split()[0]):].startswith(f"{number} 0 obj\n".encode())


# --- {attachments} in the cadence's messages -----------------------------------------


@pytest.fixture
def contacted(rep):
    """A Spanish buyer the rep has written to: the cadence's first step is open."""
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    inquiry = ingest(company="AcuiCultivos del Sur S.L.", email="maria@acuicultivos.es",
                     country="ES", buyer_name="Maria Lopez", product="UV sterilizer 75W",
                     platform="email")
    company = services.company_assign(company=verified(inquiry, grade="A"), owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep)
    return company


def _open_step(company) -> FollowUp:
    return FollowUp.objects.select_related("step", "company").get(company=company,
                                                                  status="scheduled")


@pytest.mark.django_db
def test_the_default_cadence_promises_only_what_is_attached():
    texts = list(CadenceStep.objects.filter(cadence__is_default=True)
                 .order_by("offset_days").values_list("template", flat=True))
    assert not any("are attached" in text or "catalogue reach you" in text for text in texts)
    assert "\n\n{attachments}\n\n" in texts[0]
    assert all(not mentions_attachment(t.replace("{attachments}", "")) for t in texts)


@pytest.mark.django_db
def test_attachments_placeholder_names_the_files_or_leaves_no_gap(contacted, rep):
    followup = _open_step(contacted)
    followup.step.template = "Dear {buyer},\n\nthe quote.\n\n{attachments}\n\nBest regards,\n{rep}"
    with_files = fill_template(followup, rep=rep, attachments=("Catálogo 2027",
                                                               "Price list FOB"))
    assert with_files == ("Dear Maria Lopez,\n\nthe quote.\n\nAttached: Catálogo 2027, Price "
                          "list FOB.\n\nBest regards,\nlily")
    assert fill_template(followup, rep=rep) == \
        "Dear Maria Lopez,\n\nthe quote.\n\nBest regards,\nlily"
    followup.step.template = "Here is the quote. {attachments} Thanks."
    assert fill_template(followup, rep=rep) == "Here is the quote. Thanks."
    assert attached_sentence([]) == ""


# --- the library: admins keep it, reps download ------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, name, data, **fields):
    return client.post(reverse("settings:attachment-upload"), {
        "title": fields.get("title", "Catalogue 2027"), "kind": fields.get("kind", "catalogue"),
        "language": fields.get("language", "en"),
        "upload": SimpleUploadedFile(name, data, "application/octet-stream")})


@pytest.mark.django_db
def test_an_admin_uploads_a_file_and_it_is_stored_outside_any_public_url(
        client, admin_user, media):
    client.force_login(admin_user)
    response = _upload(client, "UV catalogue 2027.pdf", PDF, language="es")
    assert response.status_code == 302
    record = LibraryFile.objects.get()
    assert (record.title, record.kind, record.language, record.filename, record.size,
            record.content_type, record.uploaded_by, record.active) == (
        "Catalogue 2027", "catalogue", "es", "UV catalogue 2027.pdf", len(PDF),
        "application/pdf", admin_user, True)
    stored = media / record.file.name
    assert stored.read_bytes() == PDF
    assert record.file.name.startswith("attachments/") and "catalogue" not in record.file.name
    page = client.get(reverse("settings:attachments")).content.decode()
    assert "UV catalogue 2027.pdf" in page and "Spanish" in page

    # What an admin types and names is shown as text, never as markup.
    _upload(client, "<img src=x onerror=alert(1)>.pdf", PDF, title="<b>Price</b> list")
    page = client.get(reverse("settings:attachments")).content.decode()
    assert "<img src=x" not in page and "<b>Price" not in page
    assert "img src=x onerror=alert(1).pdf" in page  # <, > are not kept in file names
    assert "&lt;b&gt;Price&lt;/b&gt; list" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), [
    ("catalogue.pdf", b"MZ\x90\x00" + b"\x00" * 100,
     "This is a Windows program: programs, scripts and web pages are never sent"),
    ("catalogue.zip", _zip({"catalogue.pdf": PDF}),
     "This is a ZIP archive: archives are not sent"),
    ("prices.xlsm", XLSM, "save it as .xlsx or .docx without macros"),
    ("catalogue.jpg", PDF, "The file is a PDF but its name says otherwise"),
])
def test_refused_uploads_say_why_and_store_nothing(client, admin_user, media, name, data,
                                                   message):
    client.force_login(admin_user)
    response = _upload(client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LibraryFile.objects.exists()
    assert not any(media.rglob("*.*"))


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, admin_user, media, settings):
    settings.LEADQUAL_ATTACHMENT_MAX_BYTES = len(PDF) - 1
    client.force_login(admin_user)
    response = _upload(client, "catalogue.pdf", PDF)
    assert "The file is larger than" in response.content.decode()
    assert not LibraryFile.objects.exists()


def _library_file(data=PDF, name="catalogue.pdf", **fields) -> LibraryFile:
    fields.setdefault("title", "Catalogue 2027")
    fields.setdefault("kind", "catalogue")
    fields.setdefault("language", "en")
    return library_file_add(upload=ContentFile(data, name=name), **fields)


@pytest.mark.django_db
def test_reps_download_active_files_only_and_never_inline(client, rep, admin_user, media):
    record = _library_file()
    url = reverse("settings:attachment-download", args=[record.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(rep)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="catalogue.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.post(reverse("settings:attachment-active", args=[record.pk]),
                       {"active": "0"}).status_code == 403

    client.force_login(admin_user)
    client.post(reverse("settings:attachment-active", args=[record.pk]), {"active": "0"})
    assert not LibraryFile.objects.get().active
    assert client.get(url).status_code == 200  # admins still see it
    client.force_login(rep)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_deleting_a_file_removes_its_bytes_but_not_while_an_email_waits_for_it(
        client, admin_user, contacted, rep, media, django_capture_on_commit_callbacks):
    record = _library_file()
    stored = media / record.file.name
    queued = followup_email_with_files_queue(
        company=contacted, user=rep, to="maria@acuicultivos.es", subject="Catalogue",
        body="Attached: Catalogue 2027.", files=[record])  # not committed: stays queued
    assert queued.outcome == "queued"
    assert library_file_delete(file=record) is False
    assert stored.exists()

    MailMessage.objects.filter(pk=queued.pk).update(outcome="sent")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("settings:attachment-delete", args=[record.pk]))
    assert response.status_code == 302
    assert not LibraryFile.objects.exists() and not stored.exists()
    # The email's log keeps what it carried.
    assert list(MailAttachment.objects.values_list("filename", "size", "file")) == [
        ("catalogue.pdf", len(PDF), None)]


@pytest.mark.django_db
def test_the_demo_library_holds_two_valid_pdfs(media, admin_user):
    made = library_demo_seed(user=admin_user)
    assert [f.kind for f in made] == ["catalogue", "price_list"]
    for record in made:
        data = (media / record.file.name).read_bytes()
        assert file_check(record.filename, data, max_bytes=MB).allowed.kind == "pdf"
    assert library_demo_seed(user=admin_user) == []  # once


# --- the email page: files in the buyer's language, and honest text --------------------


@pytest.fixture
def library(media):
    """Files in several languages; the buyer (Spain) reads Spanish."""
    return {
        "de": _library_file(name="katalog.pdf", title="Katalog 2027", language="de"),
        "en": _library_file(name="catalogue.pdf", title="Catalogue 2027", language="en"),
        "es": _library_file(name="catálogo 2027.pdf", title="Catálogo 2027", language="es"),
        "prices": _library_file(data=_xlsx(), name="prices.xlsx", title="Price list FOB 2027",
                                kind="price_list", language="any"),
        "ce": _library_file(data=JPEG, name="ce.jpg", title="CE certificate",
                            kind="certificate", language="any"),
        "off": LibraryFile.objects.filter(pk=_library_file(
            name="old.pdf", title="Old catalogue", language="es").pk).update(active=False),
    }


@pytest.mark.django_db
def test_the_email_page_offers_the_buyers_language_first_and_ticks_what_the_text_names(
        client, rep, contacted, library):
    client.force_login(rep)
    response = client.get(reverse("leads:company-email", args=[contacted.pk]))
    assert response.status_code == 200
    rows = response.context["attachment_rows"]
    assert [r["file"].title for r in rows] == [
        "Catálogo 2027", "Price list FOB 2027", "CE certificate", "Catalogue 2027",
        "Katalog 2027"]  # Spanish, any language (by kind), English, the rest
    assert [r["ticked"] for r in rows] == [True, True, False, False, False]
    assert rows[0]["theirs"] and rows[0]["size"].endswith(("bytes", "KB"))
    body = response.context["form"].initial["body"]
    assert "Attached: Catálogo 2027, Price list FOB 2027." in body
    assert "Old catalogue" not in response.content.decode()  # deactivated
    assert response.context["unkept_promise"] == ""


@pytest.mark.django_db
def test_without_files_the_first_email_promises_nothing(client, rep, contacted, media):
    client.force_login(rep)
    response = client.get(reverse("leads:company-email", args=[contacted.pk]))
    body = response.context["form"].initial["body"]
    assert mentions_attachment(body) == "" and "{attachments}" not in body
    assert "\n\n\n" not in body
    assert "The library has no files yet" in response.content.decode()


@pytest.mark.django_db
def test_a_message_that_promises_a_file_the_library_lacks_is_flagged_before_sending(
        client, rep, contacted, media):
    step = _open_step(contacted).step
    step.template = "Dear {buyer},\n\nour catalogue is attached.\n\n{rep}"
    step.save()
    client.force_login(rep)
    response = client.get(reverse("leads:company-email", args=[contacted.pk]))
    assert response.context["unkept_promise"] == "attached"
    assert "but the library has no file to go with it" in response.content.decode()


def _send(client, company, *, body, files=(), **extra):
    return client.post(reverse("leads:company-email", args=[company.pk]), {
        "to": "maria@acuicultivos.es", "subject": "UV sterilizer 75W", "body": body,
        "attachments": [f.pk for f in files], **extra})


@pytest.mark.django_db
def test_text_that_promises_an_attachment_needs_a_ticked_file(client, rep, contacted, library):
    client.force_login(rep)
    response = _send(client, contacted, body="Dear Maria,\n\nour catalogue is attached.")
    assert response.status_code == 200
    assert "The message says “attached”, but no file is ticked" in response.content.decode()

    response = _send(client, contacted, files=[library["es"]],
                     body="Attached: Catálogo 2027, Price list FOB 2027.")
    assert "The message names “Price list FOB 2027”, which is not ticked" in \
        response.content.decode()
    assert not MailMessage.objects.filter(direction="out").exists()


@pytest.mark.django_db
def test_the_files_of_one_email_have_a_size_limit(client, rep, contacted, library, settings):
    settings.LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES = library["es"].size + library["prices"].size - 1
    client.force_login(rep)
    response = _send(client, contacted, files=[library["es"], library["prices"]],
                     body="Attached: Catálogo 2027, Price list FOB 2027.")
    assert response.status_code == 200
    assert "one email carries at most" in response.content.decode()
    assert not MailMessage.objects.filter(direction="out").exists()


@pytest.fixture
def smtp_relay(settings):
    relay = Relay().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", relay.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.LEADQUAL_MAIL_FROM = "sales@uvlamp-factory.test"
    yield relay
    relay.stop()


@pytest.mark.django_db
def test_the_ticked_files_reach_the_buyer_through_the_relay_and_are_logged(
        client, rep, contacted, library, smtp_relay, django_capture_on_commit_callbacks):
    client.force_login(rep)
    page = client.get(reverse("leads:company-email", args=[contacted.pk]))
    body = page.context["form"].initial["body"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, contacted, body=body,
                         files=[library["es"], library["prices"]])
    assert response.status_code == 302

    record = MailMessage.objects.get(direction="out")
    assert record.outcome == "sent"
    assert record.attachments == ["catálogo 2027.pdf", "prices.xlsx"]
    assert list(record.library_attachments.values_list("file", "position")) == [
        (library["es"].pk, 0), (library["prices"].pk, 1)]
    [received] = smtp_relay.messages
    assert received["to"] == ["maria@acuicultivos.es"]
    sent = message_from_bytes(received["data"], policy=policy.default)
    assert "Attached: Catálogo 2027, Price list FOB 2027." in sent.get_body(
        ("plain",)).get_content()
    parts = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
             for p in sent.iter_attachments()]
    assert parts == [
        ("catálogo 2027.pdf", "application/pdf", library["es"].file.open("rb").read()),
        ("prices.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         library["prices"].file.open("rb").read()),
    ]
    # The company's timeline says what went with it.
    attempt = Activity.objects.filter(company=contacted, kind="contact_attempt").latest("pk")
    assert "Attached: catálogo 2027.pdf, prices.xlsx" in attempt.body
    page = client.get(reverse("leads:company", args=[contacted.pk])).content.decode()
    assert "Attached: catálogo 2027.pdf, prices.xlsx" in page


@pytest.mark.django_db
def test_a_file_deleted_before_the_send_fails_the_email_instead_of_sending_it_without(
        rep, contacted, library, smtp_relay, django_capture_on_commit_callbacks):
    from followup.mail import followup_email_send

    record = followup_email_with_files_queue(
        company=contacted, user=rep, to="maria@acuicultivos.es", subject="Catálogo",
        body="Attached: Catálogo 2027.", files=[library["es"]])
    LibraryFile.objects.filter(pk=library["es"].pk).delete()  # e.g. from the database

    sent = followup_email_send(mail_id=record.pk)

    assert sent.outcome == "send_failed"
    assert "catálogo 2027.pdf was deleted from the library" in sent.reason
    assert smtp_relay.messages == []
