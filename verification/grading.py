"""Grade A-D and score 0-100 from all the checks, with reasons a rep can read.

The rules, in order (the first that applies decides the grade):

D  likely fake or not worth time
   - a disposable address;
   - an address that cannot receive mail (undeliverable, invalid, null MX, no
     such domain) and no working website;
   - the company's own domain shows a parked or placeholder page and its
     mailbox is not shown to exist;
   - a domain registered fewer than 30 days ago and no working website.
A  genuine and target: a working website (not young), the mailbox exists
   (or the server cannot tell but the address is on the website's domain),
   and fit >= 50.
B  genuine, fit unclear: as A with fit < 50; or a mailbox that exists and a
   working website on another domain; or a free-mail mailbox that exists.
   A mail of the buyer that carries a risky sign (a look-alike link, an HTML attachment,
   a failed sender authentication; see leads.mail.phishing) keeps it out of A: the rep
   reads the warning before answering.
C  doubtful: everything else (no website and the mailbox unknown, a young
   domain, a parked website with a working mailbox, ...).

The score starts at 50 and adds the ``WEIGHTS`` below, then is kept inside
its grade's band (``BANDS``) so that score and grade never disagree.
"""

from dataclasses import dataclass, field
from datetime import date

WEIGHTS = {
    "email:deliverable": 25, "email:undeliverable": -35, "email:risky": -5, "email:unknown": 0,
    "flag:disposable": -40, "flag:catch_all": 0, "flag:full_inbox": -5,
    "flag:free_provider": -5, "flag:role_account": 0,
    "website:reachable": 15, "website:parked": -25, "website:placeholder": -15,
    "website:error": -10, "website:unreachable": -15, "website:none": -5,
    "domain_match": 5, "young_domain": -20, "mail:risk": -15, "fit:per_point_over_50": 0.5,
    "fit:target": 10,
}
BANDS = {"A": (75, 100), "B": (55, 74), "C": (30, 54), "D": (0, 29)}
VERY_YOUNG_DAYS = 30
GOOD, BAD, INFO = "+", "-", "i"


@dataclass
class Signals:
    email_status: str  # deliverable | undeliverable | risky | unknown
    email_flags: set[str]
    email_reason: str = ""
    has_email: bool = True
    email_domain: str = ""
    website_status: str = "none"
    website_reason: str = ""
    website_host: str = ""
    domain_match: bool | None = None
    domain_created: dict[str, date | None] = field(default_factory=dict)  # domain -> date
    fit: int | None = None
    fit_industries: list[str] = field(default_factory=list)  # names, best first
    today: date | None = None
    young_days: int = 180
    mail_risks: list[str] = field(default_factory=list)  # the buyer's mail's risky signs


@dataclass
class Grade:
    grade: str
    score: int
    reasons: list[dict]

    def texts(self) -> list[str]:
        return [reason["text"] for reason in self.reasons]


