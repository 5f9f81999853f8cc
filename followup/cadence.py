"""Cadences: the next follow-up of each company, planned in the buyer's calendar.

Only the next step of a company is stored (one open ``FollowUp``). It is
planned from the moment the previous one was actually done, counted in the
buyer's working days, so a step delayed by a holiday, a vacation or a snooze
moves the later ones with it instead of bunching them up. A reply cancels the
open step; an out-of-office reply records a vacation and moves it instead.

A company graded C or D (doubtful, not a target industry, likely fake) is not chased:
its next step is kept **paused** (cancelled without a done time) and waits for a rep's
decision, no reminder comes. The step pauses when the grade drops to C or D and is
planned again, at the buyer's next good moment, when the grade is A or B again: a rep's
override (the company page's grade form) is the decision, and so is the team's
"target buyer" label or a new verification that grades it A or B. ``cadence_holds_sync``
does both, for one company when its grade is set by hand and for all every minute
before reminders are made (``reminders_create``), whatever changed the grade.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from followup.channels import RISKY_EMAIL
from followup.models import Cadence, CadenceStep, FollowUp, Reminder
from followup.selectors import buyer_calendar, company_next_channel
from leads.models import CLOSED_STATUSES, Activity, ChannelKind, Company

# Grades whose cadence waits for a rep's decision; those that follow up.
HELD_GRADES = ("C", "D")
CHASED_GRADES = ("A", "B")
# A paused step: cancelled, not done (a reply or a closed status gives it a done time).
PAUSED = Q(status=FollowUp.Status.CANCELLED, done_at__isnull=True)
HOLDS_PER_RUN = 500  # steps paused or resumed per sweep; the next sweep goes on
# The default cadence's name as migration 0005 creates it (shown translated).
DEFAULT_CADENCE_NAME = gettext_noop("Default: 1, 3, 7, 14, 30 business days")


def default_cadence() -> Cadence | None:
    return Cadence.objects.filter(is_default=True, active=True).first()


def step_channel(company: Company, step: CadenceStep, number: int, *,
                 channels=None) -> str:
    """The step's channel; ``auto`` is the one next channel (``followup.channels``):
    email while it works and was not ignored, else the buyer country's most used
    channel we can reach them on (a mobile number counts for WhatsApp). With nothing
    to reach them on, email, to ask for the channel the page names."""
    if step.channel != CadenceStep.AUTO:
        return step.channel
    found = company_next_channel(
        company, list(company.channels.all()) if channels is None else channels, step=number)
    return ChannelKind.EMAIL if found.ask else found.kind


def step_number(followup: FollowUp) -> int:
    """Which step of its cadence ``followup`` is for the buyer (1 = the first)."""
    return FollowUp.objects.filter(company_id=followup.company_id,
                                   step__cadence=followup.step.cadence_id,
                                   status=FollowUp.Status.DONE).count() + 1


def followup_channel(followup: FollowUp, *, channels=None) -> str:
    """The channel ``followup`` goes out on now: for an ``auto`` step worked out from
    what is known now (as the company page's next channel), else the step's own."""
    if followup.step.channel != CadenceStep.AUTO:
        return followup.channel
    return step_channel(followup.company, followup.step, step_number(followup),
                        channels=channels)


def cadence_channel_refresh(company: Company) -> FollowUp | None:
    """The open ``auto`` step's channel worked out again from what is known now (an
    address found risky, a number added): the page, the step and its reminder then name
    the same channel. Returns the step when its channel changed."""
    current = (FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED)
               .select_related("step").first())
    if current is None or current.step.channel != CadenceStep.AUTO:
        return None
    channel = followup_channel(current)
    if channel == current.channel:
        return None
    current.channel = channel
    current.save(update_fields=["channel"])
    return current


def _plan(company: Company, step: CadenceStep, *, base: datetime, days: int,
          number: int) -> FollowUp | None:
    """The step ``days`` business days after ``base``; paused at once when the company's
    grade holds its cadence (it waits for a rep's decision)."""
    calendar = buyer_calendar(company)
    if calendar is None:
        return None
    moment = calendar.add_business_days(base, days)
    note = "; ".join(f"{off.day:%a %d %b}: {off.reason}" for off in moment.skipped
                     if off.kind != "weekend")
    held = company.grade in HELD_GRADES
    followup = FollowUp.objects.create(
        company=company, step=step, due_at=moment.utc, time_zone=calendar.zone.key,
        channel=step_channel(company, step, number),
        note=(_paused_note(company.grade) if held else note)[:500],
        status=FollowUp.Status.CANCELLED if held else FollowUp.Status.SCHEDULED)
    Company.objects.filter(pk=company.pk).update(
        next_followup_at=None if held else followup.due_at)
    return None if held else followup


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
        return None  # the cadence ran its course, a reply stopped it, or it is paused
    cadence = default_cadence()
    first = cadence.steps.first() if cadence else None
    if first is None:
        return None
    return _plan(company, first, base=at, days=first.offset_days, number=1)


def cadence_channel_lost(company: Company, *, channel: str, why: str) -> FollowUp | None:
    """A channel stopped working (our email bounced): the open step moves to the one next
    channel without it (``followup.channels``; the channel to ask for when nothing else
    is on file), and says why."""
    current = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED,
                                      channel=channel).first()
    if current is None:
        return None
    channels = [c for c in company.channels.filter(bounced_at__isnull=True)
                if c.kind != channel]
    found = company_next_channel(company, channels, step=max(2, step_number(current)))
    current.channel = found.kind
    current.note = f"{why}; next: {ChannelKind(found.kind).label}"[:500]
    current.save(update_fields=["channel", "note"])
    return current


