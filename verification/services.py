import contextvars
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from config.celery_app import enqueue as enqueue_task
from leads.models import Activity
from verification import corpus, fittrain
from verification.checks import checks_run, rescore
from verification.claims import Claim, lease_seconds, leases_expired
from verification.fitmodel import NOT_TARGET
from verification.lists import (
    default_keywords,
    fit_model,
    keyword_matcher,
    lists_pinned,
    mail_lists,
)
from verification.models import FitLabel, FitModel, Keyword, Verification

log = logging.getLogger(__name__)


FAN_OUT_FROM = 50  # from this many inquiries at once, a worker splits the messages
FAN_OUT = 1000  # inquiries per message that a worker splits into batches


def batches(ids: list[int]) -> list[list[int]]:
    """``ids`` in batches of ``LEADQUAL_VERIFY_BATCH``: the inquiries one task verifies
    side by side and stores together."""
    size = max(1, settings.LEADQUAL_VERIFY_BATCH)
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def verification_request(*, inquiry_ids: Iterable[int]) -> None:
    """Mark inquiries pending and enqueue their checks once the caller commits."""
    from leads.models import Inquiry
    from leads.services import companies_refresh

    ids = list(inquiry_ids)
    if not ids:
        return
    now = timezone.now()
    existing = set(
        Verification.objects.filter(inquiry_id__in=ids).values_list("inquiry_id", flat=True)
    )
    Verification.objects.bulk_create(
        [Verification(inquiry_id=pk, requested_at=now) for pk in ids if pk not in existing]
    )
    Verification.objects.filter(inquiry_id__in=existing).update(
        status=Verification.Status.PENDING, requested_at=now
    )
    companies_refresh(company_ids=Inquiry.objects.filter(pk__in=ids)
                      .values_list("company_id", flat=True).distinct())

    def enqueue() -> None:
        # A few: one message per batch. Many (an import's chunk): one per FAN_OUT
        # inquiries, which a worker splits into batches: an import of 100,000 waits on
        # the broker a hundred times. If a message is lost on the way, its verifications
        # are still pending: the sweeper sends them again.
        if len(ids) < FAN_OUT_FROM:
            messages = [("verification.tasks.verify_batch", batch) for batch in batches(ids)]
        else:
            messages = [("verification.tasks.verify_fan_out", ids[start:start + FAN_OUT])
                        for start in range(0, len(ids), FAN_OUT)]
        for task, argument in messages:
            if not enqueue_task(task, argument):
                break  # the broker is down: the sweeper sends the rest when it is back

    transaction.on_commit(enqueue)


def verification_run(*, inquiry_id: int, retry: bool = False) -> Verification | None:
    """Run the checks of one inquiry and store the result (idempotent); None when there
    was nothing to do (deleted, done, or running elsewhere). See ``verifications_run``."""
    return verifications_run(inquiry_ids=[inquiry_id], retry=retry).get(inquiry_id)


def verifications_run(*, inquiry_ids: Sequence[int],
                      retry: bool = False) -> dict[int, Verification]:
    """Run the checks of these inquiries side by side and store the results together
    (idempotent); returns the stored verifications by inquiry id.

    The work is claimed first (``verification.claims``): a message delivered twice (a
    worker killed after saving but before its acknowledgement, a sweep racing a slow
    queue) finds it done or running under a live lease and does nothing. The run renews
    its lease while the checks wait on the network, and stores only what it still owns.
    The checks run outside any transaction, each in a thread of its own (they wait on
    the network); results are saved as they come, those finished within
    ``STORE_WITHIN`` of each other in one transaction under row locks (skipping
    inquiries deleted meanwhile) with one refresh of their companies' headlines. A check
    still running after ``LEADQUAL_CHECKS_LIMIT_SECONDS`` is abandoned: its verification
    fails with the reason.
    ``retry``: a scheduled retry after a temporary SMTP answer.
    """
    from leads.models import Inquiry

    ids = list(dict.fromkeys(inquiry_ids))
    inquiries = {inquiry.pk: inquiry for inquiry in Inquiry.objects.filter(pk__in=ids).only(
        "pk", "company_id", "email", "website", "company_name", "message", "product")}
    for pk in ids:
        if pk not in inquiries:
            log.info("verification.skip inquiry=%s reason=deleted", pk)
    claim = Claim.take(inquiries, retry=retry)
    run = [inquiries[pk] for pk in ids if pk in claim.ids]
    if not run:
        return {}
    _release_connection()
    stored: dict[int, Verification] = {}
    for finished in _checks_side_by_side(run, beat=claim.renew_due,
                                         limit=settings.LEADQUAL_CHECKS_LIMIT_SECONDS):
        stored.update(_store(finished, claim=claim, retry=retry))
        _release_connection()  # while the others still wait on the network
    for verification in stored.values():
        if verification.status == Verification.Status.FAILED:
            log.warning("verification.failed inquiry=%s reason=%s", verification.inquiry_id,
                        verification.error)
            continue
        log.info("verification.done inquiry=%s grade=%s email=%s website=%s fit=%s",
                 verification.inquiry_id, verification.grade, verification.email_status,
                 verification.website_status, verification.fit)
    return stored


