"""Follow-up reads and writes used by the leads screens."""

from dataclasses import dataclass

from django.core.cache import cache

from followup.models import ChannelRanking
from leads.models import ChannelKind

# Channels the playbook says overseas buyers commonly use, for countries the
# ranking does not cover yet (../shared/CONTEXT.md).
COMMON_CHANNELS = ("whatsapp", "facebook", "twitter", "instagram", "tiktok", "youtube",
                   "skype", "google_hangouts")


@dataclass(frozen=True)
class Suggestion:
    channel: str
    rank: int
    on_file: bool
    from_ranking: bool

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


def rankings_changed(**_kwargs) -> None:
    """Forget the cached rankings now and again when the transaction commits (a page
    drawn meanwhile may have cached the old ones)."""
    from django.db import transaction

    cache.delete(RANKINGS_KEY)
    transaction.on_commit(lambda: cache.delete(RANKINGS_KEY))


def ranked_channels(country: str, rankings: dict[str, list[str]]) -> tuple[list[str], bool]:
    """(channels most used in ``country`` first, whether they come from its ranking)."""
    ranked = rankings.get(country.upper(), []) if country else []
    return (list(ranked), True) if ranked else (list(COMMON_CHANNELS), False)


def suggested_channels(country: str, on_file: set[str], *,
                       rankings: dict[str, list[str]] | None = None) -> list[Suggestion]:
    """The channels buyers in ``country`` use most, first; marks those the company has."""
    channels, from_ranking = ranked_channels(
        country, rankings if rankings is not None else channel_rankings())
    return [Suggestion(channel, rank, channel in on_file, from_ranking)
            for rank, channel in enumerate(channels, start=1)]


def buyer_calendar(company, *, vacations=None, overrides=None, default_window=None):
    """The buyer's calendar, or None when their zone is unknown.

    ``vacations`` (list of (first, last, note)), ``overrides`` ({date: (kind,
    name)}) and ``default_window`` (``business_window()``) may be passed in by callers
    that loaded them for many companies.
    """
    from followup.calendar import Calendar, business_window, overrides_by_country, parse_window
    from followup.models import Vacation

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
    from followup.calendar import business_window, overrides_by_country
    from followup.models import Vacation

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


def vacation_add(*, company, first_day, last_day, note: str = "", user=None):
    from followup.cadence import cadence_postpone
    from followup.models import Vacation
    from leads.models import Activity

    vacation = Vacation.objects.create(company=company, first_day=first_day, last_day=last_day,
                                       note=note, created_by=user)
    cadence_postpone(company)  # the open step leaves the vacation
    Activity.objects.create(company=company, kind=Activity.Kind.NOTE, author=user,
                            body=f"Away {first_day:%Y-%m-%d} – {last_day:%Y-%m-%d}"
                            + (f": {note}" if note else ""))
    return vacation
