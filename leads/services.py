"""Every write to leads goes through here (views, API, commands, tasks)."""

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.db.models import CharField, Count, Max, Model, Q, TextField
from django.db.models.functions import Substr
from django.utils import timezone

from leads import signals
from leads.assignment import Assigner, Decision
from leads.audit import by_user
from leads.importer import PLATFORM_OF_PRESET, Table, map_row
from leads.intake import InquiryData, RowRejected, clean_inquiry
from leads.models import (
    CLOSED_STATUSES,
    Activity,
    AssignedVia,
    ChannelKind,
    Company,
    CompanyKey,
    CompanyStatus,
    ContactChannel,
    Grade,
    ImportBatch,
    Inquiry,
    Person,
    Segment,
    TeamSettings,
)
from leads.regions import buyer_region
from leads.timezones import buyer_zone

log = logging.getLogger(__name__)

CHUNK = 500
# Rows of a file stored (and committed) at a time: fewer, larger chunks cost fewer
# queries and refresh a returning buyer's company fewer times.
IMPORT_CHUNK = 1000


def who(user) -> str:
    """A user as the timeline names them."""
    if user is None:
        return "public pool"
    return user.get_full_name() or user.get_username()


def team_zone() -> ZoneInfo:
    return ZoneInfo(settings.TEAM_TIME_ZONE)


# --- Intake -------------------------------------------------------------------


def inquiries_import(
    *,
    table: Table,
    preset: str,
    source: str,
    filename: str = "",
    user=None,
    default_platform: str | None = None,
    progress=None,
) -> ImportBatch:
    """Store every good row of ``table``; report each bad one with its row number.

    Rows are committed in chunks, and background verification of each chunk
    is enqueued only once that chunk is committed.
    """
    batch = ImportBatch.objects.create(
        source=source,
        filename=filename[:255],
        file_format=table.file_format,
        preset=preset,
        encoding=table.encoding,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    platform = default_platform or PLATFORM_OF_PRESET[preset]
    tz, now = team_zone(), timezone.now()
    rejected: list[dict] = []
    imported = duplicates = 0
    for start in range(0, len(table.rows), IMPORT_CHUNK):
        cleaned: list[InquiryData] = []
        for row_number, row in table.rows[start : start + IMPORT_CHUNK]:
            raw = _json_safe(row)
            if "__error__" in row:
                rejected.append({"row": row_number, "reason": row["__error__"], "raw": raw})
                continue
            try:
                cleaned.append(
                    clean_inquiry(map_row(row, preset), default_platform=platform, tz=tz,
                                  raw=raw, now=now)
                )
            except RowRejected as exc:
                rejected.append({"row": row_number, "reason": str(exc), "raw": raw})
        created, dupes = _ingest_chunk(cleaned, batch=batch)
        imported += created
        duplicates += dupes
        if progress:
            progress(min(start + IMPORT_CHUNK, len(table.rows)))
    batch.imported_count = imported
    batch.duplicate_count = duplicates
    batch.rejected_count = len(rejected)
    batch.rejected_rows = rejected
    batch.save(update_fields=["imported_count", "duplicate_count", "rejected_count",
                              "rejected_rows"])
    log.info("leads.import.done batch=%s imported=%s duplicates=%s rejected=%s",
             batch.pk, imported, duplicates, len(rejected))
    return batch


def inquiry_ingest(*, data: InquiryData, batch: ImportBatch | None = None) -> tuple[Inquiry, bool]:
    """Store one inquiry (API, web form); return it and whether it is new."""
    created, _ = _ingest_chunk([data], batch=batch)
    return Inquiry.objects.get(dedup_key=data.dedup_key), bool(created)


@transaction.atomic
def _ingest_chunk(rows: list[InquiryData], *, batch: ImportBatch | None) -> tuple[int, int]:
    """Store the new ones of ``rows`` in one transaction.

    The rows are taken in order, as if one by one (a company made for a row is the
    one of the next row with the same key; a channel added for a row shows the next
    new company its buyer's rep), but with a fixed number of queries per chunk:
    lookups are read up front, and what is new is written in bulk at the end.
    """
    seen = set(
        Inquiry.objects.filter(dedup_key__in=[row.dedup_key for row in rows])
        .values_list("dedup_key", flat=True)
    )
    duplicates = 0
    fresh: list[InquiryData] = []
    for row in rows:
        if row.dedup_key in seen:
            duplicates += 1
            continue
        seen.add(row.dedup_key)
        fresh.append(row)
    created: list[Inquiry] = []
    if fresh:
        companies = _Intake(fresh).resolve()
        created = Inquiry.objects.bulk_create([
            Inquiry(
                company=company,
                platform=row.platform,
                platform_ref=row.platform_ref,
                received_at=row.received_at,
                buyer_name=row.buyer_name,
                company_name=row.company_name,
                country=row.country,
                email=row.email,
                phone=row.phone,
                whatsapp=row.whatsapp,
                website=row.website,
                product=row.product,
                quantity=row.quantity,
                message=row.message,
                raw=row.raw,
                batch=batch,
                dedup_key=row.dedup_key,
            )
            for row, company in zip(fresh, companies, strict=True)
        ])
    if created:
        signals.inquiries_received.send(sender=Inquiry,
                                        inquiry_ids=[inquiry.pk for inquiry in created])
    return len(created), duplicates


def _contacts(row: InquiryData) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in ((ChannelKind.EMAIL, row.email),
                                              (ChannelKind.PHONE, row.phone),
                                              (ChannelKind.WHATSAPP, row.whatsapp)) if value]


