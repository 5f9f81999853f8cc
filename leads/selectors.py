"""Reads that are more than a get(); visibility rules live here."""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leads.models import Activity, Company, ContactChannel, Inquiry, Mailbox, MailMessage
from leads.roles import can_work_leads, is_manager


def companies_visible_to(user) -> QuerySet[Company]:
    """Managers and admins see every company; reps their own and the public pool."""
    companies = Company.objects.all()
    if is_manager(user):
        return companies
    if can_work_leads(user):
        return companies.filter(Q(owner=user) | Q(owner__isnull=True))
    return companies.none()


def inquiries_visible_to(user) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(company__in=companies_visible_to(user))


def inquiry_list(*, user) -> QuerySet[Inquiry]:
    return (
        inquiries_visible_to(user)
        .select_related("company", "company__owner", "verification")
        .order_by("-received_at", "-id")
    )


def company_list(*, user) -> QuerySet[Company]:
    """The inbox rows: headline fields live on the company, so no joins but the owner;
    ``mail_risk``: a mail of the buyer carried a risk (one subquery per row of the page,
    in the same query)."""
    return (
        companies_visible_to(user)
        .select_related("owner")
        .annotate(mail_risk=Exists(MailMessage.objects.filter(RISK_MAIL, company=OuterRef("pk"))))
        .order_by(F("last_received_at").desc(nulls_last=True), "-id")
    )


def company_detail(*, user, pk: int) -> Company:
    """The company with everything its page shows; DoesNotExist when not visible."""
    return (
        companies_visible_to(user)
        .select_related("owner")
        .prefetch_related(
            "tags",
            "people",
            "vacations",
            "channels__person",
            Prefetch(
                "inquiries",
                queryset=Inquiry.objects.select_related("verification", "batch"),
            ),
            Prefetch("activities", queryset=Activity.objects.select_related("author")
                     .order_by("-created_at", "-id")),
            Prefetch("mail", queryset=MailMessage.objects.filter(RISK_MAIL)
                     .select_related("decided_by").only(*RISK_FIELDS)
                     .order_by("-created_at", "-id")[:3], to_attr="risk_mail"),
        )
        .get(pk=pk)
    )


def company_merge_candidates(*, user, company: Company, limit: int = 10) -> QuerySet[Company]:
    """Visible companies that look like the same buyer: same name, or a shared contact."""
    values = [channel.value for channel in company.channels.all()]  # prefetched on the page
    sharing = ContactChannel.objects.filter(value__in=values).order_by().values("company_id")
    # A union of two index lookups: with an OR between them PostgreSQL read every company.
    same_name = Company.objects.filter(name__iexact=company.name).order_by().values("pk")
    return (
        companies_visible_to(user)
        .exclude(pk=company.pk)
        .filter(pk__in=same_name.union(sharing))
        .order_by("name", "pk")[:limit]  # the number decides between equal names
    )


def company_countries(companies: QuerySet[Company]) -> list[str]:
    """The countries of ``companies`` (a filter of ``Company`` without joins), sorted.

    ``SELECT DISTINCT country`` reads every row; this jumps from one country to the next
    in the index on ``country`` (a "loose index scan": about as many steps as there are
    countries), so the inbox's country list costs little at any number of companies.
    """
    query = companies.query
    compiler = query.get_compiler(companies.db)
    try:
        where, params = compiler.compile(query.where) if query.where else ("", [])
    except EmptyResultSet:
        return []
    table = connections[companies.db].ops.quote_name(Company._meta.db_table)
    visible = f" AND ({where})" if where else ""
    # Only Django's compiled WHERE (with its parameters) and the quoted table name.
    sql = (f"WITH RECURSIVE found(country) AS ("  # noqa: S608
           f" SELECT MIN({table}.country) FROM {table} WHERE {table}.country > ''{visible}"
           f" UNION ALL SELECT (SELECT MIN({table}.country) FROM {table}"
           f" WHERE {table}.country > found.country{visible})"
           f" FROM found WHERE found.country IS NOT NULL)"
           f" SELECT country FROM found WHERE country IS NOT NULL")
    with connections[companies.db].cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        return [row[0] for row in cursor.fetchall()]


# --- held-back mail ---------------------------------------------------------------

