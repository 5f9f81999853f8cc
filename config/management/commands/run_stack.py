"""Run web, worker and beat together on this machine (what `make run` starts), and
rspamd beside them when it is installed and not already running."""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from config.celery_app import worker_command
from config.demo import DEMO_USERS

RESTARTS = 5


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("LEADQUAL_ADDR", "127.0.0.1:8000"))
        parser.add_argument(
            "--sandbox", action=argparse.BooleanOptionalAction,
            default=not settings.LEADQUAL_DNS_SERVERS,
            help="verify against the demo's sandbox internet on loopback (default when no "
                 "LEADQUAL_DNS_SERVERS is configured)")
        parser.add_argument("--concurrency", type=int,
                            default=settings.LEADQUAL_WORKER_CONCURRENCY)

    def handle(self, *args, addr: str, concurrency: int, sandbox: bool, **options):
        python = sys.executable
        env = dict(os.environ)
        internet = None
        if sandbox:
            from verification.sandbox.demo_world import demo_world
            from verification.sandbox.internet import SandboxInternet

            internet = SandboxInternet(demo_world()).start()
            env.update(internet.env())
        broker = "Redis" if settings.REDIS_URL else f"embedded ({settings.BROKER_DIR})"
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": worker_command(concurrency=concurrency),
            "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                     "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
        }

        envs = {}
        spam_command, envs["rspamd"], spam_line = _spam_filter(env)
        if spam_command:
            commands["rspamd"] = spam_command

        def start(name: str) -> subprocess.Popen:
            return subprocess.Popen(commands[name], cwd=settings.BASE_DIR,
                                    env=envs.get(name) or env)

        processes = {name: start(name) for name in commands}
        time.sleep(2)
        if spam_command:
            spam_line = _spam_filter_started(processes["rspamd"], spam_line)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        lines = [
            "",
            f"  Leadqual is running at http://{addr}/",
            f"  database: {engine}   broker: {broker}",
            "  verification: " + ("the demo's sandbox internet on loopback (offline)"
                                  if internet else "the real internet"),
            f"  spam filter: {spam_line}",
            "  demo logins (username / password):",
            *(f"    {u.username:<8} / {u.password:<16} {u.role}" for u in DEMO_USERS),
            f"  Ctrl-C stops {', '.join(commands)}; one that dies is started again.",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
        # `kill`, `docker stop` and systemd send SIGTERM: stop the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._supervise(processes, start)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            # One deadline for all (not 15 s each, one after the other): what has not
            # stopped by then is killed.
            deadline = time.monotonic() + STOP_SECONDS
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if internet:
                internet.stop()

    def _supervise(self, processes: dict, start) -> None:
        """Start again a process that died (a worker crashing when the broker vanishes,
        say), like ``restart: unless-stopped`` in docker-compose.yml; give up on one that
        dies more than RESTARTS times within a minute. The stack runs on without rspamd
        (the intake then uses Leadqual's own checks only), not without the others."""
        deaths: dict[str, list[float]] = {name: [] for name in processes}
        while True:
            time.sleep(1)
            for name, process in list(processes.items()):
                if process.poll() is None:
                    continue
                now = time.monotonic()
                recent = [t for t in deaths[name] if now - t < 60] + [now]
                deaths[name] = recent
                if len(recent) > RESTARTS and name == "rspamd":
                    self.stderr.write(f"run_stack: rspamd keeps stopping (exit "
                                      f"{process.returncode}; see {_spam_log()}); spam "
                                      f"filter: {OWN_CHECKS} only from now on")
                    del processes[name]
                    continue
                if len(recent) > RESTARTS:
                    self.stderr.write(f"{name} keeps stopping (exit {process.returncode}); "
                                      "stopping the rest")
                    return
                self.stderr.write(f"run_stack: {name} stopped (exit {process.returncode}); "
                                  f"starting it again")
                time.sleep(min(2 ** (len(recent) - 1), 10))
                processes[name] = start(name)


STOP_SECONDS = 20  # for the children to stop after Ctrl-C or SIGTERM


def _interrupt(signum, frame):
    raise KeyboardInterrupt


OWN_CHECKS = "Leadqual's own checks"


def _spam_filter(env: dict) -> tuple[list[str] | None, dict | None, str]:
    """The rspamd to start (None: none), its environment and the line that says which
    filter is in use.

    rspamd is started only when it is installed, the configured URL is on this machine
    and nothing answers there yet (one that already runs is used as it is). Its Bayes
    is kept in the stack's Redis; on the embedded broker there is no Redis, so rspamd
    runs without Bayes (everything else still scores) and the line says so.
    """
    from leads.mail import rspamd

    url = settings.LEADQUAL_RSPAMD_URL
    if not url:
        return None, None, f"{OWN_CHECKS} only (LEADQUAL_RSPAMD_URL is empty)"
    version = rspamd.filter_version(url)
    if version:
        return None, None, f"rspamd {version} at {url} + {OWN_CHECKS}"
    binary = shutil.which("rspamd")
    if binary is None:
        return None, None, f"{OWN_CHECKS} only (rspamd not installed: apt-get install rspamd)"
    normal, controller = urlsplit(url), urlsplit(settings.LEADQUAL_RSPAMD_CONTROLLER_URL)
    if normal.hostname not in ("127.0.0.1", "localhost") or controller.hostname not in (
            "127.0.0.1", "localhost"):
        return None, None, f"{OWN_CHECKS} only (rspamd at {url} does not answer)"
    redis = urlsplit(settings.REDIS_URL) if settings.REDIS_URL else None
    bayes = bool(redis and redis.scheme == "redis" and redis.hostname)
    run_dir = settings.VAR_DIR / "rspamd"
    rspamd.server_prepare(run_dir)
    # The passwords go to rspamd in its environment, not on its command line (ps).
    spam_env = rspamd.server_environment(
        env, redis_password=(redis.password or "") if bayes else "",
        controller_password=settings.LEADQUAL_RSPAMD_PASSWORD)
    command = rspamd.server_command(
        run_dir=run_dir, normal_port=normal.port or 11333,
        controller_port=controller.port or 11334, binary=binary,
        redis_servers=f"{redis.hostname}:{redis.port or 6379}" if bayes else "",
        redis_db=int(redis.path.strip("/") or 0) if bayes else 0)
    note = "" if bayes else " (without Bayes: no Redis to keep it in)"
    return command, spam_env, "rspamd {version} at " + f"{url}{note} + {OWN_CHECKS}"


def _spam_filter_started(process: subprocess.Popen, line: str) -> str:
    """Wait for the rspamd just started (a first start compiles its expressions for a
    few seconds) and fill in its version."""
    from leads.mail.rspamd import filter_version

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        version = filter_version(settings.LEADQUAL_RSPAMD_URL, timeout=0.5)
        if version:
            return line.replace("{version}", version)
        time.sleep(0.3)
    return f"{OWN_CHECKS} only (rspamd did not start: see {_spam_log()})"


def _spam_log():
    return settings.VAR_DIR / "rspamd" / "rspamd.log"
