"""Outbound safety of the probes: SSRF, DNS rebinding, size and time caps, SMTP manners.

What test_netguard.py, test_website.py and test_smtp.py already prove is not
repeated here. These tests run against a small internet of their own (real
servers on loopback, started once for the module) in which:

- "the internet" is 127.0.15.0/24, the only network the probes are allowed;
- "private" is 127.0.0.1 and ::1, where canary servers listen on the very ports
  the probes use (a web server over http and https, a mail server). They are
  real services an attacker would like to reach; every connection they accept
  is counted, so "refused" means no byte ever went there, not only a verdict.
"""

import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest

from verification.config import probe_config
from verification.probes.dns import lookup_mail_hosts, make_resolver
from verification.probes.netguard import parse_networks
from verification.probes.smtp import REPLY_LIMIT, SmtpSettings, check_mailbox
from verification.probes.website import HttpSettings, _fetch, check_website
from verification.sandbox.internet import SandboxInternet, World
from verification.sandbox.smtp import Behaviour
from verification.sandbox.web import Route, SandboxWeb, Site, page

PUBLIC_WEB = "127.0.15.80"
PRIVATE = ("127.0.0.1", "::1")
BULK_MX = {"bulk-a.example": "127.0.15.25", "bulk-b.example": "127.0.15.26",
           "bulk-c.example": "127.0.15.27"}
GiB = 1024 ** 3

COMPANY = page("Klarwasser Technik GmbH", "\n".join(
    ["Water treatment plants for towns and industry."]
    + [f"Reference {n}: a drinking water plant with ultrafiltration and UV disinfection."
       for n in range(20)]))
SHORT = page("Klarwasser", "Water treatment plants.")  # short: the checker asks a 2nd page


def _refresh(url: str) -> Route:
    return Route(body=f'<html><head><meta http-equiv="refresh" content="0; url={url}">'
                      "</head><body>Moved.</body></html>")


def _zone() -> str:
    names = ["public.example", "short.example", "big.example", "bomb.example",
             "trickle-body.example", "trickle-head.example",
             *(f"refresh-{n}.example" for n in range(len(REFRESHES))),
             *(f"redirect-{n}.example" for n in range(len(REDIRECTS))),
             *(f"weird-{n}.example" for n in range(len(WEIRD)))]
    lines = [f"{name}. IN A {PUBLIC_WEB}" for name in names]
    for domain, address in BULK_MX.items():
        lines += [f"{domain}. IN MX 10 mx.{domain}.", f"mx.{domain}. IN A {address}"]
    lines += [
        "rebind-mail.example. IN MX 10 mx.rebind-mail.example.",  # A: rebinding
        "trickle-mx.example. IN MX 10 mx.trickle-mx.example.",
        "mx.trickle-mx.example. IN A 127.0.15.28",
        "flood-mx.example. IN MX 10 mx.flood-mx.example.",
        "mx.flood-mx.example. IN A 127.0.15.29",
        # mail hosts on private addresses, each spelled another way
        "mx-loopback.example. IN MX 10 mx.mx-loopback.example.",
        "mx.mx-loopback.example. IN A 127.0.0.1",
        "mx-v6.example. IN MX 10 mx.mx-v6.example.",
        "mx.mx-v6.example. IN AAAA ::1",
        "mx-mapped.example. IN MX 10 mx.mx-mapped.example.",
        "mx.mx-mapped.example. IN AAAA ::ffff:7f00:1",  # ::ffff:127.0.0.1
        "mx-metadata.example. IN MX 10 mx.mx-metadata.example.",
        "mx.mx-metadata.example. IN A 169.254.169.254",
        "implicit-loopback.example. IN A 127.0.0.1",  # no MX: mail goes to the A record
        "sitelocal-web.example. IN AAAA fec0::6e",
        "mx-sitelocal.example. IN MX 10 mx.mx-sitelocal.example.",
        "mx.mx-sitelocal.example. IN AAAA fec0::6e",
        "implicit-sitelocal.example. IN AAAA fec0::6e",  # the A/AAAA fallback
    ]
    return "\n".join(lines) + "\n"


# Redirects (302) from a public site to private addresses, in spellings that
# test_website.py does not use (it has 10.0.0.5, 127.0.0.1, 169.254.169.254).
REDIRECTS = ["http://0x7f.1/", "http://[::ffff:127.0.0.1]/", "http://user@127.0.0.1/",
             "http://[fe80::1%25eth0]/", "http://100.64.0.1/", "http://[2002:7f00:1::]/"]
