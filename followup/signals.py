"""followup's answers to what leads announces (``leads.signals``)."""

from django.dispatch import receiver

from followup.cadence import cadence_advance, cadence_channel_lost, cadence_stop
from followup.services import vacation_add
from leads import signals
from leads.models import CLOSED_STATUSES, ChannelKind


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
