"""The audit trail: who changed a company's status, owner or grade override, and the
target-industry keywords, and when (django-auditlog's ``LogEntry``).

Companies are tracked for changes and deletions (a company created from an inquiry
is not logged: ``inquiry_ingest`` creates it inside ``disable_auditlog``, since imports
create thousands); keywords and industries for every change. The actor comes from
``AuditlogMiddleware`` in a request; a change made by a periodic task (the pool
return) has none and is shown as Leadqual's.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from datetime import datetime

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

COMPANY_FIELDS = ["status", "owner", "grade_override", "grade_override_reason"]
KEYWORD_FIELDS = ["term", "language", "weight", "negative", "industry"]
INDUSTRY_FIELDS = ["name", "weight", "active"]

KINDS = {  # filter value -> (label, model, fields)
    "status": (_("Status"), "leads.company", ["status"]),
    "owner": (_("Owner"), "leads.company", ["owner"]),
    "grade": (_("Grade override"), "leads.company", ["grade_override", "grade_override_reason"]),
    "keywords": (_("Keywords"), "verification.keyword", None),
    "industries": (_("Industries"), "verification.industry", None),
    "mail": (_("Held-back mail"), "leads.mailmessage", ["decision"]),
}
FIELD_LABELS = {
    "status": _("status"), "owner": _("owner"), "grade_override": _("grade override"),
    "grade_override_reason": _("reason"), "term": _("keyword"), "language": _("language"),
    "weight": _("weight"), "negative": _("negative"), "industry": _("industry"),
    "name": _("name"), "active": _("active"), "decision": _("decision"),
}


def register() -> None:
    """Called once from ``LeadsConfig.ready``; verification registers its keyword lists
    (``KEYWORD_FIELDS``, ``INDUSTRY_FIELDS``) from its own ``ready``."""
    from leads.models import Company

    auditlog.register(Company, include_fields=COMPANY_FIELDS)


@contextlib.contextmanager
def acting(user):
    """Changes inside are the ``user``'s, also outside a request (a command, a task,
    a test); inside a request the middleware's actor is restored afterwards."""
    if user is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def by_user(service):
    """Decorator for services that take ``user=``: their audited changes are that user's."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting(kwargs.get("user")):
            return service(*args, **kwargs)

    return wrapper


def decision_log(message, *, user) -> None:
    """A person released or confirmed a held-back message (``held_decide``). Mail is not
    registered with auditlog (every received message would be logged): the decision is
    written as the one change it is."""
    LogEntry.objects.log_create(
        message, action=LogEntry.Action.UPDATE, actor=user, force_log=True,
        changes={"decision": ["", message.decision]})


def owner_change_log(*, company, previous_owner_id: int | None, owner, actor) -> None:
    """For an owner set by a conditional UPDATE (a claim), which sends no signal."""
    LogEntry.objects.log_create(
        company, action=LogEntry.Action.UPDATE, actor=actor,
        changes={"owner": [str(previous_owner_id), str(owner.pk) if owner else "None"]})


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    model: str
    object_id: int | None
    object_repr: str
    changes: list[Change]
    deleted: bool


def history(*, kind: str = "", actor_id: int | None = None, company_id: int | None = None,
            since: datetime | None = None, until: datetime | None = None) -> QuerySet[LogEntry]:
    """Log entries of the tracked models, newest first, narrowed by the filters."""
    types = {f"{ct.app_label}.{ct.model}": ct for ct in ContentType.objects.filter(
        app_label__in=["leads", "verification"],
        model__in=["company", "keyword", "industry", "mailmessage"])}
    entries = LogEntry.objects.filter(content_type__in=types.values())
    if kind in KINDS:
        _label, model, fields = KINDS[kind]
        entries = entries.filter(content_type=types.get(model))
        if fields:
            # Deletions are listed with every kind of the model; changes by their field.
            touched = Q()
            for field in fields:
                touched |= Q(changes__has_key=field)
            entries = entries.filter(touched | Q(action=LogEntry.Action.DELETE))
    if company_id:
        entries = entries.filter(content_type=types.get("leads.company"), object_id=company_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if since:
        entries = entries.filter(timestamp__gte=since)
    if until:
        entries = entries.filter(timestamp__lt=until)
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def entries_display(entries: list[LogEntry]) -> list[Entry]:
    """Readable rows: users by name, choices by label, blanks as a dash."""
    from leads.models import CompanyStatus

    pairs = {entry.pk: _pairs(entry) for entry in entries}
    user_ids = {value for changed in pairs.values() for value in changed.get("owner", ())
                if value.isdigit()}
    users = {str(u.pk): _name(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    statuses = dict(CompanyStatus.choices)
    actions = {LogEntry.Action.CREATE: _("created"), LogEntry.Action.UPDATE: _("changed"),
               LogEntry.Action.DELETE: _("deleted")}

    def shown(field: str, value: str) -> str:
        value = "" if value == "None" else value
        if field == "owner":
            return users.get(value, "") or str(_("public pool"))
        if field == "status":
            return str(statuses.get(value, value)) or "–"
        return value or "–"

    return [Entry(
        at=entry.timestamp,
        actor=_name(entry.actor) if entry.actor else str(_("Leadqual (automatic)")),
        action=str(actions.get(entry.action, "")), model=entry.content_type.model,
        object_id=entry.object_id, object_repr=entry.object_repr,
        changes=[Change(field, str(FIELD_LABELS.get(field, field)), shown(field, before),
                        shown(field, after))
                 for field, (before, after) in pairs[entry.pk].items()],
        deleted=entry.action == LogEntry.Action.DELETE) for entry in entries]


def _pairs(entry: LogEntry) -> dict[str, tuple[str, str]]:
    """(before, after) as text for each field an update changed; none for a creation or
    a deletion (their "changes" are the whole record)."""
    if entry.action != LogEntry.Action.UPDATE:
        return {}
    return {field: (str(pair[0]), str(pair[1]))
            for field, pair in (entry.changes_dict or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
