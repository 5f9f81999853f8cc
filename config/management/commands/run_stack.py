"""Run web, worker and beat together on this machine (what `make run` starts)."""

import argparse
import os
import signal
import subprocess
import sys
import time

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

        def start(name: str) -> subprocess.Popen:
            return subprocess.Popen(commands[name], cwd=settings.BASE_DIR, env=env)

        processes = {name: start(name) for name in commands}
        time.sleep(2)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        lines = [
            "",
            f"  Leadqual is running at http://{addr}/",
            f"  database: {engine}   broker: {broker}",
            "  verification: " + ("the demo's sandbox internet on loopback (offline)"
                                  if internet else "the real internet"),
            "  demo logins (username / password):",
            *(f"    {u.username:<8} / {u.password:<16} {u.role}" for u in DEMO_USERS),
            "  Ctrl-C stops web, worker and beat; one that dies is started again.",
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
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if internet:
                internet.stop()

    def _supervise(self, processes: dict, start) -> None:
        """Start again a process that died (a worker crashing when the broker vanishes,
        say), like ``restart: unless-stopped`` in docker-compose.yml; give up on one that
        dies more than RESTARTS times within a minute."""
        deaths: dict[str, list[float]] = {name: [] for name in processes}
        while True:
            time.sleep(1)
            for name, process in processes.items():
                if process.poll() is None:
                    continue
                now = time.monotonic()
                recent = [t for t in deaths[name] if now - t < 60] + [now]
                deaths[name] = recent
                if len(recent) > RESTARTS:
                    self.stderr.write(f"{name} keeps stopping (exit {process.returncode}); "
                                      "stopping the rest")
                    return
                self.stderr.write(f"run_stack: {name} stopped (exit {process.returncode}); "
                                  f"starting it again")
                time.sleep(min(2 ** (len(recent) - 1), 10))
                processes[name] = start(name)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