class _Intake:
    """The companies, people and contact channels of a chunk of new inquiries."""

    def __init__(self, rows: list[InquiryData]):
        self.rows = rows
        self.assigner = None  # loaded on the first new company only
        self.existing: dict[int, Company] = {}  # found by key, by primary key
        # Company objects are told apart by id(): new ones have no primary key yet.
        self.channels: set[tuple[int, str, str]] = set()  # (id(company), kind, value)
        self.added: list[tuple[Company, str, str, InquiryData]] = []  # new, with their row
        self.new: list[tuple[Company, Decision, str | None]] = []  # (company, decision, key)
        self.filled: dict[int, tuple[Company, set[str]]] = {}  # existing, fields filled in

    def resolve(self) -> list[Company]:
        """The company of each row, in order; new companies, people, channels saved."""
        found = self._known_companies()
        cache: dict[str, Company] = {}
        companies = []
        for row in self.rows:
            company = self._company_for(row, found, cache)
            companies.append(company)
            for kind, value in _contacts(row):
                if (id(company), kind, value) not in self.channels:
                    self.channels.add((id(company), kind, value))
                    self.added.append((company, kind, value, row))
                    if self.assigner is not None:
                        self.assigner.buyer_add(company=company, kind=kind, value=value)
        self._headline_new(companies)
        self._save_companies()
        people = self._save_people(companies)
        ContactChannel.objects.bulk_create(
            [ContactChannel(company=company, kind=kind, value=value,
                            person=people.get((id(company), row.buyer_name[:255])))
             for company, kind, value, row in self.added],
            ignore_conflicts=True,  # added meanwhile by another import: that one stays
        )
        return companies

    def _known_companies(self) -> dict[str, Company]:
        """Companies by key, and the channels they already have for these rows."""
        keys = {key for row in self.rows for key in row.lookup_keys}
        found = {}
        for company_key in CompanyKey.objects.select_related("company__owner").filter(
            key__in=keys
        ):
            found[company_key.key] = self.existing.setdefault(company_key.company_id,
                                                              company_key.company)
        values = {value for row in self.rows for _, value in _contacts(row)}
        self.channels = {
            (id(self.existing[company_id]), kind, value)
            for company_id, kind, value in ContactChannel.objects.filter(
                company_id__in=list(self.existing), value__in=values
            ).values_list("company_id", "kind", "value")
        }
        return found

    def _company_for(self, row: InquiryData, found: dict[str, Company],
                     cache: dict[str, Company]) -> Company:
        keys = row.lookup_keys
        company = next((cache[key] for key in keys if key in cache), None)
        if company is None:
            company = next((found[key] for key in keys if key in found), None)
        if company is None:
            company = self._company_new(row, keys)
        for key in keys:
            cache[key] = company
        for attr, value in (("country", row.country), ("website", row.website)):
            if value and not getattr(company, attr):
                setattr(company, attr, value)
                if company.pk is not None:
                    self.filled.setdefault(id(company), (company, set()))[1].add(attr)
        return company

    def _company_new(self, row: InquiryData, keys: list[str]) -> Company:
        if self.assigner is None:
            self.assigner = Assigner.load()
            self.assigner.buyers_load({value for r in self.rows for _, value in _contacts(r)})
            for company, kind, value, _ in self.added:
                self.assigner.buyer_add(company=company, kind=kind, value=value)
        decision = self.assigner.decide(
            country=row.country, text=f"{row.product} {row.message}",
            contacts=[v for v in (row.email, row.phone, row.whatsapp) if v],
        )
        phones = [row.phone, row.whatsapp]
        region = buyer_region(phones, row.country)
        zone = buyer_zone(phones=phones, country=row.country)
        company = Company(
            name=_company_name(row),
            domain=row.email_domain if keys and keys[-1].startswith("domain:") else "",
            country=row.country,
            website=row.website,
            owner=decision.owner,
            owner_since=timezone.now() if decision.owner else None,
            assigned_via=decision.via,
            assigned_note=decision.note[:255],
            time_zone=zone.key,
            time_zone_source=zone.stored,
            subdivision=region.code if region else "",
            subdivision_source=region.stored if region else "",
        )
        self.new.append((company, decision, row.company_key if keys else None))
        return company

    def _headline_new(self, companies: list[Company]) -> None:
        """Give new companies the headline ``companies_refresh`` will find once their
        inquiries are stored and awaiting verification, so it has nothing to write."""
        new = {id(company) for company, _, _ in self.new}
        latest: dict[int, tuple] = {}
        for index, (row, company) in enumerate(zip(self.rows, companies, strict=True)):
            if id(company) not in new:
                continue
            company.inquiry_count += 1
            company.verification_pending = True
            if (row.received_at, index) > latest.get(id(company), (row.received_at, -1)):
                latest[id(company)] = (row.received_at, index)
                company.last_received_at = row.received_at
                company.platform = row.platform
                company.summary = headline_summary(row.product, row.message[:200])

    def _save_companies(self) -> None:
        # bulk_create sends no signals: a new buyer is not audited, it is not a decision.
        Company.objects.bulk_create([company for company, _, _ in self.new])
        renamed = []
        for company, decision, _ in self.new:
            if company.assigned_note != decision.note[:255]:
                # "Same buyer as X (#id)" for an X new in this chunk: X has its id now.
                company.assigned_note = decision.note[:255]
                renamed.append(company)
        rows_update(renamed, ["assigned_note"])
        CompanyKey.objects.bulk_create([CompanyKey(key=key, company=company)
                                        for company, _, key in self.new if key])
        Activity.objects.bulk_create([
            Activity(company=company, kind=Activity.Kind.ASSIGNMENT,
                     body=f"Public pool → {who(decision.owner)} ({decision.note})")
            for company, decision, _ in self.new if decision.owner
        ])
        now = timezone.now()
        by_fields: dict[frozenset[str], list[Company]] = {}
        for company, fields in self.filled.values():
            company.updated_at = now
            by_fields.setdefault(frozenset(fields), []).append(company)
        for fields, changed in by_fields.items():
            rows_update(changed, [*sorted(fields), "updated_at"])

    def _save_people(self, companies: list[Company]) -> dict[tuple[int, str], Person]:
        """The person of each named buyer, found or new, by (id(company), name)."""
        wanted: dict[tuple[int, str], Company] = {}
        for row, company in zip(self.rows, companies, strict=True):
            if row.buyer_name:
                wanted.setdefault((id(company), row.buyer_name[:255]), company)
        people = {
            (id(self.existing[person.company_id]), person.name): person
            for person in Person.objects.filter(company_id__in=list(self.existing),
                                                name__in={name for _, name in wanted})
        }
        missing = [Person(company=company, name=name)
                   for (key, name), company in wanted.items() if (key, name) not in people]
        # Added meanwhile by another import: the existing row is updated to itself and
        # returned, as get_or_create would find it.
        Person.objects.bulk_create(missing, update_conflicts=True,
                                   unique_fields=["company", "name"], update_fields=["name"])
        people.update({(id(person.company), person.name): person for person in missing})
        return people


