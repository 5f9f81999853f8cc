"""Is the buyer's website a real, working site? Fetch it and look at it.

https first, then http; up to 5 redirects, each one checked by the SSRF guard
and fetched from the address that was checked (never resolved twice); every
step has a timeout, each request ends within 3 timeouts however slowly the
server trickles, and at most ``max_bytes`` (decoded) are read. The page is then
classified: reachable, unreachable, parked (for sale or parking), placeholder
(default server page, "coming soon"), error (HTTP 4xx/5xx) or none.

Pure apart from the network: inputs in, ``WebsiteCheck`` out.
"""

import contextlib
import re
import secrets
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

import dns.exception
import dns.resolver
import urllib3
from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

from verification.probes import webpatterns
from verification.probes.netguard import (
    AddressRefused,
    Deadline,
    IPNetwork,
    literal_address,
    resolve_target,
)

REACHABLE, UNREACHABLE, PARKED, PLACEHOLDER, ERROR, NONE = (
    "reachable", "unreachable", "parked", "placeholder", "error", "none",
)
TEXT_LIMIT = 20_000  # characters of visible text kept for scoring and rescoring
HEADINGS_LIMIT = 2_000  # characters of h1-h3 text kept
USER_AGENT = "Mozilla/5.0 (compatible; LeadqualBot/1.0; website check of a sales inquiry)"
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section",
               "article", "header", "footer", "nav", "td", "th", "option", "title", "ul", "ol")


@dataclass(frozen=True)
class HttpSettings:
    http_port: int = 80
    https_port: int = 443
    timeout: float = 10.0  # connect, and each read
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5
    allow: tuple[IPNetwork, ...] = ()
    ca_certs: str | None = None  # a CA bundle (the sandbox's); None = the system's


@dataclass
class Hop:
    url: str
    address: str = ""
    status: int | None = None
    location: str = ""
    error: str = ""


@dataclass
class WebsiteCheck:
    status: str
    reason: str = ""
    url: str = ""  # what was asked for
    final_url: str = ""
    http_status: int | None = None
    chain: list[Hop] = field(default_factory=list)
    title: str = ""
    description: str = ""
    language: str = ""
    text: str = ""
    headings: str = ""  # the h1-h3 texts, one a line (the fit counts them double)
    signals: list[str] = field(default_factory=list)
    name_servers: list[str] = field(default_factory=list)

    def as_dict(self, *, with_text: bool = False) -> dict:
        data = asdict(self)
        if not with_text:
            data.pop("text")
        return data


class _Failed(Exception):
    """This URL could not be fetched; the message says why."""


def website_target(website: str, email_domain: str = "", *, email_is_personal: bool = False
                   ) -> str:
    """The website to check: the one given, else the email's domain unless it is free-mail."""
    website = (website or "").strip()
    if website:
        return website
    if email_domain and not email_is_personal:
        return email_domain
    return ""


def split_url(value: str) -> tuple[str, str, int | None, str]:
    """``www.x.com``, ``x.com/``, ``http://x.com:8080/a`` -> (scheme or "", host, port, path)."""
    value = value.strip()
    has_scheme = re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I)
    parts = urlsplit(value if has_scheme else f"//{value}")
    host = _ascii_host(parts.hostname or "")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return (parts.scheme.lower() if has_scheme else ""), host, parts.port, path


