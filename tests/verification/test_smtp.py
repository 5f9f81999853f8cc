"""The mailbox prober against real SMTP servers on loopback (no mocks)."""

import time

import pytest

from verification.probes.dns import lookup_mail_hosts
from verification.probes.smtp import check_mailbox


@pytest.fixture
def probe(resolver, smtp_settings, sandbox_smtp):
    for server in sandbox_smtp.values():
        server.recorder.commands.clear()

    def run(address):
        hosts = lookup_mail_hosts(address.rpartition("@")[2], resolver)
        return check_mailbox(address, hosts, smtp_settings, resolver)

    return run


def commands(sandbox_smtp, address):
    return sandbox_smtp[address].recorder.commands


def test_existing_mailbox_is_deliverable_and_no_data_is_sent(probe, sandbox_smtp):
    result = probe("anna@klarwasser.de")
    assert result.status == "deliverable" and result.flags == set()
    assert result.host == "mx1.klarwasser.de"  # preference 10 before 20
    sent = commands(sandbox_smtp, "127.0.10.2")
    assert sent[0] == "ehlo probe.leadqual.test"
    assert "mail FROM:<verify@leadqual.test>" in sent
    assert "rcpt TO:<anna@klarwasser.de>" in sent
    assert sum(c.startswith("rcpt TO:<") for c in sent) == 2  # the address, then a random one
    assert not any(c.upper().startswith("DATA") for c in sent)
    assert "klarwasser" not in sent[0]  # our HELO name, never the buyer's domain
    steps = [reply.step.split(" ")[0] for reply in result.replies]
    assert steps[:4] == ["connect", "helo", "mail", "rcpt"]


def test_unknown_user_is_undeliverable(probe):
    result = probe("nobody@klarwasser.de")
    assert result.status == "undeliverable"
    assert "5.1.1" in result.replies[-1].text
    assert result.replies[-1].code == 550


def test_disabled_and_full_mailboxes(probe):
    disabled = probe("old@klarwasser.de")
    assert (disabled.status, disabled.flags) == ("undeliverable", {"disabled"})
    full = probe("busy@klarwasser.de")
    assert (full.status, full.flags) == ("risky", {"full_inbox"})
    assert full.replies[-1].code == 452  # a 4xx, yet read by its 4.2.2, not its first digit


def test_catch_all_is_risky(probe):
    result = probe("whoever@catchall.example")
    assert (result.status, result.flags) == ("risky", {"catch_all"})


def test_greylisting_is_unknown_and_retried(probe):
    result = probe("li@greylist.example")
    assert (result.status, result.flags, result.retry) == ("unknown", {"greylisted"}, True)


def test_falls_back_past_421_and_refused_hosts(probe):
    result = probe("sam@fallback.example")
    assert result.status == "deliverable"
    assert result.host == "up.fallback.example"


def test_every_mx_refused_is_unknown_unreachable(probe):
    result = probe("x@dead.example")
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert "mx.dead.example" in result.reason


def test_a_silent_server_costs_no_more_than_the_timeout(probe):
    started = time.monotonic()
    result = probe("x@silent.example")
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert time.monotonic() - started < 2.5  # timeout is 1 s


def test_helo_fallback_and_new_connection_for_second_recipient(probe, sandbox_smtp):
    helo = probe("ana@helo-only.example")
    assert helo.status == "deliverable"
    assert any(c.startswith("helo probe.leadqual.test") for c in
               commands(sandbox_smtp, "127.0.11.8"))
    one = probe("ana@one-rcpt.example")
    assert one.status == "deliverable"
    # One recipient per connection, so a 452 "too many recipients" never hides the answer.
    recorder = sandbox_smtp["127.0.11.9"].recorder
    assert recorder.commands.count("quit") == 2
    assert not any("4.5.3" in reply.text for reply in one.replies)


def test_dns_verdicts_short_circuit(probe):
    assert (probe("a@no-mail.example").status, probe("a@no-mail.example").flags) == (
        "undeliverable", {"null_mx"})
    assert probe("a@never-registered.example").flags == {"no_mx"}


def test_mx_on_a_private_address_is_never_contacted(probe):
    result = probe("a@private-mx.example")
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert "10.0.0.25" in result.reason


def test_equal_preference_mail_hosts_share_the_load():
    """RFC 5321 §5.1: hosts of equal preference are tried in random order, so one mail
    server (and its connection cap) does not take every probe; lower preference first."""
    from verification.probes.smtp import delivery_order

    hosts = [(10, "a.example"), (10, "b.example"), (10, "c.example"), (20, "backup.example")]
    orders = [delivery_order(hosts) for _ in range(200)]
    assert all(order[-1] == "backup.example" for order in orders)
    firsts = {order[0] for order in orders}
    assert firsts == {"a.example", "b.example", "c.example"}
    assert delivery_order([(20, "z.example"), (5, "y.example")]) == ["y.example", "z.example"]
