"""The screens of issue 9 write the same HTML as before they were made faster.

The inbox row is written in Python (``leads_tags.inbox_row``), select boxes by
``leads.forms.FastSelect``, choice labels by ``choice_label``: each is compared here with
what Django's templates and widgets write for the same data, in English and Chinese.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django import forms
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from followup.desk import inbox_rows
from followup.models import ChannelRanking
from followup.selectors import channel_rankings, suggested_channels
from leads import services
from leads.filters import CompanyFilter
from leads.forms import (
    AssignForm,
    BuyerCalendarForm,
    ChannelForm,
    ContactAttemptForm,
    FastSelect,
    GradeOverrideForm,
    ReplyForm,
    SegmentForm,
    StatusForm,
)
from leads.models import Activity, Company, CompanyStatus, TeamSettings
from leads.selectors import company_list
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db

# leads/_inbox_row.html as it was before the row was written in Python.
ROW_TEMPLATE = (Path(__file__).parent / "fixtures" / "screens" / "inbox_row_template.html"
                ).read_text()


@pytest.fixture(autouse=True)
def _no_round_robin(db):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()


@pytest.fixture
def varied(rep):
    """Companies with something of every cell: pending, overridden, silent, overdue..."""
    now = timezone.now()
    silent = verified(ingest(company='Hudson <Water> & "Sons"', email="joe@hudson.com",
                             country="US", phone="+1 212 555 0100",
                             product="UV lamp " * 20, received_at="2026-11-02 10:00"),
                      email_status="risky", website_status="parked", grade="B")
    services.company_assign(company=silent, owner=rep)
    services.contact_attempt_log(company=silent, channel="email", outcome="sent", user=rep,
                                 at=now - timedelta(days=9))
    ingest(company="Hudson Water", email="ann@hudson.com", country="US")  # two inquiries
    pending = ingest(company="Pending Co", email="p@pending.example", country="DE").company
    overridden = verified(ingest(company="Spree Filter", email="d@spree.de", country="DE"),
                          grade="C")
    services.grade_override_set(company=overridden, grade="A", reason="met them", user=rep)
    nowhere = verified(ingest(company="Nowhere Ltd", email="x@nowhere.example"), fit=0,
                       website_status="none")
    closed = verified(ingest(company="Won Trading", email="w@won.example", country="SA"))
    services.company_set_status(company=closed, status=CompanyStatus.WON, user=rep)
    Company.objects.filter(pk=overridden.pk).update(next_followup_at=now - timedelta(hours=3))
    Company.objects.filter(pk=nowhere.pk).update(next_followup_at=now + timedelta(days=2))
    return [silent, pending, overridden, nowhere, closed]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_inbox_row_is_the_template_it_replaced(varied, manager, language):
    engine = engines["django"]
    reference = engine.from_string(ROW_TEMPLATE)
    fast = engine.from_string("{% load leads_tags %}{% inbox_row row oob %}\n")
    with translation.override(language):
        rows = inbox_rows(company_list(user=manager))
        assert len(rows) == 5 and any(row["why"] for row in rows)
        for row in rows:
            for oob in (False, True):
                assert fast.render({"row": row, "oob": oob}) == reference.render(
                    {"row": row, "oob": oob}), row["company"].name


def compare(bound) -> None:
    """A FastSelect bound field writes what Django's Select writes."""
    fast = str(bound)
    widget = bound.field.widget
    fast_class, widget.__class__ = widget.__class__, forms.Select
    try:
        assert fast == str(bound)
    finally:
        widget.__class__ = fast_class
    assert str(bound) == fast  # and again, from its memory


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_fast_selects_write_what_django_writes(varied, manager, rep, language):
    company = varied[0]
    with translation.override(language):
        for data in ({}, {"country": "US", "owner": str(rep.pk), "platform": "email",
                          "email_status": "risky", "segment": "current"},
                     {"country": "ZZ", "owner": "nobody"}):
            form = CompanyFilter(data, queryset=company_list(user=manager), user=manager).form
            for name in ("country", "owner", "platform", "email_status", "website_status",
                         "segment"):
                compare(form[name])
        for form in (BuyerCalendarForm(), BuyerCalendarForm(initial={"time_zone": "Asia/Tokyo"}),
                     StatusForm(initial={"status": "won"}), SegmentForm(),
                     GradeOverrideForm(initial={"grade": "B"}),
                     AssignForm(initial={"owner": rep.pk}),
                     ContactAttemptForm(initial={"channel": "email", "outcome": "sent"}),
                     ReplyForm(initial={"channel": "whatsapp"}), ChannelForm(company=company),
                     StatusForm({"status": "nonsense"})):
            for bound in form:
                if isinstance(bound.field.widget, FastSelect):
                    compare(bound)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_remembered_widgets_are_what_django_draws(varied, manager, rep, language):
    from django.forms.renderers import DjangoTemplates

    from leads.forms import NoteForm, SnoozeForm, VacationForm

    django_renderer = DjangoTemplates()
    company = varied[0]
    filter_data = [{}, {"q": '<b>"aqua"</b>', "grade": ["A", "C"], "status": ["new", "won"],
                        "fit_min": "3", "awaiting": "1", "received_after": "2026-01-02"},
                   {"grade": "Z", "fit_min": "x"}]
    forms_ = [CompanyFilter(data, queryset=company_list(user=manager), user=manager).form
              for data in filter_data]
    forms_ += [NoteForm(), NoteForm({"body": "<script>alert(1)</script> & more"}),
               ReplyForm({"channel": "email", "body": "ok", "away_until": "2026-13-01"}),
               SnoozeForm(initial={"until": datetime(2026, 12, 1).date()}), VacationForm(),
               VacationForm({"first_day": "2026-12-02", "last_day": "2026-12-01", "note": "x"}),
               StatusForm({"status": "won", "note": '"quoted"'}),
               BuyerCalendarForm({"subdivision": "CA", "business_hours": "25:00-26:00"}),
               ChannelForm(company=company),
               ChannelForm({"kind": "phone", "value": "+1", "is_emergency": "on"},
                           company=company)]
    with translation.override(language):
        for form in forms_:
            form.is_bound and form.is_valid()
            for bound in form:
                drawn = [str(bound) for _ in range(2)]  # drawn, then remembered
                form.renderer = django_renderer
                assert drawn == [str(bound)] * 2, bound.name
                form.renderer = form.default_renderer
            if "grade" in form.fields:  # the inbox draws each grade box on its own
                assert [box.tag() for box in form["grade"]] == [box.parent_widget._render(
                    box.template_name, {"widget": {**box.data, "wrap_label": False}},
                    django_renderer) for box in form["grade"]]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_choice_labels_are_the_display_values(varied, rep, language):
    Activity.objects.create(company=varied[0], kind="status_change", from_status="new",
                            to_status="bogus", channel="wechat", outcome="bounced")
    engine = engines["django"]
    label = engine.from_string("{% load leads_tags %}{{ obj|choice_label:field }}")
    with translation.override(language):
        for activity in Activity.objects.all():
            for field in ("kind", "from_status", "to_status", "channel", "outcome"):
                assert label.render({"obj": activity, "field": field}) == str(
                    getattr(activity, f"get_{field}_display")())
        for company in Company.objects.all():
            for field in ("status", "segment", "assigned_via", "platform"):
                assert label.render({"obj": company, "field": field}) == str(
                    getattr(company, f"get_{field}_display")())


