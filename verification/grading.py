"""Grade A-D and score 0-100 from all the checks, with reasons a rep can read. Pure.

The ladder: the first rung that applies decides the grade (docs/VERIFICATION.md has it
as a table). Two terms first:

* a **genuine company**: a working website on a domain that is not young, a mailbox
  that exists (or that the server cannot confirm, on the website's own domain, and not
  full or disabled), and an address that can receive mail;
* a page **read well enough to judge**: the working website has at least
  ``READABLE_LETTERS`` letters of text (a Chinese character counts three) and the fit
  model read it (a language it was trained on). The fit corpus's pages all have that
  much; below it the model's figures say nothing.

D  likely fake or not worth time:
   - a disposable address;
   - an address that cannot receive mail (undeliverable, invalid, null MX, no
     such domain) and no working website;
   - the company's own domain shows a parked or placeholder page and its
     mailbox is not shown to exist;
   - a domain registered fewer than 30 days ago and no working website.
A  genuine and target: a genuine company whose page shows a target industry
   (fit >= 50), or that the team marked a target buyer.
B  genuine, fit unclear:
   - as A, but a mail of the buyer carries a risky sign (a look-alike link, an HTML
     attachment, a failed sender authentication; see leads.mail.phishing): the rep
     reads the warning before answering;
   - a genuine company whose fit is unclear: its page could not be judged (too little
     readable text, a language the model does not read) or its fit is between
     ``NOT_TARGET_FIT`` and 50 (it mentions a target industry, not clearly);
   - a mailbox that exists without a website that could show the business (free
     mail, or no website), the domain not young.
C  genuine but not a target industry: a genuine company whose page was read well
   enough to judge and shows no target industry (fit < ``NOT_TARGET_FIT``), or a
   genuine company or existing mailbox that the team marked not a target. A real
   company, not worth chasing by default: its cadence waits for a rep's decision.
C  doubtful: everything else (no website and the mailbox unknown, a young
   domain, a parked website with a working mailbox, ...).

The team's label (``FitLabel``: a rep marked the company a target buyer or not) wins
over the fit; a rep's grade override wins over everything (``leads.services``).

The score starts at 50 and adds the ``WEIGHTS`` below, then is kept inside
its grade's band (``BANDS``) so that score and grade never disagree.

Each reason is an English sentence made of a template marked with ``gettext_noop``
and its params (hosts, numbers, the probes' own words), stored as ``{"text", "effect",
"template", "params"}``; ``reason_text`` shows it in the reader's language, the first
reason says which rung of the ladder decided the grade.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from verification.textnorm import is_cjk

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
TARGET_FIT = 50  # fit >= this: more likely a target than not (the calibration's meaning)
# A page read well enough to judge with a fit below this shows no target industry.
# Chosen on the corpus's development pages, scored out of fold (5 folds grouped by
# site): 2 of 220 targets fall below 10, 182 of 265 other businesses do. Held out, with
# the shipped model: 1 of 89 targets, 75 of 111 others (docs/VERIFICATION.md).
NOT_TARGET_FIT = 10
# Letters of page text (a Chinese character counts three) the fit model must have read
# for a low fit to mean "not a target": the smallest page of the fit corpus has 144.
READABLE_LETTERS = 150
GOOD, BAD, INFO = "+", "-", "i"

# The rungs of the ladder (``Grade.rung``).
TARGET, RISKY_TARGET, UNCLEAR, MAILBOX_ONLY, NOT_TARGET, DOUBTFUL, FAKE = (
    "target", "risky_target", "unclear", "mailbox_only", "not_target", "doubtful", "fake")


def gettext_noop(text: str) -> str:
    """Marks an English sentence for the translation catalogue (``makemessages`` extracts
    this name); it is translated where it is shown (``reason_text``), not here."""
    return text


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
    fit_source: str = "keywords"  # "model": the learned model read the page (FitResult)
    page_letters: int = 0  # readable letters of the website's page (``readable_letters``)
    fit_against: list[str] = field(default_factory=list)  # other trades the page names
    target_label: bool | None = None  # the team's word: a target buyer, not one, or none


@dataclass
class Grade:
    grade: str
    score: int
    reasons: list[dict]
    rung: str = ""  # which rung of the ladder decided (TARGET, NOT_TARGET, ...)

    def texts(self) -> list[str]:
        return [reason["text"] for reason in self.reasons]


def readable_letters(*texts: str) -> int:
    """How much a page has to read: its letters and digits, a Chinese, Japanese or Korean
    character counting three (it carries a word's worth); the measure of
    ``verification.fitscore``'s "no page to read"."""
    return sum(3 if is_cjk(ch) else 1 for text in texts for ch in text or "" if ch.isalnum())


def render(template: str, params: dict, translate: Callable[[str], str] | None = None) -> str:
    """A reason's sentence: ``translate`` (``gettext``; none: English) applied to the
    template and to the params that are names of ours (``_translated``)."""
    if translate is None:
        return template.format(**(params or {}))
    return translate(template).format(**{key: _translated(value, translate)
                                         for key, value in (params or {}).items()})


def _translated(value, translate: Callable[[str], str]):
    """A param in the reader's language where it is one of ours (the shipped industry
    names, "; "-joined); the rest (hosts, addresses, servers' words) as it is."""
    if not isinstance(value, str) or not value:
        return value
    parts = value.split("; ")
    # Reasons name industries in lower case ("water treatment engineering").
    shown = [translate(part) if translate(part) != part
             else translate(part[:1].upper() + part[1:]) for part in parts]
    shown = [found if found != part[:1].upper() + part[1:] else part
             for found, part in zip(shown, parts, strict=True)]
    return value if shown == parts else "；".join(shown)


def reason_text(reason: dict, translate: Callable[[str], str] | None = None) -> str:
    """A stored reason in the reader's language; the English text as stored for a record
    without a template (graded before reasons had one) or a translation that does not
    fit its params (a translator's typo)."""
    template, params = reason.get("template"), reason.get("params") or {}
    if isinstance(template, str) and template and isinstance(params, dict):
        try:
            return render(template, params, translate)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            pass
    return str(reason.get("text", ""))


def grade_inquiry(s: Signals) -> Grade:
    reasons: list[dict] = []
    score = 50.0

    def say(template: str, effect: str, weight_key: str | None = None, **params) -> None:
        nonlocal score
        reasons.append({"text": render(template, params), "effect": effect,
                        "template": template, "params": params})
        if weight_key:
            score += WEIGHTS[weight_key]

    flags = s.email_flags
    # Email
    if not s.has_email:
        say(gettext_noop("no email address given"), INFO)
    elif s.email_status == "deliverable":
        say(gettext_noop("mailbox exists"), GOOD, "email:deliverable")
    elif s.email_status == "undeliverable":
        say(gettext_noop("email cannot be delivered: {why}"), BAD, "email:undeliverable",
            why=_short(s.email_reason))
    elif s.email_status == "risky":
        say(gettext_noop("email is risky: {why}"), BAD, "email:risky", why=_short(s.email_reason))
    else:
        say(gettext_noop("mailbox could not be confirmed: {why}"), INFO,
            why=_short(s.email_reason))
    catch_all_said = "catch-all" in (s.email_reason or "") and s.email_status == "risky"
    for flag, text, effect in (
        ("disposable", gettext_noop("disposable (throw-away) email address"), BAD),
        ("catch_all", "" if catch_all_said else
         gettext_noop("the mail server accepts any address (catch-all)"), INFO),
        ("full_inbox", gettext_noop("mailbox is full"), BAD),
        ("free_provider", gettext_noop("free-mail address, not a company domain"), INFO),
        ("role_account", gettext_noop("shared role address (info@, sales@, ...)"), INFO),
        ("greylisted", gettext_noop(
            "mail server asked us to try later (greylisting); retry scheduled"), INFO),
    ):
        if flag in flags and text:
            say(text, effect, f"flag:{flag}" if f"flag:{flag}" in WEIGHTS else None)

    # Website
    site, host = s.website_status, s.website_host
    if site == "reachable":
        say(gettext_noop("website {host} works"), GOOD, "website:reachable", host=host)
    elif site == "parked":
        say(gettext_noop("website {host} is a parked domain"), BAD, "website:parked", host=host)
    elif site == "placeholder":
        say(gettext_noop("website {host} is only a placeholder page"), BAD,
            "website:placeholder", host=host)
    elif site == "error":
        say(gettext_noop("website {host} answers with an error ({why})"), BAD, "website:error",
            host=host, why=_short(s.website_reason))
    elif site == "unreachable":
        say(gettext_noop("website {host} cannot be reached"), BAD, "website:unreachable",
            host=host)
    else:
        say(gettext_noop("no website to check"), INFO, "website:none")
    if s.domain_match:
        say(gettext_noop("email address is on the website's domain"), GOOD, "domain_match")
    elif s.domain_match is False and "free_provider" not in flags:
        say(gettext_noop("email domain differs from the website's domain"), INFO)

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
            say(gettext_noop("domain {domain} registered {days} days ago"), BAD,
                domain=domain, days=age)
        elif age >= 730:
            say(gettext_noop("domain {domain} registered {years} years ago"), GOOD,
                domain=domain, years=age // 365)
        else:
            say(gettext_noop("domain {domain} registered {days} days ago"), GOOD,
                domain=domain, days=age)
    young = youngest is not None and youngest < s.young_days
    if young:
        score += WEIGHTS["young_domain"]

    # Fit
    if s.fit is not None:
        names = "; ".join(s.fit_industries[:2])
        if s.fit >= TARGET_FIT:
            say(gettext_noop("business is in a target industry: {names} (fit {fit})"), GOOD,
                "fit:target", names=names, fit=s.fit)
            score += WEIGHTS["fit:per_point_over_50"] * (s.fit - TARGET_FIT)
        elif names and s.fit >= 15:
            say(gettext_noop(
                "target industry not shown: mentions {names} only in passing (fit {fit})"),
                INFO, names=names, fit=s.fit)
        else:
            say(gettext_noop("nothing shows a target industry (fit {fit})"), INFO, fit=s.fit)
    if site == "reachable" and s.page_letters < READABLE_LETTERS:
        say(gettext_noop("the website has too little readable text to judge its business"),
            INFO)
    elif site == "reachable" and not _judged(s):
        say(gettext_noop("the fit model does not read the website's language"), INFO)
    if s.target_label is True:
        say(gettext_noop("the team marked it a target buyer"), GOOD)
    elif s.target_label is False:
        say(gettext_noop("the team marked it not a target buyer"), BAD)

    # The mail itself
    for risk in s.mail_risks[:3]:
        say(gettext_noop("the buyer's mail carries a risk: {risk}"), BAD, risk=_short(risk))
    if s.mail_risks:
        score += WEIGHTS["mail:risk"]

    grade, rung, verdict = _decide(s, young, youngest)
    reasons.insert(0, _verdict(verdict, grade))
    low, high = BANDS[grade]
    return Grade(grade, int(min(high, max(low, round(score)))), reasons, rung)


def _judged(s: Signals) -> bool:
    """The fit model read the working website's page, and there was enough of it."""
    return (s.website_status == "reachable" and s.fit is not None
            and s.fit_source == "model" and s.page_letters >= READABLE_LETTERS)


def _decide(s: Signals, young: bool, youngest: int | None) -> tuple[str, str, tuple]:
    """(grade, rung, the verdict sentence: template and params)."""
    flags = s.email_flags
    site_works = s.website_status == "reachable"
    dead_mail = s.has_email and s.email_status == "undeliverable"
    own_domain_fake = (s.website_status in ("parked", "placeholder") and s.domain_match
                       and s.email_status != "deliverable")
    if "disposable" in flags:
        return "D", FAKE, (gettext_noop("likely fake: a disposable address"), {})
    if dead_mail and not site_works:
        return "D", FAKE, (gettext_noop(
            "likely fake: the address cannot receive mail and no website works"), {})
    if own_domain_fake:
        return "D", FAKE, (gettext_noop(
            "likely fake: the company's own domain shows no real website and its mailbox is "
            "not shown to exist"), {})
    if youngest is not None and youngest < VERY_YOUNG_DAYS and not site_works:
        return "D", FAKE, (gettext_noop(
            "likely fake: a domain registered {days} days ago and no working website"),
            {"days": youngest})
    mailbox_ok = s.email_status == "deliverable" or (
        s.email_status in ("unknown", "risky") and s.domain_match
        and not flags & {"full_inbox", "disabled"})
    genuine_company = site_works and not young and mailbox_ok and not dead_mail
    mailbox_only = (s.email_status == "deliverable" and not young and not dead_mail
                    and s.website_status == "none")
    if not (genuine_company or mailbox_only):
        return "C", DOUBTFUL, (gettext_noop(
            "doubtful: neither a working website nor a mailbox shows a genuine company"), {})
    if s.target_label is False:
        return "C", NOT_TARGET, (gettext_noop(
            "genuine but not a target industry: the team marked it not a target buyer"), {})
    if not genuine_company:
        return "B", MAILBOX_ONLY, (gettext_noop(
            "genuine, fit unclear: the mailbox exists, but no website shows the business"),
            {})
    if s.target_label is True or (s.fit or 0) >= TARGET_FIT:
        if s.mail_risks:
            return "B", RISKY_TARGET, (gettext_noop(
                "genuine and in a target industry, but the buyer's mail carries a risky "
                "sign: read the warning before answering"), {})
        return "A", TARGET, (gettext_noop("genuine and in a target industry"), {})
    if _judged(s) and s.fit < NOT_TARGET_FIT:
        trades = ", ".join(dict.fromkeys(t.strip("*").strip() for t in s.fit_against
                                         if t.strip("*").strip()))
        if trades:
            return "C", NOT_TARGET, (gettext_noop(
                "genuine but not a target industry: the page speaks of {trades}"),
                {"trades": _short(trades, 80)})
        return "C", NOT_TARGET, (gettext_noop(
            "genuine but not a target industry: the page shows none"), {})
    if not _judged(s):
        return "B", UNCLEAR, (gettext_noop(
            "genuine, fit unclear: the website could not be read well enough to judge"), {})
    return "B", UNCLEAR, (gettext_noop(
        "genuine, fit unclear: the page does not show clearly whether it is in a target "
        "industry"), {})


def _verdict(verdict: tuple[str, dict], grade: str) -> dict:
    template, params = verdict
    effect = {"A": GOOD, "B": INFO, "C": INFO, "D": BAD}[grade]
    return {"text": render(template, params), "effect": effect, "template": template,
            "params": params, "verdict": True}


def _short(text: str, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
