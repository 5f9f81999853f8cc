"""The whole path once, against real servers: mail delivered to Dovecot, read by the
mailbox poll, screened by the real rspamd and Leadqual's checks; the held mail decided in
the way a manager does, and the filter taught."""

import pytest

from leads.mail.services import held_decide, mailbox_poll
from leads.models import Inquiry, Mailbox, MailMessage
from tests.mail.samples import sample_set

pytestmark = pytest.mark.django_db
SPAM, _ = sample_set("spam")
BUYERS, _ = sample_set("buyers")
PASSWORD_ENV = "LEADQUAL_TEST_MAILBOX_PASSWORD"

MAIL = {
    "lure": SPAM / "001-marketplace-alibaba-po-signin-cyrillic-a.eml",
    "exe": SPAM / "043-attachment-po-pdf-exe-double-extension.eml",
    "seo": SPAM / "154-spam-es-posicionamiento-web.eml",
    "buyer": BUYERS / "002-en-outlook-hvac-coil-lamps-rfq-pdf.eml",
    "buyer_zh": BUYERS / "088-zh-foxmail-oil-fume-purifier-gb2312.eml",
}


@pytest.fixture
def mailbox(mailbox_server, monkeypatch, rep):
    monkeypatch.setenv(PASSWORD_ENV, mailbox_server.users["sales@leadqual.test"])
    box = Mailbox.objects.create(name="Sales", host="127.0.0.1", port=mailbox_server.port,
                                 security=Mailbox.Security.NONE,
                                 username="sales@leadqual.test", password_env=PASSWORD_ENV)
    box.readers.add(rep)
    return box


def test_spam_and_phishing_are_held_back_on_the_way_in_and_buyers_come_through(
        mailbox, mailbox_server, rspamd, manager, django_capture_on_commit_callbacks):
    for path in MAIL.values():
        mailbox_server.deliver(path.read_bytes())

    summary = mailbox_poll(mailbox=mailbox)

    assert summary.error == "" and summary.read == len(MAIL)
    assert summary.outcomes == {"held": 3, "inquiry": 2}
    records = {MailMessage.objects.get(subject=_subject(path)).pk: name
               for name, path in MAIL.items()}
    by_name = {name: MailMessage.objects.get(pk=pk) for pk, name in records.items()}
    assert by_name["lure"].screen_verdict == "phishing"
    assert by_name["exe"].screen_verdict == "phishing"
    assert by_name["seo"].screen_verdict == "spam"
    assert {s["code"] for s in by_name["lure"].screen_signs} >= {"lookalike_domain",
                                                                 "marketplace_impersonation"}
    for record in by_name.values():
        assert record.screen_filter.startswith(f"rspamd {rspamd.version} + Leadqual"), \
            record.screen_filter
        assert record.spam_score is not None and record.spam_symbols
    for name in ("lure", "exe", "seo"):
        held = by_name[name]
        assert held.outcome == MailMessage.Outcome.HELD and held.inquiry_id is None
        assert _subject(bytes(held.raw)) == _subject(MAIL[name].read_bytes())  # kept whole
    assert Inquiry.objects.count() == 2
    assert by_name["buyer"].screen_verdict == "clean"

    # A manager confirms the phishing and releases the SEO offer (say it was wanted):
    # both teach the real filter, the release goes through the intake.
    with django_capture_on_commit_callbacks(execute=True):
        held_decide(message=by_name["lure"], user=manager, spam=True)
        released = held_decide(message=by_name["seo"], user=manager, spam=False)
    assert released.outcome == MailMessage.Outcome.INQUIRY and released.inquiry_id
    assert Inquiry.objects.count() == 3
    by_name["lure"].refresh_from_db()
    released.refresh_from_db()
    assert by_name["lure"].learned == "learned as spam"
    assert released.learned == "learned as ham"


def _subject(path_or_raw) -> str:
    from leads.mail.parse import parse_mail

    raw = path_or_raw if isinstance(path_or_raw, bytes) else path_or_raw.read_bytes()
    return parse_mail(raw).subject