# A finished check waits at most this long (seconds) for others of its batch to be stored
# with: most batches finish within it and are written once; a silent host is written later.
STORE_WITHIN = 5.0


def mail_risks(inquiry_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The risky signs the inquiries' mail carried (leads.mail.screen): mail that passed
    with a risk, or was held and released by a person."""
    from leads.mail.phishing import WARN_AT
    from leads.models import MailMessage
    from leads.selectors import RISK_MAIL

    found: dict[int, list[str]] = {}
    for inquiry_id, signs in (MailMessage.objects.filter(RISK_MAIL, inquiry_id__in=inquiry_ids)
                              .values_list("inquiry_id", "screen_signs")):
        found.setdefault(inquiry_id, []).extend(
            sign["evidence"] for sign in signs or () if sign.get("weight", 0) >= WARN_AT)
    return {key: tuple(dict.fromkeys(value)) for key, value in found.items() if value}


def target_labels(company_ids) -> dict[int, bool]:
    """The team's word on these companies (``FitLabel``): a target buyer or not. It wins
    over the fit in the grade (``verification.grading``)."""
    return dict(FitLabel.objects.filter(company_id__in=list(company_ids))
                .values_list("company_id", "is_target"))


def _checks_side_by_side(inquiries: list, *, beat=None,
                         limit: float | None = None) -> Iterator[list[tuple]]:
    """``checks_run`` of each inquiry, in threads of their own (the checks wait on the
    network, each bounded by the probe timeouts); yields groups of (inquiry, outcome) as
    they finish: those done within ``STORE_WITHIN`` of each other together, so that a
    site that never answers holds up only its own inquiry's result.

    ``beat(pending_ids)`` is called at least every quarter lease while checks run (the
    claim's heartbeat). Checks still running ``limit`` seconds after the start
    are given up: yielded last with the outcome None (their threads are left to end).
    """
    risks = mail_risks([inquiry.pk for inquiry in inquiries])  # read here, not in the threads
    labels = target_labels({inquiry.company_id for inquiry in inquiries})

    def run(inquiry):
        try:
            return checks_run(email=inquiry.email, website=inquiry.website,
                              company_name=inquiry.company_name,
                              message=" ".join(filter(None, (inquiry.product, inquiry.message))),
                              mail_risks=risks.get(inquiry.pk, ()),
                              target_label=labels.get(inquiry.company_id))
        finally:
            # The checks read the database only when an admin changed a list; a
            # connection opened for that must not outlive its thread.
            connections.close_all()

    started = time.monotonic()
    tick = min(STORE_WITHIN, lease_seconds() / 4)
    pool = ThreadPoolExecutor(len(inquiries), thread_name_prefix="checks")
    with lists_pinned():
        # Every thread sees the admin's lists as this one read them, once.
        keyword_matcher(), mail_lists(), fit_model()
        context = contextvars.copy_context()
    try:
        futures = {pool.submit(context.copy().run, run, inquiry): inquiry
                   for inquiry in inquiries}
        pending, finished, first_at = set(futures), [], 0.0
        while pending:
            done, pending = wait(pending, timeout=tick, return_when=FIRST_COMPLETED)
            if done and not finished:
                first_at = time.monotonic()
            finished += [(futures[future], future.result()) for future in done]
            over = limit is not None and time.monotonic() - started >= limit
            if finished and (not pending or over
                             or time.monotonic() - first_at >= STORE_WITHIN):
                yield finished
                finished = []
            if pending and over:
                yield [(futures[future], None) for future in pending]
                return
            if pending and beat is not None:
                beat([futures[future].pk for future in pending])
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _store(finished: list[tuple], *, claim: Claim, retry: bool) -> dict[int, Verification]:
    """Save the outcomes of ``finished`` (inquiry, outcome) pairs in one transaction,
    those the run still owns (``claim``); an outcome None: the checks ran over the limit."""
    from leads.models import Inquiry
    from leads.services import companies_refresh, rows_update

    inquiries = [inquiry for inquiry, _outcome in finished]
    outcomes = {inquiry.pk: outcome for inquiry, outcome in finished}
    ids = [inquiry.pk for inquiry in inquiries]
    with transaction.atomic():
        locked = {v.inquiry_id: v for v in
                  Verification.objects.select_for_update().filter(inquiry_id__in=ids)}
        alive = set(Inquiry.objects.filter(pk__in=[pk for pk in ids if pk not in locked])
                    .values_list("pk", flat=True))
        stored: dict[int, Verification] = {}
        for inquiry in inquiries:
            verification = locked.get(inquiry.pk)
            if not claim.own(verification):
                log.warning("verification.skip inquiry=%s reason=claim lost", inquiry.pk)
                continue
            if verification is None:
                if inquiry.pk not in alive:
                    continue  # deleted while its checks ran
                verification = Verification(inquiry_id=inquiry.pk)
            outcome = outcomes[inquiry.pk]
            verification.lease_until = None
            if outcome is None:
                verification.status = Verification.Status.FAILED
                verification.error = (f"the checks ran over "
                                      f"{settings.LEADQUAL_CHECKS_LIMIT_SECONDS:.0f} s")
                stored[inquiry.pk] = verification
                continue
            verification.attempts = (verification.attempts if retry else 0) + 1
            verification.runs += 1
            outcome.apply(verification)
            verification.retry_at = None
            if outcome.email.retry and verification.attempts < settings.LEADQUAL_SMTP_TRIES:
                verification.retry_at = timezone.now() + timedelta(
                    seconds=settings.LEADQUAL_SMTP_RETRY_SECONDS)
            verification.status = Verification.Status.DONE
            verification.error = ""
            verification.verified_at = timezone.now()
            stored[inquiry.pk] = verification
        # The inquiry is the verification's key: new ones are those not found locked.
        Verification.objects.bulk_create([v for pk, v in stored.items() if pk not in locked])
        rows_update([v for pk, v in stored.items() if pk in locked], STORED_FIELDS)
        companies_refresh(company_ids={inquiry.company_id for inquiry in inquiries
                                       if inquiry.pk in stored})
    return stored


# What a run writes: every field of a verification but its key and its inquiry.
STORED_FIELDS = [field.name for field in Verification._meta.concrete_fields
                 if not field.primary_key and field.name != "inquiry"]


def _release_connection() -> None:
    """With a connection pool, give the connection back while the checks wait on the
    network: a worker of 100 threads then needs a few connections, not 100."""
    if connection.settings_dict["OPTIONS"].get("pool") and not connection.in_atomic_block:
        connection.close()


def stale_claim(queryset, *, older_than: timedelta, limit: int = 5000) -> list[int]:
    """Primary keys of work in ``queryset`` requested longer ago than ``older_than``;
    their request time is reset, so the next sweep leaves them to the worker."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(queryset.select_for_update(skip_locked=True)
                   .filter(requested_at__lt=now - older_than)
                   .values_list("pk", flat=True)[:limit])
        queryset.model.objects.filter(pk__in=ids).update(requested_at=now)
    return ids


def verifications_claim_stale(*, older_than: timedelta, limit: int = 5000) -> list[int]:
    """Inquiries to send again: those whose run died (its lease ran out, given back as
    pending) and those pending since longer than ``older_than`` (their message lost)."""
    dead = leases_expired(limit=limit)
    return dead + stale_claim(
        Verification.objects.filter(status=Verification.Status.PENDING).exclude(
            inquiry_id__in=dead), older_than=older_than, limit=max(0, limit - len(dead)))


# What a rescoring reads besides the inquiry's texts, and what it may change.
RESCORE_INPUTS = ["website_title", "website_description", "website_text", "evidence",
                  "website_language", "website_headings", "email_status", "email_flags",
                  "website_status",
                  "website_url", "domain_match"]
RESCORED_FIELDS = ["fit", "fit_matches", "fit_industries", "grade", "score", "reasons",
                   "evidence"]


# Below this many, starting processes costs more than it saves; beyond this many
# processes, the database and the memory they take are the limit.
RESCORE_PARALLEL_FROM = 20_000
RESCORE_MAX_PROCESSES = 4


def verifications_rescore(*, batch_size: int = 500, progress=None,
                          processes: int | None = None) -> int:
    """Recompute fit and grade of every verified inquiry from its stored texts.

    No network: the website text, title and description saved at verification
    time are scored again with the current keywords (after an admin's edit). Only
    verifications whose results differ are written, and only their companies'
    headlines refreshed: an edit of one keyword changes a few, not all 100,000.

    Scoring is CPU work in Python, so a large run is shared out to ``processes``
    processes (default: one per CPU, at most ``RESCORE_MAX_PROCESSES``, from
    ``RESCORE_PARALLEL_FROM`` verifications on), in batches of whole companies: a
    company's headline is refreshed by one process only.
    """
    verified = Verification.objects.filter(verified_at__isnull=False)
    # A company's inquiries one after the other: they share the website's texts, which
    # are then folded and scanned once (``fit._found_in``).
    batches = _company_batches(
        verified.order_by("inquiry__company_id", "pk").values_list("pk", "inquiry__company_id"),
        batch_size)
    total = sum(map(len, batches))
    if processes is None:
        processes = _cpus() if total >= RESCORE_PARALLEL_FROM else 1
    count = 0
    if processes > 1 and len(batches) > 1:
        results = _rescore_in_processes(batches, processes)
    else:
        results = map(_rescore_batch, batches)
    for done in results:
        count += done
        if progress:
            progress(done)
    return count


def _cpus() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))  # those this process may run on
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, RESCORE_MAX_PROCESSES)


