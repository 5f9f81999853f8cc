"""'Why no reply?': facts from the buyer's calendar and our channels."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from followup.selectors import buyer_calendar
from followup.silence import (
    BAD_EMAIL,
    HOLIDAY,
    NO_OTHER_CHANNEL,
    OUTSIDE_HOURS,
    SILENCE,
    TOO_SOON,
    VACATION,
    WEEKEND,
    business_minutes,
    headline,
    why_no_reply,
)
from leads import services
from leads.models import ChannelKind, Company, ContactChannel, TeamSettings
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_york(rep):
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    company = verified(ingest(company="Hudson Water", email="joe@hudsonwater.com", country="US",
                              phone="+1 212 555 0100"))
    return services.company_assign(company=company, owner=rep)


def reasons(company, now, channels=None):
    company = Company.objects.get(pk=company.pk)
    kinds = channels if channels is not None else set(
        company.channels.values_list("kind", flat=True))
    return why_no_reply(company, buyer_calendar(company), channels=kinds, now=now)


def codes(found):
    return [reason.code for reason in found]


def test_thanksgiving_since_our_message_and_too_soon(rep, new_york):
    # Sent Wed 25 Nov 16:00 New York; now Fri 27 Nov 10:00: Thanksgiving in between.
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 25, 21, 0, tzinfo=UTC))
    found = reasons(new_york, datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert codes(found) == [HOLIDAY, TOO_SOON]
    assert "Thanksgiving Day (Thu 26 Nov)" in found[0].text
    assert "Only 2.0 business hours" in found[1].text


def test_night_and_weekend_there(rep, new_york):
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    night = reasons(new_york, datetime(2026, 12, 2, 3, 0, tzinfo=UTC))  # Tue 22:00 NY
    assert night[0].code == OUTSIDE_HOURS and "Tue 22:00 there" in night[0].text
    # Sent Thu 3 Dec 15:00 New York: by Saturday 1.2 business days, the weekend explains.
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    saturday = reasons(new_york, datetime(2026, 12, 5, 16, 0, tzinfo=UTC))
    assert saturday[0].code == WEEKEND and "Saturday" in saturday[0].text


def test_a_weekend_does_not_excuse_a_week_of_silence(rep, new_york):
    # Sent Tue 1 Dec 10:00 New York; on Saturday 3.9 business days have passed: longer
    # than the weekend plus the usual two days to answer.
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    found = reasons(new_york, datetime(2026, 12, 5, 16, 0, tzinfo=UTC), channels=set())
    assert WEEKEND not in codes(found) and OUTSIDE_HOURS not in codes(found)
    assert codes(found) == [NO_OTHER_CHANNEL, SILENCE]
    assert found[1].text.startswith("3.9 business days of silence")
    assert "ask for Facebook / Messenger, or send an offer" in found[1].text
    assert headline(found).code == SILENCE


@pytest.mark.parametrize(("now", "explained"), [
    # Independence Day (Mexico, Wed 16 Sep): sent Tue 15 Sep 10:00 Mexico City.
    (datetime(2026, 9, 17, 17, 0, tzinfo=UTC), True),   # Thu 11:00: 1.1 business days
    (datetime(2026, 9, 21, 17, 0, tzinfo=UTC), False),  # Mon 11:00: 3.1 business days
    (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), False),  # 11 weeks later
])
def test_a_holiday_explains_only_while_it_plausibly_covers_the_silence(rep, now, explained):
    company = verified(ingest(company="Agua Azteca", email="ventas@aguaazteca.mx",
                              country="MX", phone="+52 55 5555 0100"))
    services.company_assign(company=company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 9, 15, 16, 0, tzinfo=UTC))
    found = reasons(company, now)
    assert (HOLIDAY in codes(found)) is explained
    assert (headline(found).code == HOLIDAY) is explained
    assert (SILENCE in codes(found)) is not explained


def test_vacation_today(rep, new_york):
    from datetime import date

    from followup.services import vacation_add

    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    vacation_add(company=new_york, first_day=date(2026, 12, 2), last_day=date(2026, 12, 9),
                 note="trade fair")
    found = reasons(new_york, datetime(2026, 12, 3, 15, 0, tzinfo=UTC))
    assert found[0].code == VACATION and "trade fair" in found[0].text


def test_risky_email_points_to_the_channel_on_file(rep):
    company = verified(ingest(company="Koln Aqua", email="a@koelnaqua.de", country="DE"),
                       email_status="risky")
    services.company_assign(company=company, owner=rep)
    services.contact_attempt_log(company=company, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    now = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    found = reasons(company, now)
    assert codes(found) == [BAD_EMAIL, NO_OTHER_CHANNEL, SILENCE]
    assert found[0].text == "Our email was risky, so it may never have arrived."
    assert "WhatsApp is much used there" in found[1].text
    assert headline(found).code == BAD_EMAIL
    ContactChannel.objects.create(company=company, kind=ChannelKind.WHATSAPP, value="+49 151 1")
    found = reasons(company, now)
    assert codes(found) == [BAD_EMAIL, SILENCE] and "try WhatsApp" in found[0].text


def test_plain_silence_after_days(rep, new_york):
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    ContactChannel.objects.create(company=new_york, kind=ChannelKind.WHATSAPP, value="+1 212 1")
    # Sent Tue 10:00 New York; now Thu 11:00: 420 + 480 + 120 business minutes.
    found = reasons(new_york, datetime(2026, 12, 3, 16, 0, tzinfo=UTC))
    assert codes(found) == [SILENCE] and "2.1 business days" in found[0].text
    assert found[0].text.endswith("try WhatsApp.")


def test_retired_services_are_never_suggested(rep, new_york):
    from followup.models import ChannelRanking
    from followup.selectors import suggested_channels

    ChannelRanking.objects.filter(country="US").delete()
    ChannelRanking.objects.create(country="US", channel="google_hangouts", rank=1)
    ChannelRanking.objects.create(country="US", channel="whatsapp", rank=2)
    from django.core.cache import cache

    cache.clear()
    assert [s.channel for s in suggested_channels("US", set())] == ["whatsapp"]
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    found = reasons(new_york, datetime(2026, 12, 3, 16, 0, tzinfo=UTC), channels=set())
    assert all("Hangouts" not in reason.text for reason in found)


def test_no_reasons_once_they_replied(rep, new_york):
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep)
    services.reply_log(company=new_york, channel="email", user=rep)
    assert reasons(new_york, datetime(2026, 12, 3, 16, 0, tzinfo=UTC)) == []


def test_business_minutes_skip_nights_weekends_and_holidays(new_york):
    calendar = buyer_calendar(new_york)
    # Wed 25 Nov 16:00 → Mon 30 Nov 10:00 New York: 60 min Wed, Thu holiday, 480 Fri, 60 Mon.
    assert business_minutes(calendar, datetime(2026, 11, 25, 21, 0, tzinfo=UTC),
                            datetime(2026, 11, 30, 15, 0, tzinfo=UTC)) == 60 + 480 + 60


def test_shown_on_the_page_and_in_the_inbox(client, rep, new_york):
    services.contact_attempt_log(company=new_york, channel="email", outcome="sent", user=rep,
                                 at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    client.force_login(rep)
    html = client.get(reverse("leads:company", args=[new_york.pk])).content.decode()
    assert "Why no reply?" in html and 'class="reason why-' in html
    inbox = client.get(reverse("leads:inbox")).content.decode()
    assert 'class="small muted why"' in inbox


def test_the_inbox_line_picks_the_most_telling_reason():
    from followup.silence import Reason, headline

    found = [Reason(OUTSIDE_HOURS, "night"), Reason(WEEKEND, "weekend"),
             Reason(BAD_EMAIL, "email"), Reason(TOO_SOON, "soon")]
    assert headline(found).code == BAD_EMAIL
    assert headline([]) is None
