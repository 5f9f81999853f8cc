"""Login rate limit, production cookie and session settings, `check --deploy`."""

import json
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import PASSWORD
from tests.processes import ROOT, base_env

LIMIT = 5


def _login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_passwords_pause_logins_for_that_user_from_that_address(rep, other_rep, settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(LIMIT - 1):
        response = _login(attacker, rep.username, "guess")
        assert response.status_code == 200 and "_auth_user_id" not in attacker.session
    locked = _login(attacker, rep.username, "guess")
    assert locked.status_code == 429
    # Even the right password is refused now, with a page that says why and for how long.
    refused = _login(attacker, rep.username, PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in attacker.session
    page = refused.content.decode()
    assert "Too many failed logins" in page and "Try again in 15 minutes." in page

    # The rep at the office and a colleague on the attacker's address are not locked out.
    assert _login(Client(REMOTE_ADDR="198.51.100.20"), rep.username, PASSWORD).status_code == 302
    assert _login(attacker, other_rep.username, PASSWORD).status_code == 302

    # After the pause the right password works again, and success clears the count.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - timedelta(minutes=16))
    later = Client(REMOTE_ADDR="203.0.113.7")
    assert _login(later, rep.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=rep.username).exists()


@pytest.mark.django_db
def test_the_api_token_is_not_a_way_around_the_pause(api_client, rep):
    """Token requests carry no password: nothing for a guesser; a bad token is 401."""
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api_client.get("/api/inquiries/")
    assert response.status_code == 401


def _production(*args: str, **extra) -> subprocess.CompletedProcess:
    env = base_env(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
                   ALLOWED_HOSTS="leadqual.example.com",
                   CSRF_TRUSTED_ORIGINS="https://leadqual.example.com", **extra)
    env.pop("SECURE_SSL_REDIRECT", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_settings():
    done = _production("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_cookies_and_session():
    code = ("from django.conf import settings as s; import json; print(json.dumps({k: "
            "getattr(s, k) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
            "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', "
            "'SESSION_COOKIE_AGE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
            "'X_FRAME_OPTIONS', 'SECURE_PROXY_SSL_HEADER')}))")
    done = _production("shell", "-c", code)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        # __Host-: the browser sends them only over https, to this host, for every path.
        "SESSION_COOKIE_NAME": "__Host-leadqual-session",
        "CSRF_COOKIE_NAME": "__Host-leadqual-csrf",
        "SESSION_COOKIE_AGE": 12 * 3600, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600, "X_FRAME_OPTIONS": "DENY",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_refuses_to_start_without_a_secret_key():
    env = base_env(DEBUG="false", SECRET_KEY="")
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "SECRET_KEY is not set" in done.stderr