def _company_batches(rows, size: int) -> list[list[int]]:
    """Primary keys in batches of about ``size``, never splitting a company."""
    batches: list[list[int]] = [[]]
    last_company = None
    for pk, company_id in rows:
        if len(batches[-1]) >= size and company_id != last_company:
            batches.append([])
        batches[-1].append(pk)
        last_company = company_id
    return [batch for batch in batches if batch]


def _rescore_batch(ids: list[int]) -> int:
    """Rescore these verifications; write those that changed, refresh their companies."""
    from types import SimpleNamespace

    from leads.services import companies_refresh, rows_update

    # Plain rows, not model instances: building 100,000 of those costs seconds, and
    # rescore() only reads and sets attributes. Those that changed become instances.
    rows = {
        row["pk"]: SimpleNamespace(**row)
        for row in Verification.objects.filter(pk__in=ids, verified_at__isnull=False).values(
            "pk", *RESCORE_INPUTS, *RESCORED_FIELDS, company_id=F("inquiry__company_id"),
            company_name=F("inquiry__company_name"), product=F("inquiry__product"),
            message=F("inquiry__message"))
    }
    changed = []
    labels = target_labels({row.company_id for row in rows.values()})
    with lists_pinned():
        for pk in ids:
            row = rows.get(pk)
            if row is None:  # deleted meanwhile
                continue
            before = _scored(row)
            rescore(row, company_name=row.company_name,
                    message=" ".join(filter(None, (row.product, row.message))),
                    target_label=labels.get(row.company_id))
            if _scored(row) != before:
                changed.append(row)
    with transaction.atomic():
        rows_update([Verification(inquiry_id=row.pk,
                                  **{name: getattr(row, name) for name in RESCORED_FIELDS})
                     for row in changed], RESCORED_FIELDS)
        companies_refresh(company_ids={row.company_id for row in changed})
    return len(rows)


