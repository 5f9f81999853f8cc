"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("LEADQUAL_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch):
    """One Chromium per test: Playwright's event loop must not outlive the test.

    Playwright's sync API runs an event loop in this thread, which Django takes
    for an async context; the test's own ORM calls are plain synchronous code.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
        # Connections opened while Playwright's loop ran belong to that context;
        # close them here, or the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    # Leave the app first, so no poll is cut off mid-request (the server thread would
    # keep its database connection, and the test database could not be dropped).
    page.goto("about:blank")
    page.wait_for_timeout(300)
    context.close()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/leads/**")
