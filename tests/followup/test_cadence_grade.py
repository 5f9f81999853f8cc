"""A company graded C or D is not chased: its cadence waits for a rep's decision.

No step is planned for it, a step already planned is paused when the grade drops (no
reminder, no next follow-up), and a grade of A or B again (a rep's override, the team's
label, a new verification) plans the paused step again. Every date is fixed.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import TestCase

from followup.cadence import (
    PAUSED,
    cadence_hold,
    cadence_holds_sync,
    reminders_create,
)
from followup.models import FollowUp, Reminder
from leads import services
from leads.models import Activity, CompanyStatus, TeamSettings
from tests.leads.helpers import ingest, verified
from verification.services import fit_label_set

pytestmark = pytest.mark.django_db
RIYADH_THURSDAY_10 = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # Thu 10:00 in Riyadh
STEP_DUE = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)  # the first step: Sun 10:00 in Riyadh


@pytest.fixture
def company(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    inquiry = ingest(company="Riyadh Water Co", email="ali@riyadhwater.sa", country="SA",
                     buyer_name="Ali Hassan", product="UV lamp 40W", phone="+966 11 234 5678")
    return services.company_assign(company=verified(inquiry), owner=rep)


def contact(company, rep, at=RIYADH_THURSDAY_10):
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=at)
    company.refresh_from_db()


def regrade(company, grade):
    """A new verification grades the company (``companies_refresh``: no signal)."""
    verified(company.inquiries.get(), grade=grade, fit=0 if grade in "CD" else 80)
    company.refresh_from_db()


def scheduled(company):
    return FollowUp.objects.filter(company=company, status="scheduled").first()


def notes(company):
    return list(Activity.objects.filter(company=company, kind="note", author=None)
                .order_by("created_at", "pk").values_list("body", flat=True))


def test_no_step_is_planned_for_a_company_graded_c(rep, company):
    regrade(company, "C")
    contact(company, rep)
    assert scheduled(company) is None and company.next_followup_at is None
    paused = FollowUp.objects.get(PAUSED, company=company)  # kept for a rep's decision
    assert (paused.step.offset_days, paused.due_at) == (1, STEP_DUE)
    assert reminders_create(now=STEP_DUE + timedelta(hours=1)) == 0
    assert cadence_hold(company).startswith("Graded C: no follow-up is planned.")


def test_a_step_already_planned_pauses_when_a_verification_grades_the_company_d(rep, company):
    contact(company, rep)
    step = scheduled(company)
    assert step is not None and company.next_followup_at == step.due_at
    regrade(company, "D")
    assert scheduled(company) is not None  # the checks announce nothing: the sweep acts
    # The minute's sweep before reminders: paused, and no reminder although it is due.
    assert reminders_create(now=STEP_DUE + timedelta(hours=1)) == 0
    step.refresh_from_db()
    company.refresh_from_db()
    assert (step.status, step.done_at) == ("cancelled", None)
    assert step.note.startswith("paused: graded D")
    assert company.next_followup_at is None
    assert not Reminder.objects.filter(followup__company=company).exists()
    assert notes(company)[-1].startswith("Follow-ups paused: graded D.")
    assert cadence_holds_sync(now=STEP_DUE) == (0, 0)  # idempotent


def test_a_due_reminder_is_closed_when_the_step_pauses(rep, company):
    contact(company, rep)
    assert reminders_create(now=STEP_DUE) == 1
    regrade(company, "C")
    cadence_holds_sync(now=STEP_DUE + timedelta(minutes=1))
    assert Reminder.objects.get(followup__company=company).done_at is not None


@time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=UTC), tick=False)
def test_a_reps_override_to_b_resumes_at_once_when_the_step_was_due(rep, company):
    contact(company, rep)
    regrade(company, "C")
    cadence_holds_sync()
    assert scheduled(company) is None
    services.grade_override_set(company=company, grade="B", reason="They also run pools",
                                user=rep)
    step = scheduled(company)
    company.refresh_from_db()
    # Still to come (Sunday 10:00 Riyadh): the step keeps its moment.
    assert (step.step.offset_days, step.due_at) == (1, STEP_DUE)
    assert company.next_followup_at == STEP_DUE
    assert notes(company)[-1] == "Follow-ups resumed: graded B."
    assert not FollowUp.objects.filter(PAUSED, company=company).exists()


@time_machine.travel(datetime(2026, 12, 3, 6, 0, tzinfo=UTC), tick=False)  # Thu 09:00 Riyadh
def test_a_step_resumed_after_its_moment_goes_to_the_buyers_next_good_moment(rep, company):
    contact(company, rep)
    regrade(company, "C")
    cadence_holds_sync()
    services.grade_override_set(company=company, grade="A", reason="Called them: a buyer",
                                user=rep)
    step = scheduled(company)
    assert step.due_at == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # now: in their hours
    assert reminders_create() == 1  # chased again


def test_a_reps_override_to_c_or_d_pauses_at_once(rep, company):
    contact(company, rep)
    services.grade_override_set(company=company, grade="D", reason="Fake order scam",
                                user=rep)
    assert scheduled(company) is None
    assert FollowUp.objects.filter(PAUSED, company=company).count() == 1


def test_marking_the_company_not_a_target_pauses_and_a_target_resumes(rep, company):
    contact(company, rep)
    with TestCase.captureOnCommitCallbacks(execute=True):
        fit_label_set(company=company, is_target=False, user=rep)
    company.refresh_from_db()
    assert company.grade == "C" and scheduled(company) is None
    with (time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=UTC), tick=False),
          TestCase.captureOnCommitCallbacks(execute=True)):
        fit_label_set(company=company, is_target=True, industry="water_treatment", user=rep)
    company.refresh_from_db()
    assert company.grade == "A" and scheduled(company).due_at == STEP_DUE


def test_a_reply_ends_a_paused_cadence_for_good(rep, company):
    contact(company, rep)
    regrade(company, "C")
    cadence_holds_sync(now=STEP_DUE)
    services.reply_log(company=company, channel="email", body="Not interested", user=rep,
                       at=STEP_DUE + timedelta(days=1))
    services.grade_override_set(company=company, grade="A", reason="Wrong grade", user=rep)
    assert scheduled(company) is None
    assert not FollowUp.objects.filter(PAUSED, company=company).exists()


def test_a_closed_company_is_not_resumed(rep, company):
    contact(company, rep)
    regrade(company, "D")
    cadence_holds_sync(now=STEP_DUE)
    services.company_set_status(company=company, status=CompanyStatus.LOST, user=rep)
    regrade(company, "A")
    assert cadence_holds_sync(now=STEP_DUE) == (0, 0)
    assert scheduled(company) is None
    assert cadence_hold(company) == ""


def test_a_company_graded_a_or_b_is_chased_as_before(rep, company):
    regrade(company, "B")
    contact(company, rep)
    assert scheduled(company).due_at == STEP_DUE
    assert cadence_holds_sync(now=STEP_DUE) == (0, 0)
    assert cadence_hold(company) == ""
