"""Rescoring many inquiries: same results as scoring each afresh, only changes written.

Also the pieces that make it fast: folding by ``str.translate`` (same text and offset
map as character by character), the texts of one website scanned once, and the
keyword lists pinned for a run.
"""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leads import services
from tests.leads.helpers import ingest
from verification import fit, lists, textnorm
from verification.checks import rescore
from verification.keyword_editor import keyword_add
from verification.models import Industry, Keyword, Verification
from verification.services import RESCORED_FIELDS, verifications_rescore

POOLS = "Pool supplies: swimming pool pumps and filters; we service every swimming pool."
SAUNA = ("Handmade oak furniture: dining tables, chairs, sofas and wardrobes made in our "
         "workshop for homes, offices and hotels.")


def fold_char_by_char(text: str):
    converted = textnorm.simplified(text)  # traditional Chinese as simplified, if 1:1
    text = converted if len(converted) == len(text) else text
    out, index = [], []
    for i, ch in enumerate(text):
        folded = ch.lower() if ch.isascii() else textnorm._fold_char(ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


TRICKY = ("AbZ 09-_ ßẞøØæŒİıЁЙё中文淨汙處한국어ﬁﬀ\u0301\u0308\u064e\u0651ÉéÅ\u00a0\u2028"
          "ﻻ㎏Ⅻ①")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=40))
@example("㐀\ud800")  # a lone surrogate beside Chinese: OpenCC cannot encode it
def test_folding_is_character_by_character(text):
    folded, index = fit.fold_with_map(text)
    assert (folded, list(index)) == fold_char_by_char(text)


def score_fit_mention_by_mention(matcher, sources):
    """score_fit as it was before mentions were counted per text (the oracle)."""
    found = {}
    for source, text in sources.items():
        if not text or source not in fit.SOURCE_FACTOR:
            continue
        folded, index = fit.fold_with_map(text)
        for start, end, pattern in fit._outermost(matcher.scan(folded)):
            entry = pattern.entry
            record = found.setdefault((entry.industry, entry.term), {
                "term": entry.term, "industry": entry.industry, "language": entry.language,
                "weight": entry.weight, "industry_weight": entry.industry_weight,
                "count": 0, "where": [], "snippet": "", "best_factor": 0.0,
            })
            record["count"] += 1
            if source not in record["where"]:
                record["where"].append(source)
            factor = fit.SOURCE_FACTOR[source]
            if factor > record["best_factor"]:
                record["best_factor"] = factor
                record["snippet"] = fit._snippet(text, index, start, end)
    return found


DEFAULTS = [fit.KeywordEntry(row["term"], row["weight"], row["industry"] or "",
                             row["language"], 1.5 if row["industry"] == "aquaculture" else 1.0)
            for row in lists.default_keywords()]
MATCHER = fit.Matcher(DEFAULTS)
WORDS = st.sampled_from([entry.term for entry in DEFAULTS[::7]] + [
    "the", "und", "für", "ÉTÉ", "Straße", "water-treatment", "UV-C", "uvc", "fish", "farms",
    "لمعالجة", "المياه", "水处理", "，", ".", "\n", "Water Treatment Plant", "sauna"])
TEXTS = st.lists(WORDS, max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={source: TEXTS for source in (
    "title", "description", "text", "company", "message")}))
def test_counting_per_text_scores_as_mention_by_mention(sources):
    result = fit.score_fit(MATCHER, sources)
    oracle = score_fit_mention_by_mention(MATCHER, sources)
    by_key = {(r["industry"], r["term"]): r for r in [*result.matches, *result.negatives]}
    for key, record in by_key.items():
        expected = {k: v for k, v in oracle[key].items() if k != "best_factor"}
        assert {k: v for k, v in record.items() if k != "points"} == expected
    def order(records):
        return [(r["industry"], r["term"]) for r in sorted(records, key=lambda r: (
            -round(r["weight"] * r["best_factor"] * (
                1 + fit.REPEAT_BONUS * min(r["count"] - 1, fit.MAX_REPEATS))
                * r["industry_weight"], 2),
            r["term"]))]

    assert [(r["industry"], r["term"]) for r in result.matches] == order(
        [r for r in oracle.values() if r["industry"]])[:25]
    assert [(r["industry"], r["term"]) for r in result.negatives] == order(
        [r for r in oracle.values() if not r["industry"]])[:10]


def test_repeated_texts_are_scanned_once():
    matcher = fit.Matcher([fit.KeywordEntry("swimming pool", 2, "disinfection")])
    fit._found_in.cache_clear()
    first = fit.score_fit(matcher, {"text": POOLS})
    second = fit.score_fit(matcher, {"text": POOLS, "message": "swimming pool"})
    info = fit._found_in.cache_info()
    assert (info.hits, info.misses) == (1, 2)
    assert first.matches[0]["count"] == 2 and second.matches[0]["count"] == 3