def _scored(v) -> tuple:
    return (v.fit, v.fit_matches, v.fit_industries, v.grade, v.score, v.reasons,
            (v.evidence or {}).get("fit"))


def _rescore_in_processes(batches: list[list[int]], processes: int):
    """Yield the count of each batch as the worker processes finish them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import django
    from django.db import connection

    # Spawned, not forked: the caller may be a threaded Celery worker. Each process
    # sets Django up and uses the caller's database (under tests, the test database).
    database = connection.settings_dict["NAME"]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                             initializer=django.setup) as pool:
        for future in as_completed([pool.submit(_rescore_batch_in_process, batch, database)
                                    for batch in batches]):
            yield future.result()


def _rescore_batch_in_process(ids: list[int], database) -> int:
    from django.db import connection

    connection.settings_dict["NAME"] = database  # before its first query
    return _rescore_batch(ids)


# --- The team's target labels and the fit model's retraining ---------------------------


@transaction.atomic
def fit_label_set(*, company, is_target: bool | None, industry: str = "", user=None):
    """A rep says whether a company is a target buyer (``None`` takes the word back).
    Kept with who and when; the next retraining learns from it, and the grade follows it
    at once: the label wins over the fit (``verification.grading``)."""
    if is_target is None:
        FitLabel.objects.filter(company=company).delete()
        body = "Target label removed."
    else:
        FitLabel.objects.update_or_create(company=company, defaults={
            "is_target": is_target, "industry": industry if is_target else "",
            "labelled_by": user, "labelled_at": timezone.now()})
        body = (f"Marked a target buyer{f' ({industry})' if industry else ''}."
                if is_target else "Marked not a target buyer.")
    Activity.objects.create(company=company, kind=Activity.Kind.NOTE, author=user, body=body)
    company_regrade(company_id=company.pk)


def company_regrade(*, company_id: int) -> int:
    """Grade a company's verified inquiries again from what they stored (no network), with
    the team's label as it stands; returns how many changed."""
    from leads.services import companies_refresh

    label = target_labels([company_id]).get(company_id)
    changed = 0
    with transaction.atomic(), lists_pinned():
        for v in (Verification.objects.select_for_update()
                  .filter(inquiry__company_id=company_id, verified_at__isnull=False)
                  .select_related("inquiry")):
            before = _scored(v)
            rescore(v, company_name=v.inquiry.company_name,
                    message=" ".join(filter(None, (v.inquiry.product, v.inquiry.message))),
                    target_label=label)
            if _scored(v) != before:
                v.save(update_fields=RESCORED_FIELDS)
                changed += 1
        if changed:
            companies_refresh(company_ids=[company_id])
    return changed


