"""API authentication (kept apart from ``leads.api``: DRF imports it while loading)."""

import re

from rest_framework import authentication, exceptions

TOKEN = re.compile(r"[0-9a-fA-F]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, refusing at once a key that is not a token's 40 hex digits: a NUL in the
    header would otherwise reach PostgreSQL, which answers with a server error."""

    def authenticate_credentials(self, key: str):
        if not TOKEN.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
