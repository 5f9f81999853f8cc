"""Real mail servers for the mail tests, on loopback only.

* ``Dovecot``: Debian's dovecot-imapd started as root with a configuration of its
  own in a temporary folder (passwd-file login, maildir, its own base and state
  folders, plain IMAP on a free loopback port). Messages are put in with IMAP APPEND,
  as a mail server delivering them would leave them.
* ``Relay``: an aiosmtpd SMTP server that keeps every message it receives.
"""

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = leadqual-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_uid = {user}
mail_gid = {group}
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.path.exists(p)), None)
    if not found:
        raise RuntimeError(
            "Dovecot is not installed: the mail tests need a real IMAP server. "
            "Install it with `apt-get install dovecot-imapd` (.ci/run does).")
    return found


@dataclass
class Dovecot:
    users: dict[str, str] = field(default_factory=lambda: {"sales@leadqual.test": "s3cret-imap"})
    port: int = 0
    root: Path | None = None
    process: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        binary = dovecot_binary()
        if os.geteuid() != 0:
            raise RuntimeError("the Dovecot test server is started as root (it drops to the "
                               "dovecot user for the mail)")
        # Readable by the dovecot user, unlike pytest's own 0700 temporary folders.
        self.root = Path(tempfile.mkdtemp(prefix="leadqual-dovecot-"))
        self.root.chmod(0o755)
        for folder in ("run", "state", "mail"):
            (self.root / folder).mkdir()
        mail_user = pwd.getpwnam("dovecot")
        os.chown(self.root / "mail", mail_user.pw_uid, mail_user.pw_gid)
        (self.root / "passwd").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in
                    self.users.items()))
        self.port = free_port()
        conf = self.root / "dovecot.conf"
        conf.write_text(CONFIG.format(root=self.root, port=self.port, user=mail_user.pw_name,
                                      group=grp.getgrgid(mail_user.pw_gid).gr_name))
        self.process = subprocess.Popen([binary, "-F", "-c", str(conf)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                raise RuntimeError(f"Dovecot exited at start: {output} {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log" if self.root else None
        return path.read_text(errors="replace")[-2000:] if path and path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if self.process and self.process.stdout:
            self.process.stdout.close()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)

    def deliver(self, raw: bytes, *, user: str = "sales@leadqual.test",
                folder: str = "INBOX") -> None:
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10) as client:
            client.login(user, self.users[user])
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw)

    def clear(self, *, user: str = "sales@leadqual.test") -> None:
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10) as client:
            client.login(user, self.users[user])
            client.select_folder("INBOX")
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()


class Relay:
    """A real SMTP server (aiosmtpd) on loopback that records every message; it refuses
    recipients named bounce@... with 550."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        relay = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.startswith("bounce@"):
                    return "550 5.1.1 No such user"
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 Ok"

            async def handle_DATA(self, server, session, envelope):
                relay.messages.append({"from": envelope.mail_from,
                                       "to": list(envelope.rcpt_tos),
                                       "data": bytes(envelope.original_content
                                                     or envelope.content)})
                return "250 2.0.0 Ok: queued"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> "Relay":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