REFRESHES = ["http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data/",
             "http://[::1]/"]
WEIRD = ["http://[::1/", "http://public.example:99999/", "http://a..example/",
         f"http://{'x' * 64}.example/"]  # redirects to addresses that are no addresses


def _world() -> World:
    sites = {
        "public.example": Site({"/": Route(body=COMPANY)}),
        "short.example": Site({"/": Route(body=SHORT)}),
        "rebind-web.example": Site({"/": Route(body=SHORT)}),
        "rebind-hop.example": Site({"/": Route(status=302, location="/next"),
                                    "/next": Route(body=COMPANY)}),
        "big.example": Site(oversized=GiB),
        "bomb.example": Site(oversized=GiB, gzip=True),
        "trickle-body.example": Site({"/": Route(body=COMPANY)}, trickle=0.2),
        "trickle-head.example": Site({"/": Route(body=COMPANY)}, trickle=0.2,
                                     trickle_headers=True),
        **{f"weird-{n}.example": Site({"/": Route(status=302, location=url)})
           for n, url in enumerate(WEIRD)},
        **{f"refresh-{n}.example": Site({"/": _refresh(url)}) for n, url in enumerate(REFRESHES)},
        **{f"redirect-{n}.example": Site({"/": Route(status=302, location=url)})
           for n, url in enumerate(REDIRECTS)},
    }
    canary_page = {"canary": Site({"/": Route(body=page("Internal admin", "Secrets."))})}
    mail = {address: Behaviour(users=frozenset(f"user{n}" for n in range(100)),
                               greeting_delay=0.03)
            for address in BULK_MX.values()}
    mail["127.0.15.28"] = Behaviour(on_connect="trickle", byte_delay=0.1)
    mail["127.0.15.29"] = Behaviour(on_connect="flood")
    mail["127.0.0.1"] = Behaviour(catch_all=True)  # the canary: would accept anything
    return World(zone=_zone(), mail=mail,
                 web={PUBLIC_WEB: sites, "127.0.0.1": canary_page, "::1": canary_page})


@pytest.fixture(scope="module")
def net():
    internet = SandboxInternet(_world(), silence_seconds=5).start()
    yield internet
    internet.stop()


@pytest.fixture
def net_resolver(net):
    return make_resolver([(net.dns.host, net.dns.port)], timeout=2)


@pytest.fixture
def web(net):
    return HttpSettings(http_port=net.http_port, https_port=net.https_port, timeout=0.5,
                        allow=tuple(parse_networks("127.0.15.0/24")), ca_certs=net.ca_bundle)


@pytest.fixture
def mail(net):
    return SmtpSettings(helo="probe.leadqual.test", mail_from="verify@leadqual.test",
                        port=net.smtp_port, timeout=0.5,
                        allow=tuple(parse_networks("127.0.15.0/24")))


def private_connections(net) -> int:
    """Connections the canaries on 127.0.0.1 and ::1 accepted (http, https, smtp)."""
    servers = [*net.web.values(), *net.others, *net.mail.values()]
    return sum(server.connections if isinstance(server, SandboxWeb)
               else server.recorder.connections
               for server in servers if server.server_address[0] in PRIVATE)


def test_the_canaries_are_reachable_so_a_zero_count_means_something(net, net_resolver):
    # With 127.0.0.1 allowed, the checker does reach the canary on its port.
    settings = HttpSettings(http_port=net.http_port, https_port=net.https_port, timeout=0.5,
                            allow=tuple(parse_networks("127.0.0.0/8")))
    before = private_connections(net)
    status, body, _, hops = _fetch("http://127.0.0.1/", net_resolver, settings)
    assert hops[0].address == "127.0.0.1" and status == 404  # no Host "canary": 404
    assert private_connections(net) == before + 1


# --- SSRF: the website checker, URL spellings not in test_website.py ----------

