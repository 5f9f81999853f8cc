"""Nothing is lost: a worker killed in the middle of a batch, a broker that dies while
inquiries arrive. Real processes only: workers, gunicorn and a Redis server of the
test's own on a spare port, all writing to the test database (PostgreSQL in CI).

Two figures in docs/RELIABILITY.md come from here (printed with ``-s``).
"""

import contextlib
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from leads.models import Inquiry
from tests.factories import InquiryFactory
from tests.processes import (
    ROOT,
    RedisServer,
    base_env,
    database_url,
    free_port,
    start_worker,
    stop,
    wait_for,
)
from verification.models import RescoreRun, Verification

BATCH = 500
# Healthy buyers of the sandbox internet on two mail servers (each capped at two
# connections), so that a batch takes long enough to be killed in the middle.
EMAILS = ["anna@klarwasser.de", "jonas@klarwasser.de", "nobody@klarwasser.de",
          "info@acme-aqua.com", "x@catchall.example"]
# Short timeouts so that the test sees recovery within a minute; production keeps an
# hour of visibility and half an hour before a sweep (config/settings.py).
# The task limit (1 s) is shorter than the slowest run of the kill test (it checks; the
# batches slower than the limit have a test of their own): a live run is known by its
# lease, never by its age.
FAST_RECOVERY = {"LEADQUAL_VISIBILITY_TIMEOUT": "20", "LEADQUAL_TASK_TIME_LIMIT": "1",
                 "LEADQUAL_STALE_AFTER_SECONDS": "6", "LEADQUAL_SWEEP_SECONDS": "3",
                 "LEADQUAL_CLAIM_LEASE_SECONDS": "4"}
DONE_LINE = re.compile(r"verification\.done inquiry=(\d+)")

needs_shared_database = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="worker subprocesses need a database they can share: PostgreSQL (CI sets it)")


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def _done() -> int:
    return Verification.objects.filter(status=Verification.Status.DONE).count()


def _slowest() -> float:
    """Seconds of the longest completed run, from its claim to its result."""
    return max((v.verified_at - v.started_at).total_seconds()
               for v in Verification.objects.filter(status=Verification.Status.DONE))


def _done_lines(*logs) -> Counter:
    return Counter(int(n) for log in logs for n in DONE_LINE.findall(log.read_text()))


@needs_shared_database
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(redis_server, tmp_path):
    env = base_env(DATABASE_URL=database_url(), REDIS_URL=redis_server.url, **FAST_RECOVERY)
    rows = [["email", "country", "message"]] + [
        [EMAILS[n % len(EMAILS)], "DE", f"UV sterilisers for water treatment, batch line {n}"]
        for n in range(BATCH)]
    path = tmp_path / "batch.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    imported = subprocess.run([sys.executable, "manage.py", "import_inquiries", str(path)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"imported {BATCH}, duplicates 0, rejected 0")
    ids = set(Inquiry.objects.values_list("pk", flat=True))

    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    first = start_worker(env, first_log, concurrency=8)
    try:
        wait_for(lambda: _done() >= BATCH // 5, timeout=120, log=first_log, interval=0.05)
        in_flight = Verification.objects.filter(status=Verification.Status.RUNNING).count()
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        stop(first)
    done_at_kill = _done()
    assert done_at_kill < BATCH, "the batch finished before the kill; make it longer"

    # With beat, as in production: a message taken from the queue but not yet recorded
    # as unacknowledged when the kill came (kombu's Redis transport has that window) is
    # in neither place; the sweeper sends its inquiry again.
    second = start_worker(env, second_log, concurrency=8, extra=("--beat",))
    try:
        wait_for(lambda: _done() == BATCH, timeout=240, log=second_log)
    finally:
        stop(second)

    finished = Counter(Verification.objects.values_list("status", flat=True))
    assert finished == {Verification.Status.DONE: BATCH}
    assert _slowest() > 1  # runs outlived the task time limit
    assert not Verification.objects.filter(grade="").exists()
    # Every inquiry verified exactly once: one completed run each in the database (a
    # run cut by the kill never committed; a second delivery found the work claimed).
    runs = Counter(Verification.objects.filter(inquiry_id__in=ids)
                   .values_list("runs", flat=True))
    assert runs == {1: BATCH}
    # The logs agree: no inquiry logged twice (one may lack its line if the kill fell
    # between its commit and its log line).
    logged = _done_lines(first_log, second_log)
    assert set(logged) <= ids and set(logged.values()) == {1}
    swept = sum(int(n) for n in re.findall(r"sweep\.requeued verifications=(\d+)",
                                           second_log.read_text()))
    print(f"\nkill: {BATCH} inquiries, SIGKILL after {done_at_kill} with {in_flight} running; "
          f"{BATCH - done_at_kill} finished by the second worker ({swept} sent again by the "
          "sweeper), each exactly once")


@needs_shared_database
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_slower_than_the_task_limit_are_verified_once_by_two_workers(
        redis_server, tmp_path):
    """Every batch runs longer than the task time limit and the sweeper runs every
    second: a live run renews its lease, so no other worker takes its work."""
    env = base_env(DATABASE_URL=database_url(), REDIS_URL=redis_server.url,
                   LEADQUAL_VISIBILITY_TIMEOUT="20", LEADQUAL_TASK_TIME_LIMIT="2",
                   LEADQUAL_STALE_AFTER_SECONDS="1", LEADQUAL_SWEEP_SECONDS="1",
                   LEADQUAL_CLAIM_LEASE_SECONDS="2", LEADQUAL_PROBE_TIMEOUT="6",
                   LEADQUAL_VERIFY_BATCH="4")
    count = 24
    inquiries = [InquiryFactory(email=EMAILS[n % 2], website="slow.example",  # 3 s a page
                                platform_ref=f"SLOW{n}") for n in range(count)]
    ids = {inquiry.pk for inquiry in inquiries}
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(env, logs[0], concurrency=2, extra=("--beat",)),
               start_worker(env, logs[1], concurrency=2)]
    try:
        from verification.services import verification_request

        verification_request(inquiry_ids=sorted(ids))  # autocommit: sent now
        wait_for(lambda: _done() == count, timeout=180, log=logs[0], interval=0.5)
    finally:
        for worker in workers:
            stop(worker)
    assert _slowest() > 2  # runs outlived the task time limit
    assert Counter(Verification.objects.values_list("runs", flat=True)) == {1: count}
    logged = _done_lines(*logs)
    assert set(logged) == ids and set(logged.values()) == {1}
    sweeps = logs[0].read_text().count("verification.tasks.requeue_stale")
    assert sweeps >= 3  # the sweeper was looking all along
    assert all(_done_lines(log) for log in logs)  # both workers verified


