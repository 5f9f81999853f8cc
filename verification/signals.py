from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from leads import signals as leads_signals
from verification.lists import bump
from verification.models import Industry, Keyword, MailList, Verification
from verification.services import verification_mark_bounced, verification_request


@receiver([post_save, post_delete], sender=MailList)
def _mail_lists_changed(**kwargs):
    bump("mail")


@receiver([post_save, post_delete], sender=Keyword)
@receiver([post_save, post_delete], sender=Industry)
def _keywords_changed(**kwargs):
    bump("keywords")


# --- What leads announces -------------------------------------------------------------


@receiver(leads_signals.inquiries_received)
@receiver(leads_signals.inquiries_recheck_requested)
def _verify(inquiry_ids, **kwargs):
    verification_request(inquiry_ids=inquiry_ids)


@leads_signals.headline_source("verified_grade", "score", "email_status", "website_status",
                               "fit", "verification_pending")
def verification_headlines(company_ids: list[int]) -> dict[int, dict]:
    """Each company's headline from its latest verified inquiry, and whether any of its
    inquiries is still being checked."""
    pending_states = [Verification.Status.PENDING, Verification.Status.RUNNING]
    headline: dict[int, dict] = {}
    for row in (
        Verification.objects.filter(inquiry__company_id__in=company_ids,
                                    verified_at__isnull=False)
        .order_by("inquiry__company_id", "-inquiry__received_at", "-inquiry_id")
        .values("inquiry__company_id", "grade", "score", "email_status", "website_status",
                "fit")
    ):
        company_id = row.pop("inquiry__company_id")
        if company_id not in headline:
            row["verified_grade"] = row.pop("grade") or ""
            headline[company_id] = row
    for company_id in (
        Verification.objects.filter(inquiry__company_id__in=company_ids,
                                    status__in=pending_states)
        .values_list("inquiry__company_id", flat=True).distinct()
    ):
        headline.setdefault(company_id, {})["verification_pending"] = True
    return headline


@receiver(leads_signals.address_bounced, dispatch_uid="verification.bounced")
def _bounced(company, address, status, diagnostic, at, **kwargs):
    verification_mark_bounced(company_id=company.pk, address=address, status=status,
                              diagnostic=diagnostic, at=at)
