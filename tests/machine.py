"""What ``make test`` needs from the machine, made true before pytest starts.

1. Debian packages the tests drive for real (Chromium and a CJK font for the browser
   tests, Dovecot for the mail tests, rspamd for the spam checks): installed with
   apt-get when they are missing and we are root; otherwise we stop at once and print
   the one command to run.
2. PostgreSQL and Redis: used when they answer on their default local ports, also when
   ``DATABASE_URL`` / ``REDIS_URL`` are not exported (set either to choose another one).

Prints ``export NAME=value`` lines for the Makefile to ``eval``; everything for people
goes to stderr. Standard library only: it runs before anything else is known to work.
"""

import os
import shutil
import socket
import subprocess
import sys
from urllib.parse import urlsplit

PACKAGES = {  # Debian package: how to tell it is there
    "chromium": lambda: bool(shutil.which("chromium")),
    "fonts-noto-cjk": lambda: _has_font("Noto Sans CJK"),
    "dovecot-imapd": lambda: os.path.exists("/usr/sbin/dovecot") or bool(shutil.which("dovecot")),
    "rspamd": lambda: bool(shutil.which("rspamd")),
}
LOCAL_DATABASE = "postgres://postgres@127.0.0.1:5432/leadqual"
# Database 14 is the tests' own: the worker tests empty it.
LOCAL_REDIS = "redis://127.0.0.1:6379/14"


def say(text: str) -> None:
    print(f"make test: {text}", file=sys.stderr, flush=True)


def _has_font(name: str) -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    return name.lower() in listed.lower()


def packages_ensure() -> bool:
    missing = [name for name, present in PACKAGES.items() if not present()]
    if not missing:
        return True
    command = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        say(f"the tests need {', '.join(missing)}; install them first:\n"
            f"    sudo apt-get update && sudo {command}")
        return False
    say(f"installing {', '.join(missing)} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run = subprocess.run(command.split(), env=env, stdout=subprocess.DEVNULL, check=False)
    if run.returncode != 0:  # a new machine's package lists may be empty or stale
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=False)
        run = subprocess.run(command.split(), env=env, stdout=subprocess.DEVNULL, check=False)
    still = [name for name in missing if not PACKAGES[name]()]
    if run.returncode != 0 or still:
        say(f"could not install {', '.join(still or missing)}; run: {command}")
        return False
    return True


def _answers(host: str, port: int, hello: bytes = b"", expect: bytes = b"") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            if not hello:
                return True
            sock.sendall(hello)
            return sock.recv(64).startswith(expect)
    except OSError:
        return False


def _postgres_trusts(host: str, port: int) -> bool:
    """Does the server let user postgres in without a password (the tests' setup)?"""
    if not shutil.which("psql"):
        return _answers(host, port)
    check = subprocess.run(
        ["psql", "-h", host, "-p", str(port), "-U", "postgres", "-d", "postgres", "-w",
         "-Atc", "select 1"], capture_output=True, text=True, check=False, timeout=20)
    return check.returncode == 0


def services_choose() -> dict[str, str]:
    chosen = {}
    database = os.environ.get("DATABASE_URL", "")
    if not database and _answers("127.0.0.1", 5432) and _postgres_trusts("127.0.0.1", 5432):
        database = chosen["DATABASE_URL"] = LOCAL_DATABASE
    redis = os.environ.get("REDIS_URL", "")
    if not redis and _answers("127.0.0.1", 6379, b"PING\r\n", b"+PONG"):
        redis = chosen["REDIS_URL"] = LOCAL_REDIS
    where = urlsplit(database)
    say("database: " + (f"PostgreSQL {where.hostname}:{where.port or 5432}{where.path}"
                        if database.startswith("postgres") else
                        database or "SQLite (var/), since no PostgreSQL answered on 5432"))
    say("broker: " + (f"Redis {redis}" if redis else
                      "kombu's filesystem broker (no Redis answered on 6379: the Redis "
                      "tests are skipped and say so)"))
    return chosen


def main() -> int:
    if not packages_ensure():
        return 1
    for name, value in services_choose().items():
        print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
