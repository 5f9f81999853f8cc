"""The spam filter client against a real rspamd with Leadqual's configuration.

The session's rspamd (``rspamd`` fixture, tests/mail/conftest.py) is Debian's, started
with ``config/rspamd/``; its Bayes lives in a Redis database of its own. Nothing here
is mocked: the samples are the mail sets in tests/fixtures/mail/.
"""

import socket
import threading
import time

import pytest
import redis

from leads.mail.rspamd import FilterUnavailable, filter_version, spam_check, spam_learn
from tests.mail.samples import FIXTURES, sample_set
from tests.processes import RspamdServer, free_port


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_the_filter_names_its_version(rspamd):
    assert rspamd.version and rspamd.version[0].isdigit()
    assert filter_version(rspamd.url) == rspamd.version
    assert filter_version(rspamd.controller_url) == rspamd.version


def test_a_phishing_lure_gets_symbols_and_a_score(rspamd):
    # "View Purchase Order" shows message.alibaba.com and leads to a Cyrillic look-alike.
    result = spam_check(raw("spam/001-marketplace-alibaba-po-signin-cyrillic-a.eml"),
                        url=rspamd.url)
    assert result.version == rspamd.version
    phishing = result.symbol("PHISHING")
    assert phishing and phishing.score > 0
    assert phishing.options == ("alibaba.com->xn--libaba-2nf.example",)
    assert result.score >= phishing.score and result.required == 15.0
    assert [s.score for s in result.symbols] == sorted((s.score for s in result.symbols),
                                                       reverse=True)


def test_a_double_extension_attachment_is_held_back(rspamd):
    # A "PDF" that is a screensaver executable: order.pdf.scr.
    result = spam_check(raw("spam/080-attachment-pt-pedido-pdf-scr.eml"), url=rspamd.url)
    assert result.symbol("MIME_DOUBLE_BAD_EXTENSION")
    assert result.is_spam and result.action in ("add header", "reject")


@pytest.mark.parametrize("name", [
    "buyers/001-en-gmail-pond-uv-clarifier.eml",
    "buyers/050-de-company-koi-teich-latin1.eml",
    "buyers/086-zh-qq-water-equipment-factory.eml",
    "buyers/062-ru-outlook-cp1251-reply-hospital.eml",
])
def test_a_buyers_mail_scores_below_the_spam_threshold(rspamd, name):
    result = spam_check(raw(name), url=rspamd.url)
    assert result.action == "no action" and not result.is_spam
    assert result.score < 4.0, result.symbols
    # What we turned off does not show up (connection checks, DNS lists, the scan time).
    names = {s.name for s in result.symbols}
    assert not names & {"HFILTER_HOSTNAME_UNKNOWN", "RDNS_NONE", "ONCE_RECEIVED",
                        "R_SPF_DNSFAIL", "R_DKIM_TEMPFAIL", "DMARC_DNSFAIL", "ASN"}
    assert all(s.score == 0 for s in result.symbols if s.name.startswith("DATE_IN_"))


def test_free_mail_is_recognised_from_leadquals_own_list(rspamd):
    result = spam_check(raw("buyers/001-en-gmail-pond-uv-clarifier.eml"), url=rspamd.url)
    assert result.symbol("FREEMAIL_FROM").options == ("gmail.com",)


@pytest.fixture
def bayes(rspamd):
    """rspamd's Bayes database empty before and after the test."""
    database = redis.Redis.from_url(rspamd.redis_url)
    database.flushdb()
    yield
    database.flushdb()


def test_after_teaching_the_bayes_recognises_new_spam_and_ham(rspamd, bayes):
    _, spam = sample_set("spam")
    lures = [e["file"] for e in spam if e["family"] == "marketplace_notice_lure"]
    buyers = sorted(p.name for p in (FIXTURES / "buyers").glob("*.eml"))
    n = rspamd.min_learns  # the fixture's: 10 of each
    before = spam_check(raw(f"spam/{lures[n]}"), url=rspamd.url)
    assert not before.symbol("BAYES_SPAM")  # nothing learned yet
    for name in lures[:n]:
        assert spam_learn(raw(f"spam/{name}"), url=rspamd.controller_url,
                          spam=True) == "learned as spam"
    for name in buyers[:n]:
        assert spam_learn(raw(f"buyers/{name}"), url=rspamd.controller_url,
                          spam=False) == "learned as ham"

    new_spam = spam_check(raw(f"spam/{lures[n]}"), url=rspamd.url)
    assert new_spam.symbol("BAYES_SPAM").score > 0, new_spam.symbols
    assert new_spam.score > before.score
    new_buyer = spam_check(raw(f"buyers/{buyers[n]}"), url=rspamd.url)
    assert new_buyer.symbol("BAYES_HAM").score < 0, new_buyer.symbols


