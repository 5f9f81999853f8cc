"""Read new messages from an IMAP mailbox.

Plain function, no Django: an ``ImapAccess`` and the last UID seen in, the raw
messages after it out. The folder is opened read-only and bodies are fetched with
``BODY.PEEK[]``, so the team's own mail program still shows them unread. UIDs are
only meaningful with the folder's UIDVALIDITY: when the server changes it, every
message is read again (and recognised as known by its Message-ID).
"""

import contextlib
import ssl
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

SECURITY = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class ImapAccess:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    security: str = "ssl"  # "ssl" (993), "starttls" (143) or "none" (loopback tests only)
    folder: str = "INBOX"
    timeout: float = 30.0
    ca_file: str = ""  # a CA bundle to trust instead of the system's


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


@dataclass(frozen=True)
class FetchResult:
    uidvalidity: int
    messages: list[Fetched]
    highest_uid: int  # the last UID read (the next poll starts after it)
    remaining: int  # more new messages than ``limit``: read by the next poll


class MailboxError(Exception):
    """The mailbox could not be read (connection, login, folder); the text says why."""


def fetch_new(access: ImapAccess, *, after_uid: int = 0, uidvalidity: int | None = None,
              limit: int = 200) -> FetchResult:
    """Messages with a UID above ``after_uid``, oldest first, at most ``limit``."""
    context = ssl.create_default_context(cafile=access.ca_file or None)
    try:
        client = IMAPClient(access.host, port=access.port, ssl=access.security == "ssl",
                            ssl_context=context, timeout=access.timeout, use_uid=True)
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(f"cannot connect to {access.host}:{access.port}: {exc}") from exc
    try:
        if access.security == "starttls":
            client.starttls(context)
        try:
            client.login(access.username, access.password)
        except IMAPClientError as exc:
            raise MailboxError(f"login as {access.username!r} refused: {exc}") from exc
        try:
            info = client.select_folder(access.folder, readonly=True)
        except IMAPClientError as exc:
            raise MailboxError(f"folder {access.folder!r} cannot be opened: {exc}") from exc
        validity = int(info.get(b"UIDVALIDITY", 0))
        start = after_uid + 1 if uidvalidity == validity else 1
        # "start:*" always includes the highest UID, even when it is below start.
        uids = sorted(uid for uid in client.search(["UID", f"{start}:*"]) if uid >= start)
        chosen, remaining = uids[:limit], max(0, len(uids) - limit)
        messages = []
        if chosen:
            fetched = client.fetch(chosen, ["BODY.PEEK[]"])
            for uid in chosen:
                data = fetched.get(uid, {})
                raw = data.get(b"BODY[]")
                if raw is not None:
                    messages.append(Fetched(uid=uid, raw=bytes(raw)))
        highest = chosen[-1] if chosen else (after_uid if uidvalidity == validity else 0)
        return FetchResult(uidvalidity=validity, messages=messages, highest_uid=highest,
                           remaining=remaining)
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(f"reading {access.folder!r} failed: {exc}") from exc
    finally:
        with contextlib.suppress(OSError, IMAPClientError):
            client.logout()
