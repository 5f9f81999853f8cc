"""Follow-up writes: vacations, the channel rankings' cache, emails to buyers queued,
the library of files sent with them."""

import logging
from collections.abc import Sequence
from email.utils import make_msgid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction

from config.celery_app import enqueue
from followup.attachments import FileCheck, Problem, file_check, safe_filename, tiny_pdf
from followup.cadence import cadence_postpone
from followup.mail import sender_address
from followup.models import FollowUp, LibraryFile, MailAttachment, Vacation
from followup.selectors import RANKINGS_KEY
from followup.tasks import mail_send
from leads.models import Activity, Company, MailMessage

log = logging.getLogger(__name__)


def rankings_changed(**_kwargs) -> None:
    """Forget the cached rankings now and again when the transaction commits (a page
    drawn meanwhile may have cached the old ones)."""
    cache.delete(RANKINGS_KEY)
    transaction.on_commit(lambda: cache.delete(RANKINGS_KEY))


def vacation_add(*, company, first_day, last_day, note: str = "", user=None, now=None):
    vacation = Vacation.objects.create(company=company, first_day=first_day, last_day=last_day,
                                       note=note, created_by=user)
    cadence_postpone(company, now=now)  # the open step leaves the vacation
    Activity.objects.create(company=company, kind=Activity.Kind.NOTE, author=user,
                            body=f"Away {first_day:%Y-%m-%d} – {last_day:%Y-%m-%d}"
                            + (f": {note}" if note else ""))
    return vacation


def followup_email_queue(*, company: Company, user, to: str, subject: str, body: str,
                         in_reply_to: str = "") -> MailMessage:
    """Record the email and send it in the background once the caller commits."""
    domain = sender_address().rpartition("@")[2] or "leadqual.local"
    references = ""
    if in_reply_to:
        earlier = MailMessage.objects.filter(message_id=in_reply_to).first()
        references = " ".join(filter(None, [earlier.references if earlier else "",
                                            in_reply_to]))
    record = MailMessage.objects.create(
        direction=MailMessage.Direction.OUT, outcome=MailMessage.Outcome.QUEUED,
        source="smtp", message_id=make_msgid(idstring="leadqual", domain=domain),
        in_reply_to=in_reply_to, references=references[-5000:],
        from_address=sender_address()[:320], to_addresses=to, subject=subject[:500],
        body=body, company=company, user=user,
    )
    # The open step this email is sent for (it is done once the relay takes the mail).
    FollowUp.objects.filter(company=company, status=FollowUp.Status.SCHEDULED,
                            mail__isnull=True).update(mail=record)
    transaction.on_commit(lambda: enqueue(mail_send, record.pk))
    return record


class FileRefused(ValueError):
    """An upload that may not go to buyers; ``check`` says why (``followup.attachments``)."""

    def __init__(self, check: FileCheck):
        super().__init__(f"{check.problem}: {check.seen_as}")
        self.check = check


class AttachmentsRefused(ValueError):
    """Files that may not go with this email: too large together, or no longer offered."""


def library_file_add(*, upload, title: str, kind: str, language: str, user=None) -> LibraryFile:
    """Keep an uploaded file for follow-up emails once its content shows it is one of the
    allowed types (``followup.attachments.file_check``); raises ``FileRefused``."""
    limit = settings.LEADQUAL_ATTACHMENT_MAX_BYTES
    name = getattr(upload, "name", "") or "file"
    if upload.size > limit:  # not even read
        raise FileRefused(FileCheck(problem=Problem.TOO_LARGE))
    upload.seek(0)
    data = upload.read()
    check = file_check(name, data, max_bytes=limit)
    if not check.ok:
        raise FileRefused(check)
    filename = safe_filename(name, kind=check.allowed.kind)
    record = LibraryFile(title=title.strip()[:200], kind=kind, language=language,
                         filename=filename, size=len(data),
                         content_type=check.allowed.content_type, uploaded_by=user)
    record.file.save(filename, ContentFile(data), save=False)
    try:
        record.save()
    except Exception:
        record.file.storage.delete(record.file.name)
        raise
    log.info("followup.library.added file=%s kind=%s size=%s user=%s", record.pk, kind,
             record.size, getattr(user, "pk", None))
    return record