def _post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@needs_shared_database
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inquiries_arriving_while_redis_is_down_are_stored_then_verified(
        redis_server, rep, tmp_path):
    env = base_env(DATABASE_URL=database_url(), REDIS_URL=redis_server.url,
                   ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", **FAST_RECOVERY)
    token = Token.objects.create(user=rep).key
    port = free_port()
    log = tmp_path / "stack.log"
    # The bare-machine runner: web, worker and beat (so the sweeper is part of the test),
    # each started again if it dies, as docker-compose's restart policy does.
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "run_stack", "--addr", f"127.0.0.1:{port}",
         "--no-sandbox", "--concurrency", "8"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group: nothing of it outlives the test
    url = f"http://127.0.0.1:{port}/api/inquiries/"
    try:
        wait_for(lambda: _reachable(url), timeout=30, log=log)
        statuses, down_for = Counter(), 0.0
        for n in range(BATCH):
            if n == BATCH // 5:
                redis_server.stop()
                went_down = time.monotonic()
            elif n == 3 * BATCH // 5:
                down_for = time.monotonic() - went_down
                redis_server.start()
            statuses[_post(url, token, {
                "email": EMAILS[n % len(EMAILS)], "country": "DE",
                "message": f"Need UV lamps for a water treatment plant, request {n}"})] += 1
        assert statuses == {201: BATCH}  # every request answered and stored, outage or not
        assert Inquiry.objects.count() == BATCH
        wait_for(lambda: _done() == BATCH, timeout=240, log=log, interval=1)
    finally:
        stack.send_signal(signal.SIGINT)  # Ctrl-C: run_stack stops its children
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
        # Whatever of the stack is left (a child run_stack had no time to stop) would
        # hold the test database and the ports: the whole group goes.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(stack.pid, signal.SIGKILL)
    assert not Verification.objects.exclude(status=Verification.Status.DONE).exists()
    # Hundreds of sweeps sent duplicates; each inquiry's checks still completed once.
    assert Counter(Verification.objects.values_list("runs", flat=True)) == {1: BATCH}
    output = log.read_text()
    refused = output.count("broker.unavailable")
    swept = sum(int(n) for n in re.findall(r"sweep\.requeued verifications=(\d+)", output))
    restarts = output.count("starting it again")
    assert refused > 0 and swept > 0  # the outage was real, and the sweeper made it good
    print(f"\noutage: Redis down {down_for:.1f} s during {BATCH * 2 // 5} of {BATCH} API "
          f"posts; all {BATCH} stored (201); {refused} enqueues refused by the broker, "
          f"{swept} sent again by the sweeper; {restarts} processes restarted; all {BATCH} "
          "verified")


def _reachable(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError:
        return True  # 401 without a token: the server answers
    except OSError:
        return False
    return True


@pytest.mark.django_db
def test_a_message_delivered_twice_runs_the_checks_once(sandbox_internet,
                                                        django_capture_on_commit_callbacks):
    """A worker killed after saving but before acknowledging: the second delivery
    finds the work done and skips it (no second SMTP conversation)."""
    from tests.leads.helpers import ingest
    from verification.services import verification_run

    with django_capture_on_commit_callbacks(execute=True):
        inquiry = ingest(email="anna@klarwasser.de", website="klarwasser.de")
    first = Verification.objects.get(inquiry=inquiry)
    assert first.status == Verification.Status.DONE  # eager in unit tests
    mail = sandbox_internet.mail["127.0.10.2"].recorder
    connections = mail.connections
    assert verification_run(inquiry_id=inquiry.pk) is None
    assert mail.connections == connections
    again = Verification.objects.get(inquiry=inquiry)
    assert (again.verified_at, again.attempts) == (first.verified_at, 1)


@pytest.mark.django_db
def test_the_sweeper_sends_again_only_what_is_stale(settings):
    from verification.keyword_editor import rescore_runs_claim_stale
    from verification.services import verifications_claim_stale

    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    cases = {
        "lost message": ("pending", long_ago, None),
        "dead run": ("running", now, now - timedelta(seconds=1)),  # its lease ran out
        "run from before leases": ("running", long_ago, None),
        "slow live run": ("running", long_ago, now + timedelta(seconds=30)),
        "just asked": ("pending", now, None),
        "done": ("done", long_ago, None),
    }
    inquiries = {}
    for name, (status, requested, lease) in cases.items():
        inquiries[name] = InquiryFactory()
        Verification.objects.update_or_create(inquiry=inquiries[name], defaults={
            "status": status, "requested_at": requested, "lease_until": lease,
            "started_at": requested if status == "running" else None})
    lost_run = RescoreRun.objects.create(requested_at=long_ago)
    RescoreRun.objects.create()  # just asked for: its message is on its way

    swept = verifications_claim_stale(older_than=timedelta(minutes=30))
    assert sorted(swept) == sorted(inquiries[name].pk for name in
                                   ("lost message", "dead run", "run from before leases"))
    # A dead run's work is pending again, free for the next claim.
    assert Verification.objects.get(inquiry=inquiries["dead run"]).status == "pending"
    assert Verification.objects.get(inquiry=inquiries["slow live run"]).status == "running"
    assert rescore_runs_claim_stale(older_than=timedelta(minutes=30)) == [lost_run.pk]
    # Claimed work has its clock reset: the next sweep leaves it to the worker.
    assert verifications_claim_stale(older_than=timedelta(minutes=30)) == []
    assert rescore_runs_claim_stale(older_than=timedelta(minutes=30)) == []


def test_a_visibility_timeout_shorter_than_a_task_is_refused():
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
        env=base_env(DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL="redis://127.0.0.1:1/0",
                     LEADQUAL_VISIBILITY_TIMEOUT="100", LEADQUAL_TASK_TIME_LIMIT="180"),
        capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "LEADQUAL_VISIBILITY_TIMEOUT (100s) must be longer than" in done.stderr


@pytest.mark.django_db
def test_a_second_delivery_while_the_first_runs_does_nothing_but_a_dead_run_is_redone(
        sandbox_internet, settings):
    from verification.services import verification_run

    inquiry = InquiryFactory(email="anna@klarwasser.de", website="")
    mail = sandbox_internet.mail["127.0.10.2"].recorder
    connections = mail.connections
    # Running for far longer than the task time limit, but its lease is renewed: alive.
    started = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 3)
    Verification.objects.update_or_create(inquiry=inquiry, defaults={
        "status": "running", "started_at": started,
        "lease_until": timezone.now() + timedelta(seconds=20)})
    assert verification_run(inquiry_id=inquiry.pk) is None  # someone is on it
    assert mail.connections == connections

    # Its worker died: the lease was not renewed and ran out; the work is redone.
    Verification.objects.filter(inquiry=inquiry).update(
        lease_until=timezone.now() - timedelta(seconds=1))
    done = verification_run(inquiry_id=inquiry.pk)
    assert done.status == Verification.Status.DONE and done.email_status == "deliverable"
    assert mail.connections > connections
    assert done.lease_until is None and done.runs == 1
