"""The labelled accuracy scenario: inquiries over a sandbox world, with the truth.

Company home pages (``scenario/pages_*.json``: target businesses and near
misses in many languages) and parked / placeholder pages
(``scenario/junk_pages.json``) are combined with mail servers of every
behaviour, dead and broken hosts, disposable and free-mail addresses. Each
inquiry carries what a careful human would conclude: email status, website
status, whether the buyer is in a target industry, and whether it is fake
(should be graded D). Deterministic: the same files give the same scenario.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from verification.sandbox.builder import WorldBuilder
from verification.sandbox.internet import World
from verification.sandbox.web import Route, Site, page

SCENARIO_DIR = Path(__file__).resolve().parent / "scenario"
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "qq.com", "163.com", "mail.ru"]
DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com"]
TODAY = date(2026, 11, 25)

# mail kind -> email status a human expects for an existing / a made-up mailbox
EXPECTED_EMAIL = {
    "accept": ("deliverable", "undeliverable"), "catch_all": ("risky", "risky"),
    "reject": ("undeliverable", "undeliverable"), "full": ("risky", "undeliverable"),
    "disabled": ("undeliverable", "undeliverable"), "m365": ("unknown", "unknown"),
    "greylist": ("unknown", "unknown"), "refused": ("unknown", "unknown"),
    "none": ("undeliverable", "undeliverable"), "null_mx": ("undeliverable", "undeliverable"),
    "nxdomain": ("undeliverable", "undeliverable"),
}


@dataclass
class Case:
    id: str
    inquiry: dict  # email, website, company_name, message
    truth: dict  # email_status, website_status, target (bool), fake (bool)
    note: str = ""


@dataclass
class Scenario:
    world: World
    cases: list[Case] = field(default_factory=list)


def load_pages() -> tuple[list[dict], list[dict]]:
    companies, junk = [], []
    for path in sorted(SCENARIO_DIR.glob("pages_*.json")):
        companies += json.loads(path.read_text(encoding="utf-8"))
    junk_path = SCENARIO_DIR / "junk_pages.json"
    if junk_path.exists():
        junk = json.loads(junk_path.read_text(encoding="utf-8"))
    return companies, junk


def _html(p: dict, **fmt) -> str:
    def sub(text: str) -> str:
        for key, value in fmt.items():
            text = text.replace("{" + key + "}", value)
        return text

    return page(sub(p.get("title", "")), sub(p.get("body", "")),
                description=sub(p.get("description", "")), lang=p.get("language", ""))


def scenario(seed: int = 11) -> Scenario:
    rng = random.Random(seed)
    companies, junk = load_pages()
    builder = WorldBuilder(mailboxes={"contact", "sales"})
    cases: list[Case] = []

    def add(case_id, email, website, company, message, *, email_status, website_status,
            target, fake, note=""):
        cases.append(Case(case_id, {"email": email, "website": website, "company_name": company,
                                    "message": message},
                          {"email_status": email_status, "website_status": website_status,
                           "target": target, "fake": fake}, note))

    message = "Please send your price list for UV sterilizers and lamps."
    # 1. Real companies: their page, a mailbox that exists, sometimes a second contact.
    mail_kinds = ["accept"] * 6 + ["catch_all", "m365", "full", "disabled"]
    for n, p in enumerate(companies):
        domain = p["domain"].lower()
        mail = mail_kinds[n % len(mail_kinds)]
        builder.domain(domain, mail=mail, site=Site({"/": Route(body=_html(p))},
                                                    tls=n % 3 != 2),
                       created=TODAY - timedelta(days=rng.randint(400, 7000)))
        target = p["label"] == "target"
        status = EXPECTED_EMAIL[mail][0]
        add(f"{p['id']}/contact", f"contact@{domain}", rng.choice(
            ["", f"www.{domain}", f"https://www.{domain}/", domain]), p["company"], message,
            email_status=status, website_status="reachable", target=target, fake=False,
            note=f"{p['industry']}; mail server {mail}")
        # The same company's buyer writing from a free-mail address, naming the website.
        free_domain = FREE_MAIL[n % len(FREE_MAIL)]
        builder.domain(free_domain, mail="accept")
        builder.mailboxes.add(f"buyer.of.{n}")
        add(f"{p['id']}/free-mail", f"buyer.of.{n}@{free_domain}", f"www.{domain}",
            p["company"], message, email_status="deliverable", website_status="reachable",
            target=target, fake=False, note="free-mail sender naming the company website")
        if n % 2 == 0:  # somebody made up a mailbox at a real company: not fake, just wrong
            add(f"{p['id']}/nobody", f"nobody.{n}@{domain}", f"www.{domain}", p["company"],
                message, email_status=EXPECTED_EMAIL[mail][1], website_status="reachable",
                target=target, fake=False, note="mailbox does not exist, site is real")
    # 2. Parked and placeholder domains: the website is the only "company".
    for n, p in enumerate(junk):
        domain = f"{p['kind']}-{n:02d}-{rng.choice(['trading', 'aqua', 'global', 'tech'])}" \
                 f".{rng.choice(['com', 'net', 'co', 'shop', 'xyz'])}"
        html = _html(p, domain=domain, company=domain.split(".")[0].title())
        mail = rng.choice(["none", "reject", "accept"])
        young = n % 4 == 0
        created = TODAY - timedelta(days=rng.randint(3, 25) if young else rng.randint(400, 3000))
        if p["kind"] == "parked":
            builder.parked(domain, html, mail=mail, created=created,
                           by_name_server=n % 5 == 0)
        else:
            builder.domain(domain, mail=mail, site=Site({"/": Route(body=html)}),
                           created=created)
        status = EXPECTED_EMAIL[mail][0]
        # A parked or placeholder site is no company; fake unless a real mailbox answers,
        # and a domain registered days ago for it is fake anyway.
        add(f"{p['id']}", f"sales@{domain}", f"http://{domain}", "", message,
            email_status=status if mail != "none" else "unknown", website_status=p["kind"],
            target=False, fake=status != "deliverable" or young,
            note=f"{p['style']}; mail {mail}{'; registered days ago' if young else ''}")
    # 3. Broken and dead websites.
    for n, (kind, site, truth) in enumerate(
            [("error500", Site({"/": Route(500, "<h1>Internal Server Error</h1>")}), "error"),
             ("error404", Site({"/x": Route(body="x")}), "error"),
             ("refused", "refused", "unreachable"), ("silent", "silent", "unreachable"),
             ("nxdomain", None, "unreachable")] * 6):
        domain = f"{kind}-{n}.com"
        mail = "nxdomain" if kind == "nxdomain" else rng.choice(["reject", "accept"])
        builder.domain(domain, mail=mail, site=site if kind != "nxdomain" else None,
                       created=TODAY - timedelta(days=900))
        status = EXPECTED_EMAIL[mail][0]
        add(f"dead/{domain}", f"sales@{domain}", f"www.{domain}", "", message,
            email_status=status, website_status=truth, target=False,
            fake=status == "undeliverable", note=f"{kind}; mail {mail}")
    # 4. Disposable and free-mail senders without a website.
    for n in range(20):
        domain = DISPOSABLE[n % len(DISPOSABLE)]
        builder.domain(domain, mail="catch_all")
        add(f"disposable/{n}", f"buyer{n}x{rng.randint(100, 999)}@{domain}", "", "", message,
            email_status="risky", website_status="none", target=False, fake=True)
    for n in range(24):
        domain = FREE_MAIL[n % len(FREE_MAIL)]
        builder.domain(domain, mail="accept")
        exists = n % 3 != 0
        local = f"buyer.{n}" if exists else f"ghost.{n}"
        if exists:
            builder.mailboxes.add(local)
        add(f"free/{n}", f"{local}@{domain}", "", "", message,
            email_status="deliverable" if exists else "undeliverable", website_status="none",
            target=False, fake=not exists, note="free-mail")
    return Scenario(builder.build(), cases)
