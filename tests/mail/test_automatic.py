"""Automatic mail read for what it is: the sample set in tests/fixtures/mail/automatic/.

Each sample is a message of our own in the real format of the server or program that
writes such mail (Postfix, Exim, qmail, Exchange, Gmail, Yahoo, Amazon SES, QQ, 163 ...;
ARF, DMARC, RFC 8098, RFC 3834 in several languages) or an ordinary buyer's mail that
talks about delivery and failure. ``manifest.json`` says what each one is.
"""

from collections import Counter

import pytest

from leads.mail.automatic import BOUNCES, HUMAN
from leads.mail.parse import parse_mail
from tests.mail.samples import ids, sample_set

SAMPLES, MANIFEST = sample_set("automatic")


def read(entry):
    return parse_mail((SAMPLES / entry["file"]).read_bytes())


def raw_text(entry) -> str:
    from leads.mail.automatic import _all_text
    from leads.mail.parse import read_message

    return _all_text(read_message((SAMPLES / entry["file"]).read_bytes()))


def test_the_sample_set_covers_every_kind_and_many_servers():
    kinds = Counter(entry["kind"] for entry in MANIFEST)
    assert len(MANIFEST) >= 150
    for kind, least in {"bounce_hard": 60, "bounce_soft": 10, "delay": 8, "arf": 5,
                        "dmarc_aggregate": 5, "read_receipt": 5, "auto_reply": 12,
                        "challenge_response": 3, "list_mail": 5, HUMAN: 20}.items():
        assert kinds[kind] >= least, (kind, kinds[kind])
    servers = {entry["server"] for entry in MANIFEST if entry["kind"] in BOUNCES}
    assert len(servers) >= 15, servers
    languages = {entry["language"] for entry in MANIFEST if entry["kind"] == "auto_reply"}
    assert len(languages) >= 8, languages


@pytest.mark.parametrize("entry", MANIFEST, ids=ids(MANIFEST))
def test_each_sample_is_read_as_what_it_is(entry):
    parsed = read(entry)
    kind = parsed.automatic.kind
    if entry["kind"] == HUMAN:
        assert kind == HUMAN, parsed.automatic.reason
        return
    assert kind != HUMAN  # never a buyer's mail
    assert kind == entry["kind"], parsed.automatic.reason
    if entry["kind"] in BOUNCES and entry["failed"]:
        found = {failure.address for failure in parsed.automatic.failures}
        assert entry["failed"][0].lower() in found, found
        if entry.get("status"):
            statuses = {failure.status for failure in parsed.automatic.failures}
            if entry["status"] in parsed.text or entry["status"] in raw_text(entry):
                assert entry["status"] in statuses, statuses  # the code the server wrote
            else:  # no code in the message: the class its words imply (5: for good)
                assert entry["status"][0] in {status[:1] for status in statuses}, statuses


def test_the_targets_on_the_bounces():
    bounces = [entry for entry in MANIFEST if entry["kind"] in BOUNCES]
    not_buyer = sum(read(entry).automatic.kind != HUMAN for entry in bounces)
    with_recipient = sum(
        bool(entry["failed"]) and entry["failed"][0].lower() in
        {f.address for f in read(entry).automatic.failures} for entry in bounces)
    assert not_buyer / len(bounces) >= 0.99
    assert with_recipient / len(bounces) >= 0.90