def library_file_active_set(*, file: LibraryFile, active: bool) -> LibraryFile:
    """Offer the file to reps again, or no longer (emails already queued keep it)."""
    LibraryFile.objects.filter(pk=file.pk).update(active=active)
    file.active = active
    return file


def library_file_waiting(file: LibraryFile) -> bool:
    """Is an email that carries the file still waiting to be sent?"""
    return file.sent_with.filter(mail__outcome__in=[MailMessage.Outcome.QUEUED,
                                                    MailMessage.Outcome.SENDING]).exists()


@transaction.atomic
def library_file_delete(*, file: LibraryFile) -> bool:
    """Remove the file and its stored bytes; the emails it went with keep its name, size
    and type. Refused (False) while an email waiting to be sent carries it."""
    file = LibraryFile.objects.select_for_update().get(pk=file.pk)
    if library_file_waiting(file):
        return False
    stored, storage = file.file.name, file.file.storage
    file.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    log.info("followup.library.deleted file=%s", file.pk)
    return True


def followup_email_with_files_queue(*, company: Company, user, to: str, subject: str,
                                    body: str, in_reply_to: str = "",
                                    files: Sequence[LibraryFile] = ()) -> MailMessage:
    """``followup_email_queue`` with library files attached: their names, sizes and types
    are logged with the message (``MailAttachment``, and the message's own list of
    attachment names); the bytes are read when it is sent. Raises ``AttachmentsRefused``
    for files no longer offered or too large together."""
    files = list(dict.fromkeys(files))
    limit = settings.LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES
    with transaction.atomic():
        current = {f.pk: f for f in LibraryFile.objects.filter(
            pk__in=[f.pk for f in files], active=True)}
        if len(current) != len(files):
            raise AttachmentsRefused("a file is no longer offered")
        if sum(f.size for f in current.values()) > limit:
            raise AttachmentsRefused("the files are too large for one email")
        record = followup_email_queue(company=company, user=user, to=to, subject=subject,
                                      body=body, in_reply_to=in_reply_to)
        if files:
            MailAttachment.objects.bulk_create([
                MailAttachment(mail=record, file=current[f.pk], position=n,
                               title=current[f.pk].title, filename=current[f.pk].filename,
                               size=current[f.pk].size,
                               content_type=current[f.pk].content_type)
                for n, f in enumerate(files)])
            record.attachments = [current[f.pk].filename for f in files]
            record.save(update_fields=["attachments"])
    return record


DEMO_FILES = (
    ("UV germicidal lamps – catalogue 2027", LibraryFile.Kind.CATALOGUE,
     LibraryFile.Language.EN, "uv-lamps-catalogue-2027.pdf",
     ["UV germicidal lamps - catalogue 2027", "T5 / T8 / U-shape lamps, 254 nm",
      "Amalgam lamps 80-800 W", "UV sterilizers for water 1-100 m3/h"]),
    ("Price list FOB Shanghai 2027", LibraryFile.Kind.PRICE_LIST, LibraryFile.Language.ANY,
     "price-list-fob-shanghai-2027.pdf",
     ["Price list FOB Shanghai 2027 (USD)", "T8 36 W UV-C lamp: 4.80 / pc (MOQ 100)",
      "Amalgam 320 W: 58.00 / pc", "UV sterilizer 55 W: 96.00 / set"]),
)


def library_demo_seed(*, user=None) -> list[LibraryFile]:
    """Two small PDFs for the demo (a catalogue and a price list) in an empty library."""
    if LibraryFile.objects.exists():
        return []
    made = []
    for title, kind, language, filename, lines in DEMO_FILES:
        data = tiny_pdf(lines)
        made.append(library_file_add(upload=ContentFile(data, name=filename), title=title,
                                     kind=kind, language=language, user=user))
    return made
