"""Locust users for ``bench/screens.py``: logged-in people opening one screen, again and again.

Not run by hand as a rule (``bench/screens.py`` starts it once per screen and number
of clients), but it can be:

    BENCH_SCREEN=inbox BENCH_USERNAME=grace BENCH_PASSWORD=grace-demo-2026 \\
    .venv/bin/locust -f bench/locustfile.py --headless --users 16 --spawn-rate 16 \\
        --run-time 30s --host http://127.0.0.1:8000

Environment:
  BENCH_SCREEN     inbox | inbox_filtered | inbox_search | detail | dashboard
  BENCH_USERNAME / BENCH_PASSWORD   the login (a manager sees every company)
  BENCH_SESSIONS   JSON file of cookies, one logged-in session per user (bench/screens.py
                   makes them); without it each user logs in
  BENCH_USERS      how many users will log in; measuring starts when all have
  BENCH_THINK      seconds each user waits between two pages: "1.5", or "1-2" for a time
                   drawn between 1 and 2 s each time (default 0: back to back); with a
                   think time, each user's first page comes within one think time
  BENCH_IDS        file with company ids, one a line, for the detail page
  BENCH_COUNTRIES  comma-separated ISO codes for the filtered inbox
"""

import json
import os
import random
import re

import gevent.event
from locust import HttpUser, between, constant, task

SCREEN = os.environ.get("BENCH_SCREEN", "inbox")
USERS = int(os.environ.get("BENCH_USERS", "1"))
THINK = os.environ.get("BENCH_THINK", "0")
COUNTRIES = [c for c in os.environ.get("BENCH_COUNTRIES", "US,DE,IN,BR,GB").split(",") if c]
GRADES = ["A", "B", "C"]
# What people type into the search box: company and buyer names, a domain, products.
TERMS = ["aqua", "weber", "hospital", "koi", "ballast", "pura", "shrimp", "kitchen hood",
         "nguyen", "gmail"]
IDS = ([int(line) for line in open(os.environ["BENCH_IDS"]) if line.strip()]  # noqa: SIM115
       if os.environ.get("BENCH_IDS") else [])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSIONS = (json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115
            if os.environ.get("BENCH_SESSIONS") else [])

_logged_in = 0
_ready = gevent.event.Event()


def path() -> tuple[str, str]:
    """(url, name in the statistics) of the next page to open."""
    if SCREEN == "inbox":
        return "/leads/", SCREEN
    if SCREEN == "inbox_filtered":
        return (f"/leads/?country={random.choice(COUNTRIES)}&grade={random.choice(GRADES)}",
                SCREEN)
    if SCREEN == "inbox_search":
        return f"/leads/?q={random.choice(TERMS).replace(' ', '+')}", SCREEN
    if SCREEN == "detail":
        return f"/leads/companies/{random.choice(IDS)}/", SCREEN
    if SCREEN == "dashboard":
        return "/followup/dashboard/", SCREEN
    raise SystemExit(f"unknown BENCH_SCREEN {SCREEN!r}")


def think_time():
    low, _, high = THINK.partition("-")
    return between(float(low), float(high)) if high else constant(float(low))


class Person(HttpUser):
    wait_time = think_time()

    def on_start(self):
        global _logged_in
        if _logged_in < len(SESSIONS):
            self.client.cookies.update(SESSIONS[_logged_in])
        else:
            self.log_in()
        _logged_in += 1
        if _logged_in >= USERS:
            # Everybody is in: logins (slow password hashing) are not part of the figures.
            self.environment.stats.reset_all()
            _ready.set()
        _ready.wait()
        # People who read between pages do not all click in the same millisecond: each
        # opens the first page somewhere within one think time (else the 16 first pages,
        # all at once, are 5% of a 30 s run and make its p95 on their own).
        longest = float(THINK.partition("-")[2] or THINK)
        if longest:
            gevent.sleep(random.uniform(0, longest))

    def log_in(self):
        page = self.client.get("/login/", name="login")
        token = CSRF.search(page.text)
        response = self.client.post(
            "/login/", name="login", allow_redirects=False,
            data={"username": os.environ["BENCH_USERNAME"],
                  "password": os.environ["BENCH_PASSWORD"],
                  "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/login/"})
        if response.status_code != 302:
            raise SystemExit(f"login failed: HTTP {response.status_code}")

    @task
    def open_screen(self):
        url, name = path()
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.error or ''}")
