"""The sandbox internet of the demo data: every demo buyer's domain, mailbox and site.

Deterministic (seeded): most companies in a target industry have a working
site about their trade and a mailbox; some have a catch-all server, a parked
or "coming soon" site, a dead mailbox or a domain registered last month;
unrelated businesses have sites about their own trade; the fakes use
disposable domains. ``manage.py sandbox_internet`` serves it.
"""

import random
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from verification.sandbox.builder import WorldBuilder
from verification.sandbox.internet import World
from verification.sandbox.web import Route, Site, page

INDUSTRY_TEXT = {
    "water treatment": [
        "We design and build water treatment plants for municipalities and industry.",
        "Our services: drinking water treatment, wastewater treatment, reverse osmosis "
        "systems, ultrafiltration and UV disinfection.",
        "References: sewage treatment plant for 30,000 inhabitants, process water "
        "treatment for a brewery, desalination units for resorts.",
    ],
    "aquaculture": [
        "Family-run shrimp farm and hatchery since 2004.",
        "We operate recirculating aquaculture systems (RAS) for tilapia and sea bass and "
        "supply post-larvae to shrimp farms in the region.",
        "Our fish farm treats intake water with UV and ozone to keep disease out.",
    ],
    "hospital": [
        "Infection control and hospital hygiene solutions for clinics and schools.",
        "We supply disinfection equipment: mobile UV disinfection carts, sterilizers and "
        "surface disinfection for operating theatres and isolation wards.",
        "Validated disinfection protocols and service contracts for hospitals.",
    ],
    "fertilizer": [
        "Organic fertilizer and biofertilizer production for organic farming.",
        "We recycle irrigation water in our greenhouses with water purification and UV "
        "sterilization of the nutrient solution.",
        "Certified organic agriculture since 2010.",
    ],
    "air purification": [
        "Commercial kitchen exhaust systems with oil fume purification.",
        "Exhaust gas treatment for food factories: electrostatic precipitators, UV "
        "photolysis and activated carbon for odour control.",
        "Cleanroom and purification engineering for laboratories.",
    ],
    "household": [
        "Online shop for home appliances and smart lighting.",
        "Free delivery on orders over 50 dollars. New arrivals every week.",
    ],
    "unrelated": [
        "Quality products at fair prices since 1995.",
        "Visit our showroom or order online: furniture, fashion, car parts and toys.",
        "Sign up for our newsletter and get 10% off your first order.",
    ],
}
SOON = page("Coming soon", "Our new website is coming soon.\nStay tuned!", links=0)
FOR_SALE = ("This domain may be for sale!\nMake an offer today.\nRelated searches\n"
            "Water Treatment\nUV Lamps")


def _site(company: str, truth: str, rng: random.Random) -> Site:
    lines = INDUSTRY_TEXT.get(truth, INDUSTRY_TEXT["unrelated"])
    body = "\n".join(["Home | About us | Products | Projects | Contact", company, *lines,
                      f"© {rng.randint(2019, 2025)} {company}. All rights reserved."])
    return Site({"/": Route(body=page(f"{company} – {lines[0][:60]}", body))},
                tls=rng.random() < 0.8)


def demo_world(*, today: date | None = None, seed: int = 7) -> World:
    from leads.demo_data import demo_rows
    from leads.mailproviders import is_personal_mail

    today = today or date.today()
    rng = random.Random(seed)
    rows = demo_rows(now=datetime(2026, 1, 1), seed=seed)
    builder = WorldBuilder()
    companies: dict[str, tuple[str, str]] = {}
    for row in rows:
        local, _, domain = row["email"].lower().rpartition("@")
        if local:
            builder.mailboxes.add(local)
        website = urlsplit(row["website"]).hostname or ""
        company_domain = website.removeprefix("www.") or (
            domain if domain and not is_personal_mail(domain) else "")
        if company_domain:
            companies.setdefault(company_domain, (row["company"], row["_truth"]))
        elif domain:
            builder.domain(domain, mail="catch_all" if row["_truth"] == "fake" else "accept",
                           created=today - timedelta(days=365 * 15))
    for domain, (company, truth) in sorted(companies.items()):
        roll = rng.random()
        created = today - timedelta(days=rng.randint(400, 6000))
        if roll < 0.70:
            builder.domain(domain, site=_site(company, truth, rng), created=created)
        elif roll < 0.78:
            builder.domain(domain, mail="catch_all", site=_site(company, truth, rng),
                           created=created)
        elif roll < 0.83:
            builder.domain(domain, mail="m365", site=_site(company, truth, rng),
                           created=created)
        elif roll < 0.87:
            builder.domain(domain, site=Site({"/": Route(body=SOON)}), created=created)
        elif roll < 0.91:  # a fresh domain with a dead mailbox: likely fake
            builder.parked(domain, page(domain, FOR_SALE, links=1), mail="reject",
                           created=today - timedelta(days=rng.randint(5, 25)))
        elif roll < 0.95:
            builder.domain(domain, mail="reject", site="refused", created=created)
        else:
            builder.domain(domain, mail="greylist", site=_site(company, truth, rng),
                           created=created)
    return builder.build()
