"""Accuracy of the checks on the labelled scenario, run against its sandbox internet."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from tqdm import tqdm

from verification.checks import checks_run
from verification.sandbox.internet import SandboxInternet
from verification.sandbox.scenario import TODAY, scenario


class Command(BaseCommand):
    help = ("Run every check of the labelled accuracy scenario against its own sandbox "
            "internet and print accuracy per check, confusion tables and the precision and "
            "recall of fake-inquiry detection (grade D).")

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=16)
        parser.add_argument("--timeout", type=float, default=1.0,
                            help="probe timeout in seconds (dead hosts cost this much)")
        parser.add_argument("--show-errors", type=int, default=10,
                            help="print up to this many misclassified cases per check")

    def handle(self, *args, threads: int, timeout: float, show_errors: int, **options):
        built = scenario()
        if not built.cases:
            raise CommandError("the scenario has no cases")
        internet = SandboxInternet(built.world, silence_seconds=timeout * 4).start()
        env = {key: value for key, value in internet.env().items()}
        overrides = {
            "LEADQUAL_DNS_SERVERS": env["LEADQUAL_DNS_SERVERS"],
            "LEADQUAL_SMTP_PORT": int(env["LEADQUAL_SMTP_PORT"]),
            "LEADQUAL_HTTP_PORT": int(env["LEADQUAL_HTTP_PORT"]),
            "LEADQUAL_HTTPS_PORT": int(env["LEADQUAL_HTTPS_PORT"]),
            "LEADQUAL_WHOIS_SERVER": env["LEADQUAL_WHOIS_SERVER"],
            "LEADQUAL_PROBE_ALLOW_NETWORKS": env["LEADQUAL_PROBE_ALLOW_NETWORKS"],
            "LEADQUAL_PROBE_TIMEOUT": timeout,
            "LEADQUAL_SMTP_HELO": "probe.leadqual.test",
            "LEADQUAL_SMTP_FROM": "verify@leadqual.test",
            "LEADQUAL_SMTP_MAX_PER_HOST": max(settings.LEADQUAL_SMTP_MAX_PER_HOST, threads),
            "CACHES": {"default": {"BACKEND":
                                   "django.core.cache.backends.locmem.LocMemCache"}},
            "REDIS_URL": "",
        }
        started = time.monotonic()
        try:
            with override_settings(**overrides):
                results = self._run(built.cases, threads)
        finally:
            internet.stop()
        elapsed = time.monotonic() - started
        self._report(built.cases, results, elapsed, show_errors)

    def _run(self, cases, threads):
        def one(case):
            started = time.monotonic()
            outcome = checks_run(**case.inquiry, today=TODAY)
            return {"seconds": time.monotonic() - started,
                    "email_status": outcome.email.status,
                    "website_status": outcome.website.status,
                    "target": outcome.fit.is_target, "fake": outcome.grade.grade == "D",
                    "grade": outcome.grade.grade, "fit": outcome.fit.fit,
                    "reasons": outcome.grade.texts()}

        with ThreadPoolExecutor(threads) as pool:
            return list(tqdm(pool.map(one, cases), total=len(cases), unit="inquiry",
                             desc="checked", file=self.stderr._out))

    def _report(self, cases, results, elapsed, show_errors):
        out = self.stdout.write
        out(f"\n{len(cases)} inquiries checked in {elapsed:.1f} s\n")
        for check in ("email_status", "website_status", "target", "fake"):
            right = sum(r[check] == c.truth[check] for c, r in zip(cases, results, strict=True))
            out(f"{check:<15} accuracy {right / len(cases):.3f}  ({right}/{len(cases)})")
        for check in ("email_status", "website_status"):
            out(f"\nconfusion: {check} (rows: truth, columns: result)")
            labels = sorted({c.truth[check] for c in cases} | {r[check] for r in results})
            table = Counter((c.truth[check], r[check])
                            for c, r in zip(cases, results, strict=True))
            out(" " * 14 + "".join(f"{label[:12]:>13}" for label in labels))
            for truth in labels:
                out(f"{truth[:13]:<14}" + "".join(f"{table[(truth, got)]:>13}"
                                                  for got in labels))
        tp = sum(c.truth["fake"] and r["fake"] for c, r in zip(cases, results, strict=True))
        fp = sum(not c.truth["fake"] and r["fake"] for c, r in zip(cases, results, strict=True))
        fn = sum(c.truth["fake"] and not r["fake"] for c, r in zip(cases, results, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out(f"\nfake inquiries (grade D): precision {precision:.3f}  recall {recall:.3f}  "
            f"(true D {tp}, wrongly D {fp}, missed {fn})")
        healthy = sorted(r["seconds"] for c, r in zip(cases, results, strict=True)
                         if c.truth["email_status"] == "deliverable"
                         and c.truth["website_status"] == "reachable")
        dead = sorted(r["seconds"] for c, r in zip(cases, results, strict=True)
                      if c.truth["website_status"] == "unreachable")
        for label, times in (("healthy (mailbox and site work)", healthy),
                             ("dead website", dead)):
            if times:
                out(f"time per inquiry, {label}: p50 {_pct(times, 50):.3f} s  "
                    f"p95 {_pct(times, 95):.3f} s  max {times[-1]:.3f} s  (n={len(times)})")
        out("grades: " + "  ".join(f"{g} {n}" for g, n in sorted(
            Counter(r["grade"] for r in results).items())))
        if show_errors:
            for check in ("email_status", "website_status", "target", "fake"):
                wrong = [(c, r) for c, r in zip(cases, results, strict=True)
                         if r[check] != c.truth[check]][:show_errors]
                if wrong:
                    out(f"\nmisclassified ({check}):")
                for c, r in wrong:
                    out(f"  {c.id}: expected {c.truth[check]}, got {r[check]} "
                        f"(fit {r['fit']}; {c.note})")


def _pct(values: list[float], pct: int) -> float:
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]
