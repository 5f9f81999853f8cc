"""Inquiries stored the way the product stores them (services), for screen tests."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from leads import services
from leads.intake import clean_inquiry
from verification.models import Verification

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ingest(**fields):
    fields.setdefault("received_at", "2026-11-01 10:00")
    fields.setdefault("message", "Please quote UV lamps.")
    data = clean_inquiry(fields, default_platform=fields.pop("platform", "alibaba"),
                         tz=SHANGHAI)
    inquiry, _ = services.inquiry_ingest(data=data)
    return inquiry


def verified(inquiry, *, grade="A", score=90, email_status="deliverable",
             website_status="reachable", fit=80, reasons=None):
    """Store a finished verification as the checks would, and refresh the company."""
    Verification.objects.filter(inquiry=inquiry).update(
        status=Verification.Status.DONE, grade=grade, score=score, email_status=email_status,
        website_status=website_status, fit=fit, verified_at=timezone.now(),
        reasons=reasons or [{"text": "website works", "effect": "+"}],
    )
    services.companies_refresh(company_ids=[inquiry.company_id])
    inquiry.company.refresh_from_db()
    return inquiry.company
