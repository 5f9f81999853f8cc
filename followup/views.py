from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followup.cadence import fill_template, followup_channel
from followup.calendar import team_calendar
from followup.models import Reminder
from followup.selectors import calendars_for, company_clock
from leads import services
from leads.models import Activity
from leads.roles import can_work_leads


def _my_reminders(user):
    return (Reminder.objects.filter(user=user, done_at__isnull=True,
                                    remind_at__lte=timezone.now(),
                                    followup__status="scheduled")
            .select_related("followup__step", "followup__company").order_by("followup__due_at"))


@login_required
def reminders(request):
    """The rep's due follow-ups: when to aim for (their time and ours), how, what to send."""
    if not can_work_leads(request.user):
        raise PermissionDenied
    due = list(_my_reminders(request.user))
    calendars = calendars_for([r.followup.company for r in due])
    now = timezone.now()
    rows = [{
        "reminder": reminder,
        "company": reminder.followup.company,
        "channel": followup_channel(reminder.followup),
        "clock": company_clock(reminder.followup.company, now,
                               calendars[reminder.followup.company_id])
        if calendars[reminder.followup.company_id] else None,
        "message": fill_template(reminder.followup, rep=request.user),
        "overdue": reminder.followup.due_at < now - timedelta(hours=12),
    } for reminder in due]
    return render(request, "followup/reminders.html", {"rows": rows})


@login_required
@require_POST
def reminder_sent(request, pk: int):
    """The rep sent the step's message: log the contact; the next step gets planned."""
    if not can_work_leads(request.user):  # a role taken away leaves old reminders behind
        raise PermissionDenied
    reminder = get_object_or_404(_my_reminders(request.user), pk=pk)
    followup = reminder.followup
    body = request.POST.get("body", "").strip()[:10_000] or fill_template(followup,
                                                                          rep=request.user)
    services.contact_attempt_log(company=followup.company, channel=followup_channel(followup),
                                 outcome=Activity.Outcome.SENT, body=body, user=request.user)
    messages.success(request, _("Logged. The next follow-up of %(name)s is planned.")
                     % {"name": followup.company.name})
    return redirect("followup:reminders")


def reminder_count(request) -> dict:
    """Context processor: the badges in the top bar (work and due follow-ups), each
    counted only when a page shows it."""
    from functools import cache

    from followup.queue import work_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_work_leads(user):
        return {}
    return {"reminder_count": cache(lambda: _my_reminders(user).count()),
            "work_count": cache(lambda: work_count(user))}


@login_required
def work(request):
    """The start page: the companies that need a rep now, in the order that wins business.

    A rep sees their own and the pool's unanswered A and B leads. A manager sees the
    team (work per rep, the pool's unanswered leads) or, with ``?rep=``, one rep's queue.
    """
    from django.contrib.auth import get_user_model

    from followup import queue
    from leads.roles import is_manager

    if not can_work_leads(request.user):
        raise PermissionDenied
    now = timezone.now()
    manager = is_manager(request.user)
    companies = queue.work_companies(now)
    rep = request.user
    if manager:
        chosen = request.GET.get("rep", "")
        rep = (get_object_or_404(get_user_model(), pk=int(chosen)) if chosen.isdigit()
               else None)
    rows, kinds = queue.queue_page(companies.filter(owner=rep), now=now) if rep else ([], {})
    pool, pool_kinds = queue.queue_page(companies.filter(owner__isnull=True, work_kind=0),
                                        now=now)
    team = queue.team_summary(companies, now=now) if manager and rep is None else []
    return render(request, "followup/work.html", {
        "rep": rep, "own": rep == request.user, "rows": rows, "pool": pool,
        "pool_total": pool_kinds["total"], "team": team, "manager": manager,
        "kinds": kinds, "target": queue.first_response_minutes(),
        "more": any(kinds.get(kind, 0) > queue.SHOWN_PER_KIND for kind in queue.KINDS),
        "per_kind": queue.SHOWN_PER_KIND,
        "team_day": team_calendar().window_minutes, "now": now,
    })


def _period(request):
    from datetime import date, timedelta

    from followup.dashboard import Period

    today = timezone.localdate()

    def parse(name, default):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    start, end = parse("start", today - timedelta(days=90)), parse("end", today)
    return Period(min(start, end), max(start, end))


@login_required
def dashboard(request):
    """Managers' view of silence and response; every table also as CSV (?csv=name)."""
    import csv

    from django.http import HttpResponse

    from followup import dashboard as figures
    from leads.roles import is_manager

    if not is_manager(request.user):
        raise PermissionDenied
    period = _period(request)
    try:
        min_days = max(0.0, float(request.GET.get("days", "3")))
    except ValueError:
        min_days = 3.0
    page = figures.page_cached(period, min_days)
    tables = page["tables"]
    name = request.GET.get("csv")
    if name in tables:
        from leads.exporting import neutralise

        header, rows = tables[name]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="leadqual-{name}-'
                                           f'{period.start}-{period.end}.csv"')
        writer = csv.writer(response)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(value) for value in row])
        return response
    return render(request, "followup/dashboard.html", {
        "period": period, "min_days": min_days, "silent": page["silent"],
        "silent_total": page["silent_total"], "tables": tables, "groups": page["groups"],
        "first_answer_chart": page["first_answer_chart"],
        "query": request.GET.urlencode(), "shared_as": page.get("shared_as"),
    })
