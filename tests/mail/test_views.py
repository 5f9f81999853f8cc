"""The browser-free screens: .eml upload, the send button, recording a vacation."""

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from followup.models import FollowUp, Vacation
from leads.models import Activity, Inquiry, MailMessage

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def eml(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(),
                              content_type="message/rfc822")


@pytest.fixture
def company(contacted):
    return contacted


def test_a_rep_uploads_an_eml_and_lands_on_the_new_inquirys_company(client, rep):
    client.force_login(rep)
    assert client.get(reverse("leads:mail-upload")).status_code == 200

    response = client.post(reverse("leads:mail-upload"),
                           {"file": eml("made_in_china_notification.eml")})

    inquiry = Inquiry.objects.get()
    assert (inquiry.platform, inquiry.platform_ref, inquiry.buyer_name) == (
        "made-in-china", "MIC-88230417", "Maria Lopez")
    assert response.status_code == 302 and response["Location"] == reverse(
        "leads:company", args=[inquiry.company_id])
    record = MailMessage.objects.get()
    assert (record.source, record.user, record.outcome) == ("upload", rep, "inquiry")

    # The same file again adds nothing and says so.
    again = client.post(reverse("leads:mail-upload"),
                        {"file": eml("made_in_china_notification.eml")}, follow=True)
    assert "already added" in again.content.decode()
    assert (Inquiry.objects.count(), MailMessage.objects.count()) == (1, 1)


def test_an_unusable_eml_is_kept_and_the_reason_shown(client, rep):
    client.force_login(rep)
    bad = SimpleUploadedFile("broken.eml", b"Subject: <script>alert(1)</script>\r\n\r\nx")
    page = client.post(reverse("leads:mail-upload"), {"file": bad}, follow=True)
    text = page.content.decode()
    assert "could not be used" in text and "no sender address" in text
    assert "<script>alert(1)</script>" not in text  # the subject is escaped
    assert MailMessage.objects.get().outcome == "failed"


def test_the_send_button_mails_the_buyer_through_the_relay(client, rep, company, relay,
                                                           settings,
                                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", relay.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.LEADQUAL_MAIL_FROM = "sales@uvlamp-factory.test"
    client.force_login(rep)
    detail = client.get(company.get_absolute_url()).content.decode()
    assert reverse("leads:company-email", args=[company.pk]) in detail

    compose = client.get(reverse("leads:company-email", args=[company.pk]))
    form = compose.context["form"]
    assert form.initial["to"] == "jonas.weber@aquarein.de"
    assert "Jonas Weber" in form.initial["body"]  # the open step's message, filled in

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leads:company-email", args=[company.pk]), {
            "to": "jonas.weber@aquarein.de", "subject": "UV-C lamps: our offer",
            "body": form.initial["body"]})

    assert response.status_code == 302
    [delivered] = relay.messages
    sent = message_from_bytes(delivered["data"], policy=policy.default)
    record = MailMessage.objects.get(direction="out")
    assert sent["Message-ID"].strip() == record.message_id and record.outcome == "sent"
    assert "lily" in sent["From"] and sent["Subject"] == "UV-C lamps: our offer"
    assert Activity.objects.filter(company=company, kind="contact_attempt",
                                   body__contains="UV-C lamps: our offer").count() == 1


def test_another_reps_company_cannot_be_emailed(client, other_rep, company):
    client.force_login(other_rep)
    url = reverse("leads:company-email", args=[company.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"to": "a@b.de", "subject": "x", "body": "y"}).status_code == 404
    assert not MailMessage.objects.exists()


def test_the_company_page_offers_the_vacation_of_an_out_of_office_reply(client, rep, company):
    until = timezone.localdate() + timedelta(days=10)
    away = MailMessage.objects.create(
        direction="in", outcome="away", message_id="<ooo@aquarein.de>", company=company,
        from_address="jonas.weber@aquarein.de", subject="Automatic reply: offer",
        away_first_day=timezone.localdate(), away_last_day=until)
    client.force_login(rep)
    page = client.get(company.get_absolute_url()).content.decode()
    assert f'value="{until:%Y-%m-%d}"' in page and "Record vacation" in page

    response = client.post(reverse("leads:mail-away", args=[company.pk, away.pk]),
                           {"last_day": until.isoformat()})

    assert response.status_code == 302
    vacation = Vacation.objects.get(company=company)
    assert vacation.last_day == until
    step = FollowUp.objects.get(company=company, status="scheduled")
    from zoneinfo import ZoneInfo
    assert step.due_at.astimezone(ZoneInfo(step.time_zone)).date() > until
    assert "Record vacation" not in client.get(company.get_absolute_url()).content.decode()


def test_admins_configure_mailboxes_and_the_password_is_stored_encrypted(client, admin_user,
                                                                       manager):
    from leads.mail.secrets import decrypt
    from leads.models import Mailbox

    for user in (admin_user, manager):
        user.is_staff = True
        user.save()
    client.force_login(admin_user)
    response = client.post(reverse("admin:leads_mailbox_add"), {
        "name": "Sales", "host": "imap.example.com", "port": 993, "security": "ssl",
        "username": "sales@example.com", "password_env": "", "password": "app-password-1",
        "folder": "INBOX", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox = Mailbox.objects.get()
    assert "app-password-1" not in mailbox.password_encrypted
    assert decrypt(mailbox.password_encrypted) == "app-password-1"

    client.force_login(manager)  # managers may look, not change
    change = reverse("admin:leads_mailbox_change", args=[mailbox.pk])
    page = client.get(change)
    assert page.status_code == 200 and "app-password-1" not in page.content.decode()
    client.post(change, {"name": "Hijacked", "host": "evil.example", "port": 993,
                         "security": "ssl", "username": "x", "password_env": "",
                         "password": "x", "folder": "INBOX"})
    mailbox.refresh_from_db()
    assert mailbox.name == "Sales"
    assert client.get(reverse("admin:leads_mailbox_add")).status_code == 403


def test_the_draft_answers_the_buyers_own_mail_not_an_auto_reply(rep, company):
    from followup.mail import email_draft

    MailMessage.objects.create(direction="in", outcome="reply", message_id="<buyer-1@aquarein.de>",
                               subject="Re: UV-C lamps", company=company)
    MailMessage.objects.create(direction="in", outcome="away", message_id="<ooo-1@aquarein.de>",
                               subject="Automatic reply: UV-C lamps", company=company)

    draft = email_draft(company=company, user=rep)

    assert (draft.subject, draft.in_reply_to) == ("Re: UV-C lamps", "<buyer-1@aquarein.de>")