# What each sign of leads.mail.phishing / leads.mail.screen is called on the pages.
SIGN_LABELS = {
    "marketplace_impersonation": _("Poses as a marketplace or provider"),
    "lookalike_domain": _("Look-alike domain"),
    "credential_link": _("Credential lure (link)"),
    "password_form": _("Asks for a password"),
    "dangerous_attachment": _("Dangerous attachment"),
    "risky_attachment": _("Risky attachment"),
    "payment_diversion": _("Payment diversion"),
    "advance_fee": _("Advance fee or credentials by mail"),
    "account_lure": _("Mailbox or parcel lure"),
    "auth_fail": _("Sender authentication failed"),
    "reply_to_mismatch": _("Replies go elsewhere"),
    "filter_phishing": _("Spam filter: phishing"),
    "filter_spam": _("Spam filter: spam"),
    "unsolicited_offer": _("Unsolicited offer"),
    "colleague_impersonation": _("Poses as a colleague"),
}

# Mail that reached the intake with a risk: passed with a warning, or held and released.
RISK_MAIL = Q(screen_verdict=MailMessage.Screen.RISKY) | Q(
    decision=MailMessage.Decision.RELEASED)
RISK_FIELDS = ("id", "company_id", "subject", "sent_at", "created_at", "screen_verdict",
               "screen_signs", "decision", "decided_at", "decided_by__id",
               "decided_by__username", "decided_by__first_name", "decided_by__last_name")
# Held back now, or held back once and decided since (its outcome is then what it became).
HELD = Q(outcome=MailMessage.Outcome.HELD) | Q(decision__in=MailMessage.Decision.values)
UNDECIDED = Q(outcome=MailMessage.Outcome.HELD, decision="")


def sign_label(code: str) -> str:
    return str(SIGN_LABELS.get(code, code))


def sign_evidence(sign: dict) -> str:
    """A stored sign's evidence in the reader's language: its template (and the nested
    phrases') through the catalogue, the mail's own words put in as they are. A record
    without a template (screened before the signs had one) and a translation that does
    not fit its params show the English evidence as stored."""
    template, params = sign.get("template"), sign.get("params") or {}
    if template and isinstance(template, str) and isinstance(params, dict):
        return _translated(template, params, fallback=str(sign.get("evidence", "")))
    return str(sign.get("evidence", ""))


def _translated(template: str, params: dict, *, fallback: str) -> str:
    """A checks' sentence in the reader's language (``leads.mail.phishing.render``), or
    ``fallback`` where a translation does not fit its params (a translator's typo:
    "{nmae}", "{name")."""
    from leads.mail.phishing import render

    try:
        return render(template, params, gettext)
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        return fallback


def sign_reasons(signs, limit: int | None = None, *,
                 varied: bool = False) -> list[tuple[str, str]]:
    """(label, evidence) of a message's ``screen_signs``, heaviest first as stored, in the
    reader's language (``sign_evidence``); ``varied``: one of each kind first (two
    look-alike hosts say less than a look-alike host and a credential lure)."""
    signs = [s for s in (signs or []) if isinstance(s, dict)]
    if varied:
        first, rest, seen = [], [], set()
        for sign in signs:
            (rest if sign.get("code") in seen else first).append(sign)
            seen.add(sign.get("code"))
        signs = first + rest
    return [(sign_label(s.get("code", "")), sign_evidence(s)) for s in signs[:limit]]


def held_visible_to(user) -> QuerySet[MailMessage]:
    """Managers and admins see all held-back mail; a rep that of the mailboxes they read
    (``Mailbox.readers``) and the .eml files they uploaded themselves."""
    held = MailMessage.objects.filter(HELD, direction=MailMessage.Direction.IN)
    if is_manager(user):
        return held
    if can_work_leads(user):
        mailboxes = Mailbox.readers.through.objects.filter(user=user).values("mailbox_id")
        return held.filter(Q(mailbox__in=mailboxes) | Q(user=user))
    return held.none()


def held_undecided_count(user) -> int:
    return held_visible_to(user).filter(UNDECIDED).count()


HELD_STATES = ("undecided", "decided", "all")


