"""Grade rules on hand-made signals."""

from datetime import date, timedelta

from verification.grading import BANDS, Signals, grade_inquiry

TODAY = date(2026, 11, 25)


def signals(**overrides) -> Signals:
    base = dict(email_status="deliverable", email_flags=set(), website_status="reachable",
                website_host="klarwasser.de", domain_match=True,
                domain_created={"klarwasser.de": date(2009, 3, 14)}, fit=80,
                fit_industries=["water treatment engineering"], today=TODAY)
    return Signals(**{**base, **overrides})


def test_genuine_target_is_a_with_reasons():
    grade = grade_inquiry(signals())
    assert grade.grade == "A" and BANDS["A"][0] <= grade.score <= 100
    texts = grade.texts()
    assert "mailbox exists" in texts
    assert "website klarwasser.de works" in texts
    assert "domain klarwasser.de registered 17 years ago" in texts
    assert any("water treatment engineering" in t for t in texts)


def test_genuine_but_fit_unclear_is_b():
    assert grade_inquiry(signals(fit=20)).grade == "B"


def test_catch_all_on_the_website_domain_still_counts_as_genuine():
    grade = grade_inquiry(signals(email_status="risky", email_flags={"catch_all"}))
    assert grade.grade == "A"
    assert "the mail server accepts any address (catch-all)" in grade.texts()


def test_disposable_address_is_d():
    grade = grade_inquiry(signals(email_status="risky", email_flags={"disposable"},
                                  website_status="none", domain_match=None, domain_created={}))
    assert grade.grade == "D" and grade.score <= BANDS["D"][1]


def test_undeliverable_address_without_a_working_site_is_d():
    for site in ("unreachable", "parked", "placeholder", "error", "none"):
        grade = grade_inquiry(signals(email_status="undeliverable", website_status=site))
        assert grade.grade == "D", site


def test_parked_company_domain_with_unconfirmed_mailbox_is_d():
    assert grade_inquiry(signals(email_status="unknown", website_status="parked")).grade == "D"


def test_young_domain_is_doubtful_and_said_so():
    created = {"klarwasser.de": TODAY - timedelta(days=12)}
    grade = grade_inquiry(signals(domain_created=created))
    assert grade.grade == "C"
    assert "domain klarwasser.de registered 12 days ago" in grade.texts()


def test_free_mail_mailbox_that_exists_is_b_and_unknown_is_c():
    free = dict(email_flags={"free_provider"}, website_status="none", domain_match=None,
                domain_created={}, fit=0)
    assert grade_inquiry(signals(**free)).grade == "B"
    assert grade_inquiry(signals(**free, email_status="unknown")).grade == "C"
