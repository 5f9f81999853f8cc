"""Follow-up reads and writes used by the leads screens."""

from dataclasses import dataclass

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


def suggested_channels(country: str, on_file: set[str]) -> list[Suggestion]:
    """The channels buyers in ``country`` use most, first; marks those the company has."""
    ranked = list(ChannelRanking.objects.filter(country=country.upper())
                  .order_by("rank").values_list("channel", flat=True)) if country else []
    channels, from_ranking = (ranked, True) if ranked else (list(COMMON_CHANNELS), False)
    return [Suggestion(channel, rank, channel in on_file, from_ranking)
            for rank, channel in enumerate(channels, start=1)]


def buyer_calendar(company, *, vacations=None, overrides=None):
    """The buyer's calendar, or None when their zone is unknown.

    ``vacations`` (list of (first, last, note)) and ``overrides`` ({date: (kind,
    name)}) may be passed in by callers that loaded them for many companies.
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
                    window=window or business_window(), vacations=vacations,
                    overrides=overrides)


def calendars_for(companies) -> dict:
    """Calendars of many companies with two queries in all (the inbox's rows)."""
    from followup.calendar import overrides_by_country
    from followup.models import Vacation

    companies = list(companies)
    vacations: dict[int, list] = {}
    for row in Vacation.objects.filter(company__in=[c.pk for c in companies]).values_list(
            "company_id", "first_day", "last_day", "note"):
        vacations.setdefault(row[0], []).append(row[1:])
    overrides = overrides_by_country({c.country for c in companies if c.country})
    return {c.pk: buyer_calendar(c, vacations=vacations.get(c.pk, []),
                                 overrides=overrides.get(c.country, {})) for c in companies}


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