@pytest.mark.parametrize("url", [
    "http://172.16.0.1/", "http://172.31.255.254/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://0/",
    "http://[fc00::1]/", "http://[fd12:3456::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://0x7f.1/", "http://127.1/", "http://017700000001/", "http://127.0.0.1./",
    "http://１２７.０.０.１/",  # fullwidth digits: IDNA folds them to 127.0.0.1
    "http://[fe80::1]/", "http://[fe80::1%25eth0]/", "http://[::1%25lo]/",
    "http://224.0.0.1/", "http://[ff02::1]/",
    "http://100.64.0.1/", "http://100.127.255.254/",
    "http://[2002:7f00:1::1]/",  # 6to4 for 127.0.0.1
    "http://[fec0::6e]/", "http://[3fff::1]/", "http://192.0.0.8/",  # special-purpose
    "http://sitelocal-web.example/",  # a name whose only address is site-local
    "http://user@127.0.0.1/", "http://user:secret@127.0.0.1/",
    "http://public.example@127.0.0.1/", "http://127.0.0.1#@public.example/",
    "https://127.0.0.1/", "127.0.0.1",  # https, and no scheme (https then http)
])
def test_private_targets_are_refused_before_any_connection(net, net_resolver, web, url):
    before = private_connections(net)
    result = check_website(url, resolver=net_resolver, settings=web)
    assert result.status == "unreachable", result.reason
    assert "ssrf_refused" in result.signals, result.reason
    assert all(hop.address == "" and hop.status is None for hop in result.chain)
    assert private_connections(net) == before


def test_whichever_host_the_url_parser_reads_is_the_one_checked_and_contacted(
        net, net_resolver, web):
    # Browsers read 127.0.0.1 here, Python reads public.example; either way the
    # connection goes to the address the guard checked for that very host.
    before = private_connections(net)
    result = check_website("http://127.0.0.1\\@public.example/", resolver=net_resolver,
                           settings=web)
    assert result.status == "reachable" and result.chain[0].address == PUBLIC_WEB
    assert private_connections(net) == before


@pytest.mark.parametrize("n, target", list(enumerate(REDIRECTS)))
def test_redirect_to_a_private_address_in_any_spelling_is_refused(
        net, net_resolver, web, n, target):
    public = net.web[PUBLIC_WEB]
    before, asked = private_connections(net), len(public.requests)
    result = check_website(f"http://redirect-{n}.example/", resolver=net_resolver,
                           settings=web)
    assert result.status == "unreachable" and "ssrf_refused" in result.signals, result.reason
    assert result.chain[0].status == 302 and result.chain[0].location == target
    assert len(public.requests) == asked + 1
    assert private_connections(net) == before


@pytest.mark.parametrize("n, target", list(enumerate(REFRESHES)))
def test_meta_refresh_to_a_private_address_is_refused(net, net_resolver, web, n, target):
    before = private_connections(net)
    result = check_website(f"http://refresh-{n}.example/", resolver=net_resolver, settings=web)
    assert result.status == "unreachable" and "ssrf_refused" in result.signals, result.reason
    first, refused = result.chain
    assert (first.status, first.location) == (200, target)  # the refresh was followed...
    assert refused.address == "" and refused.status is None  # ...up to the guard
    assert private_connections(net) == before


@pytest.mark.parametrize("url", [
    *(f"http://weird-{n}.example/" for n in range(len(WEIRD))),
    "http://a..example/", f"http://{'x' * 64}.example/", "http://127.0.0.\u0661/",
])
def test_malformed_addresses_are_unreachable_not_a_crash(net_resolver, web, url):
    result = check_website(url, resolver=net_resolver, settings=web)
    assert result.status == "unreachable", result.reason
    assert "ssrf_refused" not in result.signals


# --- DNS rebinding -------------------------------------------------------------

def test_rebinding_name_is_fetched_only_from_the_address_that_was_checked(
        net, net_resolver, web):
    """First answer public, every later one 127.0.0.1 (TTL 0). A checker that resolved
    the name again to connect would land on the canary, which listens on the same port."""
    rebinding = net.dns.resolver.rebind("rebind-web.example", [PUBLIC_WEB, "127.0.0.1"])
    public = net.web[PUBLIC_WEB]
    before, requests = private_connections(net), len(public.requests)
    result = check_website("http://rebind-web.example/", resolver=net_resolver, settings=web)
    assert result.status == "reachable", result.reason
    assert [hop.address for hop in result.chain] == [PUBLIC_WEB]
    assert public.requests[requests] == ("rebind-web.example", "/")  # virtual host kept
    # The page is short, so the checker asked for a made-up path too: that lookup got
    # 127.0.0.1 and was refused, without a connection.
    assert rebinding.asked >= 2
    assert len(public.requests) == requests + 1
    assert private_connections(net) == before
    assert net_resolver.resolve("rebind-web.example", "A")[0].address == "127.0.0.1"


