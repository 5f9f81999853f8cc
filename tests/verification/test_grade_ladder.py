"""The grade ladder: grades that match their names, and the team's label over the fit.

A genuine company whose readable page shows no target industry is C "genuine but not a
target industry", not B "fit unclear"; B stays for what could not be judged. The
thresholds are measured on the fit corpus (its held-out part, which nothing is tuned on).
"""

from datetime import date

import pytest
from django.test import TestCase
from django.utils import timezone

from leads.models import Company
from tests.factories import CompanyFactory, InquiryFactory
from verification import corpus, fittrain
from verification.fitmodel import shipped_model
from verification.fitscore import assess
from verification.grading import (
    BANDS,
    DOUBTFUL,
    MAILBOX_ONLY,
    NOT_TARGET,
    NOT_TARGET_FIT,
    READABLE_LETTERS,
    RISKY_TARGET,
    TARGET,
    UNCLEAR,
    Signals,
    grade_inquiry,
    readable_letters,
    reason_text,
    render,
)
from verification.lists import default_matcher
from verification.models import Verification
from verification.services import (
    fit_label_set,
    verification_request,
    verifications_rescore,
)

TODAY = date(2026, 12, 7)
FURNITURE_PAGE = (
    "Oak Living – solid wood furniture since 1987\n"
    "Home | Sofas | Dining tables | Chairs | Beds | Showroom | Contact\n"
    "We make solid oak and walnut furniture in our own workshop: dining tables, sofas, "
    "armchairs, beds and wardrobes, finished by hand with natural oils.\n"
    "Visit our showroom or order online; free delivery within 50 km.\n"
    "Custom sizes on request. Ten years of guarantee on every frame.")


def genuine(**overrides) -> Signals:
    """A genuine company: the mailbox exists on the domain of a working, old website."""
    base = dict(email_status="deliverable", email_flags=set(), website_status="reachable",
                website_host="oakliving.example", domain_match=True,
                domain_created={"oakliving.example": date(2009, 3, 14)}, fit=0,
                fit_industries=[], today=TODAY, fit_source="model", page_letters=600,
                fit_against=["furniture"])
    return Signals(**{**base, **overrides})


def verdict(grade) -> str:
    first = grade.reasons[0]
    assert first.get("verdict") is True
    return first["text"]


# --- The ladder on hand-made signals --------------------------------------------------


def test_a_readable_page_of_another_trade_is_c_not_a_target_and_says_what_it_shows():
    grade = grade_inquiry(genuine())
    assert (grade.grade, grade.rung) == ("C", NOT_TARGET)
    assert verdict(grade) == "genuine but not a target industry: the page speaks of furniture"
    assert BANDS["C"][0] <= grade.score <= BANDS["C"][1]
    assert "mailbox exists" in grade.texts()  # the evidence stays beside the verdict


def test_without_another_trade_named_the_page_shows_no_target_industry():
    grade = grade_inquiry(genuine(fit=NOT_TARGET_FIT - 1, fit_against=[]))
    assert (grade.grade, verdict(grade)) == (
        "C", "genuine but not a target industry: the page shows none")


@pytest.mark.parametrize(("why", "overrides", "said"), [
    ("too little text", dict(page_letters=READABLE_LETTERS - 1),
     "the website has too little readable text to judge its business"),
    ("a language the model does not read", dict(fit_source="keywords"),
     "the fit model does not read the website's language"),
    ("no fit at all", dict(fit=None, fit_source="keywords"),
     "the fit model does not read the website's language"),
])
def test_a_page_that_could_not_be_judged_stays_b_fit_unclear(why, overrides, said):
    grade = grade_inquiry(genuine(**overrides))
    assert (grade.grade, grade.rung) == ("B", UNCLEAR), why
    assert said in grade.texts()
    assert verdict(grade).startswith("genuine, fit unclear")


@pytest.mark.parametrize("fit", [NOT_TARGET_FIT, 30, 49])
def test_a_page_that_mentions_a_target_industry_unclearly_stays_b(fit):
    grade = grade_inquiry(genuine(fit=fit, fit_industries=["disinfection"]))
    assert (grade.grade, grade.rung) == ("B", UNCLEAR)


