"""Email in and out against real servers: Dovecot (IMAP) and an SMTP relay on loopback."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from followup.dashboard import Period, emails_by_step
from followup.mail import email_draft
from followup.models import FollowUp, Vacation
from followup.services import followup_email_queue
from leads.mail.secrets import encrypt
from leads.mail.services import away_proposals, away_record, mail_ingest, mailbox_poll
from leads.models import Activity, CompanyStatus, Inquiry, Mailbox, MailMessage
from leads.tasks import mailbox_poll as mailbox_poll_task
from tests.leads.helpers import verified
from verification.models import Verification

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"
PASSWORD_ENV = "LEADQUAL_TEST_MAILBOX_PASSWORD"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def mailbox(mailbox_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, mailbox_server.users["sales@leadqual.test"])
    return Mailbox.objects.create(name="Sales", host="127.0.0.1", port=mailbox_server.port,
                                  security=Mailbox.Security.NONE,
                                  username="sales@leadqual.test", password_env=PASSWORD_ENV)


@pytest.fixture
def smtp_relay(relay, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", relay.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.LEADQUAL_MAIL_FROM = "sales@uvlamp-factory.test"
    return relay


def test_a_direct_email_and_two_platform_notifications_become_inquiries(
        mailbox, mailbox_server, rep):
    for name in ("direct_buyer.eml", "alibaba_notification.eml",
                 "made_in_china_notification.eml"):
        mailbox_server.deliver(fixture(name))

    summary = mailbox_poll(mailbox=mailbox)

    assert (summary.read, summary.outcomes, summary.error) == (3, {"inquiry": 3}, "")
    direct = Inquiry.objects.get(platform="email")
    assert (direct.buyer_name, direct.email, direct.company_name, direct.country,
            direct.phone, direct.website) == (
        "Jonas Weber", "jonas.weber@aquarein.de", "AquaRein Wassertechnik GmbH", "DE",
        "+498932165400", "https://www.aquarein.de")
    assert direct.message.startswith("Inquiry: UV-C lamps 254nm for our wastewater plant\n")
    assert direct.raw["mail_attachments"] == ["lamp-drawing-UVC320.pdf"]
    assert direct.raw["mail_message_id"] == "<20261124091357.4711@mail.aquarein.de>"
    assert direct.received_at.isoformat() == "2026-11-24T08:13:57+00:00"

    alibaba = Inquiry.objects.get(platform="alibaba")
    assert (alibaba.platform_ref, alibaba.buyer_name, alibaba.company_name, alibaba.country,
            alibaba.product, alibaba.quantity, alibaba.email) == (
        "118720453391", "Ahmed Hassan", "Nile Pure Water Treatment Co.", "EG",
        "UV Germicidal Lamp T8 36W", "500 Pieces", "")
    assert "drinking water disinfection" in alibaba.message
    assert alibaba.raw["platform_link"].startswith("https://message.alibaba.com/")

    mic = Inquiry.objects.get(platform="made-in-china")
    assert (mic.platform_ref, mic.buyer_name, mic.company_name, mic.country, mic.product,
            mic.quantity) == ("MIC-88230417", "Maria Lopez", "AcuiCultivos del Sur S.L.",
                              "ES", "UV Sterilizer 75W for Aquaculture", "40 Sets")
    assert mic.raw["email_shown"] == "m***@acuicultivos.es"

    # The same intake as files and the API: verified, and assigned (round robin: the rep).
    assert Verification.objects.filter(inquiry__in=[direct, alibaba, mic]).count() == 3
    assert {i.company.owner for i in (direct, alibaba, mic)} == {rep}
    messages = MailMessage.objects.filter(mailbox=mailbox)
    assert {m.outcome for m in messages} == {"inquiry"}
    assert all(m.inquiry_id and m.company_id for m in messages)
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error) == (3, "")
    assert mailbox.last_polled_at is not None


def test_polling_twice_or_from_the_start_creates_no_duplicates(mailbox, mailbox_server):
    mailbox_server.deliver(fixture("direct_buyer.eml"))
    mailbox_server.deliver(fixture("alibaba_notification.eml"))
    mailbox_poll_task(mailbox.pk)  # the Celery task, as beat sends it
    assert (Inquiry.objects.count(), MailMessage.objects.count()) == (2, 2)

    again = mailbox_poll(mailbox=Mailbox.objects.get(pk=mailbox.pk))
    assert again.read == 0

    # The position is lost (or the server renumbered the folder): every message is read
    # again and recognised by its Message-ID.
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=0, uidvalidity=None)
    from_start = mailbox_poll(mailbox=Mailbox.objects.get(pk=mailbox.pk))
    assert (from_start.read, from_start.outcomes) == (2, {"known": 2})
    # A copy of the same message in another mailbox or uploaded: still one.
    record, created = mail_ingest(raw=fixture("direct_buyer.eml"), source="upload")
    assert not created and record.outcome == "inquiry"
    assert (Inquiry.objects.count(), MailMessage.objects.count()) == (2, 2)


def test_messages_that_cannot_be_used_are_kept_with_the_reason(mailbox, mailbox_server):
    mailbox_server.deliver(b"Subject: no sender at all\r\nMessage-ID: <nosender@x.test>\r\n"
                           b"\r\nHello\r\n")
    mailbox_server.deliver(b"From: Made-in-China.com <service@made-in-china.com>\r\n"
                           b"Subject: New Inquiry: something\r\nMessage-ID: <empty@mic.test>\r\n"
                           b"\r\nThe layout changed and nothing can be read.\r\n")
    summary = mailbox_poll(mailbox=mailbox)

    assert summary.outcomes == {"failed": 2}
    no_sender = MailMessage.objects.get(message_id="<nosender@x.test>")
    assert "no sender address" in no_sender.reason
    assert bytes(no_sender.raw).startswith(b"Subject: no sender at all")
    unreadable = MailMessage.objects.get(message_id="<empty@mic.test>")
    assert "nothing to reach or identify the buyer" in unreadable.reason
    assert b"The layout changed" in bytes(unreadable.raw)
    assert Inquiry.objects.count() == 0


def test_a_stored_encrypted_password_works_and_a_wrong_one_is_reported(mailbox,
                                                                       mailbox_server):
    mailbox.password_env = ""
    mailbox.password_encrypted = encrypt("not the password")
    mailbox.save()
    summary = mailbox_poll(mailbox=mailbox)
    mailbox.refresh_from_db()
    assert "login" in summary.error and mailbox.last_error == summary.error

    mailbox.password_encrypted = encrypt(mailbox_server.users["sales@leadqual.test"])
    mailbox.save()
    mailbox_server.deliver(fixture("direct_buyer.eml"))
    assert mailbox_poll(mailbox=mailbox).outcomes == {"inquiry": 1}
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


# --- out and back: a follow-up sent, the buyer's reply ---------------------------


def test_a_follow_up_is_sent_through_the_relay_with_its_message_id_and_logged(
        contacted, rep, smtp_relay, django_capture_on_commit_callbacks):
    step = FollowUp.objects.get(company=contacted, status="scheduled")
    draft = email_draft(company=contacted, user=rep)
    assert draft.to == "jonas.weber@aquarein.de" and "Jonas Weber" in draft.body

    with django_capture_on_commit_callbacks(execute=True):
        record = followup_email_queue(company=contacted, user=rep, to=draft.to,
                                      subject=draft.subject, body=draft.body)

    record.refresh_from_db()
    assert record.outcome == "sent" and record.sent_at is not None
    [received] = smtp_relay.messages
    assert received["to"] == ["jonas.weber@aquarein.de"]
    sent = message_from_bytes(received["data"], policy=policy.default)
    assert sent["Message-ID"].strip() == record.message_id
    assert sent["Subject"] == draft.subject
    assert "Jonas Weber" in sent.get_content()
    assert record.activity.kind == Activity.Kind.CONTACT_ATTEMPT
    assert record.activity.outcome == "sent" and record.activity.author == rep
    step.refresh_from_db()
    assert step.status == "done"  # the cadence moved on to its next step
    assert FollowUp.objects.filter(company=contacted, status="scheduled").exists()


def test_a_refused_recipient_is_recorded_not_retried(contacted, rep, smtp_relay,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = followup_email_queue(company=contacted, user=rep,
                                      to="bounce@aquarein.de", subject="Offer", body="Hello")
    record.refresh_from_db()
    assert record.outcome == "send_failed" and "550" in record.reason
    assert smtp_relay.messages == []
    assert not Activity.objects.filter(company=contacted, kind="contact_attempt",
                                       body__contains="Offer").exists()


def reply_to(record: MailMessage, *, sender: str, text: str, extra: str = "") -> bytes:
    return (f"From: Jonas Weber <{sender}>\r\nTo: sales@uvlamp-factory.test\r\n"
            f"Subject: Re: {record.subject}\r\nDate: {format_datetime(timezone.now())}\r\n"
            f"Message-ID: <reply-{record.pk}-{sender}@aquarein.de>\r\n"
            f"In-Reply-To: {record.message_id}\r\nReferences: {record.message_id}\r\n"
            f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n").encode()


def test_a_reply_to_our_email_stops_the_cadence_and_marks_the_company_replied(
        contacted, rep, smtp_relay, mailbox, mailbox_server,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = followup_email_queue(company=contacted, user=rep, to="jonas.weber@aquarein.de",
                                    subject="Your UV-C lamps", body="Dear Jonas, ...")
    sent.refresh_from_db()
    # Answered by a colleague from another address: the thread finds the company.
    mailbox_server.deliver(reply_to(sent, sender="einkauf@aquarein-holding.de",
                                    text="Please send the proforma invoice.\n\n"
                                         "On Mon, Lily wrote:\n> Dear Jonas, ..."))

    summary = mailbox_poll(mailbox=mailbox)

    assert summary.outcomes == {"reply": 1}
    reply = MailMessage.objects.get(direction="in")
    assert reply.company == contacted and "answers our message" in reply.reason
    contacted.refresh_from_db()
    assert contacted.status == CompanyStatus.REPLIED
    assert contacted.last_reply_at is not None and contacted.next_followup_at is None
    assert not FollowUp.objects.filter(company=contacted, status="scheduled").exists()
    assert FollowUp.objects.filter(company=contacted, status="cancelled").exists()
    activity = reply.activity
    assert activity.kind == Activity.Kind.REPLY and activity.channel == "email"
    assert "Please send the proforma invoice." in activity.body
    assert "> Dear Jonas" not in activity.body  # the quote is cut
    assert Inquiry.objects.count() == 1  # a reply is not a new inquiry


def test_mail_from_a_known_buyer_address_is_a_reply_without_thread_headers(
        contacted, mailbox, mailbox_server):
    mailbox_server.deliver(
        b"From: Jonas Weber <jonas.weber@aquarein.de>\r\nSubject: price list?\r\n"
        b"Message-ID: <loose@aquarein.de>\r\n\r\nDid you send the price list?\r\n")
    assert mailbox_poll(mailbox=mailbox).outcomes == {"reply": 1}
    contacted.refresh_from_db()
    assert contacted.status == CompanyStatus.REPLIED
    assert not FollowUp.objects.filter(company=contacted, status="scheduled").exists()


GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember")


def out_of_office(back_after_days: int = 11, *,
                  sender_zone: str = "Europe/Berlin") -> tuple[bytes, object]:
    """The fixture, dated now in the buyer's zone, away until ``back_after_days`` from
    the buyer's today."""
    now = timezone.now().astimezone(ZoneInfo(sender_zone))
    until = now.date() + timedelta(days=back_after_days)
    raw = fixture("out_of_office.eml").decode()
    raw = raw.replace("Thu, 26 Nov 2026 10:02:11 +0100", format_datetime(now))
    raw = raw.replace("7. Dezember 2026",
                      f"{until.day}. {GERMAN_MONTHS[until.month - 1]} {until.year}")
    raw = raw.replace("7 December 2026", f"{until.day} {until:%B %Y}")
    return raw.encode(), until