def test_rebinding_between_redirect_hops_is_refused(net, net_resolver, web):
    rebinding = net.dns.resolver.rebind("rebind-hop.example", [PUBLIC_WEB, "127.0.0.1"])
    before = private_connections(net)
    result = check_website("http://rebind-hop.example/", resolver=net_resolver, settings=web)
    assert result.status == "unreachable" and "ssrf_refused" in result.signals
    assert [(hop.address, hop.status) for hop in result.chain] == [(PUBLIC_WEB, 302),
                                                                   ("", None)]
    assert rebinding.asked == 2
    assert private_connections(net) == before


def test_rebinding_name_whose_first_answer_is_private_is_refused(net, net_resolver, web):
    rebinding = net.dns.resolver.rebind("rebind-web.example", ["127.0.0.1", PUBLIC_WEB])
    public = net.web[PUBLIC_WEB]
    before, requests = private_connections(net), len(public.requests)
    result = check_website("http://rebind-web.example/", resolver=net_resolver, settings=web)
    assert result.status == "unreachable" and "ssrf_refused" in result.signals
    assert "127.0.0.1" in result.reason
    assert rebinding.asked == 1  # refused at once: no second chance to look harmless
    assert len(public.requests) == requests
    assert private_connections(net) == before


def test_rebinding_mail_host_is_probed_only_at_the_checked_address(net, net_resolver, mail):
    rebinding = net.dns.resolver.rebind("mx.rebind-mail.example", ["127.0.15.25", "127.0.0.1"])
    server = net.mail["127.0.15.25"].recorder
    before, sessions = private_connections(net), server.connections
    hosts = lookup_mail_hosts("rebind-mail.example", net_resolver)
    result = check_mailbox("user1@rebind-mail.example", hosts, mail, net_resolver)
    # The address was asked at 127.0.15.25; the made-up one (catch-all test) needed a
    # second lookup, which answered 127.0.0.1 and was refused.
    assert result.status == "deliverable" and result.catch_all is None
    assert "rcpt TO:<user1@rebind-mail.example>" in server.commands
    assert rebinding.asked == 2 and server.connections == sessions + 1
    assert private_connections(net) == before


def test_rebinding_mail_host_whose_first_answer_is_private_is_never_contacted(
        net, net_resolver, mail):
    net.dns.resolver.rebind("mx.rebind-mail.example", ["127.0.0.1", "127.0.15.25"])
    before = private_connections(net)
    hosts = lookup_mail_hosts("rebind-mail.example", net_resolver)
    result = check_mailbox("user1@rebind-mail.example", hosts, mail, net_resolver)
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert "127.0.0.1" in result.reason
    assert private_connections(net) == before


@pytest.mark.parametrize("domain, address", [
    ("mx-loopback.example", "127.0.0.1"), ("mx-v6.example", "::1"),
    ("mx-mapped.example", "::ffff:7f00:1"), ("mx-metadata.example", "169.254.169.254"),
    ("implicit-loopback.example", "127.0.0.1"),
    ("mx-sitelocal.example", "fec0::6e"), ("implicit-sitelocal.example", "fec0::6e"),
])
def test_mail_hosts_on_private_addresses_are_never_contacted(
        net, net_resolver, mail, domain, address):
    before = private_connections(net)
    hosts = lookup_mail_hosts(domain, net_resolver)
    result = check_mailbox(f"user1@{domain}", hosts, mail, net_resolver)
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert address in result.reason
    assert private_connections(net) == before


# --- Size and time caps: website -----------------------------------------------

def test_a_huge_answer_is_cut_at_the_byte_cap(net, net_resolver, web, record_property):
    settings = HttpSettings(**{**web.__dict__, "max_bytes": 300_000})
    server = net.web[PUBLIC_WEB]
    streams = len(server.streamed)
    started = time.monotonic()
    status, body, _, _ = _fetch("http://big.example/", net_resolver, settings)
    elapsed = time.monotonic() - started
    assert status == 200 and len(body) == 300_000
    assert elapsed < settings.timeout * 3 + 1
    deadline = time.monotonic() + 5
    while len(server.streamed) == streams and time.monotonic() < deadline:
        time.sleep(0.02)  # the server notices the hang-up
    html_sent, _ = server.streamed[streams]
    assert html_sent < 64 * 1024 * 1024  # of 1 GiB: we hung up; the rest sat in buffers
    record_property("big_bytes_kept", len(body))
    record_property("big_bytes_server_wrote", html_sent)
    record_property("big_seconds", round(elapsed, 3))


