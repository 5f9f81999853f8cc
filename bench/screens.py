"""Screens at scale (issue 9): p50/p95 of the inbox, the company page and the dashboard.

    .venv/bin/pip install -e ".[bench]"          # locust, pyinstrument
    .venv/bin/python bench/screens.py            # PostgreSQL on 127.0.0.1:5432, user postgres

What it does, from a clean clone:

1. Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/leadqual_bench_screens),
   creates that database if missing, migrates, and when it has no company runs
   ``manage.py seed_scale --inquiries 100000 --companies 30000`` and VACUUM ANALYZE.
2. Starts gunicorn (config.wsgi, DEBUG off, plain http on 127.0.0.1 and a free port,
   gthread workers; ``--workers``/``--threads``) unless ``--url`` points at a server.
3. Logs in once per screen to warm it up, then runs locust headless
   (bench/locustfile.py) for each screen, each client logged in (``grace``, a manager:
   she sees all 30,000 companies, the most data any screen has), three ways:
   (a) ``--clients`` (1 and 16) back to back, no think time: each client asks for the
       next page as soon as it has the last one. 16 such clients keep 16 requests in
       flight on a 2-core machine that also runs PostgreSQL and locust: saturation, as
       wrk measures it;
   (b) ``--think-clients`` (16) people reading: each waits ``--think`` (1-2 s, uniformly
       drawn) between two pages.
4. Prints one table: p50/p95 of each way, requests, failures, and whether the target
   (p95 at 16 clients) is met with think time and back to back.

Locust rounds percentiles above 100 ms to two significant digits. The CSV files of
each run are kept in bench/out/screens/. The managers' dashboard shares its figures for
``LEADQUAL_DASHBOARD_CACHE_SECONDS`` (60 s, followup.dashboard.page_cached): a run
measures mostly pages drawn from figures at most a minute old, plus one recomputation
a minute (the warm-up computes the first ones).
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out" / "screens"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/leadqual_bench_screens"
SCREENS = ("inbox", "inbox_filtered", "inbox_search", "detail", "dashboard")
TARGET_MS = {"inbox": 150, "inbox_filtered": 150, "inbox_search": 150, "detail": 150,
             "dashboard": 300}
WARM_URLS = {"inbox": "/leads/", "inbox_filtered": "/leads/?country=US&grade=A",
             "inbox_search": "/leads/?q=aqua", "dashboard": "/followup/dashboard/"}


def app_env(args) -> dict[str, str]:
    """The environment of manage.py and gunicorn: production settings over plain http."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({
        "DATABASE_URL": args.database_url, "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-screens-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Production forces https and __Host- cookies; the bench speaks plain http.
        "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false", "SECURE_HSTS_SECONDS": "0",
        "LEADQUAL_VAR_DIR": str(OUT / "var"), "LOG_LEVEL": "WARNING",
        # django-axes must not lock the bench user out after a hiccup.
        "LOGIN_FAILURE_LIMIT": "1000",
    })
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def manage(args, *command: str, capture: bool = False) -> str:
    result = subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT,
                            env=app_env(args), check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout or ""


