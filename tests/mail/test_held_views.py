"""The held-back mail screens: who sees what, the defanged page, the two decisions, the
downloads behind their warning, and the risk warnings of mail that passed."""

import re
from email import policy
from email.message import EmailMessage

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.mail.parse import parse_mail, read_message
from leads.mail.phishing import attachments_of, defang, links_of, text_parts
from leads.mail.services import mail_ingest
from leads.models import Company, Inquiry, Mailbox, MailMessage
from tests.leads.helpers import ingest
from tests.mail.samples import FIXTURES

pytestmark = pytest.mark.django_db

PHISHING = "spam/001-marketplace-alibaba-po-signin-cyrillic-a.eml"
EXE = "spam/043-attachment-po-pdf-exe-double-extension.eml"
BUYER = "buyers/001-en-gmail-pond-uv-clarifier.eml"


@pytest.fixture(autouse=True)
def _no_spam_filter(settings):
    """Leadqual's own checks only: no rspamd needed."""
    settings.LEADQUAL_RSPAMD_URL = ""


def raw_of(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def held(name: str, **where) -> MailMessage:
    record, created = mail_ingest(raw=raw_of(name), source=where.pop("source", "imap"),
                                  **where)
    assert created and record.outcome == "held", (record.outcome, record.reason)
    return record


def held_by_mistake(name: str = BUYER, **where) -> MailMessage:
    """A real buyer's mail that a spam filter's score alone held back."""
    raw = raw_of(name)
    parsed = parse_mail(raw)
    return MailMessage.objects.create(
        direction="in", outcome="held", message_id=parsed.message_id, raw=raw,
        from_address=parsed.from_address, from_name=parsed.from_name, subject=parsed.subject,
        body=parsed.text, sent_at=parsed.sent_at, screen_verdict="spam", screen_score=7.5,
        screen_signs=[{"code": "filter_spam", "weight": 1.0,
                       "evidence": "the spam filter scored it 7.5 (spam from 6.0 to reject)"}],
        screen_filter="rspamd 3.4 + Leadqual's checks", spam_score=7.5,
        spam_symbols=[["BAYES_SPAM", 5.1], ["FREEMAIL_FROM", 0.0]], **where)


@pytest.fixture
def mailboxes(rep):
    sales = Mailbox.objects.create(name="Sales", host="imap.example.com",
                                   username="sales@uvlamp-factory.test")
    export = Mailbox.objects.create(name="Export", host="imap.example.com",
                                    username="export@uvlamp-factory.test")
    sales.readers.add(rep)
    return sales, export


def ids(response) -> set[int]:
    return {row["message"].pk for row in response.context["rows"]}


# --- who sees what --------------------------------------------------------------------


def test_reps_see_the_held_mail_of_their_mailboxes_and_uploads_managers_all(
        client, rep, other_rep, manager, mailboxes):
    sales, export = mailboxes
    in_sales = held(PHISHING, mailbox=sales)
    in_export = held("spam/002-marketplace-alibaba-new-inquiry-digit-one.eml", mailbox=export)
    lilys = held("spam/003-marketplace-alibaba-account-suspension-subdomain.eml", user=rep,
                 source="upload")
    kevins = held("spam/005-marketplace-made-in-china-new-inquiry-rn-for-m.eml",
                  user=other_rep, source="upload")
    MailMessage.objects.create(direction="in", outcome="inquiry", message_id="<ok@x.test>",
                               mailbox=sales)  # passed: not held
    url = reverse("leads:held-list")

    client.force_login(rep)
    page = client.get(url)
    assert ids(page) == {in_sales.pk, lilys.pk}
    assert re.search(r'id="held-link">[^<]*<span class="badge"[^>]*>2<', page.content.decode())
    assert client.get(reverse("leads:held", args=[in_sales.pk])).status_code == 200
    for hidden in (in_export, kevins):
        assert client.get(reverse("leads:held", args=[hidden.pk])).status_code == 404
        assert client.post(reverse("leads:held-decide", args=[hidden.pk]),
                           {"spam": "1"}).status_code == 404
        hidden.refresh_from_db()
        assert hidden.decision == ""

    client.force_login(other_rep)
    assert ids(client.get(url)) == {kevins.pk}

    client.force_login(manager)
    assert ids(client.get(url)) == {in_sales.pk, in_export.pk, lilys.pk, kevins.pk}
    assert ids(client.get(url, {"verdict": "spam"})) == set()
    assert ids(client.get(url, {"state": "decided"})) == set()

    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_without_a_role_is_refused(client, mailboxes):
    from tests.factories import UserFactory

    held(PHISHING, mailbox=mailboxes[0])
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("leads:held-list")).status_code == 403


