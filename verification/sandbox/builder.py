"""Build a sandbox World domain by domain (the demo and the accuracy scenario use it).

Mail and web servers are shared, as on the real internet: one mail server
per behaviour, one web server for company sites and one for a parking
service, addresses inside 127.0.8.0/21.
"""

from dataclasses import dataclass, field
from datetime import date

from verification.sandbox.internet import World
from verification.sandbox.smtp import Behaviour
from verification.sandbox.web import Route, Site
from verification.sandbox.whois import whois_record

MAIL_SERVERS = {  # mail kind -> (address, behaviour factory)
    "accept": "127.0.9.1",  # known mailboxes accepted, others 550 5.1.1
    "catch_all": "127.0.9.2",
    "reject": "127.0.9.3",  # no mailbox exists
    "greylist": "127.0.9.4",
    "full": "127.0.9.5",
    "disabled": "127.0.9.6",
    "m365": "127.0.9.7",  # Microsoft 365: accepts every recipient at RCPT
    "refused": "127.0.9.99",  # nothing listens
}
COMPANY_WEB, PARKING_WEB, SILENT_WEB, DEAD_WEB = (
    "127.0.13.10", "127.0.13.11", "127.0.13.12", "127.0.13.99")
PARKING_NS = "ns1.sedoparking.com"


@dataclass
class WorldBuilder:
    mailboxes: set[str] = field(default_factory=set)  # local parts that exist (accept/full...)
    zone: list[str] = field(default_factory=list)
    company_sites: dict[str, Site] = field(default_factory=dict)
    parking_sites: dict[str, Site] = field(default_factory=dict)
    whois: dict[str, str] = field(default_factory=dict)
    greeting_delay: float = 0.0  # seconds before each SMTP banner
    _seen: set[str] = field(default_factory=set)

    def domain(self, name: str, *, mail: str = "accept", site: Site | str | None = None,
               created: date | None = None, www: bool = True) -> None:
        """Add a domain once. mail: a MAIL_SERVERS kind, "none" (no MX, no address),
        "null_mx" or "nxdomain" (nothing at all). site: a Site, "parked" (a Site on the
        parking host, give it with parked_site), "silent", "refused", or None."""
        name = name.lower().rstrip(".")
        if name in self._seen:
            return
        self._seen.add(name)
        if mail == "nxdomain":
            return
        if mail == "null_mx":
            self.zone.append(f"{name}. IN MX 0 .")
        elif mail == "m365":
            mx = f"{name.replace('.', '-')}.mail.protection.outlook.com"
            self.zone += [f"{name}. IN MX 0 {mx}.", f"{mx}. IN A {MAIL_SERVERS['m365']}"]
        elif mail != "none":
            self.zone += [f"{name}. IN MX 10 mx.{name}.", f"mx.{name}. IN A {MAIL_SERVERS[mail]}"]
        hosts = [name, f"www.{name}"] if www else [name]
        if isinstance(site, Site):
            for host in hosts:
                self.zone.append(f"{host}. IN A {COMPANY_WEB}")
                self.company_sites[host] = site
        elif site == "silent":
            self.zone += [f"{host}. IN A {SILENT_WEB}" for host in hosts]
        elif site == "refused":
            self.zone += [f"{host}. IN A {DEAD_WEB}" for host in hosts]
        if created:
            self.whois[name] = whois_record(name, created)

    def parked(self, name: str, html: str, *, mail: str = "none", created: date | None = None,
               by_name_server: bool = False) -> None:
        """A domain parked at the parking host: the same page for every path."""
        self.domain(name, mail=mail, created=created)
        for host in (name, f"www.{name}"):
            self.zone.append(f"{host}. IN A {PARKING_WEB}")
            self.parking_sites[host] = Site({"/": Route(body=html)}, any_path=True)
        if by_name_server:
            self.zone.append(f"{name}. IN NS {PARKING_NS}.")

    def build(self) -> World:
        mail = {
            MAIL_SERVERS["accept"]: Behaviour(users=frozenset(self.mailboxes)),
            MAIL_SERVERS["catch_all"]: Behaviour(catch_all=True),
            MAIL_SERVERS["reject"]: Behaviour(),
            MAIL_SERVERS["greylist"]: Behaviour(users=frozenset(self.mailboxes), greylist=True),
            MAIL_SERVERS["full"]: Behaviour(full=frozenset(self.mailboxes)),
            MAIL_SERVERS["disabled"]: Behaviour(disabled=frozenset(self.mailboxes)),
            MAIL_SERVERS["m365"]: Behaviour(catch_all=True),
        }
        return World(
            zone="$TTL 300\n" + "\n".join(self.zone) + "\n",
            mail=mail,
            web={COMPANY_WEB: self.company_sites, PARKING_WEB: self.parking_sites},
            silent=[SILENT_WEB],
            whois=self.whois,
            greeting_delay=self.greeting_delay,
        )