# 00:30 in Berlin on Tuesday 8 December is still Monday 7 December in UTC and already
# 07:30 on the 8th in Shanghai: the buyer's day, not the server's, is the first day away.
AT_MIDNIGHT_IN_BERLIN = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


@pytest.fixture
def midnight_in_berlin():
    """Before the other fixtures: the buyer is contacted an hour before, at a fixed time."""
    with time_machine.travel(AT_MIDNIGHT_IN_BERLIN, tick=True):
        yield


def test_an_out_of_office_reply_proposes_the_vacation_and_keeps_the_cadence(
        midnight_in_berlin, contacted, rep, mailbox, mailbox_server):
    raw, until = out_of_office()
    mailbox_server.deliver(raw)

    assert mailbox_poll(mailbox=mailbox).outcomes == {"away": 1}

    away = MailMessage.objects.get(direction="in")
    assert (away.outcome, away.away_first_day, away.away_last_day) == (
        "away", date(2026, 12, 8), until)
    assert "Auto-Submitted: auto-replied" in away.reason
    assert list(away_proposals(contacted)) == [away]
    contacted.refresh_from_db()
    assert contacted.status == CompanyStatus.CONTACTED  # not a reply
    step = FollowUp.objects.get(company=contacted, status="scheduled")
    assert Activity.objects.filter(company=contacted, kind="note",
                                   body__contains=f"away until {until:%Y-%m-%d}").exists()

    away_record(message=away, last_day=until, user=rep)

    vacation = Vacation.objects.get(company=contacted)
    assert (vacation.first_day, vacation.last_day) == (date(2026, 12, 8), until)
    assert list(away_proposals(contacted)) == []
    step.refresh_from_db()
    assert step.due_at.astimezone(ZoneInfo(step.time_zone)).date() > until
    away_record(message=away, last_day=until, user=rep)  # a second click does nothing
    assert Vacation.objects.filter(company=contacted).count() == 1