def _ascii_host(host: str) -> str:
    """``Bücher.de.`` -> ``xn--bcher-kva.de``; IDNA also folds ``１２７.０.０.１`` to 127.0.0.1."""
    host = host.rstrip(".").lower()
    if host and not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def check_website(website: str, *, resolver: dns.resolver.Resolver, settings: HttpSettings
                  ) -> WebsiteCheck:
    if not (website or "").strip():
        return WebsiteCheck(NONE, "no website given and the email domain is a free-mail one")
    try:
        scheme, host, port, path = split_url(website)
    except ValueError as exc:
        return WebsiteCheck(UNREACHABLE, f"not a web address: {exc}", url=website)
    if not host or ("." not in host and literal_address(host) is None):
        return WebsiteCheck(UNREACHABLE, f"not a web address: {website!r}", url=website)
    schemes = [scheme] if scheme in ("http", "https") else []
    schemes += [s for s in ("https", "http") if s not in schemes]
    failures: list[str] = []
    chain: list[Hop] = []
    for attempt in schemes:
        url = _compose(attempt, host, port, path)
        try:
            status, body, headers, hops = _fetch(url, resolver, settings)
        except _Failed as exc:
            chain += exc.args[1] if len(exc.args) > 1 else []
            failures.append(f"{url}: {exc.args[0]}")
            if exc.args[0].startswith("refused"):
                return WebsiteCheck(UNREACHABLE, exc.args[0], url=website, chain=chain,
                                    signals=["ssrf_refused"])
            continue
        chain += hops
        return _classify(website, status, body, headers, chain, resolver, settings)
    return WebsiteCheck(UNREACHABLE, "; ".join(failures), url=website, chain=chain)


def _compose(scheme: str, host: str, port: int | None, path: str) -> str:
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{netloc}{f':{port}' if port else ''}{path}"


