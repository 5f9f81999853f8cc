"""Real processes for the tests that need them: Celery workers, a web server and a
Redis server of their own, all on loopback, all reading the test database."""

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import worker_command

ROOT = Path(__file__).resolve().parent.parent  # no settings read at import: bench/ uses it


def database_url() -> str:
    """The test database, for a subprocess (PostgreSQL in CI)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def base_env(**extra) -> dict:
    """The environment of a subprocess: this one's (the sandbox internet's settings
    included) without the broker and database unless given."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SECRET_KEY="worker-test-secret", DEBUG="false", CELERY_TASK_ALWAYS_EAGER="false",
               PYTHONUNBUFFERED="1")  # a killed process leaves its last log lines
    env.update(extra)
    return env


def start_worker(env: dict, log: Path, *, concurrency: int = 2,
                 extra: tuple[str, ...] = ()) -> subprocess.Popen:
    command = [*worker_command(concurrency=concurrency,
                               hostname=f"test-{uuid.uuid4().hex[:8]}@%h"), *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(predicate, *, timeout: float, log: Path, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s; log:\n{log.read_text()[-4000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own on a spare loopback port, which the test may
    stop and start again (no persistence: a restart empties it, like a crash)."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (the env skill installs it)")
        self.binary, self.directory, self.port = binary, directory, free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=(self.directory / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # an outage, not a clean shutdown
            self.process.wait()
            self.process = None
