"""The sandbox internet the test suite runs against (started once per session).

DNS zones: tests/fixtures/sandbox/dns.zone. Mail servers, websites and WHOIS
records: below. Every address is inside 127.0.8.0/21.
"""

from datetime import date, timedelta
from pathlib import Path

from verification.sandbox.internet import World
from verification.sandbox.smtp import Behaviour
from verification.sandbox.web import Route, Site, page
from verification.sandbox.whois import whois_record

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sandbox"

MAIL_SERVERS = {  # address -> behaviour; 127.0.11.4 and .6 have no server (refused)
    "127.0.10.2": Behaviour(users=frozenset({"anna", "jonas", "info"}), disabled=frozenset({"old"}),
                            full=frozenset({"busy"})),
    "127.0.10.3": Behaviour(users=frozenset({"anna", "jonas"})),
    "127.0.11.1": Behaviour(catch_all=True),
    "127.0.11.2": Behaviour(users=frozenset({"li"}), greylist=True),
    "127.0.11.3": Behaviour(on_connect="421"),
    "127.0.11.5": Behaviour(users=frozenset({"sam"})),
    "127.0.11.7": Behaviour(on_connect="silence"),
    "127.0.11.8": Behaviour(users=frozenset({"ana"}), ehlo=False),
    "127.0.11.9": Behaviour(users=frozenset({"ana"}), max_recipients=1),
    # Slow to greet: the per-host connection cap is measured here.
    "127.0.11.10": Behaviour(users=frozenset(f"user{n}" for n in range(100)),
                             greeting_delay=0.3),
}

KLARWASSER = page(
    "Klarwasser Technik GmbH – Wasseraufbereitung und Abwasserbehandlung",
    """Startseite | Über uns | Leistungen | Referenzen | Kontakt
Wasseraufbereitung für Kommunen und Industrie
Seit 1998 planen und bauen wir Anlagen zur Trinkwasseraufbereitung und Abwasserbehandlung.
Unsere Leistungen: Umkehrosmose-Anlagen, Ultrafiltration, UV-Desinfektion von Trinkwasser,
Kläranlagen für Gemeinden bis 50.000 Einwohner, Industrieabwasser.
Referenzen: Trinkwasseraufbereitung Stadtwerke Lindau, Kläranlage Oberau, Abwasserbehandlung
einer Molkerei.
Klarwasser Technik GmbH · Industriestraße 4 · 88131 Lindau · Tel. +49 8382 5555 · © 2025""",
    description="Planung und Bau von Anlagen zur Wasseraufbereitung und Abwasserbehandlung.",
    lang="de",
)
ACME_AQUA = page(
    "Acme Aqua Farms – shrimp farming and hatchery",
    """Home | Our farm | Hatchery | Contact
Acme Aqua Farms runs 40 hectares of shrimp ponds and a recirculating aquaculture system
for tilapia. Our hatchery supplies post-larvae to shrimp farms across the region.
We treat intake water with UV and ozone before it reaches the hatchery tanks.
© 2025 Acme Aqua Farms, Phan Thiet""",
    lang="en",
)
NAIL_SHOP = page(
    "Glamour Nails – nail salon supplies",
    """Shop | Gel polish | UV lamp for nails | Contact
The best gel polish colours and a UV lamp for nails that cures in 30 seconds.
Free delivery for orders over 50 euros. Follow us on Instagram.
© 2025 Glamour Nails""",
)
NGINX = ("<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>"
         "<h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is "
         "successfully installed and working. Further configuration is required.</p>"
         "<p><em>Thank you for using nginx.</em></p></body></html>")
SOON = page("Coming soon", "Our new website is coming soon.\nStay tuned!", links=0)
FOR_SALE = page("for-sale.example is for sale", """for-sale.example
This domain may be for sale!
Buy now for USD 2,450 or make an offer.
Secure transfer with our escrow service.""", links=1)
ADS = page("ads-parked.example", """ads-parked.example
Related searches
Water Treatment Systems
UV Lamp Suppliers
Aquaculture Equipment
Cheap Flights""", links=2)
GENERIC_PARKED = page("Welcome", "Welcome to parked-ns.example\nThis page is provided free.",
                      links=1)
