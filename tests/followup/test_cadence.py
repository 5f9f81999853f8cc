"""Cadences: planned in the buyer's calendar, moved as one, stopped by a reply; reminders."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from followup.cadence import cadence_postpone, remind_moment, reminders_create
from followup.models import FollowUp, Reminder
from followup.tasks import remind_due
from leads import services
from leads.models import ChannelKind, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db
RIYADH_THURSDAY_10 = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # Thu 10:00 in Riyadh


@pytest.fixture
def saudi(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(company="Riyadh Water Co", email="ali@riyadhwater.sa",
                              country="SA", buyer_name="Ali Hassan", product="UV lamp 40W",
                              phone="+966 11 234 5678"))
    return services.company_assign(company=company, owner=rep)


def open_step(company):
    return FollowUp.objects.get(company=company, status="scheduled")


def local(followup):
    from zoneinfo import ZoneInfo

    return followup.due_at.astimezone(ZoneInfo(followup.time_zone)).strftime("%a %Y-%m-%d %H:%M")


def test_first_contact_starts_the_default_cadence_in_the_buyers_week(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    step = open_step(saudi)
    # One business day after a Thursday in Saudi Arabia is Sunday (Fri–Sat weekend).
    assert (step.step.offset_days, local(step), step.time_zone) == (
        1, "Sun 2026-11-29 10:00", "Asia/Riyadh")
    saudi.refresh_from_db()
    assert saudi.next_followup_at == step.due_at


def test_doing_a_step_late_moves_the_later_ones(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    # Step 1 (due Sunday) is done a week late; step 2 (day 3) is two business days later.
    late = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)  # Sun 11:00 Riyadh
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=late)
    step = open_step(saudi)
    assert (step.step.offset_days, local(step)) == (3, "Tue 2026-12-08 11:00")


def test_later_steps_use_the_countrys_channel_on_file_when_email_is_ignored(rep, saudi):
    ContactChannel.objects.create(company=saudi, kind=ChannelKind.WHATSAPP,
                                  value="+966 50 123 4567")
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    assert open_step(saudi).channel == "email"
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10 + timedelta(days=3))
    assert open_step(saudi).channel == "whatsapp"  # no ranking for SA: on file, messaging


def test_risky_email_goes_to_the_most_used_channel_at_once(rep):
    company = verified(ingest(company="Berlin Wasser", email="a@berlinwasser.de",
                              country="DE"), email_status="risky")
    services.company_assign(company=company, owner=rep)
    for kind, value in ((ChannelKind.FACEBOOK, "berlinwasser"),
                        (ChannelKind.WHATSAPP, "+49 151 2345678")):
        ContactChannel.objects.create(company=company, kind=kind, value=value)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep)
    assert open_step(company).channel == "whatsapp"  # Germany: WhatsApp first, then Facebook


def test_a_reply_from_another_address_stops_the_cadence(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    other = ingest(company="Riyadh Water Co", email="procurement@riyadhwater.sa", country="SA")
    assert other.company_id == saudi.pk
    services.reply_log(company=saudi, channel="email", body="Send a quote", user=rep)
    assert not FollowUp.objects.filter(company=saudi, status="scheduled").exists()
    saudi.refresh_from_db()
    assert saudi.next_followup_at is None and saudi.status == "replied"


@pytest.mark.parametrize("days_after_due", [-1, 2], ids=["before-due", "overdue"])
def test_out_of_office_records_a_vacation_and_moves_the_step(rep, saudi, days_after_due):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    due = open_step(saudi).due_at
    back = due.date() + timedelta(days=5)
    # The out-of-office reply comes a day before the step is due, or two days after it
    # (the step is overdue then): either way the buyer is away today, so the step moves.
    services.reply_log(company=saudi, channel="email", body="I am away", user=rep,
                       away_until=back, at=due + timedelta(days=days_after_due))
    step = open_step(saudi)  # still planned
    assert step.due_at.date() > back
    assert saudi.vacations.get().last_day == back
    saudi.refresh_from_db()
    assert saudi.status == "contacted"


def test_a_vacation_already_over_leaves_an_overdue_step_overdue(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    due = open_step(saudi).due_at
    services.reply_log(company=saudi, channel="email", body="I was away", user=rep,
                       away_until=due.date() + timedelta(days=1),
                       at=due + timedelta(days=6))
    assert open_step(saudi).due_at == due


def test_snooze_moves_the_step(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    cadence_postpone(saudi, until=date(2026, 12, 10))
    assert local(open_step(saudi)) == "Thu 2026-12-10 09:00"


def test_closing_the_company_stops_the_cadence(rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep)
    services.company_set_status(company=saudi, status="lost")
    assert not FollowUp.objects.filter(company=saudi, status="scheduled").exists()


def test_reminder_in_the_reps_night_comes_at_the_start_of_their_day(settings):
    settings.TEAM_TIME_ZONE, settings.TEAM_COUNTRY = "Asia/Shanghai", "CN"
    # 09:00 in New York on Tue 1 Dec = 22:00 in Shanghai: remind at 09:00 Shanghai.
    due = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert remind_moment(due) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    # Inside the team's hours: at the moment itself.
    inside = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert remind_moment(inside) == inside
    # Early morning Monday in Shanghai: the previous working day's start (Friday).
    early = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)  # Mon 05:00 Shanghai
    assert remind_moment(early) == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_reminders_appear_once_with_the_filled_template(client, rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    step = open_step(saudi)
    assert reminders_create(now=step.due_at - timedelta(days=3)) == 0
    assert reminders_create(now=step.due_at + timedelta(minutes=1)) == 1
    assert reminders_create(now=step.due_at + timedelta(minutes=2)) == 0
    Reminder.objects.update(remind_at=datetime(2026, 1, 1, tzinfo=UTC))
    client.force_login(rep)
    html = client.get(reverse("followup:reminders")).content.decode()
    assert "Dear Ali Hassan" in html and "UV lamp 40W" in html
    assert "Aim for <strong>Sun 29 Nov 10:00</strong> their time" in html
    assert '<span class="badge"' in client.get(reverse("leads:inbox")).content.decode()
    reminder = Reminder.objects.get()
    client.post(reverse("followup:reminder-sent", args=[reminder.pk]), {"body": "Hello Ali"})
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert open_step(saudi).step.offset_days == 3
    assert saudi.activities.filter(kind="contact_attempt", body="Hello Ali").exists()


def test_another_reps_reminder_is_404(client, other_rep, rep, saudi):
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    reminders_create(now=open_step(saudi).due_at + timedelta(minutes=1))
    client.force_login(other_rep)
    reminder = Reminder.objects.get()
    assert client.post(reverse("followup:reminder-sent", args=[reminder.pk])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reminder_task_run_twice_at_once_makes_one_reminder_per_step(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    companies = []
    for n in range(6):
        # Graded B: the checks would grade these made-up domains D, which are not chased.
        company = verified(ingest(company=f"Buyer {n}", email=f"a@buyer{n}.de", country="DE"),
                           grade="B", fit=30)
        services.company_assign(company=company, owner=rep)
        services.contact_attempt_log(company=company, channel="email", outcome="sent",
                                     user=rep, at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
        companies.append(company)
    barrier, counts = threading.Barrier(2), []

    def run():  # the periodic task itself, twice at the same moment
        try:
            barrier.wait()
            counts.append(remind_due.apply().get())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 6
    assert Reminder.objects.count() == 6
    assert set(Reminder.objects.values_list("followup__company", flat=True)) == {
        c.pk for c in companies}


def test_reminders_can_also_go_by_email(settings, rep, saudi, mailoutbox):
    settings.LEADQUAL_REMINDER_EMAILS = True
    rep.email = "lily@leadqual.test"
    rep.save()
    services.contact_attempt_log(company=saudi, channel="email", outcome="sent", user=rep,
                                 at=RIYADH_THURSDAY_10)
    reminders_create(now=open_step(saudi).due_at + timedelta(minutes=1))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lily@leadqual.test"] and "Riyadh Water Co" in message.subject
    assert "Aim for Sun 29 Nov 10:00 their time (Asia/Riyadh)" in message.body
    assert Reminder.objects.get().emailed_at is not None
