"""Cadences: the next follow-up of each company, planned in the buyer's calendar.

Only the next step of a company is stored (one open ``FollowUp``). It is
planned from the moment the previous one was actually done, counted in the
buyer's working days, so a step delayed by a holiday, a vacation or a snooze
moves the later ones with it instead of bunching them up. A reply cancels the
open step; an out-of-office reply records a vacation and moves it instead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.models import Cadence, CadenceStep, FollowUp, Reminder
from followup.selectors import buyer_calendar, suggested_channels
from leads.models import CLOSED_STATUSES, ChannelKind, Company

RISKY_EMAIL = ("risky", "undeliverable")
# Numbers a rep can always try when the country's ranking names nothing on file.
FALLBACK_CHANNELS = (ChannelKind.WHATSAPP, ChannelKind.WECHAT, ChannelKind.PHONE)


def default_cadence() -> Cadence | None:
    return Cadence.objects.filter(is_default=True, active=True).first()


def step_channel(company: Company, step: CadenceStep, number: int) -> str:
    """The step's channel; ``auto`` is email while it works and was not ignored, else the
    most used channel in the buyer's country that the company has on file."""
    if step.channel != CadenceStep.AUTO:
        return step.channel
    if company.email_status not in RISKY_EMAIL and number == 1:
        return ChannelKind.EMAIL
    on_file = set(company.channels.values_list("kind", flat=True))
    for suggestion in suggested_channels(company.country, on_file):
        if suggestion.on_file and suggestion.from_ranking:
            return suggestion.channel
    for kind in FALLBACK_CHANNELS:
        if kind in on_file:
            return kind
    return ChannelKind.EMAIL


def _plan(company: Company, step: CadenceStep, *, base: datetime, days: int,
          number: int) -> FollowUp | None:
    calendar = buyer_calendar(company)
    if calendar is None:
        return None
    moment = calendar.add_business_days(base, days)
    note = "; ".join(f"{off.day:%a %d %b}: {off.reason}" for off in moment.skipped
                     if off.kind != "weekend")
    followup = FollowUp.objects.create(
        company=company, step=step, due_at=moment.utc, time_zone=calendar.zone.key,
        channel=step_channel(company, step, number), note=note[:500])
    Company.objects.filter(pk=company.pk).update(next_followup_at=followup.due_at)
    return followup


@transaction.atomic
def cadence_advance(company: Company, *, at: datetime | None = None) -> FollowUp | None:
    """A contact attempt was made at ``at``: close the open step, plan the next one."""
    at = at or timezone.now()
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status in CLOSED_STATUSES:
        return None
    current = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED).first()
    if current is not None:
        current.status, current.done_at = FollowUp.Status.DONE, at
        current.save(update_fields=["status", "done_at"])
        Reminder.objects.filter(followup=current, done_at__isnull=True).update(done_at=at)
        steps = list(current.step.cadence.steps.filter(offset_days__gt=current.step.offset_days))
        if not steps:
            Company.objects.filter(pk=company.pk).update(next_followup_at=None)
            return None
        done = FollowUp.objects.filter(company=company, step__cadence=current.step.cadence,
                                       status=FollowUp.Status.DONE).count()
        return _plan(company, steps[0], base=at,
                     days=steps[0].offset_days - current.step.offset_days, number=done + 1)
    if FollowUp.objects.filter(company=company).exists():
        return None  # the cadence ran its course, or a reply stopped it
    cadence = default_cadence()
    first = cadence.steps.first() if cadence else None
    if first is None:
        return None
    return _plan(company, first, base=at, days=first.offset_days, number=1)


def cadence_channel_lost(company: Company, *, channel: str, why: str) -> FollowUp | None:
    """A channel stopped working (our email bounced): the open step moves to the next
    channel of the buyer's country ranking (one on file first), and says why."""
    current = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED,
                                      channel=channel).first()
    if current is None:
        return None
    on_file = set(company.channels.filter(bounced_at__isnull=True)
                  .values_list("kind", flat=True)) - {channel}
    ranked = [s.channel for s in suggested_channels(company.country, on_file)
              if s.channel != channel]
    choice = (next((c for c in [*ranked, *FALLBACK_CHANNELS] if c in on_file), None)
              or (ranked[0] if ranked else ChannelKind.PHONE))
    current.channel = choice
    current.note = f"{why}; next: {ChannelKind(choice).label}"[:500]
    current.save(update_fields=["channel", "note"])
    return current


def cadence_stop(company: Company, *, at: datetime | None = None) -> int:
    """A reply (from any address of the company) or a closed status ends the cadence."""
    stopped = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED).update(
        status=FollowUp.Status.CANCELLED, done_at=at or timezone.now())
    Reminder.objects.filter(followup__company=company, done_at__isnull=True).update(
        done_at=at or timezone.now())
    Company.objects.filter(pk=company.pk).update(next_followup_at=None)
    return stopped