SPA = page("Hydra Purify – water purification app", "\n".join(
    ["Hydra Purify", "Home | Products | Projects | Contact"]
    + [f"Project {i}: drinking water purification plant for a hotel resort" for i in range(30)]))


def _redirect(location: str, status: int = 302) -> Route:
    return Route(status=status, location=location, body="")


def build_world(today: date | None = None) -> World:
    today = today or date.today()
    company_sites = {
        "klarwasser.de": Site({"/": Route(body=KLARWASSER)}, tls=True),
        "www.klarwasser.de": Site({"/": Route(body=KLARWASSER)}, tls=True),
        "wrong-cert.example": Site({"/": Route(body=KLARWASSER)}, tls="wrong-name"),
        "acme-aqua.com": Site({"/": _redirect("http://www.acme-aqua.com/", 301)}),
        "www.acme-aqua.com": Site({"/": Route(body=ACME_AQUA)}),
        "old-klarwasser.de": Site({"/": _redirect("http://www.klarwasser.de/", 301)}),
        "chain.example": Site({"/": _redirect("/a"), "/a": _redirect("/b"),
                               "/b": _redirect("http://www.klarwasser.de/", 301)}),
        "loop.example": Site({"/": _redirect("/1"), **{f"/{i}": _redirect(f"/{i + 1}")
                                                       for i in range(1, 10)}}),
        "to-private.example": Site({"/": _redirect("http://10.0.0.5/admin")}),
        "to-loopback.example": Site({"/": _redirect("http://127.0.0.1/")}),
        "to-metadata.example": Site({"/": _redirect(
            "http://169.254.169.254/latest/meta-data/")}),
        "to-marketplace.example": Site({"/": _redirect("http://sedo.com/search?domain=x")}),
        "broken.example": Site({"/": Route(500, "<h1>Internal Server Error</h1>")}),
        "missing.example": Site({"/index.html": Route(body=KLARWASSER)}),
        "nginx-default.example": Site({"/": Route(body=NGINX)}, any_path=True),
        "soon.example": Site({"/": Route(body=SOON)}),
        "blank.example": Site({"/": Route(body="<html><body></body></html>")}),
        "big.example": Site(oversized=5 * 1024 * 1024),
        "slow.example": Site({"/": Route(body=KLARWASSER)}, delay=3.0),
        "spa.example": Site({"/": Route(body=SPA)}, any_path=True),
        "latin1.example": Site({"/": Route(
            body="<html><head><title>Société Eau Pure</title></head><body><p>Traitement des "
                 "eaux usées à Nîmes</p></body></html>",
            content_type="text/html; charset=iso-8859-1")}),
        "brandnew-water.com": Site({"/": Route(body=KLARWASSER)}),
        "nails.example": Site({"/": Route(body=NAIL_SHOP)}),
    }
    parking = {
        "for-sale.example": Site({"/": Route(body=FOR_SALE)}, any_path=True),
        "ads-parked.example": Site({"/": Route(body=ADS)}, any_path=True),
        "parked-ns.example": Site({"/": Route(body=GENERIC_PARKED)}, any_path=True),
        "sedo.com": Site({"/search": Route(body=page("Sedo", "Buy and sell domains"))}),
    }
    created = {
        "klarwasser.de": date(2009, 3, 14), "acme-aqua.com": date(2015, 6, 2),
        "brandnew-water.com": today - timedelta(days=12), "for-sale.example": date(2021, 1, 5),
    }
    return World(
        zone=(FIXTURES / "dns.zone").read_text(),
        mail=dict(MAIL_SERVERS),
        web={"127.0.12.1": company_sites, "127.0.12.2": parking},
        silent=["127.0.13.1"],
        whois={domain: whois_record(domain, day) for domain, day in created.items()},
    )
