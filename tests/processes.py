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


class RspamdServer:
    """Debian's rspamd with Leadqual's configuration (``config/rspamd/``) on spare
    loopback ports, its log and databases in ``directory``, its Bayes in the Redis at
    ``redis_url`` (None: no Bayes). ``dns_server`` is its resolver (the tests give a
    loopback port they listen on, to see that nothing is asked); ``cache_dir`` keeps the
    compiled expressions between runs (a cold start compiles them for ~10 s);
    ``password``: the controller's (none: loopback clients need none)."""

    def __init__(self, directory: Path, *, redis_url: str | None, min_learns: int = 20,
                 dns_server: str = "127.0.0.1:53", cache_dir: Path | None = None,
                 password: str = ""):
        from urllib.parse import urlsplit

        binary = shutil.which("rspamd")
        if binary is None:
            pytest.fail("rspamd is not installed (make test installs it: apt-get install rspamd)")
        self.binary, self.directory, self.cache_dir = binary, directory, cache_dir
        self.normal_port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.normal_port:
            self.controller_port = free_port()
        self.url = f"http://127.0.0.1:{self.normal_port}"
        self.controller_url = f"http://127.0.0.1:{self.controller_port}"
        self.redis_servers, self.redis_db, self.redis_password = "", 0, ""
        if redis_url:
            where = urlsplit(redis_url)
            self.redis_servers = f"{where.hostname or '127.0.0.1'}:{where.port or 6379}"
            self.redis_db = int(where.path.strip("/") or 0)
            self.redis_password = where.password or ""
        self.min_learns, self.dns_server, self.password = min_learns, dns_server, password
        self.process: subprocess.Popen | None = None
        self.version: str | None = None

    @property
    def log(self) -> Path:
        return self.directory / "rspamd.log"

    def start(self) -> "RspamdServer":
        from leads.mail import rspamd

        rspamd.server_prepare(self.directory, cache_dir=self.cache_dir)
        command = rspamd.server_command(
            run_dir=self.directory, normal_port=self.normal_port,
            controller_port=self.controller_port, redis_servers=self.redis_servers,
            redis_db=self.redis_db, min_learns=self.min_learns, dns_server=self.dns_server,
            cache_dir=self.cache_dir, binary=self.binary)
        env = rspamd.server_environment(os.environ, redis_password=self.redis_password,
                                        controller_password=self.password)
        # rspamd does not start under libfaketime (CI's clock-shifted runs): it keeps the
        # real clock, which nothing it scores depends on (DATE_IN_* score 0).
        env = {k: v for k, v in env.items() if not k.startswith("FAKETIME")}
        preload = [p for p in env.pop("LD_PRELOAD", "").replace(":", " ").split()
                   if "faketime" not in p]
        if preload:
            env["LD_PRELOAD"] = " ".join(preload)
        self.process = subprocess.Popen(
            command, env=env, stdout=(self.directory / "rspamd.out").open("ab"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            self.version = rspamd.filter_version(self.url, timeout=0.5)
            if self.version and rspamd.filter_version(self.controller_url, timeout=0.5):
                return self
            time.sleep(0.1)
        output = (self.directory / "rspamd.out").read_text(errors="replace")[-2000:]
        log = self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""
        self.stop()
        pytest.fail(f"rspamd on ports {self.normal_port}/{self.controller_port} did not "
                    f"start:\n{output}\n{log}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)  # SIGTERM: the main process stops its workers
            self.process = None
