"""Benchmark: how much spam and phishing the screening holds back, how much buyer mail it
holds by mistake, and what it adds to the intake's time per mail.

Issue 24's targets: >= 95% of spam and phishing held back, >= 98% of marketplace and
purchase-order lures marked phishing, <= 1% of legitimate buyer mail held back, 0
crashes or lost messages, and the check adds <= 50 ms per mail (p95) beside the intake
without it.

Run from the project root, with PostgreSQL on 127.0.0.1:5432 (user postgres, trust),
Debian's ``rspamd`` and ``redis-server`` installed (no network is used)::

    .venv/bin/python bench/spam.py
    .venv/bin/python bench/spam.py --real /tmp/realmail   # more sets, never committed

What it does:

1. Starts a Redis and an rspamd of its own (``config/rspamd/``, as ``make run`` does)
   and drops, creates and migrates its own database (``leadqual_bench_spam``).
2. Screens every sample as the intake does (rspamd's answer + Leadqual's checks,
   ``leads.mail.services.mail_screen``), three ways: Leadqual's checks alone (a bare
   machine); with rspamd untrained; with rspamd after the team taught it the
   development sets (``tests/fixtures/mail/spam`` as spam, ``.../buyers`` as ham, and a
   ``--real`` folder's "dev" part). The held-out sets (``tests/fixtures/mail/heldout``
   and ``heldout2``, each written by someone who never saw the checks, and the
   ``--real`` folder's "heldout" part) are never taught.
3. Prints per set: messages, held back, the rate, lures marked phishing, and where
   held-out mail went wrong.
4. Times the intake (``mail_ingest`` into the database, rolled back) of every sample
   without the screening (replaced by a clean verdict), and the screening alone (rspamd
   taught + Leadqual's checks); prints p50/p95 of each and of their sum.

A ``--real`` folder holds ``manifest.json``: entries with ``file``, ``kind`` (phish,
spam or ham) and ``split`` (dev or heldout), decided before looking at any result.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "mail"
# Marketplace and purchase-order lures, by each set's family names
LURES = {"marketplace_notice_lure", "po_rfq_lure", "marketplace_lure", "malicious_attachment",
         "marketplace_lookalike", "marketplace_spoof", "marketplace_compromised"}


def own_set(folder: str, split: str) -> list[dict]:
    manifest = json.loads((FIXTURES / folder / "manifest.json").read_text(encoding="utf-8"))
    return [{"name": f"{folder}/{entry['file']}", "raw": (FIXTURES / folder /
                                                        entry["file"]).read_bytes(),
             "bad": entry["verdict"] != "legitimate", "lure": entry.get("family") in LURES,
             "split": split, "set": folder} for entry in manifest]


def real_set(folder: Path) -> list[dict]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [{"name": entry["file"], "raw": (folder / entry["file"]).read_bytes(),
             "bad": entry["kind"] != "ham", "lure": False, "split": entry["split"],
             "set": f"real {entry['kind']} ({entry['split']})"}
            for entry in manifest if not entry.get("broken")]


def database(url: str) -> None:
    from urllib.parse import urlsplit

    where = urlsplit(url)
    name = where.path.strip("/")
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", "-h", where.hostname or "127.0.0.1", "-p",
                        str(where.port or 5432), "-U", where.username or "postgres", "-d",
                        "postgres", "-qc", sql], check=True, stdout=subprocess.DEVNULL)


def screen_all(samples: list[dict], label: str) -> dict[str, object]:
    from leads.mail.parse import MailUnreadable, parse_mail
    from leads.mail.services import mail_screen

    verdicts = {}
    for sample in samples:
        try:
            parsed = parse_mail(sample["raw"])
        except MailUnreadable:
            verdicts[sample["name"]] = None  # kept as failed by the intake, never screened
            continue
        verdicts[sample["name"]] = mail_screen(sample["raw"], parsed, mailbox=None)
    print(f"  screened {len(samples)} messages ({label})", file=sys.stderr)
    return verdicts


def table(samples: list[dict], verdicts: dict, title: str, *, only: str = "") -> None:
    print(f"\n{title}")
    print(f"  {'set':<34} {'mails':>6} {'held':>6} {'rate':>7}  {'lures as phishing':>18}")
    for name in dict.fromkeys(s["set"] for s in samples):
        group = [s for s in samples if s["set"] == name and (not only or s["split"] == only)]
        if not group:
            continue
        held = sum(1 for s in group if verdicts[s["name"]] and verdicts[s["name"]].held)
        lures = [s for s in group if s["lure"]]
        marked = sum(1 for s in lures if verdicts[s["name"]] and
                     verdicts[s["name"]].verdict == "phishing")
        what = "held (spam caught)" if group[0]["bad"] else "held (false holds)"
        lure_text = f"{marked}/{len(lures)} ({marked / len(lures):.1%})" if lures else "-"
        print(f"  {name:<34} {len(group):>6} {held:>6} {held / len(group):>7.1%}  "
              f"{lure_text:>18}   {what}")


def misses(samples: list[dict], verdicts: dict) -> None:
    print("\nHeld-out mail that went the wrong way (with rspamd taught):")
    for sample in samples:
        verdict = verdicts[sample["name"]]
        if sample["split"] != "heldout" or verdict is None:
            continue
        if sample["bad"] != verdict.held:
            reasons = "; ".join(sign.evidence for sign in verdict.signs[:2]) or "no sign"
            print(f"  {'missed' if sample['bad'] else 'false hold':<10} {verdict.verdict:<9} "
                  f"{sample['name'][-60:]:<60} {reasons[:110]}")


def teach(samples: list[dict], controller_url: str) -> Counter:
    from leads.mail.rspamd import spam_learn

    answers = Counter()
    for sample in samples:
        if sample["split"] == "dev":
            answer = spam_learn(sample["raw"], url=controller_url, spam=sample["bad"])
            answers[answer.split(":")[0]] += 1
    return answers


def intake_times(samples: list[dict]) -> dict[str, list[float]]:
    """Per sample: the intake without the screening (``mail_ingest`` into the database with
    the screening replaced by a clean verdict, rolled back) and the screening alone (what
    the intake adds: rspamd's answer and Leadqual's checks)."""
    from unittest import mock

    from django.db import transaction

    from leads.mail import services
    from leads.mail.parse import MailUnreadable, parse_mail
    from leads.mail.screen import Screening

    class Rollback(Exception):
        pass

    clean = Screening("clean", 0.0, ())
    times: dict[str, list[float]] = {"without": [], "screening": [], "with": []}
    for round_ in range(2):  # the first round warms caches; the second is measured
        for sample in samples:
            started = time.perf_counter()
            try:
                with transaction.atomic(), mock.patch.object(services, "mail_screen",
                                                             lambda *a, **k: clean):
                    services.mail_ingest(raw=sample["raw"], source="upload")
                    raise Rollback
            except Rollback:
                pass
            without = (time.perf_counter() - started) * 1000
            try:
                parsed = parse_mail(sample["raw"])
            except MailUnreadable:
                continue
            started = time.perf_counter()
            services.mail_screen(sample["raw"], parsed, mailbox=None)
            screening = (time.perf_counter() - started) * 1000
            if round_:
                times["without"].append(without)
                times["screening"].append(screening)
                times["with"].append(without + screening)
    return times


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, help="a folder of real mail with manifest.json")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/leadqual_bench_spam")
    args = parser.parse_args()

    samples = (own_set("spam", "dev") + own_set("buyers", "dev")
               + own_set("heldout/spam", "heldout") + own_set("heldout/buyers", "heldout")
               + own_set("heldout2/spam", "heldout") + own_set("heldout2/buyers", "heldout"))
    if args.real:
        samples += real_set(args.real)
    work = Path(tempfile.mkdtemp(prefix="leadqual-bench-spam-"))
    database(args.database_url)
    os.environ.update({"DATABASE_URL": args.database_url, "LEADQUAL_VAR_DIR": str(work),
                       "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": "",
                       "LEADQUAL_RSPAMD_URL": ""})
    from tests.processes import RedisServer, RspamdServer

    redis = RedisServer(work / "redis").start()
    rspamd = RspamdServer(work / "rspamd", redis_url=redis.url,
                          cache_dir=ROOT / "var" / "rspamd-cache").start()
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"{len(samples)} messages; rspamd {rspamd.version} at {rspamd.url}",
              file=sys.stderr)
        own = screen_all(samples, "Leadqual's checks only")
        settings.LEADQUAL_RSPAMD_URL = rspamd.url
        settings.LEADQUAL_RSPAMD_CONTROLLER_URL = rspamd.controller_url
        untrained = screen_all(samples, "rspamd untrained")
        taught = teach(samples, rspamd.controller_url)
        print(f"  taught rspamd the dev sets: {dict(taught)}", file=sys.stderr)
        trained = screen_all(samples, "rspamd taught the dev sets")

        table(samples, own, "1. Leadqual's checks only (no rspamd: a bare machine)")
        table(samples, untrained, "2. rspamd untrained + Leadqual's checks")
        table(samples, trained, "3. rspamd taught the dev sets + Leadqual's checks "
                                "(held-out sets never taught)")
        misses(samples, trained)
        unread = [name for name, verdict in trained.items() if verdict is None]
        print(f"\nUnreadable (kept as failed, never lost): {len(unread)}")

        times = intake_times([s for s in samples if s["set"].startswith(("spam", "buyers",
                                                                         "heldout"))])
        print("\n4. Intake time per mail, ms (mail_ingest into PostgreSQL, rolled back; "
              f"{len(times['with'])} mails, second pass):")
        print(f"  {'':<28} {'p50':>8} {'p95':>8} {'max':>8}")
        for key, label in (("without", "intake without screening"),
                           ("screening", "the screening (added)"),
                           ("with", "intake with screening")):
            values = times[key]
            print(f"  {label:<28} {statistics.median(values):>8.1f} "
                  f"{quantile(values, 0.95):>8.1f} {max(values):>8.1f}")
    finally:
        rspamd.stop()
        redis.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
