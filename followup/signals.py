"""followup's answers to what leads announces (``leads.signals``), and to a company's
grade set by hand or by the team's target label: a company graded C or D is not chased."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from followup.cadence import (
    cadence_advance,
    cadence_channel_lost,
    cadence_channel_refresh,
    cadence_holds_sync,
    cadence_stop,
)
from followup.services import vacation_add
from leads import signals
from leads.models import CLOSED_STATUSES, ChannelKind, Company, ContactChannel
from verification.models import FitLabel


@receiver(signals.company_status_changed, dispatch_uid="followup.status_changed")
def _closed(company, after, **kwargs):
    if after in CLOSED_STATUSES:
        cadence_stop(company)


@receiver(signals.contact_attempt_logged, dispatch_uid="followup.contact_attempt")
def _contacted(company, at, **kwargs):
    cadence_advance(company, at=at)  # closes the open step, plans the next


@receiver(signals.reply_logged, dispatch_uid="followup.reply")
def _replied(company, at, **kwargs):
    cadence_stop(company, at=at)


@receiver(signals.buyer_away_reported, dispatch_uid="followup.away")
def _away(company, first_day, last_day, note="", user=None, at=None, **kwargs):
    vacation_add(company=company, first_day=first_day, last_day=last_day, note=note,
                 user=user, now=at)


@receiver(signals.address_bounced, dispatch_uid="followup.bounced")
def _bounced(company, address, status, diagnostic, **kwargs):
    words = " ".join(filter(None, (status, diagnostic))) or "no reason given"
    cadence_channel_lost(company, channel=ChannelKind.EMAIL,
                         why=f"email to {address} bounced ({words})")


# A company's grade changes where the checks store their results (a verification, a
# rescoring, a bounce); every minute ``reminders_create`` pauses and resumes cadences for
# those. A rep's own decisions act at once: the grade override (saved with its fields
# named) and the target label (the grade follows it when the label's transaction commits).


@receiver(post_save, sender=Company, dispatch_uid="followup.grade_set")
def _grade_set(instance, update_fields=None, **kwargs):
    if update_fields and "grade" in update_fields:
        cadence_holds_sync(company_ids=[instance.pk])


@receiver([post_save, post_delete], sender=ContactChannel, dispatch_uid="followup.channels")
def _channels_changed(instance, **kwargs):
    """A number or address added, changed or removed: the open step's channel again."""
    company_id = instance.company_id

    def refresh():
        company = Company.objects.filter(pk=company_id).first()
        if company is not None:
            cadence_channel_refresh(company)

    transaction.on_commit(refresh)


@receiver([post_save, post_delete], sender=FitLabel, dispatch_uid="followup.target_label")
def _target_label(instance, **kwargs):
    company_id = instance.company_id
    transaction.on_commit(lambda: cadence_holds_sync(company_ids=[company_id]))