def _company_name(row: InquiryData) -> str:
    if row.company_name:
        return row.company_name
    if row.email and row.company_key and row.company_key.startswith("domain:"):
        return row.email_domain
    return row.buyer_name or row.email or row.phone or row.whatsapp or "Unknown buyer"


def _json_safe(row: dict) -> dict:
    """The row verbatim, as JSON can hold it (dates as ISO text)."""
    safe = {}
    for key, value in row.items():
        if key == "__error__":
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool, list)):
            value = str(value)
        safe[str(key)] = value
    return safe


# --- Companies ----------------------------------------------------------------


@by_user
@transaction.atomic
def company_merge(*, target: Company, sources: Iterable[Company], user=None) -> Company:
    """Fold ``sources`` into ``target``: inquiries, people, channels, history, keys."""
    for source in sources:
        if source.pk == target.pk:
            continue
        Inquiry.objects.filter(company=source).update(company=target)
        Activity.objects.filter(company=source).update(company=target)
        CompanyKey.objects.filter(company=source).update(company=target)
        for person in Person.objects.filter(company=source):
            twin = Person.objects.filter(company=target, name=person.name).first()
            if twin:
                ContactChannel.objects.filter(person=person).update(person=twin)
                person.delete()
            else:
                person.company = target
                person.save(update_fields=["company"])
        has_emergency = ContactChannel.objects.filter(company=target, is_emergency=True).exists()
        for channel in ContactChannel.objects.filter(company=source):
            if ContactChannel.objects.filter(
                company=target, kind=channel.kind, value=channel.value
            ).exists():
                continue
            channel.company = target
            if channel.is_emergency and has_emergency:
                channel.is_emergency = False
            channel.save(update_fields=["company", "is_emergency"])
        target.tags.add(*source.tags.all())
        Activity.objects.create(
            company=target, kind=Activity.Kind.MERGE, author=user,
            body=f"Merged {source.name} (#{source.pk}) into this company.",
        )
        source.delete()
    companies_refresh(company_ids=[target.pk])
    return target