def test_no_website_or_free_mail_with_a_mailbox_that_exists_is_b_not_judged():
    for overrides in (dict(website_status="none", domain_match=None),
                      dict(website_status="none", domain_match=None,
                           email_flags={"free_provider"}, domain_created={})):
        grade = grade_inquiry(genuine(**overrides))
        assert (grade.grade, grade.rung) == ("B", MAILBOX_ONLY), overrides


def test_a_target_page_is_a_and_a_risky_mail_keeps_it_b():
    target = genuine(fit=88, fit_industries=["water treatment engineering"], fit_against=[])
    assert (grade_inquiry(target).grade, grade_inquiry(target).rung) == ("A", TARGET)
    risky = grade_inquiry(genuine(fit=88, mail_risks=["an HTML attachment with a form"]))
    assert (risky.grade, risky.rung) == ("B", RISKY_TARGET)


def test_the_teams_label_wins_over_the_fit():
    marked = grade_inquiry(genuine(target_label=True))
    assert (marked.grade, marked.rung) == ("A", TARGET)
    assert "the team marked it a target buyer" in marked.texts()
    rejected = grade_inquiry(genuine(fit=95, fit_industries=["disinfection"],
                                     target_label=False))
    assert (rejected.grade, verdict(rejected)) == (
        "C", "genuine but not a target industry: the team marked it not a target buyer")
    # An existing mailbox without a website, marked not a target: C too.
    free = grade_inquiry(genuine(website_status="none", domain_match=None,
                                 target_label=False))
    assert (free.grade, free.rung) == ("C", NOT_TARGET)


def test_the_label_does_not_make_a_doubtful_or_fake_company_genuine():
    young = grade_inquiry(genuine(domain_created={"oakliving.example": date(2026, 11, 1)},
                                  target_label=True))
    assert (young.grade, young.rung) == ("C", DOUBTFUL)
    fake = grade_inquiry(genuine(email_flags={"disposable"}, target_label=True))
    assert fake.grade == "D" and verdict(fake) == "likely fake: a disposable address"


# --- Reasons: sentences in the reader's language --------------------------------------


def test_every_reason_is_a_template_with_its_params():
    cases = [genuine(), genuine(target_label=True), genuine(page_letters=10),
             genuine(email_status="undeliverable", email_reason="550 5.1.1 user unknown",
                     website_status="error", website_reason="HTTP 503"),
             genuine(email_flags={"disposable", "free_provider", "role_account"}),
             genuine(domain_created={"oakliving.example": date(2026, 11, 30)},
                     website_status="unreachable"),
             genuine(fit=30, fit_industries=["disinfection"], mail_risks=["look-alike link"])]
    for signals in cases:
        for reason in grade_inquiry(signals).reasons:
            assert reason["template"] and reason["effect"] in "+-i"
            assert render(reason["template"], reason["params"]) == reason["text"]


def test_a_reason_is_shown_translated_and_falls_back_to_the_english_text():
    reason = grade_inquiry(genuine()).reasons[0]
    chinese = {"genuine but not a target industry: the page speaks of {trades}":
               "真实公司，但不属于目标行业：网页讲的是{trades}"}
    assert (reason_text(reason, lambda t: chinese.get(t, t))
            == "真实公司，但不属于目标行业：网页讲的是furniture")
    typo = {reason["template"]: "网页讲的是{trade}"}  # a translator's typo
    assert reason_text(reason, lambda t: typo.get(t, t)) == reason["text"]
    assert reason_text({"text": "website works", "effect": "+"}) == "website works"  # old


def test_readable_letters_count_a_chinese_character_as_three():
    assert readable_letters("UV lamp 40W", "") == 9
    assert readable_letters("水处理") == 9


# --- The thresholds on the corpus's held-out pages ------------------------------------