def cadence_postpone(company: Company, *, until: date | datetime | None = None,
                     now: datetime | None = None) -> FollowUp | None:
    """Move the open step to the first good moment at or after ``until`` (a snooze), or
    to the first good moment at all (after a vacation was recorded).

    A step that is already overdue stays overdue, unless the buyer is away today in
    their own calendar: then it moves past the days away (a step left at its old time
    would be "due" while the buyer is on vacation).
    """
    current = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED).first()
    calendar = buyer_calendar(company)
    if current is None or calendar is None:
        return current
    now = now or timezone.now()
    start = current.due_at
    if isinstance(until, datetime):
        start = max(start, until)
    elif isinstance(until, date):
        start = max(start, datetime.combine(until, calendar.window[0], tzinfo=calendar.zone))
    elif start < now and calendar.off_kind(now.astimezone(calendar.zone).date()) == "vacation":
        start = now
    moment = calendar.next_moment(start)
    if moment.utc != current.due_at:
        current.due_at = moment.utc
        current.save(update_fields=["due_at"])
        Reminder.objects.filter(followup=current, done_at__isnull=True).delete()
        Company.objects.filter(pk=company.pk).update(next_followup_at=current.due_at)
    return current


def plan_preview(followup: FollowUp | None, company: Company,
                 calendar=None) -> list[tuple[CadenceStep, datetime]]:
    """The open step and the later ones as they would fall if each is done on time."""
    if followup is None:
        return []
    calendar = calendar or buyer_calendar(company)
    if calendar is None:
        return [(followup.step, followup.due_at)]
    rows, base = [(followup.step, followup.due_at)], followup.due_at
    later = CadenceStep.objects.filter(cadence_id=followup.step.cadence_id,
                                       offset_days__gt=followup.step.offset_days)
    previous = followup.step.offset_days
    for step in later:
        base = calendar.add_business_days(base, step.offset_days - previous).utc
        rows.append((step, base))
        previous = step.offset_days
    return rows


def fill_template(followup: FollowUp, *, rep=None) -> str:
    """The step's message with the buyer's details and the offer's deadline."""
    company = followup.company
    inquiry = company.inquiries.order_by("-received_at").first()
    step = followup.step
    until = (followup.due_at + timedelta(days=step.offer_days)).date()
    values = {
        "buyer": (inquiry.buyer_name if inquiry and inquiry.buyer_name else "Sir or Madam"),
        "company": company.name,
        "product": (inquiry.product if inquiry and inquiry.product else "our UV products"),
        "rep": (rep.get_full_name() or rep.get_username()) if rep else "",
        "offer": step.offer,
        "offer_until": until.strftime("%d %B %Y"),
    }
    text = step.template
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


# --- reminders --------------------------------------------------------------


def remind_moment(due_at: datetime) -> datetime:
    """When to remind the rep: at the due moment if it falls in the team's working
    hours, else at the start of the team's working day before it."""
    from followup.calendar import team_calendar

    team = team_calendar()
    if team.is_open(due_at):
        return due_at
    local = due_at.astimezone(team.zone)
    day = local.date()
    if local.time() < team.window[0]:
        day -= timedelta(days=1)
    for _attempt in range(30):
        if team.is_working_day(day):
            opens = datetime.combine(day, team.window[0], tzinfo=team.zone)
            if opens <= due_at:
                return opens
        day -= timedelta(days=1)
    return due_at


def reminders_create(*, now: datetime | None = None) -> int:
    """Turn due steps into reminders for their owners, each exactly once.

    The one-to-one on ``Reminder.followup`` is the guarantee: of two runs at
    the same time, the second insert fails and is skipped.
    """
    now = now or timezone.now()
    created = 0
    candidates = (FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED,
                                          due_at__lte=now + timedelta(days=2),
                                          reminder__isnull=True, company__owner__isnull=False)
                  .select_related("company__owner"))
    for followup in candidates:
        remind_at = remind_moment(followup.due_at)
        if remind_at > now:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(followup=followup,
                                                   user=followup.company.owner,
                                                   remind_at=remind_at)
        except IntegrityError:
            continue  # another run made it first
        created += 1
        if settings.LEADQUAL_REMINDER_EMAILS and reminder.user.email:
            _reminder_email(reminder)
    return created


def _reminder_email(reminder: Reminder) -> None:
    from zoneinfo import ZoneInfo

    from django.core.mail import send_mail

    followup = reminder.followup
    theirs = followup.due_at.astimezone(ZoneInfo(followup.time_zone))
    body = (f"Follow up with {followup.company.name} by {followup.get_channel_display()}.\n"
            f"Aim for {theirs:%a %d %b %H:%M} their time ({followup.time_zone}).\n\n"
            + fill_template(followup, rep=reminder.user))
    send_mail(f"Follow-up due: {followup.company.name}", body, None, [reminder.user.email])
    Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