@by_user
@transaction.atomic
def company_split(*, company: Company, inquiry_ids: Iterable[int], name: str = "",
                  user=None) -> Company:
    """Move some inquiries of ``company`` to a new company of their own."""
    inquiries = list(company.inquiries.filter(pk__in=list(inquiry_ids)))
    if not inquiries:
        raise ValueError("choose at least one inquiry of this company to split off")
    if len(inquiries) == company.inquiries.count():
        raise ValueError("a split must leave at least one inquiry with the company")
    first = inquiries[0]
    new = Company.objects.create(
        name=name or first.company_name or first.buyer_name or first.email or company.name,
        country=first.country, website=first.website, owner=company.owner,
    )
    Inquiry.objects.filter(pk__in=[i.pk for i in inquiries]).update(company=new)
    # Later inquiries from these addresses follow them to the new company.
    for inquiry in inquiries:
        if inquiry.email:
            CompanyKey.objects.update_or_create(key=f"email:{inquiry.email}",
                                                defaults={"company": new})
        for kind, value in ((ChannelKind.EMAIL, inquiry.email), (ChannelKind.PHONE, inquiry.phone),
                            (ChannelKind.WHATSAPP, inquiry.whatsapp)):
            if value:
                ContactChannel.objects.get_or_create(company=new, kind=kind, value=value)
    body = f"Split {len(inquiries)} inquiries off into {new.name} (#{new.pk})."
    Activity.objects.create(company=company, kind=Activity.Kind.MERGE, author=user, body=body)
    Activity.objects.create(company=new, kind=Activity.Kind.MERGE, author=user, body=body)
    companies_refresh(company_ids=[company.pk, new.pk])
    return new