def cadence_stop(company: Company, *, at: datetime | None = None) -> int:
    """A reply (from any address of the company) or a closed status ends the cadence,
    a paused one too (it is not resumed when the grade rises again)."""
    stopped = FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED).update(
        status=FollowUp.Status.CANCELLED, done_at=at or timezone.now())
    FollowUp.objects.filter(PAUSED, company=company).update(done_at=at or timezone.now())
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


# --- a cadence that waits for a rep's decision (grades C and D) ----------------------


def _paused_note(grade: str) -> str:
    return (f"paused: graded {grade}; waits for a rep's decision (a grade of A or B "
            f"resumes it)")


def cadence_pause(company: Company, *, now: datetime | None = None) -> FollowUp | None:
    """The open step of a company graded C or D waits for a rep's decision: it is paused
    (no reminder, no next follow-up shown), and the history says so."""
    now = now or timezone.now()
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        current = FollowUp.objects.filter(company=company,
                                          status=FollowUp.Status.SCHEDULED).first()
        if current is None or company.grade not in HELD_GRADES:
            return None
        current.status, current.note = FollowUp.Status.CANCELLED, _paused_note(company.grade)
        current.save(update_fields=["status", "note"])
        Reminder.objects.filter(followup=current, done_at__isnull=True).update(done_at=now)
        Company.objects.filter(pk=company.pk).update(next_followup_at=None)
        Activity.objects.create(
            company=company, kind=Activity.Kind.NOTE, created_at=now,
            body=f"Follow-ups paused: graded {company.grade}. They wait for a rep's "
                 f"decision: set the grade to A or B to follow up.")
    return current


