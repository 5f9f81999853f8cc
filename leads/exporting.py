"""Export inquiries with their company, owner, status and checks."""

import csv
import json
from typing import TextIO

from leads.models import Inquiry

EXPORT_FORMATS = ("json", "csv")
COLUMNS = (
    "id", "received_at", "platform", "platform_ref", "buyer_name", "company_name", "country",
    "email", "phone", "whatsapp", "website", "product", "quantity", "message",
    "company_id", "company", "owner", "status", "segment", "verification_status",
    "email_status", "email_flags", "website_status", "website_final_url", "domain_created",
    "fit", "fit_matches", "score", "grade", "reasons", "verified_at",
)
# A spreadsheet runs a cell that begins with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a cell inert in spreadsheets (OWASP CSV injection): prefix a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_rows(queryset=None):
    inquiries = (queryset if queryset is not None else Inquiry.objects.all()).select_related(
        "company", "company__owner", "verification"
    ).order_by("id")
    for inquiry in inquiries.iterator(chunk_size=2000):
        company = inquiry.company
        verification = getattr(inquiry, "verification", None)
        yield {
            "id": inquiry.pk,
            "received_at": inquiry.received_at.isoformat(),
            "platform": inquiry.platform,
            "platform_ref": inquiry.platform_ref,
            "buyer_name": inquiry.buyer_name,
            "company_name": inquiry.company_name,
            "country": inquiry.country,
            "email": inquiry.email,
            "phone": inquiry.phone,
            "whatsapp": inquiry.whatsapp,
            "website": inquiry.website,
            "product": inquiry.product,
            "quantity": inquiry.quantity,
            "message": inquiry.message,
            "company_id": company.pk,
            "company": company.name,
            "owner": company.owner.username if company.owner else "",
            "status": company.status,
            "segment": company.segment,
            **verification_fields(verification),
        }


def verification_fields(v) -> dict:
    """The checks' results as exported (empty until the inquiry is verified)."""
    done = v is not None and v.verified_at is not None
    return {
        "verification_status": v.status if v else "",
        "email_status": v.email_status if done else "",
        "email_flags": list(v.email_flags) if done else [],
        "website_status": v.website_status if done else "",
        "website_final_url": v.website_final_url if done else "",
        "domain_created": v.domain_created.isoformat() if done and v.domain_created else None,
        "fit": v.fit if done else None,
        "fit_matches": [{"term": m["term"], "industry": m["industry"], "count": m["count"],
                         "snippet": m["snippet"]} for m in v.fit_matches] if done else [],
        "score": v.score if done else None,
        "grade": v.grade if done else "",
        "reasons": [r["text"] for r in v.reasons] if done else [],
        "verified_at": v.verified_at.isoformat() if done else None,
    }


def export_inquiries(stream: TextIO, *, fmt: str, queryset=None) -> int:
    count = 0
    if fmt == "json":
        stream.write("[")
        for count, row in enumerate(export_rows(queryset), start=1):
            stream.write(("\n" if count == 1 else ",\n") + json.dumps(row, ensure_ascii=False))
        stream.write("\n]\n")
        return count
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for row in export_rows(queryset):
        writer.writerow({key: neutralise(_cell(value)) for key, value in row.items()})
        count += 1
    return count


def _cell(value):
    """Lists in one CSV cell: terms or reasons joined with "; "."""
    if isinstance(value, list):
        return "; ".join(item["term"] if isinstance(item, dict) else str(item) for item in value)
    return "" if value is None else value
