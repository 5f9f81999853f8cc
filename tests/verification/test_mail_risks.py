"""A buyer's mail that passed the screening with a risky sign (leads.mail.screen) reaches
the grade: the reason is shown, and the buyer is not graded A on it."""

from email.message import EmailMessage
from types import SimpleNamespace

import pytest

from leads.mail.services import mail_ingest
from leads.models import MailMessage
from verification.checks import rescore
from verification.services import mail_risks


def _risky_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Ana Ruiz <ana@aguas-norte.example>"
    message["To"] = "sales@uvlamp-factory.test"
    message["Subject"] = "RFQ UV lamps for our plant"
    message["Message-ID"] = "<rfq-77@aguas-norte.example>"
    message.set_content("Dear sales, please quote 200 pcs of 40 W UV-C lamps. Specs attached.")
    message.add_attachment(b"<html><body><h1>Specification</h1></body></html>",
                           maintype="text", subtype="html", filename="Specification.html")
    return message.as_bytes()


@pytest.mark.django_db
def test_a_risky_mail_s_signs_reach_the_inquiry_s_grade():
    record, _ = mail_ingest(raw=_risky_mail(), source="upload")
    assert record.outcome == MailMessage.Outcome.INQUIRY
    assert record.screen_verdict == MailMessage.Screen.RISKY
    risks = mail_risks([record.inquiry_id])
    assert risks == {record.inquiry_id: ("Specification.html: a web page attached",)}


@pytest.mark.django_db
def test_a_rescore_keeps_the_mail_s_risk_from_the_stored_evidence():
    row = SimpleNamespace(
        website_title="Aguas Norte", website_description="", website_text="water treatment",
        website_language="es", website_headings="", email_status="deliverable",
        email_flags=[], website_status="reachable", website_url="https://aguas-norte.example",
        domain_match=True,
        evidence={"mail": {"risks": ["Specification.html: a web page attached"]}})
    rescore(row, company_name="Aguas Norte", message="UV lamps")
    assert row.grade != "A"
    assert ("the buyer's mail carries a risk: Specification.html: a web page attached",
            "-") in [(reason["text"], reason["effect"]) for reason in row.reasons]
