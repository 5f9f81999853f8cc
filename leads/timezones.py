"""The buyer's time zone, and where it came from.

Order of trust: an explicit value a rep entered > the phone number
(phonenumbers knows the zones of a number's area; where it gives two, as for
Newfoundland's 709, the zone of the number's own state or province decides) > the
main zone of the buyer's state or province > the country's only zone >
the country's most populous zone (``MOST_POPULOUS`` below, the zone of the
largest business centre; documented so reps know why a US buyer defaults to
New York). Zones per country come from CLDR through Babel.
"""

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from babel.core import get_global
from phonenumbers import timezone as phone_timezone

from leads.regions import main_zone, region_for_phone

EXPLICIT, PHONE, STATE, COUNTRY, POPULOUS = "explicit", "phone", "state", "country", "populous"

# Countries spanning several zones: the zone where most of their businesses are.
MOST_POPULOUS = {
    "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CD": "Africa/Kinshasa",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin", "EC": "America/Guayaquil", "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei", "GL": "America/Nuuk", "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa", "KZ": "Asia/Almaty", "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar", "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland", "PF": "Pacific/Tahiti", "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Gaza", "PT": "Europe/Lisbon", "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv", "UM": "Pacific/Wake", "US": "America/New_York",
    "UZ": "Asia/Tashkent", "VN": "Asia/Ho_Chi_Minh",
}


@dataclass(frozen=True)
class BuyerZone:
    zone: ZoneInfo | None
    source: str  # one of EXPLICIT, PHONE, COUNTRY, POPULOUS, or "" when unknown
    detail: str = ""  # the phone number, or the country code

    @property
    def key(self) -> str:
        return self.zone.key if self.zone else ""

    @property
    def stored(self) -> str:
        """How the source is kept on the company ("phone:+1 415-555-0100")."""
        return f"{self.source}:{self.detail}" if self.source else ""

    @classmethod
    def from_stored(cls, key: str, stored: str) -> "BuyerZone":
        source, _, detail = stored.partition(":")
        zone = _zone(key) if key else None
        return cls(zone, source if zone else "", detail)

    def describe(self) -> str:
        """Where the zone came from, in words a rep reads ("from phone +1 415 …")."""
        from django.utils.translation import gettext as _

        if self.source == EXPLICIT:
            return _("set by hand")
        if self.source == PHONE:
            return _("from phone %(number)s") % {"number": self.detail}
        if self.source == STATE:
            return _("main zone of %(state)s") % {"state": self.detail}
        if self.source == COUNTRY:
            return _("the only zone of %(country)s") % {"country": self.detail}
        if self.source == POPULOUS:
            return _("main business zone of %(country)s") % {"country": self.detail}
        return _("unknown")


@cache
def _country_zones(country: str) -> tuple[str, ...]:
    return tuple(get_global("territory_zones").get(country.upper(), ()))


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_for_country(country: str) -> BuyerZone:
    zones = _country_zones(country) if country else ()
    if len(zones) == 1 and (zone := _zone(zones[0])):
        return BuyerZone(zone, COUNTRY, country.upper())
    name = MOST_POPULOUS.get((country or "").upper()) or (zones[0] if zones else "")
    zone = _zone(name) if name else None
    return BuyerZone(zone, POPULOUS if zone else "", country.upper() if zone else "")


def zone_for_phone(phone: str, country: str = "", subdivision: str = "") -> BuyerZone | None:
    """The zone of a phone number when the number pins it to one zone; of two or more,
    the main zone of the number's state (its area code) or of ``subdivision``."""
    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    zones = [z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    if len(zones) > 1:
        region = region_for_phone(phone, country)
        home = phonenumbers.region_code_for_number(number)
        for code in (region.code if region else "", subdivision):
            if code and main_zone(home, code) in zones:
                zones = [main_zone(home, code)]
                break
    if len(zones) != 1 or not (zone := _zone(zones[0])):
        return None
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return BuyerZone(zone, PHONE, shown)


def buyer_zone(*, explicit: str = "", phones: list[str] | tuple[str, ...] = (),
               country: str = "", subdivision: str = "") -> BuyerZone:
    if explicit and (zone := _zone(explicit)):
        return BuyerZone(zone, EXPLICIT)
    for phone in phones:
        if phone and (found := zone_for_phone(phone, country, subdivision)):
            return found
    if country and subdivision and (zone := _zone(main_zone(country, subdivision))):
        return BuyerZone(zone, STATE, f"{country.upper()}-{subdivision.upper()}")
    return zone_for_country(country)
