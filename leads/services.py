"""Every write to leads goes through here (views, API, commands, tasks)."""

import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.importer import PLATFORM_OF_PRESET, Table, map_row
from leads.intake import InquiryData, RowRejected, clean_inquiry
from leads.models import (
    Activity,
    ChannelKind,
    Company,
    CompanyKey,
    CompanyStatus,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Person,
)

log = logging.getLogger(__name__)

CHUNK = 500


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
    for start in range(0, len(table.rows), CHUNK):
        cleaned: list[InquiryData] = []
        for row_number, row in table.rows[start : start + CHUNK]:
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
            progress(min(start + CHUNK, len(table.rows)))
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
    from verification.services import verification_request

    seen = set(
        Inquiry.objects.filter(dedup_key__in=[row.dedup_key for row in rows])
        .values_list("dedup_key", flat=True)
    )
    duplicates = 0
    new_inquiries: list[Inquiry] = []
    companies: dict[str, Company] = {}
    for row in rows:
        if row.dedup_key in seen:
            duplicates += 1
            continue
        seen.add(row.dedup_key)
        company = _company_for(row, companies)
        new_inquiries.append(
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
        )
        _channels_add(company, row)
    created = Inquiry.objects.bulk_create(new_inquiries)
    verification_request(inquiry_ids=[inquiry.pk for inquiry in created])
    return len(created), duplicates


def _company_for(row: InquiryData, cache: dict[str, Company]) -> Company:
    keys = row.lookup_keys
    company = next((cache[key] for key in keys if key in cache), None)
    if company is None and keys:
        found = {
            ck.key: ck.company
            for ck in CompanyKey.objects.select_related("company").filter(key__in=keys)
        }
        company = next((found[key] for key in keys if key in found), None)
    if company is None:
        company = Company.objects.create(
            name=_company_name(row),
            domain=row.email_domain if keys and keys[-1].startswith("domain:") else "",
            country=row.country,
            website=row.website,
        )
        if keys:
            CompanyKey.objects.create(key=row.company_key, company=company)
    for key in keys:
        cache[key] = company
    changed = []
    for attr, value in (("country", row.country), ("website", row.website)):
        if value and not getattr(company, attr):
            setattr(company, attr, value)
            changed.append(attr)
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
    return company


def _company_name(row: InquiryData) -> str:
    if row.company_name:
        return row.company_name
    if row.email and row.company_key and row.company_key.startswith("domain:"):
        return row.email_domain
    return row.buyer_name or row.email or row.phone or row.whatsapp or "Unknown buyer"


def _channels_add(company: Company, row: InquiryData) -> None:
    person = None
    if row.buyer_name:
        person, _ = Person.objects.get_or_create(company=company, name=row.buyer_name[:255])
    for kind, value in (
        (ChannelKind.EMAIL, row.email),
        (ChannelKind.PHONE, row.phone),
        (ChannelKind.WHATSAPP, row.whatsapp),
    ):
        if value:
            ContactChannel.objects.get_or_create(
                company=company, kind=kind, value=value, defaults={"person": person}
            )


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
    return target


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
    return new


@transaction.atomic
def company_assign(*, company: Company, owner, user=None) -> Company:
    """Give ``company`` to ``owner``, or back to the public pool with None."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.owner_id == (owner.pk if owner else None):
        return company
    previous = company.owner
    company.owner = owner
    company.save(update_fields=["owner", "updated_at"])
    Activity.objects.create(
        company=company, kind=Activity.Kind.ASSIGNMENT, author=user,
        body=f"{previous or 'Public pool'} → {owner or 'public pool'}",
    )
    return company


@transaction.atomic
def company_set_status(*, company: Company, status: str, user=None, note: str = "") -> Company:
    if status not in CompanyStatus.values:
        raise ValueError(f"unknown status {status!r}")
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status == status:
        return company
    Activity.objects.create(
        company=company, kind=Activity.Kind.STATUS_CHANGE, author=user,
        from_status=company.status, to_status=status, body=note,
    )
    company.status = status
    company.save(update_fields=["status", "updated_at"])
    return company


def activity_note_add(*, company: Company, body: str, user=None) -> Activity:
    return Activity.objects.create(company=company, kind=Activity.Kind.NOTE, body=body, author=user)


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