def _fetch(url: str, resolver, settings: HttpSettings, *, follow: bool = True):
    """GET ``url`` following redirects; (status, body, headers, hops) or _Failed."""
    hops: list[Hop] = []
    for _ in range(settings.max_redirects + 1):
        hop = Hop(url)
        hops.append(hop)
        try:
            parts = urlsplit(url)
            explicit_port = parts.port  # ValueError for "[::1", ":99999", ":x"
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Failed(f"redirect to an unusable address {url!r}", hops)
        host = _ascii_host(parts.hostname)
        try:
            target = resolve_target(host, resolver, settings.allow)
        except AddressRefused as exc:
            hop.error = str(exc)
            message = str(exc)
            if "has no address" in message or "could not be resolved" in message:
                raise _Failed(message, hops) from exc
            raise _Failed(f"refused: {message}", hops) from exc
        port = explicit_port or (settings.https_port if parts.scheme == "https"
                                 else settings.http_port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            status, headers, body, address = _get(parts.scheme, host, target.addresses, port,
                                                  path, explicit_port, settings, hop)
        except _Failed as exc:
            raise _Failed(exc.args[0], hops) from exc
        hop.status, hop.address = status, address
        location = headers.get("location", "")
        if follow and status in (301, 302, 303, 307, 308) and location:
            hop.location = location
            url = _join(url, location)
            continue
        refresh = _meta_refresh(body) if follow and status == 200 else ""
        if refresh and len(hops) <= settings.max_redirects:
            hop.location = refresh
            url = _join(url, refresh)
            continue
        return status, body, headers, hops
    raise _Failed(f"more than {settings.max_redirects} redirects", hops)


def _join(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError:  # "http://[::1/": refused as unusable on the next turn
        return location


class _Cut:
    """A connection that hands its socket to the request's Deadline as soon as it
    exists, so that the TLS handshake and the headers are bounded too. (urllib3
    makes the raw socket in ``_new_conn``, for http and https alike.)"""

    def __init__(self, *args, deadline: Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self):
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _CutHTTPConnection(_Cut, urllib3.connection.HTTPConnection):
    pass


class _CutHTTPSConnection(_Cut, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _CutHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _CutHTTPSConnection


def _get(scheme, host, addresses, port, path, explicit_port, settings: HttpSettings, hop: Hop):
    """One request to the first address that answers."""
    errors = []
    host_header = host if not explicit_port else f"{host}:{explicit_port}"
    for address in addresses:
        timeout = urllib3.Timeout(connect=settings.timeout, read=settings.timeout)
        with Deadline(settings.timeout * 3) as deadline:
            if scheme == "https":
                pool = _HTTPSPool(
                    address, port, timeout=timeout, retries=False, maxsize=1,
                    server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED",
                    ca_certs=settings.ca_certs, deadline=deadline,
                )
            else:
                pool = _HTTPPool(address, port, timeout=timeout, retries=False, maxsize=1,
                                 deadline=deadline)
            try:
                response = pool.urlopen(
                    "GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT,
                                          "Accept": "text/html,*/*;q=0.5",
                                          "Accept-Language": "en;q=0.8,*;q=0.5"},
                    redirect=False, preload_content=False, decode_content=True,
                )
                try:
                    body = _read_bounded(response, settings, deadline)
                finally:
                    response.release_conn()
                if deadline.expired:  # the page is what came in time
                    hop.error = f"answer cut at {deadline.seconds:g} s after {len(body)} bytes"
                headers = {k.lower(): v for k, v in response.headers.items()}
                return response.status, headers, body, address
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if deadline.expired:
                    errors.append(f"timed out: no complete answer within {deadline.seconds:g} s")
                elif isinstance(exc, urllib3.exceptions.SSLError):
                    errors.append(f"TLS failed: {_tls_reason(exc)}")
                else:
                    errors.append(_short(exc))
            finally:
                pool.close()
    hop.error = "; ".join(errors)
    raise _Failed(hop.error or "no address answered")


def _read_bounded(response, settings: HttpSettings, deadline: Deadline) -> bytes:
    """At most ``max_bytes`` of the body; what arrived before the deadline if it cut in."""
    chunks, size = [], 0
    while size < settings.max_bytes:
        try:
            # read1: one read from the socket, so what came in before a cut is kept
            chunk = response.read1(min(65536, settings.max_bytes - size))
        except (urllib3.exceptions.HTTPError, OSError):
            if deadline.expired and size:
                break
            raise
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if deadline.expired and not size:
        raise TimeoutError("the deadline cut the answer")
    return b"".join(chunks)


def _short(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    text = str(reason or exc)
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    return re.sub(r"<[^>]+>:?\s*", "", text)[:200]


def _tls_reason(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", None) or exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate not trusted" + (" (" + text.rsplit(":", 1)[-1].strip(" )'\"")[:80]
                                            + ")" if ":" in text else "")
    if "doesn't match" in text:
        return "certificate is for another name: " + text.rsplit("match", 1)[-1].strip(" '")
    if "EOF" in text or "reset" in text.lower():
        return "the server closed the connection during the handshake"
    return _short(exc)


def _meta_refresh(body: bytes) -> str:
    match = re.search(rb"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*content=[\"']?\s*\d*\s*;"
                      rb"\s*url=([^\"'>\s]+)", body[:20000], re.I)
    return match.group(1).decode("latin-1") if match else ""


def decode_html(body: bytes, content_type: str = "") -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.I)
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    for charset in (match.group(1) if match else None,
                    meta.group(1).decode("ascii") if meta else None):
        if charset:
            try:
                return body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return str(best) if best else body.decode("latin-1")


@dataclass
class Page:
    title: str = ""
    description: str = ""
    language: str = ""
    text: str = ""
    links: int = 0
    headings: str = ""


def parse_page(html: str) -> Page:
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node else ""
    description = ""
    for meta in tree.css("meta"):
        name = (meta.attributes.get("name") or meta.attributes.get("property") or "").lower()
        if name in ("description", "og:description") and meta.attributes.get("content"):
            description = " ".join(meta.attributes["content"].split())
            break
    html_node = tree.css_first("html")
    language = ((html_node.attributes.get("lang") or "") if html_node else "").lower()[:2]
    links = len(tree.css("a[href]"))
    body = tree.body
    text = headings = ""
    if body is not None:
        for tag in _SKIP_TAGS:
            for node in body.css(tag):
                node.decompose()
        headings = "\n".join(dict.fromkeys(
            line for line in (" ".join(node.text(separator=" ").split())
                              for node in body.css("h1, h2, h3")) if line))[:HEADINGS_LIMIT]
        for tag in _BLOCK_TAGS:
            for node in body.css(tag):
                node.insert_before("\n")
        lines = (" ".join(line.split()) for line in body.text(separator=" ").splitlines())
        text = "\n".join(line for line in lines if line)
    return Page(title, description, language, text[:TEXT_LIMIT], links, headings)


def detect_language(page: Page) -> str:
    """The page's language: its ``lang`` attribute, else lingua's reading of its text."""
    if page.language:
        return page.language
    from verification.textnorm import detect_language as detect

    return detect(" ".join((page.title, page.description, page.text[:3000])))


def _classify(website, status, body, headers, chain, resolver, settings) -> WebsiteCheck:
    final = chain[-1]
    check = WebsiteCheck(REACHABLE, url=website, final_url=final.url, http_status=status,
                         chain=chain)
    page = parse_page(decode_html(body, headers.get("content-type", "")))
    check.title, check.description, check.text = page.title, page.description, page.text
    check.headings = page.headings
    check.language = detect_language(page)
    host = urlsplit(final.url).hostname or ""
    check.name_servers = _name_servers(host, resolver)
    folded = webpatterns.fold("\n".join((page.title, page.description, page.text)))
    words = len(folded.split())

    parking_hosts = sorted({urlsplit(hop.url).hostname or "" for hop in chain
                            if webpatterns.is_parking_host(urlsplit(hop.url).hostname or "")})
    parking_ns = [ns for ns in check.name_servers if webpatterns.is_parking_host(ns)]
    phrases = webpatterns.parked_phrases(folded)
    strong = [p for p in phrases if not re.match(r"(related|sponsored) ", p)]
    if parking_hosts:
        check.signals.append(f"redirects to the parking/marketplace host {parking_hosts[0]}")
    if parking_ns:
        check.signals.append(f"name server {parking_ns[0]} belongs to a parking service")
    if strong and words < 600:
        check.signals.append(f"page says \u201c{strong[0]}\u201d")
    if parking_hosts or parking_ns or (strong and words < 600):
        check.status, check.reason = PARKED, "parked domain: " + "; ".join(check.signals)
        return check

    if status >= 400:
        check.status, check.reason = ERROR, f"the site answers HTTP {status}"
        return check

    placeholder = webpatterns.placeholder_phrases(
        webpatterns.fold("\n".join((page.title, page.text[:3000]))))
    if words == 0:
        check.status, check.reason = PLACEHOLDER, "the page is empty"
        return check
    if placeholder and words < 250:
        check.signals.append(f"page says \u201c{placeholder[0]}\u201d")
        check.status, check.reason = PLACEHOLDER, (
            f"placeholder page (\u201c{placeholder[0]}\u201d), no real content")
        return check

    # A parking host answers any made-up path with the same page; a real site says 404.
    if phrases or words < 120:
        same = _same_page_for_any_path(final.url, folded, resolver, settings)
        if same and (phrases or page.links <= 3):
            check.signals.append("a made-up path returns the same page")
            if phrases:
                check.signals.append(f"page shows \u201c{phrases[0]}\u201d")
            check.status, check.reason = PARKED, "parked domain: " + "; ".join(check.signals)
            return check
    check.reason = f"the site answers HTTP {status}" + (
        f" after {len(chain) - 1} redirect(s)" if len(chain) > 1 else "")
    return check


def _same_page_for_any_path(url: str, folded: str, resolver, settings: HttpSettings) -> bool:
    probe = urljoin(url, f"/{secrets.token_hex(8)}-{secrets.token_hex(4)}.html")
    try:
        status, body, headers, _ = _fetch(probe, resolver, settings, follow=False)
    except _Failed:
        return False
    if status != 200:
        return False
    other = parse_page(decode_html(body, headers.get("content-type", "")))
    other_folded = webpatterns.fold("\n".join((other.title, other.description, other.text)))
    return other_folded == folded


def _name_servers(host: str, resolver) -> list[str]:
    """NS records of the host's zone, walking up from the host (parking detection)."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        name = ".".join(labels[start:])
        try:
            answer = resolver.resolve(name, "NS")
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN, dns.resolver.NoNameservers,
                dns.exception.Timeout, dns.name.EmptyLabel):
            continue
        return sorted(r.target.to_text().rstrip(".").lower() for r in answer)
    return []
