"""The website checker against real HTTP servers on loopback (no mocks)."""

import time

import pytest

from verification.probes.netguard import parse_networks
from verification.probes.website import HttpSettings, check_website, split_url, website_target


@pytest.fixture
def check(resolver, http_settings):
    def run(url, **overrides):
        settings = http_settings
        if overrides:
            settings = HttpSettings(**{**http_settings.__dict__, **overrides})
        return check_website(url, resolver=resolver, settings=settings)

    return run


@pytest.mark.parametrize("value, expected", [
    ("www.x.com", ("", "www.x.com", None, "/")),
    ("x.com/", ("", "x.com", None, "/")),
    ("http://x.com", ("http", "x.com", None, "/")),
    ("https://X.com:8443/a?b=1", ("https", "x.com", 8443, "/a?b=1")),
    ("bücher.de", ("", "xn--bcher-kva.de", None, "/")),
])
def test_accepted_spellings(value, expected):
    assert split_url(value) == expected


def test_website_falls_back_to_the_email_domain_unless_free_mail():
    assert website_target("", "klarwasser.de") == "klarwasser.de"
    assert website_target("", "gmail.com", email_is_personal=True) == ""
    assert website_target("www.a.com", "b.com") == "www.a.com"


@pytest.mark.parametrize("spelling", ["www.klarwasser.de", "klarwasser.de/",
                                      "http://www.klarwasser.de", "https://www.klarwasser.de"])
def test_real_company_site_is_reachable_with_title_text_and_language(check, spelling):
    result = check(spelling)
    assert result.status == "reachable", result.reason
    assert result.title.startswith("Klarwasser Technik GmbH")
    assert "Abwasserbehandlung" in result.description
    assert "Kläranlagen für Gemeinden" in result.text
    assert "tracking" not in result.text  # scripts are not visible text
    assert result.language == "de"
    # https is tried first and answers (TLS with the sandbox CA's certificate), unless
    # the address says http.
    scheme = "http" if spelling.startswith("http://") else "https"
    assert result.final_url == f"{scheme}://www.klarwasser.de/" or \
        result.final_url == f"{scheme}://klarwasser.de/"
    assert result.chain[-1].status == 200


def test_redirect_chain_is_recorded(check):
    result = check("chain.example")
    assert result.status == "reachable"
    https, *http = result.chain
    assert https.url == "https://chain.example/" and "TLS failed" in https.error  # no https
    assert [hop.status for hop in http] == [302, 302, 301, 200]
    assert result.final_url == "http://www.klarwasser.de/"


def test_more_than_five_redirects_is_unreachable(check):
    result = check("http://loop.example/")
    assert result.status == "unreachable"
    assert "more than 5 redirects" in result.reason


@pytest.mark.parametrize("host, forbidden", [
    ("to-private.example", "10.0.0.5"),
    ("to-loopback.example", "127.0.0.1"),
    ("to-metadata.example", "169.254.169.254"),
])
def test_redirect_to_a_private_address_is_refused(check, sandbox_internet, host, forbidden):
    before = len(sandbox_internet.web["127.0.12.1"].requests)
    result = check(f"http://{host}/")
    assert result.status == "unreachable"
    assert "ssrf_refused" in result.signals
    assert forbidden in result.reason
    # The public site was asked once; the private address never.
    assert len(sandbox_internet.web["127.0.12.1"].requests) == before + 1


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.1.2.3/", "http://[::1]/",
                                 "http://2130706433/", "http://0177.0.0.1/",
                                 "http://intranet.example/", "http://metadata.example/"])
def test_private_targets_are_refused_on_the_first_request(check, url):
    result = check(url)
    assert result.status == "unreachable" and "ssrf_refused" in result.signals, result.reason


def test_allowed_network_is_exempt(check, sandbox_internet):
    assert check("http://www.klarwasser.de/").status == "reachable"
    refused = check("http://www.klarwasser.de/", allow=tuple(parse_networks("10.0.0.0/8")))
    assert refused.status == "unreachable" and "ssrf_refused" in refused.signals


@pytest.mark.parametrize("host, reason", [
    ("for-sale.example", "may be for sale"),
    ("ads-parked.example", "made-up path"),
    ("parked-ns.example", "sedoparking.com"),
    ("to-marketplace.example", "sedo.com"),
])
def test_parked_domains(check, host, reason):
    result = check(host)
    assert result.status == "parked", (result.reason, result.signals)
    assert reason in result.reason


@pytest.mark.parametrize("host", ["nginx-default.example", "soon.example", "blank.example"])
def test_placeholder_pages(check, host):
    result = check(host)
    assert result.status == "placeholder", result.reason


def test_a_real_site_answering_every_path_is_not_parked(check):
    assert check("spa.example").status == "reachable"


@pytest.mark.parametrize("host, code", [("broken.example", 500), ("missing.example", 404)])
def test_http_errors(check, host, code):
    result = check(host)
    assert result.status == "error"
    assert result.http_status == code and str(code) in result.reason


@pytest.mark.parametrize("host", ["dead-web.example", "nxdomain-nowhere.example"])
def test_dead_hosts_are_unreachable(check, host):
    result = check(host)
    assert result.status == "unreachable"


def test_hung_and_slow_servers_cost_only_the_timeouts(check):
    for host in ("hung.example", "slow.example"):
        started = time.monotonic()
        result = check(host, timeout=0.5)
        elapsed = time.monotonic() - started
        assert result.status == "unreachable", result.reason
        assert "timed out" in result.reason
        # https then http, each: one read timeout (the connection itself is immediate).
        assert elapsed < 2.5


def test_oversized_page_is_read_only_up_to_the_cap(check, sandbox_internet):
    result = check("big.example", max_bytes=300_000)
    assert result.status == "reachable"
    assert len(result.text) <= 20_000


def test_latin1_page_is_decoded(check):
    result = check("latin1.example")
    assert result.title == "Société Eau Pure"
    assert "eaux usées à Nîmes" in result.text


def test_no_website_is_none(check):
    assert check("").status == "none"


def test_untrusted_certificate_is_refused_and_http_is_tried(check):
    result = check("wrong-cert.example")
    assert "certificate is for another name" in result.chain[0].error
    assert result.status == "reachable" and result.final_url == "http://wrong-cert.example/"


def test_explicit_http_is_tried_first(check):
    result = check("http://www.klarwasser.de")
    assert [hop.url for hop in result.chain] == ["http://www.klarwasser.de/"]
