"""A WHOIS server on loopback (RFC 3912: one query line in, text out, close)."""

import socketserver
import threading
import zlib
from datetime import date

from verification.sandbox.background import Background


def whois_record(domain: str, created: date, *, registrar: str = "Sandbox Registrar Ltd.") -> str:
    """A registry answer in the common ICANN format."""
    return (
        f"   Domain Name: {domain.upper()}\r\n"
        f"   Registry Domain ID: {zlib.crc32(domain.encode())}_DOMAIN_COM-VRSN\r\n"
        f"   Registrar: {registrar}\r\n"
        f"   Updated Date: {created.isoformat()}T08:00:00Z\r\n"
        f"   Creation Date: {created.isoformat()}T08:00:00Z\r\n"
        f"   Registry Expiry Date: {created.year + 10}-{created.month:02d}-01T08:00:00Z\r\n"
        "   Domain Status: clientTransferProhibited\r\n"
        ">>> Last update of whois database: 2026-11-25T00:00:00Z <<<\r\n"
    )


class _Handler(socketserver.StreamRequestHandler):
    timeout = 5

    def handle(self):
        server: SandboxWhois = self.server  # type: ignore[assignment]
        query = self.rfile.readline(512).decode("utf-8", "replace").strip().lower()
        with server.lock:
            server.queries.append(query)
        answer = server.records.get(query)
        if answer is None:
            answer = f'No match for "{query.upper()}".\r\n'
        self.wfile.write(answer.encode("utf-8"))


class SandboxWhois(Background, socketserver.ThreadingTCPServer):
    def __init__(self, host: str, port: int, records: dict[str, str]):
        self.records = {k.lower(): v for k, v in records.items()}
        self.queries: list[str] = []
        self.lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def address(self) -> str:
        return f"{self.server_address[0]}:{self.server_address[1]}"


