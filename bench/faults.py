"""Verification under faults: lost, duplicated and stuck runs, and the takeover time.

    .venv/bin/python bench/faults.py                     # four runs of 600 inquiries (~5 min)
    .venv/bin/python bench/faults.py --inquiries 1500    # the outside check's size

Needs PostgreSQL on 127.0.0.1 and ``redis-server`` on the PATH (as ``.ci/run`` has them).
The same inquiries and the same sandbox internet as ``bench/verify_bulk.py`` (latency,
3% of hosts silent), two Celery workers of the thread pool, the sweeper (beat) in the
first, each run on a database and a Redis server of its own:

1. ``no fault``: the results every other run is compared with;
2. ``worker killed``: the second worker is SIGKILLed when a third is verified and a
   new one started in its place (as a supervisor does); the work its dead runs held
   is taken over once their leases run out;
3. ``broker down``: Redis stopped for ``--outage`` seconds when a third is verified,
   then started empty (every queued message lost; the sweeper sends the work again);
4. ``slower than the limit``: the task time limit (``--slow-limit``, 3 s) is shorter
   than many batches (a silent host waits out the 5 s probe timeout): a live run must
   never be taken for dead.

Like production's supervisors (docker-compose, ``run_stack``), the bench starts a worker
again when it exits (Celery's worker exits when Redis vanishes under it) and says so.

Per run: lost (an inquiry without a completed run at the end), duplicated (more
completed runs than attempts: checks stored twice), stuck (not done after
``--give-up`` seconds), results that differ from the run without faults, and for the
kill the time from the kill to the takeover of the dead runs' work (first and last).
Figures: docs/RELIABILITY.md.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.verify_bulk import _check_services, _recreate_database, plan  # noqa: E402
from tests.processes import RedisServer  # noqa: E402

SCENARIOS = ("no fault", "worker killed", "broker down", "slower than the limit")


@dataclass
class Result:
    scenario: str
    seconds: float = 0.0
    rows: dict[int, tuple] = field(default_factory=dict)  # by platform_ref
    lost: int = 0
    duplicated: int = 0
    stuck: int = 0
    differ: int = 0
    takeover: list[float] = field(default_factory=list)  # seconds after the kill
    early: int = 0  # taken over while the dead run's lease still held
    note: str = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inquiries", type=int, default=600)
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--timeout", type=float, default=5.0, help="probe timeout, seconds")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker")
    parser.add_argument("--lease", type=float, default=10.0, help="claim lease, seconds")
    parser.add_argument("--sweep", type=float, default=2.0, help="sweeper period, seconds")
    parser.add_argument("--outage", type=float, default=30.0, help="broker down, seconds")
    parser.add_argument("--slow-limit", type=int, default=3, help="task limit of run 4")
    parser.add_argument("--give-up", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--only", choices=SCENARIOS, action="append",
                        help="run these (the run without faults always runs)")
    parser.add_argument("--database", default="leadqual_bench_faults")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    _check_services(argparse.Namespace(pg=args.pg, redis="redis://127.0.0.1:6379/0"))
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not on the PATH")

    var = Path(tempfile.mkdtemp(prefix="leadqual-faults-"))
    redis = RedisServer(var / "redis").start()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
        "SECRET_KEY": f"bench-{random.getrandbits(128):032x}",
        "DATABASE_URL": f"{args.pg}/{args.database}", "REDIS_URL": redis.url,
        "LEADQUAL_VAR_DIR": str(var), "LEADQUAL_PROBE_TIMEOUT": str(args.timeout),
        "LEADQUAL_SMTP_HELO": "probe.leadqual.test",
        "LEADQUAL_SMTP_FROM": "verify@leadqual.test",
        "LEADQUAL_CLAIM_LEASE_SECONDS": str(args.lease),
        "LEADQUAL_SWEEP_SECONDS": str(args.sweep),
        "LEADQUAL_STALE_AFTER_SECONDS": "60",  # longer than a run without faults
        "PYTHONUNBUFFERED": "1",
    })
    import django

    django.setup()
    try:
        wanted = [SCENARIOS[0]] + [s for s in SCENARIOS[1:] if not args.only or s in args.only]
        results = []
        for scenario in wanted:
            print(f"\n== {scenario} ==", flush=True)
            # A fresh sandbox each run: its servers remember (greylisting), and every run
            # must meet the same internet.
            with _sandbox(args, var) as sandbox_env:
                results.append(_run(args, scenario, redis, var, sandbox_env))
        _report(args, results)
    finally:
        redis.stop()


@contextlib.contextmanager
def _sandbox(args, var: Path):
    sandbox = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "verify_bulk.py"), "--role", "sandbox",
         "--inquiries", str(args.inquiries), "--domains", str(args.domains),
         "--seed", str(args.seed), "--timeout", str(args.timeout)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        stderr=(var / "sandbox.log").open("ab"))  # a killed worker's resets, logged there
    try:
        ready = sandbox.stdout.readline()
        if not ready.startswith("READY "):
            sys.exit("the sandbox internet did not start")
        yield json.loads(ready.split(" ", 1)[1])
    finally:
        sandbox.stdin.close()
        sandbox.terminate()
        sandbox.wait(timeout=30)


def _run(args, scenario: str, redis: RedisServer, var: Path, sandbox_env: dict) -> Result:
    import redis as redis_client
    from django.core.management import call_command
    from django.db import connections

    from config.celery_app import worker_command
    from leads.importer import GENERIC, Table
    from leads.models import ImportBatch
    from leads.services import inquiries_import
    from verification.models import Verification

    connections.close_all()
    _recreate_database(args.pg, args.database)
    call_command("migrate", verbosity=0)
    redis_client.Redis.from_url(redis.url).flushdb()
    result = Result(scenario)
    env = {**os.environ, **sandbox_env}
    if scenario == "slower than the limit":
        env["LEADQUAL_TASK_TIME_LIMIT"] = str(args.slow_limit)

    def start(number: int, *extra: str) -> subprocess.Popen:
        log = (var / f"{scenario.replace(' ', '-')}-worker-{number}.log").open("ab")
        return subprocess.Popen(
            [*worker_command(concurrency=args.concurrency, hostname=f"faults{number}@%h"),
             *extra], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    workers = [start(0, "--beat"), start(1)]
    rows = plan(inquiries=args.inquiries, domains=args.domains, seed=args.seed).rows
    table = Table(headers=list(rows[0]), rows=[(n + 2, row) for n, row in enumerate(rows)],
                  file_format="csv", encoding="utf-8")
    started = time.monotonic()
    inquiries_import(table=table, preset=GENERIC, source=ImportBatch.Source.FILE,
                     filename="faults.csv")  # queues every inquiry's checks on commit
    total = len(rows)
    fault_at = total // 3
    faulted = scenario in ("no fault", "slower than the limit")
    killed_at, held, restarts = None, {}, 0
    done = 0
    try:
        while time.monotonic() - started < args.give_up:
            done = Verification.objects.filter(status=Verification.Status.DONE).count()
            print(f"\r  verified {done}/{total}", end="", flush=True)
            if done >= total:
                break
            for number, worker in enumerate(workers):
                if worker.poll() is not None:  # died (Celery exits when Redis vanishes):
                    workers[number] = start(number + 10, *(("--beat",) if number == 0
                                                           else ()))  # as supervisors do
                    restarts += 1
            if not faulted and done >= fault_at:
                faulted = True
                if scenario == "worker killed":
                    held = {pk: (started, lease) for pk, started, lease in
                            Verification.objects.filter(
                                status=Verification.Status.RUNNING).values_list(
                                "inquiry_id", "started_at", "lease_until")}
                    workers[1].send_signal(signal.SIGKILL)
                    workers[1].wait()
                    killed_at = time.time()
                    workers[1] = start(2)  # the supervisor starts another
                    result.note = f"killed with {len(held)} running"
                elif scenario == "broker down":
                    redis.stop()
                    time.sleep(args.outage)
                    redis.start()  # empty: the queue is gone
                    result.note = f"Redis down {args.outage:.0f} s, restarted empty"
            time.sleep(0.25)
        print(flush=True)
        result.seconds = time.monotonic() - started
        if restarts:
            result.note += f"; {restarts} worker(s) restarted"
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()

    found = {ref: (status, runs, attempts, email, website, grade, inquiry, started)
             for ref, status, runs, attempts, email, website, grade, inquiry, started in
             Verification.objects.values_list(
                 "inquiry__platform_ref", "status", "runs", "attempts", "email_status",
                 "website_status", "grade", "inquiry_id", "started_at")}
    refs = [row["platform_ref"] for row in rows]
    result.rows = {ref: found[ref][3:6] for ref in refs if ref in found}
    result.lost = sum(1 for ref in refs if ref not in found or found[ref][1] == 0)
    result.duplicated = sum(1 for ref in refs if ref in found and found[ref][1] > found[ref][2])
    result.stuck = sum(1 for ref in refs
                       if ref not in found or found[ref][0] != Verification.Status.DONE)
    if killed_at is not None:
        by_inquiry = {values[6]: values[7] for values in found.values()}
        taken = {pk: by_inquiry[pk] for pk, (before, _lease) in held.items()
                 if by_inquiry.get(pk) and by_inquiry[pk] != before}
        result.takeover = sorted(at.timestamp() - killed_at for at in taken.values())
        # A takeover before the dead run's lease ran out would be a second claim.
        result.early = sum(1 for pk, at in taken.items() if at < held[pk][1])
    return result


def _report(args, results: list[Result]) -> None:
    baseline = results[0].rows
    for result in results[1:]:
        result.differ = sum(1 for ref, values in result.rows.items()
                            if baseline.get(ref) != values)
    print(f"\n{args.inquiries} inquiries, 2 workers x {args.concurrency} threads, lease "
          f"{args.lease:.0f} s, sweep every {args.sweep:.0f} s, probe timeout "
          f"{args.timeout:.0f} s\n")
    header = ("run", "seconds", "lost", "duplicated", "stuck", "differ", "takeover s",
              "taken early", "fault")
    table = [header]
    for result in results:
        takeover = "-"
        if result.takeover:
            takeover = (f"{result.takeover[0]:.1f} .. {result.takeover[-1]:.1f} "
                        f"(median {statistics.median(result.takeover):.1f}, "
                        f"{len(result.takeover)} runs)")
        table.append((result.scenario, f"{result.seconds:.1f}", str(result.lost),
                      str(result.duplicated), str(result.stuck),
                      "-" if result is results[0] else str(result.differ), takeover,
                      str(result.early) if result.takeover else "-", result.note or "-"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for number, row in enumerate(table):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))
    for result in results[1:]:
        examples = [(ref, baseline.get(ref), values) for ref, values in result.rows.items()
                    if baseline.get(ref) != values][:3]
        for ref, before, now in examples:
            print(f"  {result.scenario}: {ref} (email, website, grade) {before} -> {now}")


if __name__ == "__main__":
    main()