def test_the_list_filters_by_decision_and_verdict(client, manager):
    phishing = held(PHISHING)
    spam = held_by_mistake()
    client.force_login(manager)
    url = reverse("leads:held-list")
    page = client.get(url)
    assert ids(page) == {phishing.pk, spam.pk}
    text = page.content.decode()
    assert "verdict-phishing" in text and "verdict-spam" in text
    assert "Look-alike domain" in text  # the first reasons, by their names
    assert ids(client.get(url, {"verdict": "phishing"})) == {phishing.pk}

    client.post(reverse("leads:held-decide", args=[spam.pk]), {"spam": "1"})
    assert ids(client.get(url)) == {phishing.pk}
    decided = client.get(url, {"state": "decided"})
    assert ids(decided) == {spam.pk}
    assert "Confirmed as spam by grace" in decided.content.decode()
    assert ids(client.get(url, {"state": "all"})) == {phishing.pk, spam.pk}


def test_the_list_queries_do_not_grow_with_rows(client, manager, mailboxes):
    held(PHISHING, mailbox=mailboxes[0])
    client.force_login(manager)
    url = reverse("leads:held-list") + "?state=all"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    count()
    few = count()
    held("spam/002-marketplace-alibaba-new-inquiry-digit-one.eml", mailbox=mailboxes[1])
    held_by_mistake(mailbox=mailboxes[0])
    client.post(reverse("leads:held-decide", args=[MailMessage.objects.get(
        screen_verdict="spam").pk]), {"spam": "0"})
    count()
    assert count() == few


# --- the page, defanged -------------------------------------------------------------------


def test_the_page_shows_the_mail_defanged(client, manager):
    message = held(PHISHING)
    client.force_login(manager)
    page = client.get(reverse("leads:held", args=[message.pk]))
    text = page.content.decode()

    html, plain = text_parts(read_message(raw_of(PHISHING)))
    hosts = {link.host for link in links_of(html, plain) if link.host}
    assert hosts
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert not [href for href in hrefs for host in hosts if host in href.lower()]
    assert not re.search(r'<a [^>]*href="(?!/)', text)  # no link leaves the app
    for host in hosts:
        assert defang(host) in text
    for body in html:
        assert body.strip()[:120] not in text  # the mail's own HTML never
    assert "<img" not in text
    assert all(action.startswith("/") for action in re.findall(r'<form[^>]* action="([^"]*)"',
                                                               text))
    # The reasons, the headers and the verdict.
    assert "Look-alike domain" in text and "Poses as a marketplace or provider" in text
    assert "verdict-phishing" in text and message.from_address in text
    assert "Leadqual&#x27;s checks only" in text  # the filters used


def test_script_in_the_mail_is_text(client, manager):
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = '"<script>alert(1)</script> Alibaba" <notice@alibaba-notice.example>'
    mail["To"] = "sales@uvlamp-factory.test"
    mail["Subject"] = "<script>alert(2)</script> Your Alibaba.com account"
    mail["Message-ID"] = "<xss-1@alibaba-notice.example>"
    mail.set_content("Sign in: https://alibaba-notice.example/login <script>alert(3)</script>")
    mail.add_alternative('<p>Sign in <a href="https://alibaba-notice.example/login">'
                         'https://message.alibaba.com</a></p><script>alert(4)</script>',
                         subtype="html")
    record, _ = mail_ingest(raw=mail.as_bytes(), source="imap")
    assert record.outcome == "held"
    client.force_login(manager)
    text = client.get(reverse("leads:held", args=[record.pk])).content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(2)" in text and "&lt;script&gt;alert(3)" in text
    assert "hxxps://alibaba-notice[.]example/login" in text  # in the text and the links
    assert "another address than shown" in text  # shows alibaba.com, goes elsewhere
    listing = client.get(reverse("leads:held-list")).content.decode()
    assert "<script>alert" not in listing and "&lt;script&gt;alert(1)" in listing


# --- decisions ----------------------------------------------------------------------------


