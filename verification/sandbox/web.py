"""Real HTTP servers on loopback: company sites, parking hosts, broken servers.

One server per 127.x address, all on the same port (the checker has one HTTP
port); each serves the sites whose names point at its address, by the Host
header, as shared hosting does. Every connection and request is recorded.
An IPv6 address (``::1``) works too.
"""

import gzip
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from verification.sandbox.background import Background, Latency, pause


@dataclass
class Route:
    status: int = 200
    body: str = ""
    location: str = ""
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)  # path -> answer; others 404
    any_path: bool = False  # answer "/" for every path (parking hosts, some SPAs)
    delay: float = 0.0  # seconds before answering
    oversized: int = 0  # stream this many bytes of HTML instead
    gzip: bool = False  # ...gzip-compressed, without Content-Length (a decompression bomb)
    trickle: float = 0.0  # send the answer one byte every this many seconds (slowloris)
    trickle_headers: bool = False  # ...the status line and headers too, not only the body
    tls: bool | str = False  # also served over https; "wrong-name": with a certificate
    # for another name (the client must refuse it)


def page(title: str, body_text: str, *, description: str = "", lang: str = "",
         links: int = 6) -> str:
    """A plausible HTML page whose visible text is ``body_text`` (blocks split on newlines)."""
    import html

    blocks = "\n".join(f"<p>{html.escape(line)}</p>" for line in body_text.splitlines()
                       if line.strip())
    nav = "".join(f'<a href="/page{i}">link {i}</a> ' for i in range(links))
    meta = f'<meta name="description" content="{html.escape(description)}">' if description else ""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f"<!doctype html><html{lang_attr}><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>{meta}"
            "<style>body{font-family:sans-serif}</style>"
            "<script>var tracking = 'not visible text';</script></head>"
            f"<body><nav style=\"display:none\">{nav}</nav>{blocks}</body></html>")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SandboxHTTP/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        server: SandboxWeb = self.server  # type: ignore[assignment]
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower().rstrip(".")
        with server.lock:
            server.requests.append((host, self.path))
        site = server.sites.get(host)
        if site is None:
            return self._send(Route(404, "<html><body>No such site here.</body></html>"))
        pause(site.delay or server.latency)
        if site.oversized and self.path == "/":
            return self._stream(site.oversized, site.gzip)
        route = site.routes.get(self.path)
        if route is None and site.any_path:
            route = site.routes.get("/")
        if route is None:
            route = Route(404, "<html><head><title>404 Not Found</title></head>"
                          "<body><h1>Not Found</h1></body></html>")
        if site.trickle:
            return self._trickle(route, site)
        return self._send(route)

    def _send(self, route: Route) -> None:
        charset = route.content_type.partition("charset=")[2] or "utf-8"
        body = route.body.encode(charset)
        self.send_response(route.status)
        if route.location:
            self.send_header("Location", route.location)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, size: int, compress: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        line = b"<p>Water treatment plants built by us, project number 1234.</p>\n"
        chunk = line * (65536 // len(line))
        if compress:  # gzip members one after the other, each 1 MiB of HTML in ~3 KB
            chunk = line * (1024 * 1024 // len(line))
            member = gzip.compress(chunk, 9)
        sent = wire = 0  # bytes of HTML, bytes on the wire
        try:
            while sent < size:
                part = chunk[: size - sent]
                data = part
                if compress:
                    data = member if len(part) == len(chunk) else gzip.compress(part)
                self.wfile.write(data)
                sent += len(part)
                wire += len(data)
        except OSError:  # the client stopped reading, as it should
            pass
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.streamed.append((sent, wire))  # type: ignore[attr-defined]

    def _trickle(self, route: Route, site: Site) -> None:
        charset = route.content_type.partition("charset=")[2] or "utf-8"
        body = route.body.encode(charset)
        head = (f"HTTP/1.1 {route.status} OK\r\nContent-Type: {route.content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        try:
            if not site.trickle_headers:
                self.wfile.write(head)
            for byte in (head if site.trickle_headers else b"") + body:
                self.wfile.write(bytes([byte]))
                time.sleep(site.trickle)
        except OSError:  # the client gave up, as it should
            pass
        self.close_connection = True


class SandboxWeb(Background, ThreadingHTTPServer):
    def __init__(self, host: str, port: int, sites: dict[str, Site], *, latency: Latency = 0.0):
        self.sites = sites
        self.latency = latency  # before each answer, unless the site has its own delay
        self.requests: list[tuple[str, str]] = []
        self.connections = 0  # accepted, whether or not a request followed
        self.streamed: list[tuple[int, int]] = []  # oversized answers: (HTML, wire) bytes sent
        self.lock = threading.Lock()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    def get_request(self):
        request = super().get_request()
        with self.lock:
            self.connections += 1
        return request





class SandboxTLSWeb(SandboxWeb):
    """The same sites over TLS, for those that have it (chosen by SNI)."""

    def __init__(self, host: str, port: int, sites: dict[str, Site], contexts: dict, *,
                 latency: Latency = 0.0):
        super().__init__(host, port, sites, latency=latency)
        self.contexts = contexts  # from tls_contexts()

    def get_request(self):
        sock, address = super().get_request()
        sock.settimeout(5)
        return self.contexts["good"].wrap_socket(sock, server_side=True), address


def tls_contexts(sites: dict[str, Site], issue: Callable, wrong_cert) -> dict:
    """Server contexts that pick the certificate by SNI, as web hosts do: each site its
    own certificate for its own name (``issue(name)``, a trustme certificate, made on the
    site's first handshake), or ``wrong_cert`` for a site set up with the wrong name.

    One certificate naming every site would do for the tests, but a client checks the
    name against each name the certificate lists: with a thousand sites that is most of
    a handshake's cost, which no real site has.
    """
    wrong = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    wrong_cert.configure_cert(wrong)
    own: dict[str, ssl.SSLContext] = {}
    lock = threading.Lock()

    def context_for(name: str) -> ssl.SSLContext:
        with lock:
            if name not in own:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                issue(name).configure_cert(context)
                own[name] = context
            return own[name]

    def choose(sslsock, name, _context):
        name = (name or "").lower()
        site = sites.get(name)
        if site is None or not site.tls:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME  # no https for this site
        sslsock.context = wrong if site.tls == "wrong-name" else context_for(name)
        return None

    # The context of the handshake until the client names the site (SNI); without a
    # name there is no site, and no certificate.
    good = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    good.sni_callback = choose
    return {"good": good, "wrong": wrong}


class _Silent(socketserver.BaseRequestHandler):
    def handle(self):
        time.sleep(self.server.silence_seconds)  # type: ignore[attr-defined]


class SilentServer(Background, socketserver.ThreadingTCPServer):
    """Accepts connections and never says a word (a hung server)."""

    def __init__(self, host: str, port: int, *, silence_seconds: float = 30.0):
        self.silence_seconds = silence_seconds
        super().__init__((host, port), _Silent)


