"""Real SMTP servers on loopback with the behaviours the prober must handle.

Each server listens on its own 127.x address and records every command it
receives, so tests can prove what the prober did (and that it never sent DATA)
and how many connections were open at once.
"""

import socketserver
import threading
import time
from dataclasses import dataclass, field

from verification.sandbox.background import Background, Latency, pause


@dataclass
class Behaviour:
    users: frozenset[str] = frozenset()  # local parts that exist
    catch_all: bool = False  # accept any recipient
    greylist: bool = False  # 450 4.7.1 to every first attempt
    on_connect: str = "ok"  # ok | 421 | silence | trickle (a byte every byte_delay s,
    # without end) | flood (an endless multi-line banner, as fast as it is read)
    byte_delay: float = 0.1
    full: frozenset[str] = frozenset()  # mailbox full: 452 4.2.2
    disabled: frozenset[str] = frozenset()  # 550 5.2.1
    max_recipients: int = 100  # per connection, then 452 4.5.3
    ehlo: bool = True  # False: 502 to EHLO, HELO only
    greeting_delay: float = 0.0  # seconds before the banner (a slow server)


@dataclass
class Recorder:
    commands: list[str] = field(default_factory=list)
    connections: int = 0
    open_now: int = 0
    open_max: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        server: SandboxSMTP = self.server  # type: ignore[assignment]
        behaviour, recorder = server.behaviour, server.recorder
        self.counted_closed = False
        with recorder.lock:
            recorder.connections += 1
            recorder.open_now += 1
            recorder.open_max = max(recorder.open_max, recorder.open_now)
        try:
            pause(behaviour.greeting_delay or server.greeting_delay)
            if behaviour.on_connect == "silence":
                time.sleep(server.silence_seconds)
                return
            if behaviour.on_connect == "421":
                self.reply("421 4.3.2 Service not available, closing channel")
                return
            if behaviour.on_connect in ("trickle", "flood"):
                return self._endless_banner(server, behaviour)
            self.reply(f"220 {server.hostname} ESMTP sandbox")
            self._session(server, behaviour, recorder)
        finally:
            self._closed(recorder)

    def _closed(self, recorder: Recorder) -> None:
        # Once per session: at QUIT (before "221", so that a client that got its answer
        # and opened the next session is never counted twice) or when the connection ends.
        with recorder.lock:
            if not self.counted_closed:
                self.counted_closed = True
                recorder.open_now -= 1

    def _endless_banner(self, server, behaviour: Behaviour) -> None:
        line = f"220-{server.hostname} is still saying hello\r\n".encode()
        stop = time.monotonic() + server.silence_seconds
        try:
            while time.monotonic() < stop:
                if behaviour.on_connect == "flood":
                    self.wfile.write(line * 64)
                    continue
                for byte in line:
                    self.wfile.write(bytes([byte]))
                    time.sleep(behaviour.byte_delay)
        except OSError:  # the client hung up, as it should
            pass

    def _session(self, server, behaviour: Behaviour, recorder: Recorder) -> None:
        recipients = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            with recorder.lock:
                recorder.commands.append(command)
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                if behaviour.ehlo:
                    self.reply(f"250-{server.hostname}\r\n250 8BITMIME")
                else:
                    self.reply("502 5.5.1 EHLO not implemented")
            elif verb == "HELO":
                self.reply(f"250 {server.hostname}")
            elif verb == "MAIL":
                recipients = 0
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                recipients += 1
                self.reply(self._rcpt(command, recipients, server, behaviour))
            elif verb == "DATA":
                self.reply("554 5.5.1 the sandbox takes no mail")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self._closed(recorder)
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("500 5.5.2 Command not recognised")

    def _rcpt(self, command: str, count: int, server, behaviour: Behaviour) -> str:
        if count > behaviour.max_recipients:
            return "452 4.5.3 Too many recipients"
        address = command.partition(":")[2].strip().strip("<>").lower()
        local = address.partition("@")[0]
        if behaviour.greylist and address not in server.greylisted_seen:
            server.greylisted_seen.add(address)
            return "450 4.7.1 Greylisted, please try again later"
        if local in behaviour.disabled:
            return "550 5.2.1 The email account that you tried to reach is disabled"
        if local in behaviour.full:
            return "452 4.2.2 The email account that you tried to reach is over quota"
        if behaviour.catch_all or local in behaviour.users:
            return "250 2.1.5 Ok"
        return "550 5.1.1 The email account that you tried to reach does not exist"


class SandboxSMTP(Background, socketserver.ThreadingTCPServer):
    def __init__(self, host: str, port: int, behaviour: Behaviour, *, hostname: str = "",
                 greeting_delay: Latency = 0.0, silence_seconds: float = 30.0):
        self.behaviour = behaviour
        self.recorder = Recorder()
        self.hostname = hostname or host
        self.greeting_delay = greeting_delay
        self.silence_seconds = silence_seconds
        self.greylisted_seen: set[str] = set()
        super().__init__((host, port), _Handler)