def test_not_spam_turns_a_held_buyer_mail_into_an_inquiry(
        client, manager, django_capture_on_commit_callbacks):
    message = held_by_mistake()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leads:held-decide", args=[message.pk]),
                               {"spam": "0"}, follow=True)
    message.refresh_from_db()
    assert message.outcome == "inquiry" and message.decision == "released"
    assert message.decided_by == manager and message.decided_at is not None
    inquiry = Inquiry.objects.get()
    assert message.company_id == inquiry.company_id
    assert LogEntry.objects.filter(object_pk=str(message.pk),
                                   content_type__model="mailmessage").count() == 1
    text = response.content.decode()
    company = Company.objects.get()
    assert "Released: it became a new inquiry of" in text
    assert f'href="{company.get_absolute_url()}"' in text
    assert message.learned == "not taught: rspamd is off"  # taught after the commit
    page = client.get(reverse("leads:held", args=[message.pk])).content.decode()
    assert "not taught: rspamd is off" in page  # the filter's answer, on the page
    assert "Released by grace" in page
    history = client.get(reverse("leads:history"), {"kind": "mail"}).content.decode()
    assert f'href="{reverse("leads:held", args=[message.pk])}"' in history


def test_spam_confirms_and_a_second_decision_changes_nothing(client, manager, rep):
    message = held(PHISHING, user=rep, source="upload")
    client.force_login(rep)
    url = reverse("leads:held-decide", args=[message.pk])
    first = client.post(url, {"spam": "1"}, follow=True)
    assert "Confirmed as spam" in first.content.decode()
    message.refresh_from_db()
    assert (message.outcome, message.decision, message.decided_by) == ("held", "confirmed", rep)

    client.force_login(manager)
    again = client.post(url, {"spam": "0"}, follow=True)
    message.refresh_from_db()
    assert (message.outcome, message.decision, message.decided_by) == ("held", "confirmed", rep)
    assert "Already decided by lily" in again.content.decode()
    assert not Inquiry.objects.exists()
    assert LogEntry.objects.filter(object_pk=str(message.pk),
                                   content_type__model="mailmessage").count() == 1
    assert client.post(url, {"spam": "maybe"}).status_code == 302  # refused with a message


def test_a_decision_needs_the_csrf_token(manager):
    message = held(PHISHING)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.post(reverse("leads:held-decide", args=[message.pk]),
                       {"spam": "1"}).status_code == 403
    message.refresh_from_db()
    assert message.decision == ""
    assert strict.get(reverse("leads:held-decide", args=[message.pk])).status_code == 405


def test_the_upload_of_a_phishing_mail_says_it_was_held(client, rep):
    client.force_login(rep)
    upload = SimpleUploadedFile("po.eml", raw_of(PHISHING), content_type="message/rfc822")
    response = client.post(reverse("leads:mail-upload"), {"file": upload}, follow=True)
    record = MailMessage.objects.get()
    text = response.content.decode()
    assert "Held back as phishing: Look-alike domain" in text
    assert f'href="{reverse("leads:held", args=[record.pk])}"' in text
    assert not Inquiry.objects.exists()
    assert client.get(reverse("leads:held", args=[record.pk])).status_code == 200


# --- downloads --------------------------------------------------------------------------


def test_an_attachment_downloads_only_after_the_warning(client, rep):
    message = held(EXE, user=rep, source="upload")
    client.force_login(rep)
    detail = client.get(reverse("leads:held", args=[message.pk])).content.decode()
    url = reverse("leads:held-attachment", args=[message.pk, 0])
    assert f'href="{url}"' in detail and "double extension" in detail

    warning = client.get(url)
    text = warning.content.decode()
    assert warning.status_code == 200 and warning["Content-Type"].startswith("text/html")
    assert "This attachment is a double extension" in text and "Download anyway" in text
    assert "held back as phishing" in text

    download = client.post(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert ".exe" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    [attachment] = attachments_of(read_message(raw_of(EXE)))
    assert download.content == attachment.data

    assert client.get(reverse("leads:held-attachment", args=[message.pk, 5])).status_code \
        == 404
    assert client.get(reverse("leads:held-raw", args=[message.pk])).status_code == 403


def test_managers_download_the_raw_message_after_the_warning(client, manager):
    message = held_by_mistake()
    client.force_login(manager)
    url = reverse("leads:held-raw", args=[message.pk])
    assert f'href="{url}"' in client.get(reverse("leads:held", args=[message.pk])).content \
        .decode()
    warning = client.get(url).content.decode()
    assert "held back as spam" in warning and "Download anyway" in warning
    download = client.post(url)
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == f'attachment; filename="held-{message.pk}.eml"'
    assert download.content == raw_of(BUYER)


def test_the_csrf_token_guards_the_download(rep):
    message = held(EXE, user=rep, source="upload")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep)
    assert strict.post(reverse("leads:held-attachment", args=[message.pk, 0])).status_code \
        == 403