def test_copies_of_our_own_mail_are_not_inquiries(mailbox, mailbox_server, rep):
    mailbox_server.deliver(f"From: Lily <{rep.email}>\r\nSubject: Re: your order\r\n"
                           "Message-ID: <own@uvlamp-factory.test>\r\n\r\nDear Jonas\r\n".encode())
    mailbox_server.deliver(b"From: sales@leadqual.test\r\nSubject: note to self\r\n"
                           b"Message-ID: <self@leadqual.test>\r\n\r\nx\r\n")
    assert mailbox_poll(mailbox=mailbox).outcomes == {"ignored": 2}
    assert not Inquiry.objects.exists()


def test_beat_polls_every_active_mailbox(mailbox, mailbox_server, settings):
    from config.celery_app import app
    from leads.tasks import mailboxes_poll

    entry = settings.CELERY_BEAT_SCHEDULE["leads-mailboxes-poll"]
    assert entry["task"] in app.tasks and entry["schedule"] == settings.LEADQUAL_MAIL_POLL_SECONDS
    Mailbox.objects.create(name="Old", host="127.0.0.1", port=1, security="none",
                           username="old", password_env=PASSWORD_ENV, active=False)
    mailbox_server.deliver(fixture("alibaba_notification.eml"))
    assert mailboxes_poll() == 1  # the inactive one is not read (port 1 would fail)
    assert Inquiry.objects.get().platform == "alibaba"


