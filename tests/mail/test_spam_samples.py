"""Spam and phishing in the real formats (tests/fixtures/mail/spam/, our own samples:
marketplace-notice lures, purchase-order lures with each dangerous attachment kind,
payment diversion, credential lures, generic spam; broken header bytes included).

Every phishing sample is held back by Leadqual's own checks alone, with one of the
reasons its manifest names; generic spam needs the spam filter (rspamd, taught by the
team: tests/mail/test_rspamd.py). None crashes the intake, none becomes an inquiry, none
is lost: each is stored with the bytes as they came."""

import pytest

from leads.mail.parse import MailUnreadable, parse_mail, read_message
from leads.mail.screen import screen
from leads.mail.services import mail_ingest
from leads.models import Inquiry, MailMessage
from tests.mail.samples import ids, sample_set

FOLDER, MANIFEST = sample_set("spam")
PHISHING = [entry for entry in MANIFEST if entry["verdict"] == "phishing"]
SPAM = [entry for entry in MANIFEST if entry["verdict"] == "spam"]
# Offers a buyer could almost make (a freight agent, a trade show, another factory, a
# directory, a newsletter): shown as a sign, held only once the team taught the spam
# filter (tests/mail/test_rspamd.py).
TAUGHT = {"143-spam-bulk-newsletter-no-consent.eml", "144-spam-trade-directory-listing-update.eml",
          "145-spam-competitor-supplier-advert.eml", "146-spam-freight-rates-offer.eml",
          "153-spam-zh-trade-show-booth.eml"}
OWN_DOMAIN = ("uvlamp-factory.test",)
# The manifest's sign -> the checks' reason codes that name it
CODES = {"html_attachment_form": {"dangerous_attachment", "password_form"}}


def screened(raw: bytes):
    parsed = parse_mail(raw)
    return screen(read_message(raw), from_name=parsed.from_name,
                  from_address=parsed.from_address, subject=parsed.subject,
                  own_domains=OWN_DOMAIN)


@pytest.mark.parametrize("entry", PHISHING, ids=ids(PHISHING))
def test_a_phishing_sample_is_held_as_phishing_with_a_reason_it_carries(entry):
    screening = screened((FOLDER / entry["file"]).read_bytes())
    assert screening.verdict == "phishing", [s.evidence for s in screening.signs]
    expected = set().union(*(CODES.get(sign, {sign}) for sign in entry["signs"]))
    found = {sign.code for sign in screening.signs}
    assert found & expected, (found, expected)
    assert all(sign.evidence for sign in screening.signs)


def test_the_manifest_lists_every_sample_once_with_its_verdict():
    assert sorted(entry["file"] for entry in MANIFEST) == sorted(
        path.name for path in FOLDER.glob("*.eml"))
    assert len(MANIFEST) >= 150
    assert {entry["verdict"] for entry in MANIFEST} == {"phishing", "spam"}
    assert all(entry["signs"] for entry in MANIFEST)


@pytest.mark.parametrize("entry", MANIFEST, ids=ids(MANIFEST))
def test_a_spam_sample_is_read_without_a_crash(entry):
    try:
        parsed = parse_mail((FOLDER / entry["file"]).read_bytes())
    except MailUnreadable:
        return  # a reason the intake keeps with the message (the test below)
    assert parsed.from_address
    assert "\udcff" not in parsed.from_name + parsed.subject  # storable text


@pytest.mark.parametrize("entry", SPAM, ids=ids(SPAM))
def test_generic_spam_is_held_as_an_unsolicited_offer_or_left_to_the_taught_filter(entry):
    screening = screened((FOLDER / entry["file"]).read_bytes())
    if entry["file"] in TAUGHT:
        assert screening.verdict in ("risky", "clean")
        return
    assert screening.verdict == "spam", [s.evidence for s in screening.signs]
    assert "unsolicited_offer" in {sign.code for sign in screening.signs}


@pytest.mark.django_db
def test_every_spam_sample_is_stored_none_lost_no_phishing_becomes_an_inquiry():
    phishing = {entry["file"] for entry in PHISHING}
    for entry in MANIFEST:
        raw = (FOLDER / entry["file"]).read_bytes()
        record, created = mail_ingest(raw=raw, source="upload")
        assert created
        if record.outcome == MailMessage.Outcome.FAILED:
            assert record.reason and bytes(record.raw) == raw
        if entry["file"] in phishing:
            assert record.outcome == MailMessage.Outcome.HELD, (entry["file"], record.reason)
            assert bytes(record.raw) == raw and record.screen_signs
            assert record.inquiry_id is None and record.company_id is None
            assert record.screen_filter.startswith("Leadqual's checks only")
    assert MailMessage.objects.count() == len(MANIFEST)
    assert not Inquiry.objects.filter(mail__outcome=MailMessage.Outcome.HELD).exists()
