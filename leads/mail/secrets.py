"""Mailbox passwords at rest: Fernet (AES-128-CBC + HMAC) with a key from the settings.

The key is ``LEADQUAL_MAIL_KEY`` (a Fernet key) when set, else derived from
``SECRET_KEY``; rotating either makes the stored passwords unreadable, and the poll
then says so on the mailbox. A password taken from the environment
(``Mailbox.password_env``) is never stored at all.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class PasswordUnreadable(ValueError):
    pass


def _fernet() -> Fernet:
    key = getattr(settings, "LEADQUAL_MAIL_KEY", "")
    if not key:
        digest = hashlib.sha256(b"leadqual-mailbox-password:" + settings.SECRET_KEY.encode())
        key = base64.urlsafe_b64encode(digest.digest()).decode()
    return Fernet(key)


def encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise PasswordUnreadable(
            "the stored password cannot be decrypted (SECRET_KEY or LEADQUAL_MAIL_KEY "
            "changed?): enter it again") from exc