def team_samples() -> list:
    """The team's labels as training pages: each labelled company's latest readable
    website, as its verification stored it."""
    samples = []
    for label in FitLabel.objects.select_related("company"):
        v = (Verification.objects.filter(inquiry__company=label.company_id,
                                         verified_at__isnull=False)
             .exclude(website_text="").order_by("-inquiry__received_at").first())
        if v is None:
            continue
        industry = label.industry or (v.fit_industries[0] if v.fit_industries else "")
        samples.append(fittrain.Sample(
            head="\n".join((v.website_title, v.website_description, v.website_headings)),
            body=v.website_text,
            language=v.website_language, key=f"company:{label.company_id}",
            label=(industry or "disinfection") if label.is_target else NOT_TARGET))
    return samples


def fit_retrain_request(*, user=None):
    """Queue a retraining over the corpus and the team's labels (one at a time)."""
    waiting = FitModel.objects.filter(status=FitModel.Status.TRAINING).first()
    if waiting is not None:
        return waiting
    run = FitModel.objects.create()
    transaction.on_commit(lambda: enqueue_task("verification.tasks.fit_retrain", run.pk))
    return run


def fit_retrain_run(*, model_id: int):
    """Train a candidate and measure it beside the model in force on the held-out part;
    it takes effect only when an admin accepts it (``fit_model_accept``)."""
    run = FitModel.objects.filter(pk=model_id, status=FitModel.Status.TRAINING).first()
    if run is None:
        return None
    try:
        pages = corpus.load()
        matcher, _ = keyword_matcher()
        team = team_samples()
        development = [fittrain.sample_of(p) for p in corpus.development(pages)]
        held = [fittrain.sample_of(p) for p in corpus.held_out(pages)]
        rows = [{"industry": row["industry__slug"], "term": row["term"],
                 "language": row["language"]}
                for row in Keyword.objects.values("industry__slug", "term", "language")]
        model = fittrain.train(development + team, matcher,
                               extra=fittrain.keyword_samples(rows or default_keywords()),
                               info={"source": "retrained", "team_labels": len(team)})
        current = fit_model()
        before = fittrain.evaluate(current, held, matcher).as_dict() if current else {}
        after = fittrain.evaluate(model, held, matcher).as_dict()
    except Exception as error:  # a failed run is recorded, not retried for ever
        log.exception("verification.fit_retrain.failed model=%s", model_id)
        FitModel.objects.filter(pk=model_id).update(status=FitModel.Status.FAILED,
                                                    error=str(error)[:2000])
        return None
    FitModel.objects.filter(pk=model_id).update(
        status=FitModel.Status.CANDIDATE, trained_at=timezone.now(), data=model.to_bytes(),
        corpus_pages=len(development), team_labels=len(team), before=before, after=after)
    log.info("verification.fit_retrain.done model=%s accuracy=%s", model_id,
             after.get("accuracy"))
    return FitModel.objects.get(pk=model_id)