class ClaimRefused(Exception):
    """The company cannot be claimed: someone else has it, or the rep is at the cap."""


@by_user
@transaction.atomic
def company_assign(*, company: Company, owner, user=None, via: str = AssignedVia.MANUAL,
                   note: str = "") -> Company:
    """Give ``company`` to ``owner``, or back to the public pool with None."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.owner_id == (owner.pk if owner else None):
        return company
    previous = company.owner
    company.owner = owner
    company.owner_since = timezone.now() if owner else None
    company.assigned_via = via if owner else ""
    company.assigned_note = note[:255] if owner else ""
    company.save(update_fields=["owner", "owner_since", "assigned_via", "assigned_note",
                                "updated_at"])
    Activity.objects.create(
        company=company, kind=Activity.Kind.ASSIGNMENT, author=user,
        body=f"{who(previous) if previous else 'Public pool'} → {who(owner)}"
        + (f" ({note})" if note else ""),
    )
    return company


def company_claim(*, company_id: int, user) -> Company:
    """Take a company from the public pool. Of two reps claiming at once, one wins.

    The owner is set by a conditional UPDATE (``owner IS NULL``), which the
    database serialises; the loser's UPDATE matches no row. The rep's own row
    is locked first so two claims by one rep cannot both pass the cap.
    """
    from django.contrib.auth import get_user_model

    cap = TeamSettings.load().pool_cap
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if cap is not None:
            held = Company.objects.filter(owner=user).exclude(status__in=CLOSED_STATUSES).count()
            if held >= cap:
                raise ClaimRefused(
                    f"You already hold {held} open companies, the most a rep may hold ({cap})."
                )
        now = timezone.now()
        won = Company.objects.filter(pk=company_id, owner__isnull=True).update(
            owner=user, owner_since=now, assigned_via=AssignedVia.CLAIM,
            assigned_note="Claimed from the pool", updated_at=now,
        )
        if not won:
            raise ClaimRefused("Someone else has just claimed this company.")
        from leads.audit import owner_change_log

        owner_change_log(company=Company.objects.get(pk=company_id), previous_owner_id=None,
                         owner=user, actor=user)
        Activity.objects.create(company_id=company_id, kind=Activity.Kind.ASSIGNMENT,
                                author=user, body=f"Public pool → {who(user)} (claimed)")
    return Company.objects.get(pk=company_id)


def pool_return_stale(*, now=None) -> int:
    """Owned open companies with no follow-up for the configured days go back to the pool."""
    days = TeamSettings.load().pool_return_days
    if not days:
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    stale = (
        Company.objects.filter(owner__isnull=False)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True))
        .filter(Q(owner_since__lt=cutoff) | Q(owner_since__isnull=True))
    )
    returned = 0
    for company_id in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            company = Company.objects.select_for_update().select_related("owner").filter(
                pk=company_id, owner__isnull=False).first()
            if company is None:
                continue
            previous = company.owner
            company.owner, company.owner_since = None, None
            company.assigned_via, company.assigned_note = "", ""
            company.save(update_fields=["owner", "owner_since", "assigned_via",
                                        "assigned_note", "updated_at"])
            Activity.objects.create(
                company=company, kind=Activity.Kind.ASSIGNMENT,
                body=f"{who(previous)} → public pool: no follow-up for {days} days",
            )
            returned += 1
    log.info("leads.pool_return returned=%s days=%s", returned, days)
    return returned


@by_user
@transaction.atomic
def company_set_status(*, company: Company, status: str, user=None, note: str = "") -> Company:
    if status not in CompanyStatus.values:
        raise ValueError(f"unknown status {status!r}")
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status == status:
        return company
    before = company.status
    Activity.objects.create(
        company=company, kind=Activity.Kind.STATUS_CHANGE, author=user,
        from_status=before, to_status=status, body=note,
    )
    company.status = status
    company.save(update_fields=["status", "updated_at"])
    signals.company_status_changed.send(sender=Company, company=company, before=before,
                                        after=status, user=user)
    return company


def activity_note_add(*, company: Company, body: str, user=None) -> Activity:
    return Activity.objects.create(company=company, kind=Activity.Kind.NOTE, body=body, author=user)


@transaction.atomic
def contact_attempt_log(*, company: Company, channel: str, outcome: str, body: str = "",
                        user=None, at=None) -> Activity:
    """We reached out; a new company becomes contacted."""
    if company.status == CompanyStatus.NEW:  # recorded first, so the attempt tops the timeline
        company_set_status(company=company, status=CompanyStatus.CONTACTED, user=user)
    at = at or timezone.now()
    activity = Activity.objects.create(
        company=company, kind=Activity.Kind.CONTACT_ATTEMPT, channel=channel, outcome=outcome,
        body=body, author=user, created_at=at,
    )
    Company.objects.filter(pk=company.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at)
    ).update(last_contact_at=at)
    # followup closes the open step and plans the next
    signals.contact_attempt_logged.send(sender=Company, company=company, at=at,
                                        activity=activity, user=user)
    return activity


@transaction.atomic
def reply_log(*, company: Company, channel: str, body: str = "", user=None, at=None,
              away_until=None) -> Activity:
    """The buyer answered: the company is replied unless it is already further on, and
    the cadence stops. An out-of-office reply (``away_until``) records a vacation and
    moves the cadence instead."""
    if away_until is not None:
        at = at or timezone.now()
        today = timezone.localdate(at)
        signals.buyer_away_reported.send(
            sender=Company, company=company, first_day=min(today, away_until),
            last_day=away_until, note="out-of-office reply", user=user, at=at)
        return Activity.objects.create(
            company=company, kind=Activity.Kind.NOTE, channel=channel, author=user,
            body=f"Out-of-office reply, away until {away_until:%Y-%m-%d}. {body}".strip())
    at = at or timezone.now()
    signals.reply_logged.send(sender=Company, company=company, at=at, user=user)
    if company.status in (CompanyStatus.NEW, CompanyStatus.CONTACTED,
                          CompanyStatus.AWAITING_REPLY):
        company_set_status(company=company, status=CompanyStatus.REPLIED, user=user)
    activity = Activity.objects.create(
        company=company, kind=Activity.Kind.REPLY, channel=channel, body=body, author=user,
        created_at=at,
    )
    Company.objects.filter(pk=company.pk).filter(
        Q(last_reply_at__isnull=True) | Q(last_reply_at__lt=at)
    ).update(last_reply_at=at)
    return activity


@transaction.atomic
def company_set_segment(*, company: Company, segment: str, user=None) -> Company:
    if segment not in Segment.values:
        raise ValueError(f"unknown segment {segment!r}")
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.segment == segment:
        return company
    before = company.get_segment_display()
    company.segment = segment
    company.save(update_fields=["segment", "updated_at"])
    Activity.objects.create(company=company, kind=Activity.Kind.SEGMENT, author=user,
                            body=f"{before} → {company.get_segment_display()}")
    return company


@by_user
@transaction.atomic
def grade_override_set(*, company: Company, grade: str, reason: str, user=None) -> Company:
    """Set (or with ``grade=""`` remove) a rep's grade; the reason stays in the history."""
    if grade and grade not in Grade.values:
        raise ValueError(f"unknown grade {grade!r}")
    if grade and not reason.strip():
        raise ValueError("say why the grade is overridden")
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = company.grade or "–"
    company.grade_override = grade
    company.grade_override_reason = reason.strip()[:500] if grade else ""
    company.grade = grade or company.verified_grade
    company.save(update_fields=["grade_override", "grade_override_reason", "grade",
                                "updated_at"])
    text = (f"{before} → {grade}: {reason.strip()}" if grade
            else f"Override removed; verified grade {company.verified_grade or '–'} again."
            + (f" {reason.strip()}" if reason.strip() else ""))
    Activity.objects.create(company=company, kind=Activity.Kind.GRADE_OVERRIDE, author=user,
                            body=text)
    return company


