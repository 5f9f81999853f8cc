"""Background work through a real Celery worker process, never eager mode.

* Redis: the test process enqueues on commit; a worker subprocess consumes
  from Redis and writes to the same test database (PostgreSQL in CI).
* Embedded: the bare-machine defaults end to end, all in subprocesses:
  SQLite file, filesystem broker, `import_inquiries`, a worker, `export_inquiries`.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.leads.test_import_command import GENERIC, write_csv
from verification.models import Verification

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "threads",
        "--concurrency", "2", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
        "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _wait_for(predicate, *, timeout: float, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout}s; worker log:\n{log.read_text()[-4000:]}")


def _base_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SECRET_KEY="worker-test-secret", DEBUG="false", CELERY_TASK_ALWAYS_EAGER="false")
    env.update(extra)
    return env


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_on_commit_runs_on_a_real_worker_over_redis(api_client, rep, tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the tests' own database
    log = tmp_path / "worker.log"
    worker = _start_worker(_base_env(DATABASE_URL=_database_url(),
                                     REDIS_URL=settings.REDIS_URL), log)
    try:
        api_client.force_authenticate(rep)
        ids = []
        for n in range(5):
            response = api_client.post("/api/inquiries/", {
                "email": f"buyer{n}@aquafarm-{n}.example", "country": "VN",
                "message": f"Need 40W UV sterilisers for shrimp ponds, batch {n}",
            }, format="json")
            assert response.status_code == 201
            ids.append(response.json()["id"])
        # Committed by the request; the verification is pending until the worker runs it.
        done = _wait_for(
            lambda: Verification.objects.filter(inquiry_id__in=ids, status="done").count() == 5,
            timeout=60, log=log,
        )
        assert done
        results = Verification.objects.filter(inquiry_id__in=ids)
        assert {v.email_verdict for v in results} == {"valid_syntax"}
        assert all(v.attempts == 1 for v in results)
        assert "verify_inquiry" in log.read_text()
    finally:
        _stop(worker)


@pytest.mark.worker
def test_embedded_broker_with_a_real_worker(tmp_path):
    """The bare-machine defaults: no DATABASE_URL, no REDIS_URL, a worker process."""
    env = _base_env(LEADQUAL_VAR_DIR=str(tmp_path / "var"),
                    LEADQUAL_BROKER_DIR=str(tmp_path / "broker"))

    def manage(*args) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput")
    export = write_csv(tmp_path / "generic.csv", GENERIC, "utf-8")
    assert "imported 3, duplicates 0, rejected 2" in manage("import_inquiries", str(export))
    queued = list((tmp_path / "broker" / "queue").iterdir())
    assert len(queued) == 3  # one message per stored inquiry, waiting in the folder

    log = tmp_path / "worker.log"
    worker = _start_worker(env, log)
    try:
        def all_verified():
            rows = json.loads(manage("export_inquiries", "--format", "json"))
            return rows if all(r["verification_status"] == "done" for r in rows) else None

        rows = _wait_for(all_verified, timeout=90, log=log)
    finally:
        _stop(worker)
    assert len(rows) == 3
    assert {row["email_verdict"] for row in rows} == {"valid_syntax"}
    assert not list((tmp_path / "broker" / "queue").iterdir())
    assert (tmp_path / "var" / "leadqual.sqlite3").exists()
