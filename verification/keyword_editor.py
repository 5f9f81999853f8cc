"""Admins' edits of the target-industry keywords: recorded, then every inquiry rescored.

Every change writes a ``KeywordChange`` (who, when, before and after) and asks
for a rescoring run; runs already queued and not started absorb later edits,
so a burst of edits costs one pass over the stored texts.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.celery_app import enqueue
from leads.audit import by_user
from verification.fitscore import assess
from verification.lists import bump, fit_model, keyword_matcher
from verification.models import (
    FitModel,
    Industry,
    Keyword,
    KeywordChange,
    RescoreRun,
    Verification,
)
from verification.services import stale_claim, verifications_rescore


def _keyword_dict(keyword: Keyword) -> dict:
    return {"term": keyword.term, "language": keyword.language, "weight": keyword.weight,
            "industry": keyword.industry.slug if keyword.industry else None,
            "negative": keyword.negative}


def _record(user, action: str, summary: str, before=None, after=None) -> KeywordChange:
    return KeywordChange.objects.create(user=user, action=action, summary=summary[:300],
                                        before=before, after=after)


@by_user
@transaction.atomic
def keyword_add(*, user, industry: Industry | None, term: str, language: str, weight: int = 2,
                negative: bool = False) -> Keyword | None:
    """Add one keyword; None when the same one is already there."""
    term = " ".join(term.split())
    if not term:
        raise ValueError("the keyword is empty")
    if negative:
        industry = None
    try:
        with transaction.atomic():
            keyword = Keyword.objects.create(industry=industry, term=term, language=language,
                                             weight=weight, negative=negative, updated_by=user)
    except IntegrityError:
        return None
    _record(user, "add", f"added {'negative ' if negative else ''}“{term}” ({language})"
            + (f" to {industry.name}" if industry else ""), after=_keyword_dict(keyword))
    rescore_request(user=user)
    return keyword


@by_user
@transaction.atomic
def keywords_bulk_add(*, user, industry: Industry | None, language: str, text: str,
                      weight: int = 2, negative: bool = False) -> tuple[int, int]:
    """One keyword per line (or separated by commas); returns (added, already there)."""
    terms = []
    for line in text.replace(",", "\n").replace("，", "\n").splitlines():
        term = " ".join(line.split())
        if term and term not in terms:
            terms.append(term)
    added, existing = [], 0
    for term in terms:
        try:
            with transaction.atomic():
                Keyword.objects.create(industry=None if negative else industry, term=term,
                                       language=language, weight=weight, negative=negative,
                                       updated_by=user)
            added.append(term)
        except IntegrityError:
            existing += 1
    if added:
        _record(user, "bulk_add", f"pasted {len(added)} {'negative ' if negative else ''}"
                f"keywords ({language})" + (f" to {industry.name}" if industry and not negative
                                            else ""),
                after={"terms": added, "language": language, "weight": weight,
                       "industry": industry.slug if industry and not negative else None,
                       "negative": negative})
        rescore_request(user=user)
    return len(added), existing


@by_user
@transaction.atomic
def keyword_delete(*, user, keyword: Keyword) -> None:
    before = _keyword_dict(keyword)
    keyword.delete()
    _record(user, "delete", f"removed “{before['term']}” ({before['language']})", before=before)
    rescore_request(user=user)


@by_user
@transaction.atomic
def industry_update(*, user, industry: Industry, weight: float, active: bool) -> Industry:
    before = {"weight": industry.weight, "active": industry.active}
    if before == {"weight": weight, "active": active}:
        return industry
    industry.weight, industry.active = weight, active
    industry.save(update_fields=["weight", "active"])
    _record(user, "industry", f"{industry.name}: weight {before['weight']} → {weight}"
            + ("" if active == before["active"] else f", {'on' if active else 'off'}"),
            before=before, after={"weight": weight, "active": active})
    rescore_request(user=user)
    return industry


def rescore_request(*, user=None) -> RescoreRun:
    """Queue a rescoring of every stored inquiry after this transaction commits."""
    waiting = RescoreRun.objects.filter(started_at__isnull=True).first()
    if waiting is not None:
        return waiting
    run = RescoreRun.objects.create(requested_by=user)
    transaction.on_commit(lambda: enqueue("verification.tasks.rescore_all", run.pk))
    return run


def rescore_runs_claim_stale(*, older_than) -> list[int]:
    """Rescoring runs requested long ago and never started (their message was lost)."""
    return stale_claim(RescoreRun.objects.filter(started_at__isnull=True),
                       older_than=older_than)


def rescore_run(run_id: int | None = None) -> int:
    """Do one rescoring run (the Celery task calls this), recording its progress."""
    run = RescoreRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = RescoreRun.objects.create()
    total = Verification.objects.filter(verified_at__isnull=False).count()
    RescoreRun.objects.filter(pk=run.pk).update(started_at=timezone.now(), total=total, done=0)

    def progress(count: int) -> None:
        RescoreRun.objects.filter(pk=run.pk).update(done=F("done") + count)

    count = verifications_rescore(progress=progress)
    RescoreRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), done=count,
                                                total=max(total, count))
    return count


def try_text(text: str):
    """Which keywords match a pasted text (as website text), what the model reads in it,
    and the resulting fit: the keywords as they are now, the model in force."""
    matcher, names = keyword_matcher()
    result = assess(matcher, fit_model(), {"text": text[:100_000]})
    return result, names


@transaction.atomic
def fit_model_decide(*, model_id: int, accept: bool, user=None):
    """An admin accepts a candidate (it is in force from now on, and every inquiry is
    rescored with it) or rejects it (nothing changes)."""
    run = FitModel.objects.select_for_update().get(pk=model_id)
    if run.status != FitModel.Status.CANDIDATE:
        raise ValueError("only a candidate waiting for an admin can be accepted or rejected")
    run.decided_by = user
    if not accept:
        run.status = FitModel.Status.REJECTED
        run.save(update_fields=["status", "decided_by"])
        return run
    FitModel.objects.filter(status=FitModel.Status.ACTIVE).update(
        status=FitModel.Status.RETIRED)
    run.status, run.accepted_at = FitModel.Status.ACTIVE, timezone.now()
    run.save(update_fields=["status", "decided_by", "accepted_at"])
    transaction.on_commit(lambda: bump("fitmodel"))
    rescore_request(user=user)
    return run