def company_verify_again(*, company: Company, user=None) -> int:
    """Re-run every check of the company's inquiries in the background."""
    ids = list(company.inquiries.values_list("pk", flat=True))
    with transaction.atomic():
        signals.inquiries_recheck_requested.send(sender=Inquiry, inquiry_ids=ids)
        Activity.objects.create(company=company, kind=Activity.Kind.VERIFY, author=user,
                                body=f"Checks requested again for {len(ids)} inquiries.")
    return len(ids)


@transaction.atomic
def company_set_calendar(*, company: Company, time_zone: str, subdivision: str,
                         business_hours: str, user=None) -> Company:
    """The buyer's explicit zone and state (blank: from their phone numbers, else the
    country's) and hours. A state the rep gives wins over the one of the area code."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    phones = list(company.channels.filter(kind__in=[ChannelKind.PHONE, ChannelKind.WHATSAPP])
                  .values_list("value", flat=True))
    company.subdivision = subdivision.strip().upper()
    company.subdivision_source = "explicit" if company.subdivision else ""
    if not company.subdivision and (region := buyer_region(phones, company.country)):
        company.subdivision, company.subdivision_source = region.code, region.stored
    zone = buyer_zone(explicit=time_zone, phones=phones, country=company.country,
                      subdivision=company.subdivision)
    company.time_zone, company.time_zone_source = zone.key, zone.stored
    company.business_hours = business_hours
    company.save(update_fields=["time_zone", "time_zone_source", "subdivision",
                                "subdivision_source", "business_hours", "updated_at"])
    Activity.objects.create(
        company=company, kind=Activity.Kind.NOTE, author=user,
        body=f"Buyer's calendar: {zone.key or 'unknown zone'}"
        + (f", {company.subdivision}" if company.subdivision else "")
        + (f", hours {business_hours}" if business_hours else ""),
    )
    return company


def companies_refresh(*, company_ids: Iterable[int]) -> None:
    """Recompute the headline fields of these companies from their inquiries.

    Counts, dates, the latest request and contacts come from leads' own rows; the
    verification headline (grade, score, statuses, fit, pending) from the apps
    registered with ``signals.headline_source``. A rep's override wins over the grade.
    """
    ids = sorted(set(company_ids))
    for start in range(0, len(ids), CHUNK):
        _companies_refresh_chunk(ids[start:start + CHUNK])


def _companies_refresh_chunk(ids: list[int]) -> None:
    totals = {
        row["company_id"]: row
        for row in Inquiry.objects.filter(company_id__in=ids).values("company_id").annotate(
            n=Count("pk"), last=Max("received_at"),
        )
    }
    contacts = {
        row["company_id"]: row
        for row in Activity.objects.filter(company_id__in=ids).values("company_id").annotate(
            contact=Max("created_at", filter=Q(kind=Activity.Kind.CONTACT_ATTEMPT)),
            reply=Max("created_at", filter=Q(kind=Activity.Kind.REPLY)),
        )
    }
    latest: dict[int, tuple[str, str]] = {}
    for company_id, platform, product, message in (
        Inquiry.objects.filter(company_id__in=ids)
        .order_by("company_id", "-received_at", "-pk")
        .values_list("company_id", "platform", "product", Substr("message", 1, 200))
    ):
        if company_id not in latest:
            latest[company_id] = (platform, headline_summary(product, message))
    supplied = [(fields, source(ids)) for fields, source in signals.headline_sources()]
    defaults = {name: Company._meta.get_field(name).get_default()
                for fields, _ in supplied for name in fields}
    changed = []
    for company in Company.objects.filter(pk__in=ids).only("pk", "grade_override",
                                                            *REFRESHED_FIELDS):
        before = [getattr(company, name) for name in REFRESHED_FIELDS]
        total = totals.get(company.pk, {})
        company.inquiry_count = total.get("n", 0)
        company.last_received_at = total.get("last")
        company.platform, company.summary = latest.get(company.pk, ("", ""))
        for fields, values in supplied:
            row = values.get(company.pk, {})
            for name in fields:
                setattr(company, name, row.get(name, defaults[name]))
        company.grade = company.grade_override or company.verified_grade
        company.last_contact_at = contacts.get(company.pk, {}).get("contact")
        company.last_reply_at = contacts.get(company.pk, {}).get("reply")
        if [getattr(company, name) for name in REFRESHED_FIELDS] != before:
            changed.append(company)
    rows_update(changed, REFRESHED_FIELDS)


def headline_summary(product: str, message_start: str) -> str:
    """A company's "latest request": the product, else the first words of the message."""
    text = product or " ".join(message_start.split())
    return text[:197] + "…" if len(text) > 200 else text