def test_learning_the_same_message_twice_is_not_an_error(rspamd, bayes):
    message = raw("spam/002-marketplace-alibaba-new-inquiry-digit-one.eml")
    assert spam_learn(message, url=rspamd.controller_url, spam=True) == "learned as spam"
    again = spam_learn(message, url=rspamd.controller_url, spam=True)
    assert "already learned as spam" in again
    # A rep's correction: learned as the other class, it replaces what was learned.
    assert spam_learn(message, url=rspamd.controller_url, spam=False) == "learned as ham"


def test_a_message_too_short_to_learn_is_not_an_error(rspamd, bayes):
    answer = spam_learn(b"Subject: hi\r\n\r\nhello there\r\n", url=rspamd.controller_url,
                        spam=True)
    assert "less tokens than required" in answer


def test_nothing_is_asked_of_the_dns(rspamd):
    """Every sample of both sets (links, attachments, eleven languages) is scanned
    without one DNS query: rspamd's resolver is a loopback port nobody answers on, so a
    query would show in its buffer and in the log, and would take its 0.5 s timeout."""
    _, spam = sample_set("spam")
    names = [f"spam/{e['file']}" for e in spam] + sorted(
        f"buyers/{p.name}" for p in (FIXTURES / "buyers").glob("*.eml"))
    slowest = 0.0
    for name in names:
        started = time.monotonic()
        spam_check(raw(name), url=rspamd.url)
        slowest = max(slowest, time.monotonic() - started)
    assert rspamd.dns.queries() == []
    log = rspamd.log.read_text(errors="replace")
    assert "cannot resolve" not in log and "maps.rspamd.com" not in log
    assert log.count("dns req: 0,") >= len(names)
    assert "dns req: " not in log.replace("dns req: 0,", "")
    assert slowest < 0.5


def test_a_closed_port_is_unavailable_at_once():
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(FilterUnavailable, match=f"rspamd at {url} does not answer"):
        spam_check(b"Subject: x\r\n\r\nx\r\n", url=url, timeout=1.0)
    assert time.monotonic() - started < 1.0
    with pytest.raises(FilterUnavailable, match="does not answer"):
        spam_learn(b"Subject: x\r\n\r\nx\r\n", url=url, spam=True)
    assert filter_version(url) is None


def test_an_rspamd_that_does_not_answer_in_time_is_unavailable():
    """A server that accepts the connection and then says nothing: the intake must not
    wait longer than the timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    started = time.monotonic()
    try:
        with pytest.raises(FilterUnavailable, match="does not answer"):
            spam_check(raw("buyers/001-en-gmail-pond-uv-clarifier.eml"), url=url,
                       timeout=0.5)
        assert time.monotonic() - started < 1.5
    finally:
        listener.close()
        for connection, _ in accepted:
            connection.close()


def test_without_redis_it_scores_without_bayes_and_a_password_guards_learning(tmp_path,
                                                                            settings):
    """What ``make run`` starts on the embedded broker (no Redis: no Bayes), here with
    a controller password, which loopback clients then need too."""
    server = RspamdServer(tmp_path / "rspamd", redis_url=None, password="s3cret",
                          cache_dir=settings.VAR_DIR / "rspamd-cache").start()
    try:
        result = spam_check(raw("spam/080-attachment-pt-pedido-pdf-scr.eml"), url=server.url)
        assert result.is_spam and not result.symbol("BAYES_SPAM")
        message = raw("spam/002-marketplace-alibaba-new-inquiry-digit-one.eml")
        with pytest.raises(FilterUnavailable, match="401"):
            spam_learn(message, url=server.controller_url, spam=True)
        answer = spam_learn(message, url=server.controller_url, spam=True, password="s3cret")
        assert answer != "learned as spam"  # nowhere to keep it
    finally:
        server.stop()


@pytest.mark.django_db
def test_the_held_back_page_names_the_filter_that_answers(rspamd, client, manager):
    from django.urls import reverse

    client.force_login(manager)
    text = client.get(reverse("leads:held-list")).content.decode()
    assert f"Checked by the spam filter rspamd {rspamd.version} and by Leadqual" in text
