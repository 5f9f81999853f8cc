from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followup.cadence import fill_template
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
    services.contact_attempt_log(company=followup.company, channel=followup.channel,
                                 outcome=Activity.Outcome.SENT, body=body, user=request.user)
    messages.success(request, _("Logged. The next follow-up of %(name)s is planned.")
                     % {"name": followup.company.name})
    return redirect("followup:reminders")


def reminder_count(request) -> dict:
    """Context processor: the badge in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_work_leads(user):
        return {}
    return {"reminder_count": _my_reminders(user).count()}


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
        "query": request.GET.urlencode(), "shared_as": page.get("shared_as"),
    })