def test_a_sender_clock_in_the_future_does_not_lose_the_inquiry():
    raw = (b"From: Ana <ana@aquisouza.com.br>\r\nSubject: UV lamps\r\n"
           b"Date: Mon, 1 Jan 2035 10:00:00 +0000\r\nMessage-ID: <future@aquisouza.com.br>\r\n"
           b"\r\nPrice for 120W UV?\r\n")
    record, created = mail_ingest(raw=raw, source="upload")
    assert created and record.outcome == "inquiry"
    assert record.inquiry.received_at <= timezone.now()


def test_a_failed_message_can_be_read_again_once_it_is_usable():
    from leads.mail.services import mail_retry

    raw = (b"From: Made-in-China.com <service@made-in-china.com>\r\nSubject: New Inquiry: x\r\n"
           b"Message-ID: <retry@mic.test>\r\n\r\nnothing to read\r\n")
    record, _ = mail_ingest(raw=raw, source="upload")
    assert record.outcome == "failed"
    # Still unusable: a new failed record in its place, nothing lost.
    again, created = mail_retry(message=record)
    assert created and again.outcome == "failed" and bytes(again.raw) == raw
    assert MailMessage.objects.count() == 1
    usable = raw.replace(b"nothing to read", b"Inquiry ID: 77123\r\nSender: Tom\r\n")
    MailMessage.objects.filter(pk=again.pk).update(raw=usable)
    again.refresh_from_db()
    done, _ = mail_retry(message=again)
    assert done.outcome == "inquiry" and done.inquiry.platform_ref == "77123"