def test_a_gzip_bomb_is_cut_at_the_byte_cap_after_decoding(net, net_resolver, web,
                                                           record_property):
    settings = HttpSettings(**{**web.__dict__, "max_bytes": 300_000})
    tracemalloc.start()
    try:
        started = time.monotonic()
        status, body, headers, _ = _fetch("http://bomb.example/", net_resolver, settings)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert len(body) == 300_000 and body.startswith(b"<p>Water treatment")
    assert peak < 16 * 1024 * 1024  # 1 GiB of HTML was on offer
    assert elapsed < settings.timeout * 3 + 1
    record_property("bomb_bytes_kept", len(body))
    record_property("bomb_peak_memory", peak)


@pytest.mark.parametrize("host", ["trickle-body.example", "trickle-head.example"])
def test_a_trickling_server_costs_no_more_than_the_request_deadline(
        net_resolver, web, host, record_property):
    """One byte every 0.2 s, each well inside the 0.5 s read timeout: without a deadline
    on the whole request this page (2 KB) would take over 7 minutes."""
    started = time.monotonic()
    result = check_website(f"http://{host}/", resolver=net_resolver, settings=web)
    elapsed = time.monotonic() - started
    # One request (http; https fails its handshake at once), cut at 3 timeouts.
    assert elapsed < web.timeout * 3 + 1, result.reason
    if host == "trickle-head.example":
        assert result.status == "unreachable"
        assert "timed out: no complete answer within 1.5 s" in result.reason
    else:  # judged on the few bytes that came in time
        assert result.status == "placeholder" and result.reason == "the page is empty"
        assert result.chain[0].error.startswith("answer cut at 1.5 s after ")
    record_property(f"{host}_seconds", round(elapsed, 3))


# --- SMTP: caps, and manners over a bulk run -------------------------------------

@pytest.mark.parametrize("domain", ["trickle-mx.example", "flood-mx.example"])
def test_a_trickling_or_flooding_mail_server_is_cut_off(net_resolver, mail, domain,
                                                        record_property):
    started = time.monotonic()
    hosts = lookup_mail_hosts(domain, net_resolver)
    result = check_mailbox(f"user1@{domain}", hosts, mail, net_resolver)
    elapsed = time.monotonic() - started
    assert (result.status, result.flags) == ("unknown", {"smtp_unreachable"})
    assert elapsed < mail.timeout * 6 + 1  # connect, banner, EHLO, MAIL, RCPT, QUIT
    if domain == "trickle-mx.example":
        assert "no complete session within 3 s" in result.reason
    else:
        assert f"replies exceed {REPLY_LIMIT} bytes" in result.reason
    record_property(f"{domain}_seconds", round(elapsed, 3))


def test_bulk_run_sends_no_data_and_keeps_the_per_host_cap(net, settings, tmp_path,
                                                          record_property):
    """100 addresses on three mail hosts, 16 threads, the gate the workers use."""
    settings.REDIS_URL = ""  # the file gate (the Redis one: test_pipeline.py, CI)
    settings.VAR_DIR = tmp_path
    settings.LEADQUAL_SMTP_MAX_PER_HOST = 3  # not the default 2: the setting is obeyed
    settings.LEADQUAL_SMTP_PORT = net.smtp_port
    settings.LEADQUAL_DNS_SERVERS = net.dns.address
    config = probe_config()
    servers = [net.mail[address].recorder for address in BULK_MX.values()]
    for recorder in servers:
        with recorder.lock:
            recorder.commands.clear()
            recorder.connections = recorder.open_max = 0
    addresses = [f"user{n}@{list(BULK_MX)[n % 3]}" for n in range(100)]

    def probe(address):
        hosts = lookup_mail_hosts(address.rpartition("@")[2], config.resolver)
        return check_mailbox(address, hosts, config.smtp, config.resolver)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(probe, addresses))
    assert {r.status for r in results} == {"deliverable"}, {r.reason for r in results}
    assert all(r.catch_all is False for r in results)  # the made-up address: 550
    commands = [c for recorder in servers for c in recorder.commands]
    verbs = {c.split(" ", 1)[0].upper() for c in commands}
    assert verbs == {"EHLO", "MAIL", "RCPT", "QUIT"}  # so never DATA, BDAT, VRFY...
    assert sum(recorder.connections for recorder in servers) == 200  # 2 per address
    open_max = [recorder.open_max for recorder in servers]
    assert max(open_max) == 3 and all(n <= 3 for n in open_max)  # reached, never passed
    record_property("smtp_sessions", sum(recorder.connections for recorder in servers))
    record_property("smtp_data_commands", sum(c.upper().startswith("DATA") for c in commands))
    record_property("smtp_open_max", open_max)