def test_rankings_are_cached_and_forgotten_when_saved(client, admin_user):
    assert [s.channel for s in suggested_channels("BR", set())][:1] == ["whatsapp"]
    ChannelRanking.objects.filter(country="BR").delete()
    ChannelRanking.objects.create(country="BR", channel="telegram", rank=1)
    assert channel_rankings()["BR"] == ["telegram"]  # a save empties the cache
    client.force_login(admin_user)
    client.post(reverse("settings:ranking"), {"country": "BR", "channels": "wechat\nphone"})
    assert [s.channel for s in suggested_channels("br", set())] == ["wechat", "phone"]


def test_silent_codes_without_words_are_the_codes_with_words(varied):
    from followup.selectors import calendars_for
    from followup.silence import why_no_reply

    companies = list(Company.objects.all())
    calendars = calendars_for(companies)
    for now in (timezone.now(), datetime(2026, 12, 25, 15, 0, tzinfo=UTC),
                datetime(2027, 1, 2, 3, 0, tzinfo=UTC)):
        for company in companies:
            if company.last_contact_at and company.last_contact_at > now:
                continue
            for channels in (set(), {"whatsapp"}, {"phone", "email"}):
                words = why_no_reply(company, calendars[company.pk], channels=channels, now=now)
                codes = why_no_reply(company, calendars[company.pk], channels=channels,
                                     now=now, text=False)
                assert [r.code for r in codes] == [r.code for r in words]
                assert all(r.text for r in words) and not any(r.text for r in codes)