def fit_retrain_when_labelled() -> str:
    """Queue a retraining if labels were added or changed since the last model trained."""
    last = FitModel.objects.exclude(status=FitModel.Status.FAILED).order_by(
        "-requested_at").values_list("requested_at", flat=True).first()
    labels = FitLabel.objects.all()
    if last is not None:
        labels = labels.filter(labelled_at__gt=last)
    if not labels.exists():
        return "no new labels"
    with transaction.atomic():
        fit_retrain_request()
    return "queued"


def verification_mark_bounced(*, company_id: int, address: str, status: str,
                              diagnostic: str, at) -> int:
    """A hard bounce of our mail is the strongest proof a mailbox is dead: the address's
    verifications become undeliverable with the bounce as the reason, and are regraded
    (no network: from what they stored)."""
    from leads.services import companies_refresh

    words = " ".join(filter(None, (status, diagnostic))) or "no reason given"
    reason = f"bounced on {at:%Y-%m-%d}: {words}"[:500]
    changed = 0
    label = target_labels([company_id]).get(company_id)
    with transaction.atomic():
        for v in (Verification.objects.select_for_update()
                  .filter(inquiry__company_id=company_id, inquiry__email__iexact=address,
                          verified_at__isnull=False).select_related("inquiry")):
            v.email_status = Verification.EmailStatus.UNDELIVERABLE
            v.email_flags = sorted(set(v.email_flags) | {"bounced"})
            evidence = dict(v.evidence or {})
            evidence["email"] = {**evidence.get("email", {}), "status": "undeliverable",
                                 "reason": reason, "bounce": {"status": status,
                                                             "diagnostic": diagnostic[:500],
                                                             "at": at.isoformat()}}
            v.evidence = evidence
            rescore(v, company_name=v.inquiry.company_name, message=v.inquiry.message,
                    target_label=label)
            v.save(update_fields=["email_status", "email_flags", "evidence", *RESCORED_FIELDS])
            changed += 1
        if changed:
            companies_refresh(company_ids=[company_id])
    log.info("verification.bounced company=%s address=%s status=%s changed=%s", company_id,
             address, status, changed)
    return changed