REFRESHED_FIELDS = ["inquiry_count", "last_received_at", "verification_pending", "platform",
                    "summary",
                    "verified_grade", "grade", "score", "email_status", "website_status", "fit",
                    "last_contact_at", "last_reply_at"]


# --- Bulk writes --------------------------------------------------------------


def rows_update(objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = 500) -> int:
    """Save ``fields`` of ``objs`` (all of one model), like ``QuerySet.bulk_update``.

    One ``UPDATE ... FROM (VALUES ...)`` per batch instead of a ``CASE WHEN`` per row
    and field: Django builds and compiles each ``When`` in Python (tens of µs), which
    was most of the time of refreshing an import's companies or writing a rescoring.
    As with ``bulk_update``: no signals, ``auto_now`` fields untouched, rows deleted
    meanwhile are skipped. Returns the number of rows updated.
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    connection = connections[router.db_for_write(type(objs[0]))]
    quote = connection.ops.quote_name
    targets = [meta.get_field(name) for name in fields]
    postgres = connection.vendor == "postgresql"
    # The VALUES list's columns: named on PostgreSQL, column1, column2, ... on SQLite.
    names = ["pk", *(f"c{i}" for i in range(len(targets)))]
    columns = names if postgres else [f"column{i + 1}" for i in range(len(names))]

    def value(column: str, field) -> str:
        # PostgreSQL types a VALUES column from its literals (text, integer, ...); the
        # others need a cast. Text is not cast: a cast to varchar(n) would truncate.
        if postgres and not isinstance(field, (CharField, TextField)):
            return f"CAST(v.{column} AS {field.db_type(connection)})"
        return f"v.{column}"

    table = quote(meta.db_table)
    assignments = ", ".join(f"{quote(field.column)} = {value(column, field)}"
                            for column, field in zip(columns[1:], targets, strict=True))
    alias = f"v ({', '.join(names)})" if postgres else "v"
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    size = max(1, min(batch_size, connection.ops.bulk_batch_size([meta.pk, *targets], objs)))
    updated = 0
    with transaction.atomic(using=connection.alias, savepoint=False), \
            connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start:start + size]
            params: list = []
            for obj in batch:
                params.append(meta.pk.get_db_prep_save(obj.pk, connection))
                params.extend(field.get_db_prep_save(getattr(obj, field.attname), connection)
                              for field in targets)
            # Names come from the model's meta, quoted; every value is a parameter.
            sql = (f"UPDATE {table} SET {assignments} "  # noqa: S608
                   f"FROM (VALUES {', '.join([row] * len(batch))}) AS {alias} "
                   f"WHERE {table}.{quote(meta.pk.column)} = v.{columns[0]}")
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def channel_set_emergency(*, channel: ContactChannel) -> ContactChannel:
    with transaction.atomic():
        ContactChannel.objects.filter(company=channel.company_id, is_emergency=True).exclude(
            pk=channel.pk
        ).update(is_emergency=False)
        channel.is_emergency = True
        try:
            channel.save(update_fields=["is_emergency"])
        except IntegrityError as exc:  # a concurrent edit won
            raise ValueError("another emergency contact was set at the same time") from exc
    return channel


def import_max_rows() -> int:
    return settings.IMPORT_MAX_ROWS