def held_list(*, user, state: str = "undecided", verdict: str = "") -> QuerySet[MailMessage]:
    """The rows of the held-back list: the message bytes and text stay in the database."""
    rows = held_visible_to(user)
    if state == "undecided":
        rows = rows.filter(UNDECIDED)
    elif state == "decided":
        rows = rows.filter(decision__in=MailMessage.Decision.values)
    if verdict in (MailMessage.Screen.PHISHING, MailMessage.Screen.SPAM):
        rows = rows.filter(screen_verdict=verdict)
    return (rows.select_related("mailbox", "decided_by", "user")
            .defer("raw", "body", "references", "attachments")
            .order_by("-created_at", "-id"))


@dataclass(frozen=True)
class HeldLink:
    shown: str
    target: str  # defanged
    elsewhere: bool  # the text shows another host than the link goes to


@dataclass(frozen=True)
class HeldAttachment:
    number: int
    name: str
    content_type: str
    size: int
    danger: str  # why it is dangerous (leads.mail.phishing), or ""


@dataclass(frozen=True)
class HeldContents:
    """What a held-back message says, read from the bytes it came as, all of it text:
    never its HTML, never a clickable address."""

    headers: list[tuple[str, str]]
    authentication: str
    text: str
    links: list[HeldLink]
    attachments: list[HeldAttachment]


_URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# "From" and "To" are the date ranges' words elsewhere (从, 到): the headers have their own.
HEADERS = (("From", _("Sender")), ("Reply-To", _("Reply-To")), ("To", _("Recipients")),
           ("Cc", _("Cc")), ("Subject", _("Subject")), ("Date", _("Date")))


def _header_value(message, name: str) -> str:
    from leads.mail.parse import safe_text

    try:
        values = [str(value) for value in message.get_all(name, [])]
    except (ValueError, IndexError, TypeError, AttributeError):
        values = [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]
    return safe_text(" ".join(" ".join(values).split()))[:2000]


def defanged_text(text: str) -> str:
    """The text with its web addresses defanged: read, copied, never followed by accident."""
    from leads.mail.phishing import defang

    return _URL_IN_TEXT.sub(lambda found: defang(found.group(0)), text)


def held_contents(message: MailMessage) -> HeldContents:
    from leads.mail.parse import html_to_text, read_message, safe_text
    from leads.mail.phishing import (
        attachments_of,
        authentication_results,
        defang,
        links_of,
        shown_elsewhere,
        text_parts,
    )

    raw = bytes(message.raw or b"")
    parsed = read_message(raw) if raw else None
    headers, authentication, links, attachments = [], "", [], []
    html, text = ([], []) if parsed is None else text_parts(parsed)
    body = message.body or "\n\n".join(t.strip() for t in text) or "\n\n".join(
        html_to_text(h).strip() for h in html)
    if parsed is not None:
        for name, label in HEADERS:
            value = _header_value(parsed, name)
            if value:
                headers.append((str(label), value))
        results = authentication_results(parsed)
        authentication = " · ".join(f"{method.upper()} {'/'.join(found)}"
                                    for method, found in results.items())
        seen = set()
        for link in links_of(html, text):
            shown = " ".join(link.shown.split())[:200]
            if (shown, link.href) in seen or not link.href:
                continue
            seen.add((shown, link.href))
            links.append(HeldLink(defanged_text(shown), defang(link.href)[:500],
                                  bool(shown_elsewhere(link))))
        for number, attachment in enumerate(attachments_of(parsed)):
            attachments.append(HeldAttachment(
                number, safe_text(attachment.name)[:255], attachment.content_type,
                len(attachment.data), danger_text(attachment.name, attachment.data)))
    return HeldContents(headers, authentication, defanged_text(safe_text(body))[:50_000],
                        links[:200], attachments)


def held_attachment(message: MailMessage, number: int):
    """The ``number``-th attachment (``leads.mail.phishing.Attachment``) and why it is
    dangerous; None when there is no such attachment."""
    from leads.mail.parse import read_message
    from leads.mail.phishing import attachments_of

    raw = bytes(message.raw or b"")
    found = attachments_of(read_message(raw)) if raw else []
    if not 0 <= number < len(found):
        return None
    return found[number], danger_text(found[number].name, found[number].data)


def danger_text(name: str, data: bytes) -> str:
    """Why an attachment is dangerous, in the reader's language ("" when it is not)."""
    from leads.mail.phishing import danger_of

    why = danger_of(name, data)
    return "" if why is None else _translated(why.template, why.params, fallback=str(why))
