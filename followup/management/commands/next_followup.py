"""When to follow up with a buyer: the earliest minute in their business hours."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.calendar import Calendar, overrides_by_country
from leads.countries import parse_country
from leads.regions import region_for_phone, subdivision_name
from leads.timezones import buyer_zone


class Command(BaseCommand):
    help = ("Print the earliest moment at or after --after inside the buyer's business window "
            "on a local working day (not a weekend, public holiday or override there).")

    def add_arguments(self, parser):
        parser.add_argument("--country", required=True, help="ISO code or name, e.g. SA")
        parser.add_argument("--phone", default="", help="the buyer's number: pins the zone")
        parser.add_argument("--subdivision", default="",
                            help="state or province, e.g. CA; default: from --phone's area code")
        parser.add_argument("--timezone", default="", help="an explicit IANA zone")
        parser.add_argument("--after", default="",
                            help="ISO-8601; without an offset, the team's time zone "
                                 f"({settings.TEAM_TIME_ZONE}); default now")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, country, phone, subdivision, timezone: str, after, json: bool,
               **options):
        code = parse_country(country)
        if code is None:
            raise CommandError(f"unknown country {country!r}")
        state, state_source = subdivision.strip().upper(), "explicit" if subdivision else ""
        if not state and (region := region_for_phone(phone, code)) and region.country == code:
            state, state_source = region.code, region.stored
        zone = buyer_zone(explicit=timezone, phones=[phone] if phone else [], country=code,
                          subdivision=state)
        if zone.zone is None:
            raise CommandError(f"no time zone is known for {code}")
        start = self._after(after)
        calendar = Calendar(country=code, zone=zone.zone, subdivision=state,
                            overrides=overrides_by_country([code]).get(code, {}))
        moment = calendar.next_moment(start)
        result = {
            "send_at_utc": moment.utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "local": moment.at.isoformat(),
            "timezone": zone.key,
            "timezone_source": zone.source,
            "subdivision": state,
            "subdivision_source": state_source,
            "skipped": [{"date": off.day.isoformat(), "reason": off.reason}
                        for off in moment.skipped],
        }
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(f"{moment.at:%A %Y-%m-%d %H:%M} {zone.key} ({zone.describe()})")
        self.stdout.write(f"= {moment.utc:%Y-%m-%d %H:%M} UTC")
        if state:
            source = state_source.partition(":")[2] or "given"
            self.stdout.write(f"state: {subdivision_name(code, state)} ({state}), from {source}")
        for off in moment.skipped:
            self.stdout.write(f"  skipped {off.day:%a %Y-%m-%d}: {off.reason}")

    def _after(self, text: str) -> datetime:
        if not text:
            return timezone.now()
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise CommandError(f"--after {text!r} is not ISO-8601") from exc
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(settings.TEAM_TIME_ZONE))
        return value


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