def cadence_resume(company: Company, *, now: datetime | None = None) -> FollowUp | None:
    """A company graded A or B again (a rep's override, the team's label, a new
    verification): its paused step is planned again, when it was due if that is still
    to come, else at the buyer's next good moment."""
    now = now or timezone.now()
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        paused = (FollowUp.objects.filter(PAUSED, company=company).select_related("step")
                  .order_by("-created_at", "-pk").first())
        if (paused is None or company.grade not in CHASED_GRADES
                or company.status in CLOSED_STATUSES
                or FollowUp.objects.filter(company=company,
                                           status=FollowUp.Status.SCHEDULED).exists()):
            return None
        calendar = buyer_calendar(company)
        if calendar is None:
            return None
        FollowUp.objects.filter(PAUSED, company=company).update(done_at=now)
        due = paused.due_at if paused.due_at > now else calendar.next_moment(now).utc
        done = FollowUp.objects.filter(company=company, step__cadence=paused.step.cadence_id,
                                       status=FollowUp.Status.DONE).count()
        followup = FollowUp.objects.create(
            company=company, step=paused.step, due_at=due, time_zone=calendar.zone.key,
            channel=step_channel(company, paused.step, done + 1), created_at=now,
            note=f"resumed: graded {company.grade}")
        Company.objects.filter(pk=company.pk).update(next_followup_at=due)
        Activity.objects.create(company=company, kind=Activity.Kind.NOTE, created_at=now,
                                body=f"Follow-ups resumed: graded {company.grade}.")
    return followup


def cadence_holds_sync(*, company_ids=None, now: datetime | None = None) -> tuple[int, int]:
    """Pause the open steps of companies graded C or D, resume the paused steps of those
    graded A or B again (idempotent); returns (paused, resumed). ``company_ids``: only
    these (a grade set by hand), else every company, ``HOLDS_PER_RUN`` of each at most."""
    now = now or timezone.now()
    to_pause = FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED,
                                       company__grade__in=HELD_GRADES)
    to_resume = FollowUp.objects.filter(PAUSED, company__grade__in=CHASED_GRADES).exclude(
        company__status__in=CLOSED_STATUSES)
    if company_ids is not None:
        to_pause = to_pause.filter(company_id__in=company_ids)
        to_resume = to_resume.filter(company_id__in=company_ids)
    paused = resumed = 0
    for company in Company.objects.filter(
            pk__in=to_pause.values("company_id")[:HOLDS_PER_RUN]):
        paused += cadence_pause(company, now=now) is not None
    for company in Company.objects.filter(
            pk__in=to_resume.values("company_id")[:HOLDS_PER_RUN]):
        resumed += cadence_resume(company, now=now) is not None
    return paused, resumed


def cadence_hold(company: Company) -> str:
    """What the company page says while the cadence waits for a rep's decision ("" when it
    does not), in the reader's language."""
    if company.grade not in HELD_GRADES or company.status in CLOSED_STATUSES:
        return ""
    return gettext("Graded %(grade)s: no follow-up is planned. Set the grade to A or B "
                   "(with your reason) to follow up anyway.") % {"grade": company.grade}


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


def fill_template(followup: FollowUp, *, rep=None, attachments: tuple[str, ...] = ()) -> str:
    """The step's message with the buyer's details and the offer's deadline;
    ``{attachments}`` names the files sent with it (``attachments``), or goes away."""
    import re

    from followup.attachments import attached_sentence

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
        "attachments": attached_sentence(list(attachments)),
    }
    text = step.template
    if not attachments:  # nothing attached: its paragraph goes, not only the word
        text = re.sub(r"\n[ \t]*\{attachments\}[ \t]*\n(?=\n)|[ \t]?\{attachments\}", "",
                      text)
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
    """Turn due steps into reminders for their owners, each exactly once; first the
    steps of companies graded C or D are paused, those graded A or B again resumed.

    The one-to-one on ``Reminder.followup`` is the guarantee: of two runs at
    the same time, the second insert fails and is skipped.
    """
    now = now or timezone.now()
    cadence_holds_sync(now=now)  # a company graded C or D meanwhile is not chased
    # An address found risky since the step was planned: its email step moves on.
    for company in Company.objects.filter(
            email_status__in=RISKY_EMAIL,
            followups__status=FollowUp.Status.SCHEDULED, followups__channel=ChannelKind.EMAIL,
            followups__step__channel=CadenceStep.AUTO).distinct()[:HOLDS_PER_RUN]:
        cadence_channel_refresh(company)
    created = 0
    candidates = (FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED,
                                          due_at__lte=now + timedelta(days=2),
                                          reminder__isnull=True, company__owner__isnull=False)
                  .exclude(company__grade__in=HELD_GRADES)
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
