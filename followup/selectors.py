"""Follow-up reads: channel rankings, the buyers' calendars and clocks."""

from dataclasses import dataclass

from django.core.cache import cache

from followup.calendar import (
    Calendar,
    business_window,
    buyer_clock,
    overrides_by_country,
    parse_window,
)
from followup.channels import COMMON, RETIRED, NextChannel, OnFile, next_channel, whatsapp_number
from followup.models import ChannelRanking, Vacation
from leads.models import ChannelKind

# Channels the playbook says overseas buyers commonly use, for countries the ranking
# does not cover yet (../shared/CONTEXT.md); services that no longer exist stay in the
# country table an admin edits (the seeds' ranking) but are never suggested.
COMMON_CHANNELS = COMMON


@dataclass(frozen=True)
class Suggestion:
    channel: str
    rank: int
    on_file: bool
    from_ranking: bool
    via: str = ""  # on file through another channel: the mobile number WhatsApp reaches

    @property
    def label(self) -> str:
        return ChannelKind(self.channel).label


RANKINGS_KEY = "followup:channel-rankings"


def channel_rankings() -> dict[str, list[str]]:
    """Every country's channels, most used first, from the shared cache (one read instead
    of a query per company); ``rankings_changed`` empties it when rankings are saved."""
    rankings = cache.get(RANKINGS_KEY)
    if rankings is None:
        rankings = {}
        for country, channel in ChannelRanking.objects.order_by(
                "country", "rank").values_list("country", "channel"):
            rankings.setdefault(country, []).append(channel)
        cache.set(RANKINGS_KEY, rankings, 3600)
    return rankings


def ranked_channels(country: str, rankings: dict[str, list[str]]) -> tuple[list[str], bool]:
    """(channels most used in ``country`` first, whether they come from its ranking)."""
    ranked = [channel for channel in (rankings.get(country.upper(), []) if country else [])
              if channel not in RETIRED]
    return (ranked, True) if ranked else (list(COMMON_CHANNELS), False)


def suggested_channels(country: str, on_file: set[str], *,
                       rankings: dict[str, list[str]] | None = None,
                       mobile: str = "") -> list[Suggestion]:
    """The channels buyers in ``country`` use most, first; marks those the company has
    (WhatsApp also through ``mobile``, a mobile number on file)."""
    channels, from_ranking = ranked_channels(
        country, rankings if rankings is not None else channel_rankings())
    return [Suggestion(channel, rank, channel in on_file or bool(channel == "whatsapp"
                                                                and mobile),
                       from_ranking,
                       mobile if channel == "whatsapp" and "whatsapp" not in on_file else "")
            for rank, channel in enumerate(channels, start=1)]


def on_file(channels) -> list[OnFile]:
    """A company's ``ContactChannel`` rows as ``next_channel`` reads them."""
    return [OnFile(c.kind, c.value, c.bounced_at is not None) for c in channels]


def reachable_kinds(channels, country: str) -> set[str]:
    """The kinds of channel we can reach the company on: those on file, and WhatsApp
    when a mobile number is on file."""
    return _reachable(on_file(channels), country)


def _reachable(found: list[OnFile], country: str) -> set[str]:
    kinds = {c.kind for c in found}
    if "whatsapp" not in kinds and whatsapp_number(found, country):
        kinds.add("whatsapp")
    return kinds


def reachable_kinds_of(companies, *, ids=None) -> dict[int, set[str]]:
    """``reachable_kinds`` of many companies with one query (``ids``: a query of their
    ids, instead of a long list)."""
    from leads.models import ContactChannel

    countries = {c.pk: c.country for c in companies}
    rows: dict[int, list] = {}
    for company_id, kind, value, bounced in ContactChannel.objects.filter(
            company__in=list(countries) if ids is None else ids).order_by().values_list(
            "company_id", "kind", "value", "bounced_at"):
        rows.setdefault(company_id, []).append(OnFile(kind, value, bounced is not None))
    return {company_id: _reachable(channels, countries.get(company_id, ""))
            for company_id, channels in rows.items()}


def company_next_channel(company, channels, *, rankings: dict | None = None,
                         step: int = 1) -> NextChannel:
    """``followup.channels.next_channel`` for ``company`` and its ``channels``."""
    ranked, _from_ranking = ranked_channels(
        company.country, rankings if rankings is not None else channel_rankings())
    return next_channel(country=company.country, email_status=company.email_status,
                        on_file=on_file(channels), ranked=ranked, step=step)


def buyer_calendar(company, *, vacations=None, overrides=None, default_window=None):
    """The buyer's calendar, or None when their zone is unknown.

    ``vacations`` (list of (first, last, note)), ``overrides`` ({date: (kind,
    name)}) and ``default_window`` (``business_window()``) may be passed in by callers
    that loaded them for many companies.
    """
    zone = company.buyer_zone().zone
    if zone is None:
        return None
    if vacations is None:
        vacations = list(Vacation.objects.filter(company=company)
                         .values_list("first_day", "last_day", "note"))
    if overrides is None:
        overrides = overrides_by_country([company.country]).get(company.country, {})
    try:
        window = parse_window(company.business_hours) if company.business_hours else None
    except ValueError:
        window = None
    return Calendar(country=company.country, zone=zone, subdivision=company.subdivision,
                    window=window or default_window or business_window(),
                    vacations=vacations, overrides=overrides)


def calendars_for(companies, *, ids=None) -> dict:
    """Calendars of many companies with two queries in all (the inbox's rows).

    Companies with equal calendars (same country, zone, state, hours, no vacation) share
    one ``Calendar``, and with it what it finds out about each day. ``ids``, a query of
    the companies' ids, spares the database a long list of them.
    """
    companies = list(companies)
    if not companies:
        return {}
    vacations: dict[int, list] = {}
    for row in Vacation.objects.filter(
            company__in=[c.pk for c in companies] if ids is None else ids).values_list(
            "company_id", "first_day", "last_day", "note"):
        vacations.setdefault(row[0], []).append(row[1:])
    overrides = overrides_by_country({c.country for c in companies if c.country})
    window = business_window()  # one read of the team's settings, not one per company
    shared: dict[tuple, object] = {}
    calendars = {}
    for company in companies:
        own = vacations.get(company.pk, [])
        key = None if own else (company.country, company.time_zone, company.time_zone_source,
                                company.subdivision, company.business_hours)
        if key is None or key not in shared:
            calendar = buyer_calendar(company, vacations=own,
                                      overrides=overrides.get(company.country, {}),
                                      default_window=window)
            if key is not None:
                shared[key] = calendar
        else:
            calendar = shared[key]
        calendars[company.pk] = calendar
    return calendars




def company_clock(company, now=None, calendar=None):
    """The buyer's local time and business hours now; None when the zone is unknown."""
    calendar = calendar or buyer_calendar(company, vacations=[], overrides={})
    return buyer_clock(calendar.zone, company.country, now, calendar) if calendar else None