# --- risks of mail that passed ------------------------------------------------------------


def test_the_company_page_and_inbox_warn_of_a_risky_mail(client, rep, manager):
    company = ingest(company="Lagos Water Ltd", email="buyer@lagoswater.example",
                     country="NG").company
    quiet = ingest(company="Quiet Water Ltd", email="buyer@quietwater.example",
                   country="NG").company
    MailMessage.objects.create(
        direction="in", outcome="inquiry", message_id="<risky-1@lagoswater.example>",
        company=company, subject="RFQ <b>UV</b> lamps", screen_verdict="risky",
        screen_score=2.0, screen_signs=[
            {"code": "risky_attachment", "weight": 2.0,
             "evidence": "rfq.html: a web page attached"},
            {"code": "reply_to_mismatch", "weight": 1.0,
             "evidence": "replies go to x@gmail[.]com, not to lagoswater[.]example"}])
    MailMessage.objects.create(direction="in", outcome="inquiry", company=quiet,
                               message_id="<clean-1@quietwater.example>",
                               screen_verdict="clean")
    client.force_login(manager)
    page = client.get(company.get_absolute_url()).content.decode()
    assert 'id="mail-risks"' in page
    assert "A mail of this buyer carries a risk: Risky attachment: rfq.html: a web page " \
           "attached" in page
    assert "Replies go elsewhere" in page and "RFQ &lt;b&gt;UV&lt;/b&gt; lamps" in page
    assert 'id="mail-risks"' not in client.get(quiet.get_absolute_url()).content.decode()

    inbox = client.get(reverse("leads:inbox")).content.decode()
    row = re.search(rf'<tr id="company-{company.pk}".*?</tr>', inbox, re.S).group(0)
    assert 'class="riskmark"' in row
    other = re.search(rf'<tr id="company-{quiet.pk}".*?</tr>', inbox, re.S).group(0)
    assert "riskmark" not in other


def test_a_released_mail_warns_on_its_company_page(client, manager):
    message = held_by_mistake()
    client.force_login(manager)
    client.post(reverse("leads:held-decide", args=[message.pk]), {"spam": "0"})
    message.refresh_from_db()
    page = client.get(message.company.get_absolute_url()).content.decode()
    assert "Spam filter: spam" in page and "held back as Spam, released by grace" in page


def test_an_attachment_name_is_never_a_header_injection(client, manager):
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = "Alibaba.com <notice@alibaba-notice.example>"
    mail["To"] = "sales@uvlamp-factory.test"
    mail["Subject"] = "Purchase order"
    mail["Message-ID"] = "<po-names@alibaba-notice.example>"
    mail.set_content("See the order attached.")
    mail.add_attachment(b"MZ stand-in", maintype="application", subtype="octet-stream",
                        filename='报价单 "PO".pdf.exe')
    record, _ = mail_ingest(raw=mail.as_bytes(), source="imap")
    assert record.outcome == "held"
    client.force_login(manager)
    download = client.post(reverse("leads:held-attachment", args=[record.pk, 0]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "%E6%8A%A5%E4%BB%B7%E5%8D%95" in disposition and ".exe" in disposition
    assert download.content == b"MZ stand-in"


def test_the_list_says_which_filters_check_the_mail(client, manager, settings):
    client.force_login(manager)
    url = reverse("leads:held-list")
    assert "The generic spam check is off (LEADQUAL_RSPAMD_URL is empty)" in \
        client.get(url).content.decode()
    settings.LEADQUAL_RSPAMD_URL = "http://127.0.0.1:9"  # nothing answers there
    text = client.get(url).content.decode()
    assert "The generic spam check is off: rspamd does not answer at http://127.0.0.1:9" in text