@pytest.mark.django_db
def test_pinned_lists_keep_the_keywords_of_the_start(admin_user):
    industry = Industry.objects.order_by("name").first()
    with lists.lists_pinned():
        matcher, _ = lists.keyword_matcher()
        Keyword.objects.create(industry=industry, term="sauna heaters", language="en")
        assert lists.keyword_matcher()[0] is matcher
    assert lists.keyword_matcher()[0] is not matcher


def verified(company: str, email: str, text: str):
    inquiry = ingest(company=company, email=email, country="FI")
    Verification.objects.filter(inquiry=inquiry).update(
        status="done", verified_at="2026-11-20T10:00:00Z", website_status="reachable",
        email_status="deliverable", website_text=text, website_title=company,
        website_url=f"https://{email.split('@')[1]}", fit=0, grade="B", score=60)
    services.companies_refresh(company_ids=[inquiry.company_id])
    return inquiry


@pytest.mark.django_db
def test_rescoring_writes_what_changed_and_refreshes_those_companies(rep, admin_user,
                                                                     monkeypatch):
    pools = verified("Pool Co", "a@pools.example", POOLS * 3)
    sauna = verified("Kuuma Oy", "b@kuuma.example", SAUNA)
    verifications_rescore()  # the stored results become what scoring says today
    written = []
    real_update = services.rows_update
    monkeypatch.setattr(services, "rows_update",
                        lambda objs, fields, **kw: written.extend(objs) or real_update(
                            objs, fields, **kw))
    assert verifications_rescore() == 2
    assert written == []  # nothing changed, nothing written

    before = Verification.objects.get(inquiry=sauna)
    for term in ("swimming pool", "pool pumps", "pool supplies"):
        keyword_add(user=admin_user, industry=Industry.objects.get(slug="disinfection"),
                    term=term, language="en", weight=4)
    assert verifications_rescore() == 2
    assert [v.pk for v in written if isinstance(v, Verification)] == [pools.pk]
    after = Verification.objects.get(inquiry=pools)
    assert after.fit >= 50 and after.grade == "A"
    assert {m["term"] for m in after.fit_matches} >= {"swimming pool", "pool pumps"}
    pools.company.refresh_from_db()
    assert (pools.company.fit, pools.company.grade) == (after.fit, "A")
    unchanged = Verification.objects.get(inquiry=sauna)
    assert [getattr(unchanged, f) for f in RESCORED_FIELDS] == [
        getattr(before, f) for f in RESCORED_FIELDS]

    # What was stored is what scoring each afresh gives.
    for verification in Verification.objects.select_related("inquiry"):
        fresh = Verification.objects.get(pk=verification.pk)
        rescore(fresh, company_name=verification.inquiry.company_name,
                message=" ".join(filter(None, (verification.inquiry.product,
                                               verification.inquiry.message))))
        assert [getattr(fresh, f) for f in RESCORED_FIELDS] == [
            getattr(verification, f) for f in RESCORED_FIELDS]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_run_is_shared_out_to_processes(admin_user):
    from django.utils import timezone

    from leads.models import Company, Inquiry

    inquiries = []
    for n, text in enumerate([POOLS * 3, SAUNA, POOLS]):
        company = Company.objects.create(name=f"Firm {n}", domain=f"firm{n}.example")
        inquiry = Inquiry.objects.create(company=company, platform="web",
                                         received_at=timezone.now(), email=f"a@firm{n}.example",
                                         message="Quote UV lamps.", dedup_key=f"test:{n}")
        Verification.objects.create(inquiry=inquiry, status="done", verified_at=timezone.now(),
                                    website_status="reachable", email_status="deliverable",
                                    website_text=text, website_title=f"Firm {n}")
        inquiries.append(inquiry)
    for term in ("swimming pool", "pool pumps", "pool supplies"):
        keyword_add(user=admin_user, industry=Industry.objects.get(slug="disinfection"),
                    term=term, language="en", weight=4)
    done = []
    assert verifications_rescore(batch_size=1, processes=2, progress=done.append) == 3
    assert done == [1, 1, 1]
    fits = {v.inquiry_id: v for v in Verification.objects.all()}
    assert fits[inquiries[0].pk].fit >= 50 and fits[inquiries[0].pk].grade == "A"
    assert fits[inquiries[1].pk].fit < 50 and fits[inquiries[1].pk].grade == "B"
    assert Company.objects.get(pk=inquiries[0].company_id).grade == "A"