def test_on_held_out_pages_few_targets_and_most_other_businesses_are_not_targets():
    """Measured, not tuned: the thresholds were chosen on the development pages (scored
    out of fold); on the held-out part a target hidden as C costs business, so at most
    two of its 89 targets may fall below, while most other businesses do."""
    model, matcher = shipped_model(), default_matcher()
    demoted = {True: 0, False: 0}
    totals = {True: 0, False: 0}
    for page in corpus.held_out(corpus.load()):
        sample = fittrain.sample_of(page)
        fit = assess(matcher, model, {"title": sample.head, "text": sample.body},
                     language=sample.language)
        grade = grade_inquiry(genuine(fit=fit.fit, fit_source=fit.source,
                                      page_letters=readable_letters(sample.head, sample.body),
                                      fit_against=[n["term"] for n in fit.negatives]))
        totals[page.is_target] += 1
        demoted[page.is_target] += grade.rung == NOT_TARGET
    assert totals == {True: 89, False: 111}
    assert demoted[True] <= 2  # measured: 1 (a dental practice's article page, fit 8)
    assert demoted[False] >= 0.6 * totals[False]  # measured: 75 of 111


# --- Through the checks and the team's label ------------------------------------------



def stored_furniture(company_name="Oak Living Ltd") -> Verification:
    """A verification as the checks store it: a furniture maker's readable page."""
    inquiry = InquiryFactory(company=CompanyFactory(domain="oakliving.example"),
                             email="anna@oakliving.example", website="oakliving.example",
                             company_name=company_name, product="Sofa fabric samples",
                             message="Do you sell fabric for sofas?")
    title, _, text = FURNITURE_PAGE.partition("\n")
    return Verification.objects.create(
        inquiry=inquiry, status=Verification.Status.DONE, verified_at=timezone.now(),
        grade="B", score=60,
        email_status="deliverable", website_status="reachable", domain_match=True,
        website_url="oakliving.example", website_title=title, website_text=text,
        website_language="en",
        evidence={"email": {"status": "deliverable", "address": {"verdict": "valid"}},
                  "website": {"reason": ""},
                  "whois": {"oakliving.example": {"created": "2009-03-14"}}})


@pytest.mark.django_db
def test_rescoring_grades_a_readable_furniture_page_c_and_the_company_follows():
    v = stored_furniture()
    verifications_rescore()
    v.refresh_from_db()
    assert v.fit < NOT_TARGET_FIT and (v.grade, v.reasons[0]["text"]) == (
        "C", "genuine but not a target industry: the page speaks of furniture")
    assert Company.objects.get(pk=v.inquiry.company_id).grade == "C"


@pytest.mark.django_db
def test_a_reps_target_label_regrades_at_once_and_taking_it_back_restores_the_fit(rep):
    v = stored_furniture()
    verifications_rescore()
    company = Company.objects.get(pk=v.inquiry.company_id)
    fit_label_set(company=company, is_target=True, industry="disinfection", user=rep)
    v.refresh_from_db()
    company.refresh_from_db()
    assert (v.grade, company.grade) == ("A", "A")
    assert "the team marked it a target buyer" in [r["text"] for r in v.reasons]
    fit_label_set(company=company, is_target=None, user=rep)
    company.refresh_from_db()
    assert company.grade == "C"
    # A rescoring after an admin's keyword edit keeps the label's word.
    fit_label_set(company=company, is_target=True, user=rep)
    verifications_rescore()
    company.refresh_from_db()
    assert company.grade == "A"


@pytest.mark.django_db
def test_a_real_verification_reads_the_label_too(rep):
    inquiry = InquiryFactory(company=CompanyFactory(domain=""), email="anna@klarwasser.de",
                             website="nails.example", company_name="Glamour Nails")
    fit_label_set(company=inquiry.company, is_target=False, user=rep)
    with TestCase.captureOnCommitCallbacks(execute=True):
        verification_request(inquiry_ids=[inquiry.pk])  # eager in unit tests
    v = Verification.objects.get(inquiry=inquiry)
    assert v.website_status == "reachable" and v.email_status == "deliverable"
    assert (v.grade, v.reasons[0]["text"]) == (
        "C", "genuine but not a target industry: the team marked it not a target buyer")
