"""Dashboard figures against values computed by hand on a fixed data set."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from followup import dashboard as figures
from followup.dashboard import Period
from leads import services
from leads.models import TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # Monday 10:00 New York, 16:00 Berlin
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def data(rep, other_rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    # A: New York, contacted Wed 25 Nov 16:00 local; Thanksgiving follows; no reply.
    a = verified(ingest(company="Hudson Water", email="joe@hudsonwater.com", country="US",
                        phone="+1 212 555 0100", received_at="2026-11-20 10:00"),
                 grade="A", fit=80)
    # B: Germany, contacted 19 Nov, replied 24 hours later, now quoting.
    b = verified(ingest(company="Rhein Aqua", email="b@rheinaqua.de", country="DE",
                        platform="made-in-china", received_at="2026-11-18 10:00"),
                 grade="B", fit=30)
    # C: a fake from a web form, never contacted.
    verified(ingest(company="Quick Money", email="x@quickmoney.vn", country="VN",
                    platform="web", received_at="2026-11-21 10:00"), grade="D", fit=0)
    # D: Germany, contacted Mon 16 Nov 10:00 local, silent since.
    d = verified(ingest(company="Spree Filter", email="d@spreefilter.de", country="DE",
                        received_at="2026-11-10 10:00"), grade="A", fit=90)
    for company, owner in ((a, rep), (b, other_rep), (d, rep)):
        services.company_assign(company=company, owner=owner)
    services.contact_attempt_log(company=a, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 25, 21, 0, tzinfo=UTC))
    services.contact_attempt_log(company=b, channel="email", outcome="sent", user=other_rep,
                                 at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC))
    services.reply_log(company=b, channel="email", user=other_rep,
                       at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    services.company_set_status(company=b, status="quoting")
    services.contact_attempt_log(company=d, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    return {"a": a, "b": b, "d": d}


def test_funnel(data):
    assert figures.funnel(NOVEMBER) == [
        ("inquiries", 4), ("genuine", 3), ("target", 2), ("contacted", 3), ("replied", 1),
        ("quoting", 1), ("won", 0)]


def test_fake_share_by_platform(data):
    rows = {r["platform"]: (r["total"], r["fake"], r["share"])
            for r in figures.fake_share(NOVEMBER)}
    assert rows == {"alibaba": (2, 0, 0), "made-in-china": (1, 0, 0), "web": (1, 1, 100.0)}


def test_business_days_of_silence_across_thanksgiving(data):
    silent = {s.company.name: s for s in figures.awaiting(NOVEMBER, min_days=1, now=NOW)}
    # New York: Wed 16–17 (60 min), Thu Thanksgiving, Fri 480, Mon 9–10 (60) = 600 / 480.
    assert silent["Hudson Water"].business_days == 1.2  # 1.25 rounded half to even
    # Berlin: Mon 16 10–17 (420), Tue–Fri 4×480, next week 5×480, Mon 30 9–16 (420).
    assert silent["Spree Filter"].business_days == 10.8  # 5160 / 480 = 10.75
    assert "Rhein Aqua" not in silent  # replied
    assert [s.company.name for s in figures.awaiting(NOVEMBER, min_days=3, now=NOW)] == [
        "Spree Filter"]
    # Hudson Water: 1.2 business days, within the usual two: Thanksgiving explains it.
    # Spree Filter: ten days, longer than its two weekends explain: plain silence (its
    # missing channel is a secondary reason, not counted). Each company counts once.
    counts = figures.reason_counts(list(silent.values()))
    assert dict(counts) == {"holiday": 1, "silence": 1}
    assert sum(n for _code, n in counts) == len(silent)
    assert "no_other_channel" in silent["Spree Filter"].codes
    assert any("Thanksgiving" in r.text for r in silent["Hudson Water"].reasons)


def test_groups_of_the_silent(data):
    silent = figures.awaiting(NOVEMBER, min_days=1, now=NOW)
    groups = figures.group_counts(silent)
    assert groups["rep"] == [("lily", 2)]
    assert sorted(groups["country"]) == [("DE", 1), ("US", 1)]
    assert groups["grade"] == [("A", 2)]
    assert groups["platform"] == [("Alibaba.com", 2)]


def test_reply_rate_and_medians_by_rep(data):
    rows = {r["key"]: r for r in figures.response(NOVEMBER, "rep")}
    assert (rows["lily"]["contacted"], rows["lily"]["replied"], rows["lily"]["rate"]) == (
        2, 0, 0.0)
    kevin = rows["kevin"]
    assert (kevin["contacted"], kevin["replied"], kevin["rate"]) == (1, 1, 100.0)
    assert kevin["median_reply_hours"] == 24.0
    # Received 18 Nov 10:00 Shanghai = 02:00 UTC; first contact 19 Nov 09:00 UTC: 31 hours.
    assert kevin["median_first_response_hours"] == 31.0
    months = {r["key"]: r["contacted"] for r in figures.response(NOVEMBER, "month")}
    assert months == {"2026-11": 3}


def test_response_by_country_and_platform(data):
    countries = {r["key"]: r for r in figures.response(NOVEMBER, "country")}
    de, us = countries["DE"], countries["US"]
    assert (de["contacted"], de["replied"], de["rate"], de["median_reply_hours"]) == (
        2, 1, 50.0, 24.0)
    # First responses: Rhein Aqua 31 h, Spree Filter 151 h (10 Nov 02:00 → 16 Nov 09:00 UTC).
    assert de["median_first_response_hours"] == 91.0
    # Hudson Water: received 20 Nov 02:00 UTC, contacted 25 Nov 21:00 UTC.
    assert (us["contacted"], us["replied"], us["median_reply_hours"],
            us["median_first_response_hours"]) == (1, 0, None, 139.0)
    platforms = {r["key"]: (r["contacted"], r["replied"])
                 for r in figures.response(NOVEMBER, "platform")}
    assert platforms == {"alibaba": (2, 0), "made-in-china": (1, 1)}


def test_overdue_follow_ups_per_rep(data):
    rows = figures.overdue_by_rep(now=NOW)
    assert [(r["company__owner__username"], r["n"]) for r in rows] == [("lily", 2)]


def test_page_csv_and_access(client, rep, manager, data):
    client.force_login(rep)
    assert client.get(reverse("followup:dashboard")).status_code == 403
    client.force_login(manager)
    url = reverse("followup:dashboard") + "?start=2026-11-01&end=2026-11-30&days=0"
    html = client.get(url).content.decode()
    assert "Funnel" in html and 'id="table-funnel"' in html and "<svg" in html
    assert "Spree Filter" in html
    csv = client.get(url + "&csv=funnel").content.decode().splitlines()
    # The CSV has the page's headers; the stages say what they count.
    assert csv == ["Stage,Count", "Inquiries received,4",
                   '"… from genuine buyers (A, B)",3', "… from genuine target buyers,2",
                   "Their companies we contacted,3", "… that replied,1",
                   "… quoting or won,1", "… won,0"]
    reasons = client.get(url + "&csv=reasons").content.decode().splitlines()
    assert reasons[0] == "Main reason,Companies"
    # Today (any day after November 2026) both silences outlast what a holiday explains.
    assert reasons[1:] == ["Plain silence,2"]
    assert "share_percent" not in html and "bad_email" not in html
    # A period with none of the data.
    empty = client.get(reverse("followup:dashboard") + "?start=2025-01-01&end=2025-01-31"
                       "&csv=funnel").content.decode().splitlines()
    assert empty[1] == "Inquiries received,0"