def postfix_bounce(sent: MailMessage, *, recipient: str, status: str = "5.1.1",
                   diagnostic: str = "smtp; 550 5.1.1 <{r}>: Recipient address rejected: "
                                     "User unknown in virtual mailbox table") -> bytes:
    """A bounce as Postfix writes it (RFC 3464), of a message of ours."""
    when = format_datetime(timezone.now())
    return (
        "Return-Path: <>\r\n"
        "From: MAILER-DAEMON@mx1.aquarein.de (Mail Delivery System)\r\n"
        "To: sales@uvlamp-factory.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {when}\r\nMessage-ID: <20261207.BOUNCE{sent.pk}@mx1.aquarein.de>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n\r\n'
        "--B1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx1.aquarein.de.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        f"<{recipient}>: host mx1.aquarein.de[192.0.2.25] said: 550 {status} "
        "Recipient address rejected: User unknown\r\n\r\n"
        "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx1.aquarein.de\r\nArrival-Date: " + when + "\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\n"
        f"Action: failed\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: {diagnostic.format(r=recipient)}\r\n\r\n"
        "--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Lily <sales@uvlamp-factory.test>\r\nTo: {recipient}\r\n"
        f"Subject: {sent.subject}\r\nMessage-ID: {sent.message_id}\r\n\r\n"
        "--B1--\r\n").encode()


@pytest.fixture
def followup_sent(contacted, rep, smtp_relay, django_capture_on_commit_callbacks):
    """A verified grade-A buyer, and our follow-up email to them, sent through the relay."""
    inquiry = contacted.inquiries.get()
    verified(inquiry, grade="A", email_status="deliverable", fit=90)
    with django_capture_on_commit_callbacks(execute=True):
        sent = followup_email_queue(company=contacted, user=rep, to="jonas.weber@aquarein.de",
                                    subject="UV-C lamp 320W – AquaRein", body="Dear Jonas, ...")
    sent.refresh_from_db()
    return inquiry, sent


def test_a_bounce_of_our_follow_up_condemns_the_address_and_moves_the_cadence(
        contacted, followup_sent, mailbox, mailbox_server):
    inquiry, sent = followup_sent
    assert sent.outcome == "sent"
    step = FollowUp.objects.get(company=contacted, status="scheduled")
    assert step.channel == "email"
    mailbox_server.deliver(postfix_bounce(sent, recipient="jonas.weber@aquarein.de"))

    assert mailbox_poll(mailbox=mailbox).outcomes == {"bounce": 1}

    bounce = MailMessage.objects.get(direction="in")
    assert (bounce.company, bounce.automatic_kind, bounce.bounced_address,
            bounce.bounce_status) == (contacted, "bounce_hard", "jonas.weber@aquarein.de",
                                      "5.1.1")
    sent.refresh_from_db()
    assert sent.outcome == "bounced" and sent.bounce_status == "5.1.1"
    assert "User unknown" in sent.bounce_diagnostic
    channel = contacted.channels.get(kind="email")
    assert channel.bounced_at is not None and "5.1.1" in channel.bounce_reason
    v = Verification.objects.get(inquiry=inquiry)
    assert v.email_status == "undeliverable"
    assert v.evidence["email"]["reason"].startswith("bounced on ")
    contacted.refresh_from_db()
    assert contacted.grade == "C" and contacted.email_status == "undeliverable"
    assert contacted.status != CompanyStatus.REPLIED  # a bounce is not a reply
    step.refresh_from_db()
    assert step.channel != "email" and "bounced" in step.note
    assert Inquiry.objects.count() == 1  # nor an inquiry
    # The sent mail knows its step: the dashboard counts it per step and channel.
    today = timezone.localdate()
    assert emails_by_step(Period(today - timedelta(days=1), today)) == [
        (1, "email", 1, 1, 0)]


