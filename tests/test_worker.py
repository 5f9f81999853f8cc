"""Background work through a real Celery worker process, never eager mode.

* Redis: the test process enqueues on commit; a worker subprocess consumes
  from Redis and writes to the same test database (PostgreSQL in CI).
* Embedded: the bare-machine defaults end to end, all in subprocesses:
  SQLite file, filesystem broker, `import_inquiries`, a worker, `export_inquiries`.
"""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.leads.test_import_command import GENERIC, write_csv
from tests.processes import ROOT, base_env, database_url, start_worker, stop, wait_for
from verification.models import Verification


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_task_enqueued_on_commit_runs_on_a_real_worker_over_redis(api_client, rep, tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the tests' own database
    log = tmp_path / "worker.log"
    worker = start_worker(base_env(DATABASE_URL=database_url(),
                                     REDIS_URL=settings.REDIS_URL), log)
    try:
        api_client.force_authenticate(rep)
        ids = []
        emails = ["anna@klarwasser.de", "jonas@klarwasser.de", "nobody@klarwasser.de",
                  "x@catchall.example", "sam@fallback.example"]
        for n, email in enumerate(emails):
            response = api_client.post("/api/inquiries/", {
                "email": email, "country": "DE",
                "message": f"Need 40W UV sterilisers for a water treatment plant, batch {n}",
            }, format="json")
            assert response.status_code == 201
            ids.append(response.json()["id"])
        # Committed by the request; the verification is pending until the worker runs it.
        done = wait_for(
            lambda: Verification.objects.filter(inquiry_id__in=ids, status="done").count() == 5,
            timeout=60, log=log,
        )
        assert done
        results = {v.inquiry.email: v for v in
                   Verification.objects.filter(inquiry_id__in=ids).select_related("inquiry")}
        # The worker probed the sandbox mail servers (its settings came from the environment).
        assert {email: v.email_status for email, v in results.items()} == {
            "anna@klarwasser.de": "deliverable", "jonas@klarwasser.de": "deliverable",
            "nobody@klarwasser.de": "undeliverable", "x@catchall.example": "risky",
            "sam@fallback.example": "deliverable"}
        assert results["anna@klarwasser.de"].website_status == "reachable"
        assert all(v.attempts == 1 and v.grade for v in results.values())
        assert re.search(r"Task verification\.tasks\.verify_batch\[\S+\] succeeded",
                         log.read_text())
    finally:
        stop(worker)


@pytest.mark.worker
def test_embedded_broker_with_a_real_worker(tmp_path):
    """The bare-machine defaults: no DATABASE_URL, no REDIS_URL, a worker process."""
    env = base_env(LEADQUAL_VAR_DIR=str(tmp_path / "var"),
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
    assert len(queued) == 1  # one message: the 3 stored inquiries, one batch, in the folder

    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        def all_verified():
            rows = json.loads(manage("export_inquiries", "--format", "json"))
            return rows if all(r["verification_status"] == "done" for r in rows) else None

        rows = wait_for(all_verified, timeout=90, log=log)
    finally:
        stop(worker)
    assert len(rows) == 3
    by_email = {row["email"]: row for row in rows}
    klar = by_email["jonas@klarwasser.de"]
    assert (klar["email_status"], klar["website_status"]) == ("deliverable", "reachable")
    assert klar["website_final_url"] == "https://klarwasser.de/"
    assert klar["domain_created"] == "2009-03-14"
    # sgpure.com.sg and tomsach.vn do not exist in the sandbox internet.
    assert by_email["an@tomsach.vn"]["email_status"] == "undeliverable"
    assert all(row["grade"] in "ABCD" and row["reasons"] for row in rows)
    assert not list((tmp_path / "broker" / "queue").iterdir())
    assert (tmp_path / "var" / "leadqual.sqlite3").exists()


@pytest.mark.worker
def test_verify_inquiries_wait_without_a_running_worker(tmp_path):
    """Bare machine, no worker running: `verify_inquiries --all --wait` does the work itself."""
    env = base_env(LEADQUAL_VAR_DIR=str(tmp_path / "var"),
                    LEADQUAL_BROKER_DIR=str(tmp_path / "broker"))

    def manage(*args) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        return done

    manage("migrate", "--noinput")
    manage("import_inquiries", str(write_csv(tmp_path / "generic.csv", GENERIC, "utf-8")))
    done = manage("verify_inquiries", "--all", "--wait", "--timeout", "120")
    assert "queued 3 inquiries" in done.stdout
    assert "no worker is running: starting one" in done.stdout
    assert "3/3" in done.stderr  # the progress bar, with counts
    assert re.search(r"^grade\s+.*[ABCD] \d", done.stdout, re.M)  # the summary table
    rows = json.loads(manage("export_inquiries", "--format", "json").stdout)
    assert all(row["verified_at"] and row["grade"] for row in rows)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_run_with_two_workers_keeps_the_per_host_cap_and_never_sends_data(
        sandbox_internet, tmp_path, settings):
    """Two worker processes x 4 threads verify 24 inquiries at one slow mail server."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    import redis

    from leads.models import Inquiry
    from tests.factories import CompanyFactory, InquiryFactory
    from verification.services import verification_request

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    settings.LEADQUAL_VERIFY_BATCH = 1  # one message each, for both workers to take
    server = sandbox_internet.mail["127.0.11.10"]
    server.recorder.open_max = 0
    server.recorder.commands.clear()
    company = CompanyFactory(domain="slowmx.example")
    inquiries = [InquiryFactory(company=company, email=f"user{n}@slowmx.example", website="",
                                platform_ref=f"BULK{n}") for n in range(24)]
    env = base_env(DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL,
                    LEADQUAL_SMTP_MAX_PER_HOST="2", LEADQUAL_PROBE_TIMEOUT="5")
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        worker = start_worker(env, log)
        workers.append(worker)
    try:
        verification_request(inquiry_ids=[i.pk for i in inquiries])  # autocommit: sent now
        ids = [i.pk for i in inquiries]
        wait_for(lambda: Verification.objects.filter(inquiry_id__in=ids,
                                                      verified_at__isnull=False).count() == 24,
                  timeout=120, log=logs[0])
    finally:
        for worker in workers:
            stop(worker)
    statuses = set(Verification.objects.filter(inquiry__in=Inquiry.objects.filter(
        pk__in=ids)).values_list("email_status", flat=True))
    assert statuses == {"deliverable"}
    assert all(re.search(r"Task verification\.tasks\.verify_batch\[\S+\] succeeded",
                         log.read_text()) for log in logs)  # both did work
    assert server.recorder.connections >= 24
    assert server.recorder.open_max == 2  # 8 threads in 2 processes, never 3 connections
    assert not any(c.upper().startswith("DATA") for c in server.recorder.commands)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_inquiries_go_out_as_one_message_that_a_worker_splits(sandbox_internet, tmp_path,
                                                                   monkeypatch, settings):
    """An import of thousands waits on the broker once per thousand inquiries, not once per
    inquiry: a worker splits each message into batches, verified side by side and stored
    together. Every inquiry is still verified, once."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it; see .ci/run)")
    import redis

    from tests.factories import CompanyFactory, InquiryFactory
    from verification import services

    monkeypatch.setattr(services, "FAN_OUT", 25)  # 1,000 in production
    monkeypatch.setattr(services, "FAN_OUT_FROM", 25)  # 50 in production
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    company = CompanyFactory(domain="klarwasser.de")
    count = 2 * services.FAN_OUT + 10
    ids = [InquiryFactory(company=company, email=f"buyer{n}@klarwasser.de", website="",
                          platform_ref=f"FAN{n}").pk for n in range(count)]
    services.verification_request(inquiry_ids=ids)  # autocommit: sent now
    assert broker.llen("celery") == 3  # 25, 25 and 10 ids: three messages, not 60

    log = tmp_path / "worker.log"
    worker = start_worker(base_env(DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL,
                                   LEADQUAL_VERIFY_BATCH="8"), log)
    try:
        wait_for(lambda: Verification.objects.filter(inquiry_id__in=ids,
                                                      status="done").count() == count,
                 timeout=240, log=log)
    finally:
        stop(worker)
    runs = Verification.objects.filter(inquiry_id__in=ids).values_list("runs", flat=True)
    assert sorted(set(runs)) == [1]
    # Each address was asked for: klarwasser.de's server knows none of these mailboxes.
    assert set(Verification.objects.filter(inquiry_id__in=ids)
               .values_list("email_status", flat=True)) == {"undeliverable"}
    text = log.read_text()
    # Split by the worker: 25 ids in batches of 8 are four tasks (8, 8, 8, 1), 10 are two.
    assert len(re.findall(r"Task verification\.tasks\.verify_fan_out\[\S+\] succeeded", text)) == 3
    assert len(re.findall(r"Task verification\.tasks\.verify_batch\[\S+\] succeeded", text)) == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_stores_every_result_and_skips_what_is_done(sandbox_internet):
    """A batch verifies its inquiries side by side, stores them together, and leaves alone
    those done meanwhile and those deleted."""
    from tests.factories import CompanyFactory, InquiryFactory
    from verification import services

    company = CompanyFactory(domain="klarwasser.de")
    anna, jonas, done, gone = (
        InquiryFactory(company=company, email=f"{name}@klarwasser.de", website="klarwasser.de",
                       platform_ref=f"BATCH-{name}") for name in ("anna", "jonas", "done", "gone"))
    Verification.objects.create(inquiry=done, status="done", runs=1)
    gone_id = gone.pk
    gone.delete()

    stored = services.verifications_run(inquiry_ids=[anna.pk, jonas.pk, done.pk, gone_id])

    assert set(stored) == {anna.pk, jonas.pk}
    rows = {v.inquiry_id: v for v in Verification.objects.filter(inquiry__company=company)}
    assert (rows[anna.pk].email_status, rows[jonas.pk].email_status) == ("deliverable",
                                                                         "deliverable")
    assert rows[anna.pk].website_status == rows[jonas.pk].website_status == "reachable"
    assert rows[anna.pk].runs == rows[jonas.pk].runs == 1
    assert rows[done.pk].runs == 1 and rows[done.pk].email_status == ""  # not run again
    company.refresh_from_db()
    assert company.verified_grade  # the headline was refreshed once for the batch


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_site_holds_up_only_its_own_inquiry(sandbox_internet, monkeypatch):
    """Results are stored as they come: the fast inquiries of a batch do not wait for the
    one whose website answers after the probe timeout."""
    from tests.factories import CompanyFactory, InquiryFactory
    from verification import services

    monkeypatch.setattr(services, "STORE_WITHIN", 0.2)
    company = CompanyFactory(domain="klarwasser.de")
    fast = [InquiryFactory(company=company, email=f"{name}@klarwasser.de",
                           website="klarwasser.de", platform_ref=f"FAST-{name}")
            for name in ("anna", "jonas")]
    slow = InquiryFactory(company=company, email="anna@klarwasser.de", website="slow.example",
                          platform_ref="SLOW")

    stored = services.verifications_run(inquiry_ids=[slow.pk, *(i.pk for i in fast)])

    assert set(stored) == {slow.pk, *(i.pk for i in fast)}
    at = dict(Verification.objects.filter(inquiry_id__in=stored)
              .values_list("inquiry_id", "verified_at"))
    assert stored[slow.pk].website_status == "unreachable"  # it timed out (1 s here)
    assert all((at[slow.pk] - at[i.pk]).total_seconds() > 0.5 for i in fast)
    assert abs((at[fast[0].pk] - at[fast[1].pk]).total_seconds()) < 0.5  # stored together
