"""Verify the unverified inquiries (or all), optionally waiting with a progress bar."""

import subprocess
import time
import uuid
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from config.celery_app import app, worker_command
from leads.models import Inquiry
from verification.models import Verification
from verification.services import verification_request

CHUNK = 5000


class Command(BaseCommand):
    help = ("Queue the checks of every inquiry not verified yet (--all: every inquiry). "
            "--wait shows progress until they are done, running a worker itself when none "
            "is running.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="re-verify every inquiry")
        parser.add_argument("--wait", action="store_true",
                            help="block until done, with a progress bar")
        parser.add_argument("--timeout", type=float, default=0,
                            help="with --wait: give up after this many seconds (0: never)")
        parser.add_argument("--concurrency", type=int,
                            default=settings.LEADQUAL_WORKER_CONCURRENCY,
                            help="threads of the worker started when none is running")

    def handle(self, *args, all: bool, wait: bool, timeout: float, concurrency: int,  # noqa: A002
               **options):
        inquiries = Inquiry.objects.all()
        if not all:
            inquiries = inquiries.exclude(verification__verified_at__isnull=False)
        ids = list(inquiries.order_by("pk").values_list("pk", flat=True))
        started = timezone.now()
        for start in range(0, len(ids), CHUNK):
            verification_request(inquiry_ids=ids[start:start + CHUNK])
        self.stdout.write(f"queued {len(ids)} inquiries for verification")
        if not wait or not ids:
            return
        worker = None
        if not self._worker_running():
            self.stdout.write(f"no worker is running: starting one ({concurrency} threads)")
            log = settings.VAR_DIR / "verify-worker.log"
            worker = subprocess.Popen(
                worker_command(concurrency=concurrency, loglevel="WARNING",
                               hostname=f"verify-{uuid.uuid4().hex[:6]}@%h"),
                cwd=settings.BASE_DIR, stdout=log.open("ab"), stderr=subprocess.STDOUT)
        try:
            self._wait(ids, started, timeout, worker)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
        self._summary(ids)

    def _worker_running(self) -> bool:
        if not settings.REDIS_URL:  # the filesystem broker has no remote control
            return False
        try:
            return bool(app.control.ping(timeout=1.0))
        except Exception:  # noqa: BLE001 - no answer is the answer
            return False

    def _done(self, ids: list[int], started) -> int:
        return sum(
            Verification.objects.filter(inquiry_id__in=ids[i:i + CHUNK], verified_at__gte=started)
            .count() for i in range(0, len(ids), CHUNK))

    def _wait(self, ids, started, timeout, worker) -> None:
        deadline = time.monotonic() + timeout if timeout else None
        with tqdm(total=len(ids), unit="inquiry", desc="verified", file=self.stderr._out,
                  dynamic_ncols=True) as bar:
            done = 0
            while done < len(ids):
                time.sleep(0.5)
                now_done = self._done(ids, started)
                bar.update(now_done - done)
                done = now_done
                if worker is not None and worker.poll() is not None:
                    raise CommandError(f"the worker stopped (exit {worker.returncode}); "
                                       f"see {settings.VAR_DIR / 'verify-worker.log'}")
                if deadline and time.monotonic() > deadline:
                    raise CommandError(f"timed out: {done} of {len(ids)} verified")

    def _summary(self, ids: list[int]) -> None:
        grades, emails, sites, retry = Counter(), Counter(), Counter(), 0
        for i in range(0, len(ids), CHUNK):
            for grade, email, site, retry_at in Verification.objects.filter(
                    inquiry_id__in=ids[i:i + CHUNK]).values_list(
                    "grade", "email_status", "website_status", "retry_at"):
                grades[grade] += 1
                emails[email] += 1
                sites[site] += 1
                retry += retry_at is not None
        rows = [("grade", grades, "ABCD"),
                ("email", emails, ("deliverable", "risky", "unknown", "undeliverable")),
                ("website", sites, ("reachable", "parked", "placeholder", "error",
                                    "unreachable", "none"))]
        for label, counts, order in rows:
            cells = "  ".join(f"{key} {counts[key]}" for key in order if counts[key])
            self.stdout.write(f"{label:<8} {cells}")
        if retry:
            self.stdout.write(f"{retry} will be asked again later (temporary mail-server "
                              "answers such as greylisting)")