def test_a_delay_is_shown_and_condemns_nothing(contacted, followup_sent, mailbox,
                                               mailbox_server):
    inquiry, sent = followup_sent
    delayed = postfix_bounce(sent, recipient="jonas.weber@aquarein.de", status="4.4.1",
                             diagnostic="X-Postfix; connect to mx1.aquarein.de: timed out")
    delayed = (delayed.replace(b"Action: failed", b"Action: delayed")
               .replace(b"Undelivered Mail Returned to Sender",
                        b"Delayed Mail (still being retried)"))
    mailbox_server.deliver(delayed)

    assert mailbox_poll(mailbox=mailbox).outcomes == {"delay": 1}
    sent.refresh_from_db()
    assert sent.outcome == "sent"
    assert Verification.objects.get(inquiry=inquiry).email_status == "deliverable"
    assert contacted.channels.get(kind="email").bounced_at is None
    assert Activity.objects.filter(company=contacted, body__contains="delayed").exists()


def test_a_bounce_for_an_address_that_is_no_contact_of_ours_is_kept_and_ignored(
        mailbox, mailbox_server):
    stranger = MailMessage(pk=0, subject="Hello", message_id="<x@elsewhere.test>")
    mailbox_server.deliver(postfix_bounce(stranger, recipient="nobody@unknown.example"))
    assert mailbox_poll(mailbox=mailbox).outcomes == {"ignored": 1}
    record = MailMessage.objects.get(direction="in")
    assert "no contact of ours" in record.reason and record.automatic_kind == "bounce_hard"
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(("raw", "name", "subject"), [
    # Raw Latin-1 bytes in the headers, the body says ISO-8859-1.
    (b"From: Jos\xe9 P\xe9rez <jose@acuicola.example>\r\nSubject: Cotizaci\xf3n l\xe1mparas UV"
     b"\r\nMessage-ID: <raw-latin1@acuicola.example>\r\n"
     b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nNecesitamos 40 l\xe1mparas UV.\r\n",
     "José Pérez", "Cotización lámparas UV"),
    # Raw GBK bytes in the headers, the body says GBK.
    ("From: 王经理 <wang@shuichuli.example>\r\nSubject: 紫外线灯 询价\r\n"
     "Message-ID: <raw-gbk@shuichuli.example>\r\nContent-Type: text/plain; charset=gbk\r\n\r\n"
     "请报价 40 支紫外线灯管。\r\n".encode("gbk"), "王经理", "紫外线灯 询价"),
    # Bytes that are nothing at all: kept, with what can be read.
    (b"From: J\xff\xfe <jo@pond.example>\r\nSubject: UV \xff lamp\r\n"
     b"Message-ID: <raw-junk@pond.example>\r\n\r\nPrice for 40 UV sterilizers?\r\n",
     "Jÿþ", "UV ÿ lamp"),
])
def test_headers_with_undecoded_bytes_are_read_and_stored(raw, name, subject):
    record, created = mail_ingest(raw=raw, source="upload")
    assert created and record.outcome == "inquiry", record.reason
    assert (record.from_name, record.subject) == (name, subject)
    inquiry = Inquiry.objects.get()
    assert inquiry.buyer_name == name
    assert bytes(MailMessage.objects.get().raw) == raw  # the message as it came, kept