def grade_inquiry(s: Signals) -> Grade:
    reasons: list[dict] = []
    score = 50.0

    def say(text: str, effect: str, weight_key: str | None = None) -> None:
        nonlocal score
        reasons.append({"text": text, "effect": effect})
        if weight_key:
            score += WEIGHTS[weight_key]

    flags = s.email_flags
    # Email
    if not s.has_email:
        say("no email address given", INFO)
    elif s.email_status == "deliverable":
        say("mailbox exists", GOOD, "email:deliverable")
    elif s.email_status == "undeliverable":
        say(f"email cannot be delivered: {_short(s.email_reason)}", BAD, "email:undeliverable")
    elif s.email_status == "risky":
        say(f"email is risky: {_short(s.email_reason)}", BAD, "email:risky")
    else:
        say(f"mailbox could not be confirmed: {_short(s.email_reason)}", INFO)
    catch_all_said = "catch-all" in (s.email_reason or "") and s.email_status == "risky"
    for flag, text, effect in (
        ("disposable", "disposable (throw-away) email address", BAD),
        ("catch_all", "" if catch_all_said else "the mail server accepts any address (catch-all)",
         INFO),
        ("full_inbox", "mailbox is full", BAD),
        ("free_provider", "free-mail address, not a company domain", INFO),
        ("role_account", "shared role address (info@, sales@, ...)", INFO),
        ("greylisted", "mail server asked us to try later (greylisting); retry scheduled", INFO),
    ):
        if flag in flags and text:
            say(text, effect, f"flag:{flag}" if f"flag:{flag}" in WEIGHTS else None)

    # Website
    site = s.website_status
    if site == "reachable":
        say(f"website {s.website_host} works", GOOD, "website:reachable")
    elif site == "parked":
        say(f"website {s.website_host} is a parked domain", BAD, "website:parked")
    elif site == "placeholder":
        say(f"website {s.website_host} is only a placeholder page", BAD, "website:placeholder")
    elif site == "error":
        say(f"website {s.website_host} answers with an error ({_short(s.website_reason)})", BAD,
            "website:error")
    elif site == "unreachable":
        say(f"website {s.website_host} cannot be reached", BAD, "website:unreachable")
    else:
        say("no website to check", INFO, "website:none")
    if s.domain_match:
        say("email address is on the website's domain", GOOD, "domain_match")
    elif s.domain_match is False and "free_provider" not in flags:
        say("email domain differs from the website's domain", INFO)

    # Domain age
    youngest = None
    today = s.today or date.today()
    for domain, created in sorted(s.domain_created.items()):
        if created is None:
            continue
        age = (today - created).days
        if youngest is None or age < youngest:
            youngest = age
        if age < s.young_days:
            say(f"domain {domain} registered {age} days ago", BAD)
        else:
            say(f"domain {domain} registered {age // 365} years ago"
                if age >= 730 else f"domain {domain} registered {age} days ago", GOOD)
    young = youngest is not None and youngest < s.young_days
    if young:
        score += WEIGHTS["young_domain"]

    # Fit
    if s.fit is not None:
        names = "; ".join(s.fit_industries[:2])
        if s.fit >= 50:
            say(f"business is in a target industry: {names} (fit {s.fit})", GOOD, "fit:target")
            score += WEIGHTS["fit:per_point_over_50"] * (s.fit - 50)
        elif names and s.fit >= 15:
            say(f"target industry not shown: mentions {names} only in passing (fit {s.fit})",
                INFO)
        else:
            say(f"nothing shows a target industry (fit {s.fit})", INFO)

    # The mail itself
    for risk in s.mail_risks[:3]:
        say(f"the buyer's mail carries a risk: {_short(risk)}", BAD)
    if s.mail_risks:
        score += WEIGHTS["mail:risk"]

    grade = _decide(s, young, youngest)
    if grade == "A" and s.mail_risks:
        grade = "B"
    low, high = BANDS[grade]
    return Grade(grade, int(min(high, max(low, round(score)))), reasons)


def _decide(s: Signals, young: bool, youngest: int | None) -> str:
    flags = s.email_flags
    site_works = s.website_status == "reachable"
    dead_mail = s.has_email and s.email_status == "undeliverable"
    own_domain_fake = (s.website_status in ("parked", "placeholder") and s.domain_match
                       and s.email_status != "deliverable")
    if ("disposable" in flags or (dead_mail and not site_works) or own_domain_fake
            or (youngest is not None and youngest < VERY_YOUNG_DAYS and not site_works)):
        return "D"
    mailbox_ok = s.email_status == "deliverable" or (
        s.email_status in ("unknown", "risky") and s.domain_match
        and not flags & {"full_inbox", "disabled"})
    genuine_company = site_works and not young and mailbox_ok and not dead_mail
    if genuine_company and (s.fit or 0) >= 50:
        return "A"
    if genuine_company:
        return "B"
    if (s.email_status == "deliverable" and not young
            and s.website_status in ("reachable", "none") and not dead_mail):
        return "B"
    return "C"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