def database_create(url: str) -> None:
    """CREATE DATABASE when a PostgreSQL URL names one that does not exist yet."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  [name]).fetchone():
            print(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare(args) -> None:
    database_create(args.database_url)
    manage(args, "migrate", "--noinput", "-v0")
    count = manage(args, "shell", "-v0", "-c", "from leads.models import Company; "
                   "print(Company.objects.count())", capture=True).strip().splitlines()[-1]
    if int(count) == 0:
        print(f"seeding {args.inquiries} inquiries over {args.companies} companies")
        manage(args, "seed_scale", "--inquiries", str(args.inquiries),
               "--companies", str(args.companies))
        if args.database_url.startswith("postgres"):
            manage(args, "shell", "-v0", "-c", "from django.db import connection; "
                   "connection.cursor().execute('VACUUM ANALYZE')")
    manage(args, "collectstatic", "--noinput", "-v0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         # More than one thread would make gunicorn use gthread workers instead of sync.
         "--workers", str(args.workers),
         "--threads", str(args.threads if args.worker_class == "gthread" else 1),
         "--worker-class", args.worker_class, "--log-level", "warning",
         # Longer than the think time: a client must not send its next page on a
         # connection the server is closing (that is a failure, and not the page's).
         "--keep-alive", "5",
         # A slow screen under 16 clients must be measured, not killed by the timeout.
         "--timeout", "300", "--graceful-timeout", "5"],
        cwd=ROOT, env=app_env(args), start_new_session=True)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited; see its output above") from None
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start listening within 30 s")


def login(url: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{url}/login/", data=data,  # noqa: S310 - http only
                                     headers={"Referer": f"{url}/login/"})
    final = opener.open(request)
    if "/login/" in final.geturl():
        raise SystemExit(f"cannot log in as {username} on {url}")
    return opener


def sessions(url: str, username: str, password: str, count: int) -> Path:
    """``count`` logged-in sessions, one per locust user, made before any run: password
    hashing (deliberately slow) is not part of the figures, nor of the run time."""
    import json

    cookies = []
    for _ in range(count):
        opener = login(url, username, password)
        jar = next(h.cookiejar for h in opener.handlers
                   if isinstance(h, urllib.request.HTTPCookieProcessor))
        cookies.append({cookie.name: cookie.value for cookie in jar})
    path = OUT / "sessions.json"
    path.write_text(json.dumps(cookies))
    return path


def company_ids(args) -> Path:
    """A fixed random sample of companies for the detail page (same for every run)."""
    path = OUT / "company_ids.txt"
    text = manage(args, "shell", "-v0", "-c", (
        "import random; from leads.models import Company; "
        "ids = list(Company.objects.values_list('pk', flat=True)); random.seed(9); "
        "print('\\n'.join(map(str, random.sample(ids, min(500, len(ids))))))"), capture=True)
    path.write_text(text)
    return path


def countries(args) -> str:
    """The ten countries with most companies, for the filtered inbox."""
    text = manage(args, "shell", "-v0", "-c", (
        "from django.db.models import Count; from leads.models import Company; "
        "print(','.join(Company.objects.exclude(country='').values('country')"
        ".annotate(n=Count('pk')).order_by('-n').values_list('country', flat=True)[:10]))"),
        capture=True)
    return text.strip().splitlines()[-1]


def run_locust(args, url: str, screen: str, users: int, think: str, extra_env: dict) -> dict:
    prefix = OUT / f"{screen}_{users}{'_think' if think != '0' else ''}"
    env = {**os.environ, **extra_env, "BENCH_SCREEN": screen, "BENCH_USERS": str(users),
           "BENCH_USERNAME": args.username, "BENCH_PASSWORD": args.password,
           "BENCH_THINK": think}
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.duration}s",
         "--host", url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--stop-timeout", "10"],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"))  # noqa: SIM115
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == screen:
                return {"p50": float(row["50%"]), "p95": float(row["95%"]),
                        "requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]),
                        "rps": float(row["Requests/s"])}
    return {"p50": float("nan"), "p95": float("nan"), "requests": 0, "failures": 0, "rps": 0}


def runs(args) -> list[tuple[str, int, str]]:
    """(column heading, clients, think time) of each locust run per screen."""
    found = [(f"{n} client{'s' if n > 1 else ''} back to back", n, "0")
             for n in (int(n) for n in args.clients.split(",") if n)]
    found += [(f"{n} users, think {args.think} s", n, args.think)
              for n in (int(n) for n in args.think_clients.split(",") if n)]
    return found


def met(result: dict, target: int) -> str:
    if not result["requests"]:
        return "NO (none finished)"
    return "yes" if result["p95"] <= target and not result["failures"] else "NO"


def table(results: dict, columns: list[tuple[str, int, str]]) -> str:
    """One row per screen: p50 / p95 of each run, and the target at the most clients."""
    most = max(n for _, n, _ in columns)
    judged = [(heading, n, think) for heading, n, think in columns if n == most]
    head = (["screen"] + [f"{heading}: p50 / p95 ms" for heading, _, _ in columns]
            + ["requests", "failures", "target p95"]
            + [f"met, {heading}" for heading, _, _ in judged])
    rows = []
    for screen, by_run in results.items():
        target = TARGET_MS[screen]
        rows.append(
            [screen]
            + [f"{by_run[h]['p50']:.0f} / {by_run[h]['p95']:.0f} ({by_run[h]['rps']:.1f}/s)"
               if by_run[h]["requests"] else "none finished" for h, _, _ in columns]
            + [str(sum(r["requests"] for r in by_run.values())),
               str(sum(r["failures"] for r in by_run.values())), f"≤ {target}"]
            + [met(by_run[h], target) for h, _, _ in judged])
    widths = [max(len(str(cell)) for cell in column)
              for column in zip(head, *rows, strict=True)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *map(line, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (skips gunicorn and seeding)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default="", help="cache in Redis (never db 14)")
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=30_000)
    parser.add_argument("--screens", default=",".join(SCREENS))
    parser.add_argument("--clients", default="1,16",
                        help="numbers of clients going back to back (no think time)")
    parser.add_argument("--think-clients", default="16",
                        help="numbers of clients waiting --think between pages ('' = none)")
    parser.add_argument("--think", default="1-2",
                        help="seconds each --think-clients client waits: 1.5 or 1-2 (drawn)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per locust run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--username", default="grace")
    parser.add_argument("--password", default="grace-demo-2026")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    columns = runs(args)
    screens = [s for s in args.screens.split(",") if s]
    prepare(args)
    server = None
    url = args.url
    if not url:
        server, url = gunicorn_start(args)
        print(f"gunicorn on {url}: {args.workers} {args.worker_class} workers"
              + (f" × {args.threads} threads" if args.worker_class == "gthread" else ""))
    try:
        extra = {"BENCH_IDS": str(company_ids(args)), "BENCH_COUNTRIES": countries(args),
                 "BENCH_SESSIONS": str(sessions(url, args.username, args.password,
                                                max(n for _, n, _ in columns)))}
        opener = login(url, args.username, args.password)
        first_id = Path(extra["BENCH_IDS"]).read_text().split()[0]
        warm = {**WARM_URLS, "detail": f"/leads/companies/{first_id}/"}
        for screen in screens:
            for _ in range(3):
                opener.open(url + warm[screen]).read()
        results: dict[str, dict[str, dict]] = {}
        for screen in screens:
            for heading, users, think in columns:
                result = run_locust(args, url, screen, users, think, extra)
                results.setdefault(screen, {})[heading] = result
                print(f"  {screen:15} {heading:28}: p50 {result['p50']:.0f} ms, "
                      f"p95 {result['p95']:.0f} ms, {result['requests']} requests, "
                      f"{result['failures']} failures", flush=True)
        served_by = (f"gunicorn {args.workers} {args.worker_class} workers"
                     + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
                     if not args.url else args.url)
        print(f"\n{args.duration} s per run, user {args.username}, {served_by}; "
              f"(n/s) = requests per second\n")
        print(table(results, columns))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


if __name__ == "__main__":
    main()
