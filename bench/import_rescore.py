"""Benchmark: import 100,000 inquiries from a CSV, then rescore them all after a keyword edit.

Issue 9's targets, on PostgreSQL: a 100,000-row CSV imported in at most 30 s; all
100,000 inquiries rescored after a keyword edit in at most 30 s.

Run from the project root, with PostgreSQL on 127.0.0.1:5432 (user postgres, trust
auth) and the bench extras installed (``.venv/bin/pip install -e ".[bench]"``)::

    .venv/bin/python bench/import_rescore.py
    .venv/bin/python bench/import_rescore.py --rows 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/leadqual_bench_import
    .venv/bin/python bench/import_rescore.py --rows 20000 --profile bench/out

What it does, and what each figure means:

1. Drops, creates and migrates its own database (default ``leadqual_bench_import``) and
   adds a team: two reps, a manager, an admin, two assignment rules, round robin on.
   Everything else (broker, cache) lives in a temporary ``LEADQUAL_VAR_DIR``, so it
   neither needs nor disturbs a worker: without ``REDIS_URL`` verification is enqueued
   to the embedded filesystem broker, as on a bare machine.
2. Writes a reproducible Alibaba.com export (English headers, UTF-8 with BOM): buyers
   from ~40 countries with names in their own scripts, ~40,000 companies, buyers who
   write again, free-mail senders, phone-only rows, ~3% rows exported twice and ~2%
   broken rows (bad email, unknown country, ambiguous or future date, no contact,
   stray quotes).
3. Imports it exactly as a user does: ``manage.py import_inquiries FILE`` in a child
   process. Timed from start to exit, so it includes Django's start, reading and
   parsing the file, storing every row, the companies' headline fields and enqueueing
   each inquiry's verification (the network checks themselves run later, in a
   worker). Reports rows/s, imported/duplicate/rejected counts (checked against what
   the generator wrote) and the child's peak memory (max RSS). It also estimates how
   much of the time is enqueueing (one broker message per 1,000 inquiries, which a
   worker splits): the messages left in the broker times the cost of sending one
   (measured on 2,000 more).
4. Stores a finished verification for every inquiry, as the checks would have saved
   it: email evidence (DNS, SMTP replies), the website's title, description and
   visible text (0-20,000 characters, 12 languages), WHOIS, fit and grade computed by
   ``verification.checks``; then VACUUM ANALYZE, as autovacuum would do shortly after
   such a load. Not timed as a target.
5. Adds the keyword "swimming pool" to the disinfection industry through the keyword
   editor's service (``keyword_add``, which queues a rescoring run) and runs that run
   as the worker's task does (``rescore_run``). Reports wall time, inquiries/s, and
   how many fits and grades changed where the keyword appears (and, as a check, that
   none changed anywhere else).

``--profile DIR`` writes pyinstrument reports of both timed phases (slower; the
figures of a profiled run are not the ones to quote). A full run of 100,000 rows takes
12-15 minutes on a 2-core machine, most of it step 4.
"""

import argparse
import csv
import itertools
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leadqual_bench_import"
TARGET_SECONDS = 30.0
EDITED_TERM, EDITED_INDUSTRY, EDITED_WEIGHT = "swimming pool", "disinfection", 3
PROTECTED_DATABASES = {"leadqual", "test_leadqual", "postgres", "template0", "template1"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the CSV")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="PostgreSQL database to drop, create and use (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=9, help="random seed of the data")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="write pyinstrument reports of both phases to DIR")
    parser.add_argument("--keep", action="store_true",
                        help="keep the CSV and the temporary var dir (printed)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="leadqual-bench-"))
    _environment(args.database_url, var_dir)
    _recreate_database(args.database_url)
    try:
        return _run(args, var_dir)
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


def _environment(database_url: str, var_dir: Path) -> None:
    """Settings of the child and of this process: production-like, all state in var_dir."""
    os.environ.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": "",  # the embedded filesystem broker, in var_dir
        "LEADQUAL_VAR_DIR": str(var_dir),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })
    sys.path.insert(0, str(BASE_DIR))


def _recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or not name:
        sys.exit("--database-url must name a PostgreSQL database")
    if name in PROTECTED_DATABASES:
        sys.exit(f"refusing to drop the database {name!r}; name one for this benchmark")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run(args, var_dir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    team = _team()
    print(f"database {connection.settings_dict['NAME']} migrated in "
          f"{time.perf_counter() - started:.1f} s ({connection.pg_version // 10000}); "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")

    csv_path = var_dir / "alibaba_export.csv"
    started = time.perf_counter()
    expected = write_export(csv_path, rows=args.rows, seed=args.seed)
    print(f"wrote {csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 2**20:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s")

    imported = _import_phase(csv_path, expected, args.profile, var_dir)
    print()
    started = time.perf_counter()
    verified = verifications_store(seed=args.seed)
    print(f"stored {verified:,} finished verifications in {time.perf_counter() - started:.1f} s")
    rescored = _rescore_phase(team["admin"], args.profile)

    print()
    _table(imported, rescored)
    if args.keep:
        print(f"\nkept: {var_dir}")
    ok = imported["counts_ok"] and rescored["changed_elsewhere"] == 0 and rescored["grades"]
    return 0 if ok else 1


# --- The team ---------------------------------------------------------------------------


def _team() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from leads.models import AssignmentRule, TeamSettings
    from leads.roles import ADMIN, MANAGER, REP

    User = get_user_model()
    users = {}
    for username, role, name in (("lily", REP, "Lily Chen"), ("kevin", REP, "Kevin Wang"),
                                 ("grace", MANAGER, "Grace Liu"), ("admin", ADMIN, "Admin")):
        first, _, last = name.partition(" ")
        user = User.objects.create_user(username, f"{username}@team.example", first_name=first,
                                        last_name=last, password=None)
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    AssignmentRule.objects.create(name="Middle East to Kevin", kind=AssignmentRule.Kind.COUNTRY,
                                  values="Middle East", rep=users["kevin"], priority=10)
    AssignmentRule.objects.create(name="Ballasts to Lily", kind=AssignmentRule.Kind.PRODUCT,
                                  values="ballast, vorschaltgerät", rep=users["lily"],
                                  priority=20)
    settings = TeamSettings.load()
    settings.round_robin, settings.daily_cap = True, None
    settings.save()
    return users


# --- Phase 1: import --------------------------------------------------------------------


def _import_phase(csv_path: Path, expected: dict, profile_dir: Path | None,
                  var_dir: Path) -> dict:
    from leads.models import Company, ImportBatch, Inquiry
    from verification.models import Verification

    command = [sys.executable, "manage.py", "import_inquiries", str(csv_path)]
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
        command[1:1] = ["-m", "pyinstrument", "-r", "session", "-o",
                        str(profile_dir / "import.pyisession")]
    print(f"\n$ {' '.join(command[1:])}")
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = output.splitlines()
    print("\n".join(lines[:4] + ([f"  ... ({len(lines) - 4} more lines)"] if len(lines) > 4
                                  else [])))
    if child.returncode:
        sys.exit(f"import_inquiries exited with {child.returncode}")
    if profile_dir:
        from pyinstrument.session import Session

        _profile_write(Session.load(profile_dir / "import.pyisession"), profile_dir / "import")
    batch = ImportBatch.objects.latest("pk")
    numbered = all(isinstance(r.get("row"), int) and r.get("reason") for r in batch.rejected_rows)
    counts = (batch.imported_count, batch.duplicate_count, batch.rejected_count)
    wanted = (expected["imported"], expected["duplicates"], expected["rejected"])
    visible = Inquiry.objects.count()
    counts_ok = counts == wanted and visible == batch.imported_count and numbered
    print(f"imported {counts[0]:,}, duplicates {counts[1]:,}, rejected {counts[2]:,} "
          f"(generator: {wanted[0]:,} / {wanted[1]:,} / {wanted[2]:,}); "
          f"{visible:,} inquiries visible in {Company.objects.count():,} companies; "
          f"every rejected row numbered with a reason: {numbered}"
          + ("" if counts_ok else "  <-- MISMATCH"))
    enqueued, per_message = _enqueue_cost(var_dir)
    pending = Verification.objects.filter(status=Verification.Status.PENDING).count()
    print(f"verification of {pending:,} inquiries enqueued as {enqueued:,} broker messages "
          f"(filesystem broker; a worker splits each into one per inquiry); one message "
          f"costs {per_message * 1000:.2f} ms here, so ≈ {enqueued * per_message:.1f} s of the "
          f"import's {seconds:.0f} s is enqueueing")
    return {"seconds": seconds, "rows": expected["rows"], "peak_mb": usage.ru_maxrss / 1024,
            "cpu": usage.ru_utime + usage.ru_stime,
            "counts": counts, "counts_ok": counts_ok, "profiled": bool(profile_dir),
            "enqueue_seconds": enqueued * per_message}


def _enqueue_cost(var_dir: Path) -> tuple[int, float]:
    """Messages the import left in the broker, and the time to send one (measured on
    2,000 more; nothing consumes this broker)."""
    from config.celery_app import enqueue
    from verification.tasks import verify_inquiry

    queue = var_dir / "broker" / "queue"
    enqueued = sum(1 for _ in queue.iterdir())
    enqueue(verify_inquiry, 0)  # connects
    started = time.perf_counter()
    for _ in range(2000):
        enqueue(verify_inquiry, 0)
    return enqueued, (time.perf_counter() - started) / 2000


# --- Phase 2: rescore after a keyword edit -----------------------------------------------


def _rescore_phase(admin, profile_dir: Path | None) -> dict:
    from django.db.models import Q

    from verification.keyword_editor import keyword_add, rescore_run
    from verification.models import Industry, RescoreRun, Verification

    before = (dict(Verification.objects.values_list("inquiry_id", "fit")),
              dict(Verification.objects.values_list("inquiry_id", "grade")))
    keyword_add(user=admin, industry=Industry.objects.get(slug=EDITED_INDUSTRY),
                term=EDITED_TERM, language="en", weight=EDITED_WEIGHT)
    run = RescoreRun.objects.filter(started_at__isnull=True).latest("requested_at")
    print(f"\nkeyword “{EDITED_TERM}” added to {EDITED_INDUSTRY} (weight {EDITED_WEIGHT}) "
          f"through keyword_add; rescoring run #{run.pk} queued; running it as the task does")
    profiler = None
    if profile_dir:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    count = rescore_run(run.pk)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    if profiler:
        _profile_write(profiler.stop(), profile_dir / "rescore")
    run.refresh_from_db()

    term = EDITED_TERM
    appears = set(Verification.objects.filter(
        Q(website_text__icontains=term) | Q(website_title__icontains=term)
        | Q(website_description__icontains=term) | Q(inquiry__company_name__icontains=term)
        | Q(inquiry__product__icontains=term) | Q(inquiry__message__icontains=term),
        verified_at__isnull=False).values_list("inquiry_id", flat=True))
    fits = dict(Verification.objects.values_list("inquiry_id", "fit"))
    grades = dict(Verification.objects.values_list("inquiry_id", "grade"))
    fit_changed = {pk for pk, fit in fits.items() if before[0].get(pk) != fit}
    grade_changed = {pk for pk, grade in grades.items() if before[1].get(pk) != grade}
    transitions: dict[str, int] = {}
    for pk in grade_changed:
        step = f"{before[1].get(pk)}→{grades[pk]}"
        transitions[step] = transitions.get(step, 0) + 1
    print(f"rescored {count:,} (run: done {run.done:,}/{run.total:,}); the keyword appears in "
          f"{len(appears):,} inquiries: fit changed for {len(fit_changed & appears):,}, grade for "
          f"{len(grade_changed & appears):,} ({', '.join(f'{k} {v:,}' for k, v in sorted(transitions.items()))}); "  # noqa: E501
          f"changed where it does not appear: {len((fit_changed | grade_changed) - appears)}")
    return {"seconds": seconds, "cpu": cpu, "count": count, "appears": len(appears),
            "fits": len(fit_changed & appears), "grades": len(grade_changed & appears),
            "changed_elsewhere": len((fit_changed | grade_changed) - appears),
            "profiled": bool(profile_dir)}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the rescoring processes)."""
    import resource

    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def _profile_write(session, stem: Path) -> None:
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer

    stem.with_suffix(".html").write_text(HTMLRenderer().render(session))
    stem.with_suffix(".txt").write_text(ConsoleRenderer(unicode=True).render(session))
    print(f"profile: {stem}.html, {stem}.txt")


def _table(imported: dict, rescored: dict) -> None:
    rows = [
        ("import", f"{imported['rows']:,} rows", imported["seconds"],
         f"{imported['rows'] / imported['seconds']:,.0f} rows/s",
         f"peak {imported['peak_mb']:,.0f} MB", imported["profiled"]),
        ("rescore", f"{rescored['count']:,} inquiries", rescored["seconds"],
         f"{rescored['count'] / rescored['seconds']:,.0f} inquiries/s",
         f"{rescored['grades']:,} grades changed", rescored["profiled"]),
    ]
    print(f"{'phase':<9}{'size':>20}{'target':>9}{'wall':>10}{'rate':>20}  {'':<22}result")
    for phase, size, seconds, rate, note, profiled in rows:
        verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
        print(f"{phase:<9}{size:>20}{'≤ 30 s':>9}{seconds:>8.1f} s{rate:>20}  {note:<22}"
              f"{verdict}{' (profiled)' if profiled else ''}")
    print(f"CPU seconds (Python side, all its processes; PostgreSQL's own not counted): "
          f"import {imported['cpu']:.1f}, rescore {rescored['cpu']:.1f} on "
          f"{len(os.sched_getaffinity(0))} CPUs; the machine's load decides the rest")
    rest = imported["seconds"] - imported["enqueue_seconds"]
    print(f"import without enqueueing its verification messages "
          f"(estimated): {rest:.1f} s, {imported['rows'] / rest:,.0f} rows/s, "
          f"{'met' if rest <= TARGET_SECONDS else 'MISSED'}")
    print(f"import counts {imported['counts'][0]:,} imported / {imported['counts'][1]:,} "
          f"duplicates / {imported['counts'][2]:,} rejected: "
          f"{'as generated' if imported['counts_ok'] else 'NOT as generated'}; "
          f"peak memory is the import process's max RSS; load now {os.getloadavg()[0]:.2f}")


# --- The export ----------------------------------------------------------------------------

HEADERS = ["Inquiry No.", "Inquiry Time", "Buyer Name", "Buyer Company", "Country/Region",
           "Buyer Email", "Buyer Tel", "WhatsApp", "Buyer Website", "Product Name",
           "Purchase Quantity", "Inquiry Content"]

# country as written in exports, ISO code, calling code, language, weight
COUNTRIES = [
    ("United States", "US", "1", "en", 10), ("USA", "US", "1", "en", 4),
    ("United Kingdom", "GB", "44", "en", 4), ("UK", "GB", "44", "en", 2),
    ("Australia", "AU", "61", "en", 3), ("Canada", "CA", "1", "en", 3),
    ("India", "IN", "91", "en", 7), ("Pakistan", "PK", "92", "en", 2),
    ("Nigeria", "NG", "234", "en", 3), ("Kenya", "KE", "254", "en", 1),
    ("South Africa", "ZA", "27", "en", 2), ("Philippines", "PH", "63", "en", 2),
    ("Malaysia", "MY", "60", "en", 2), ("Singapore", "SG", "65", "en", 1),
    ("Brazil", "BR", "55", "pt", 5), ("Brasil", "BR", "55", "pt", 1),
    ("Portugal", "PT", "351", "pt", 1), ("Mexico", "MX", "52", "es", 4),
    ("Spain", "ES", "34", "es", 2), ("Chile", "CL", "56", "es", 1),
    ("Colombia", "CO", "57", "es", 2), ("Peru", "PE", "51", "es", 1),
    ("Argentina", "AR", "54", "es", 1), ("Germany", "DE", "49", "de", 4),
    ("Deutschland", "DE", "49", "de", 1), ("Austria", "AT", "43", "de", 1),
    ("France", "FR", "33", "fr", 3), ("Italy", "IT", "39", "it", 2),
    ("Russian Federation", "RU", "7", "ru", 3), ("Россия", "RU", "7", "ru", 1),
    ("Türkiye", "TR", "90", "tr", 2), ("Turkey", "TR", "90", "tr", 2),
    ("Saudi Arabia", "SA", "966", "ar", 3), ("United Arab Emirates", "AE", "971", "ar", 2),
    ("UAE", "AE", "971", "ar", 1), ("Egypt", "EG", "20", "ar", 2),
    ("Vietnam", "VN", "84", "vi", 4), ("Viet Nam", "VN", "84", "vi", 1),
    ("Indonesia", "ID", "62", "id", 4), ("Thailand", "TH", "66", "en", 2),
    ("Taiwan, China", "TW", "886", "zh", 1), ("Hong Kong", "HK", "852", "zh", 1),
    ("美国", "US", "1", "en", 1), ("Poland", "PL", "48", "en", 1), ("Bangladesh", "BD", "880",
                                                                     "en", 2),
]
NAMES = {
    "en": (["James", "Emily", "Michael", "Priya", "Olusegun", "Grace", "Liam", "Aisha", "Raj",
            "Sarah", "David", "Chloé", "Zoë", "Siobhán", "Mohammed", "Anh"],
           ["Smith", "Carter", "O'Connor", "Nair", "Adeyemi", "Patel", "Brown", "Okafor",
            "Williams", "Khan", "Gómez", "Müller", "Ng", "Reyes"]),
    "pt": (["João", "Conceição", "Luís", "Ana", "Gonçalo", "Mariana"],
           ["Pereira", "Magalhães", "Araújo", "Simões", "Gonçalves", "Brandão"]),
    "es": (["José", "Sofía", "Andrés", "María José", "Iñigo", "Lucía"],
           ["Peña", "Ramírez", "Muñoz", "Ibáñez", "Núñez", "Martín"]),
    "de": (["Jürgen", "Käthe", "Stefan", "Lena", "Björn", "Hans-Peter"],
           ["Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Brückner"]),
    "fr": (["François", "Hélène", "Jérôme", "Amélie", "Noël"],
           ["Lefèvre", "Dubois", "Béranger", "Châtelet", "Moreau"]),
    "it": (["Niccolò", "Giulia", "Lucrezia", "Matteo"], ["Rossi", "Nicolò", "D'Angelo", "Galli"]),
    "ru": (["Дмитрий", "Анна", "Сергей", "Ольга", "Алексей", "Dmitry"],
           ["Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Volkov"]),
    "tr": (["Zeynep", "Mehmet", "Şükrü", "Gülşen", "Çağrı"],
           ["Çelik", "Yılmaz", "Öztürk", "Şahin", "Demir"]),
    "ar": (["Fatima", "محمد", "Ahmed", "عبدالله", "Layla", "Omar"],
           ["Al-Harbi", "العتيبي", "Hassan", "الشمري", "Mansour", "Farouk"]),
    "vi": (["Trần Thị", "Nguyễn Văn", "Lê Thị", "Phạm Đức", "Hoàng"],
           ["Hoa", "Minh", "Lan", "Thắng", "Dũng"]),
    "id": (["Budi", "Siti", "Agus", "Dewi", "Putu"], ["Santoso", "Rahayu", "Wijaya", "Pratama"]),
    "zh": (["陈", "李", "张", "王", "黄", "林"], ["志明", "美玲", "家豪", "伟强", "淑芬"]),
}
COMPANY_WORDS = {
    "en": (["Clearwater", "Blue Lagoon", "Riverside", "Pure Aqua", "Sunrise", "Golden Harvest",
            "Evergreen", "Pacific", "Summit", "Crystal", "Northstar", "Delta"],
           ["Water Solutions", "Aquaculture", "Pool Supply", "Trading", "Hospital Supplies",
            "Environmental", "Engineering", "Farms", "Industries", "Import & Export"],
           ["LLC", "Ltd", "Pty Ltd", "Inc.", "Pvt. Ltd.", "Co.", "Limited", "Enterprises"]),
    "pt": (["Águas Claras", "São Jorge", "Aquicultura Paraná", "Piscinas Conceição"],
           ["Saneamento", "Comércio", "Piscicultura", "Ambiental"], ["Ltda", "S.A.", "ME"]),
    "es": (["Aguas del Sur", "Acuícola Peña", "Piscinas Ibáñez", "Hospital Santa Lucía"],
           ["Tratamiento de Aguas", "Distribuciones", "Camaronera", "Suministros"],
           ["S.A.", "S.A. de C.V.", "S.L.", "SpA", "S.A.S."]),
    "de": (["Klärtechnik", "Wassertechnik", "Fischzucht", "Schwimmbadbau"],
           ["Müller", "Köhler", "Groß", "Weiß & Söhne"], ["GmbH", "GmbH & Co. KG", "AG", "e.K."]),
    "fr": (["Piscines", "Eaux de", "Aquaculture", "Hygiène"],
           ["Dubois", "Lefèvre", "Provence", "Bretagne"], ["SARL", "SAS", "SA"]),
    "it": (["Acque", "Piscine", "Itticoltura"], ["Rossi", "Nicolò", "Adriatica"],
           ["S.r.l.", "S.p.A."]),
    "ru": (["ООО", "АО", "Aqua"], ["Чистая Вода", "Аквасервис", "ЭкоФильтр", "Rybprom"],
           ["", "Group", "ЛТД"]),
    "tr": (["Çelik", "Demir", "Öztürk", "Şahin"], ["Su Arıtma", "Havuz Sistemleri", "Su Ürünleri"],
           ["A.Ş.", "Ltd. Şti."]),
    "ar": (["Desert Pure", "Gulf", "Nile", "الخليج", "Al-Noor"],
           ["Water Co.", "Aquaculture Group", "لمعالجة المياه", "Trading Est."],
           ["", "LLC", "W.L.L."]),
    "vi": (["Công ty TNHH", "Công ty CP"], ["Thủy Sản Hoa", "Môi Trường Xanh", "Nước Sạch Minh"],
           ["", "Việt Nam"]),
    "id": (["PT", "CV"], ["Tirta Jaya", "Akuakultur Nusantara", "Air Bersih Sentosa"],
           ["", "Indonesia"]),
    "zh": (["台湾", "香港", "新加坡"], ["净水设备", "医疗器材", "水产养殖"],
           ["有限公司", "贸易公司"]),
}
FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "qq.com", "163.com",
             "mail.ru", "yandex.ru", "yahoo.co.in", "rediffmail.com", "icloud.com"]
PRODUCTS = [
    ("UV Germicidal Lamp T5 39W", "Pieces"), ("UV Sterilizer 1000W Stainless Steel", "Sets"),
    ("Amalgam UV Lamp 320W", "Pieces"), ("Electronic Ballast 40W", "Pieces"),
    ("Aquarium UV Clarifier 9W", "Pieces"), ("UV-C Lamp 75W for Pools", "Pieces"),
    ("UV Sterilizer 80W for Fish Farm", "Sets"), ("Mobile UV Disinfection Lamp 120W", "Units"),
    ("Quartz Sleeve 25mm", "Pieces"), ("Ozone Generator 10g/h", "Units"),
    ("UV Air Purifier for HVAC", "Units"), ("Pond UV Light 36W", "Pieces"),
    ("UV Lamp", "Piece"), ("", ""),
]
MESSAGES = {
    "en": ["Hello, we need {p} for our {use}. Please quote FOB Shanghai with delivery time.",
           "Dear supplier,\nWe are interested in {p}, {q}. Kindly send the price list, CE "
           "certificate and warranty terms.\nBest regards, {n}",
           "price?", "Can you make {p} with our logo? MOQ? We supply {use} projects in {c}.",
           "Looking for a long-term supplier of {p}; our {use} customers need 9000 h lamps, "
           "220V 50Hz. Send catalog."],
    "pt": ["Olá, precisamos de {p} para {use}. Qual o preço CIF Santos?",
           "Bom dia, gostaria de cotação de {q} de {p}. Obrigado, {n}"],
    "es": ["Buenos días, necesitamos {p} para {use}. ¿Precio FOB y plazo de entrega?",
           "Estimados, solicito cotización de {q} {p}, con certificación CE. Saludos, {n}"],
    "de": ["Wir suchen {p} für {use}. Bitte Angebot inkl. Lieferzeit nach Hamburg.",
           "Sehr geehrte Damen und Herren,\nbitte senden Sie uns ein Angebot über {q} {p}.\n"
           "Mit freundlichen Grüßen, {n}"],
    "fr": ["Bonjour, nous cherchons {p} pour {use}. Prix et délai de livraison à Marseille ?"],
    "it": ["Buongiorno, ci serve un'offerta per {q} {p} per {use}."],
    "ru": ["Здравствуйте! Нужны {p} для {use}, {q}. Пришлите цену и сертификаты.",
           "Добрый день, интересует {p}. Какая цена с доставкой в Москву?"],
    "tr": ["Merhaba, {use} için {p} fiyatı rica ediyoruz. Teslim süresi nedir?"],
    "ar": ["مرحبا، نحتاج {p} لمشروع {use}. يرجى إرسال السعر.",
           "Dear sir, please quote {q} {p} for {use} in {c}."],
    "vi": ["Chào anh, bên em cần {p} cho {use}. Báo giá giúp em nhé."],
    "id": ["Selamat siang, kami butuh {p} untuk {use}. Mohon kirim harga."],
    "zh": ["我们需要{p}，用于{use}，请报FOB价格。", "请尽快回复价格，{q}。"],
}
USES = {
    "en": ["water treatment plant", "koi ponds", "shrimp hatchery", "hospital wards",
           "swimming pool projects", "drinking water systems", "fish farm", "kitchen exhaust",
           "cleanroom", "greenhouse irrigation"],
    "pt": ["estação de tratamento de água", "piscicultura", "piscinas"],
    "es": ["planta de tratamiento de agua", "camaronera", "piscinas públicas", "quirófanos"],
    "de": ["kommunale Kläranlagen", "Fischzucht", "Schwimmbäder", "Trinkwasseraufbereitung"],
    "fr": ["piscines publiques", "traitement de l'eau", "aquaculture"],
    "it": ["piscine", "depurazione acque"],
    "ru": ["водоочистки", "рыбного хозяйства", "бассейнов"],
    "tr": ["içme suyu tesisi", "havuz", "balık çiftliği"],
    "ar": ["معالجة المياه", "water treatment"],
    "vi": ["nuôi tôm", "xử lý nước"], "id": ["tambak udang", "pengolahan air"],
    "zh": ["游泳池", "养虾场", "医院消毒"],
}


def _weighted(rng: random.Random, items: list, weights: list):
    return rng.choices(items, weights=weights, k=1)[0]


def _slug(text: str, rng: random.Random) -> str:
    ascii_text = re.sub(r"[^a-z0-9]+", "", text.lower().encode("ascii", "ignore").decode())
    return (ascii_text or "firm")[:14] + str(rng.randrange(1000, 99999))


def write_export(path: Path, *, rows: int, seed: int) -> dict:
    """Write the export; return the counts the import must report."""
    rng = random.Random(seed)
    countries, country_weights = COUNTRIES, [c[4] for c in COUNTRIES]
    n_companies = max(10, int(rows * 0.30))
    companies = []
    for _ in range(n_companies):
        country = _weighted(rng, countries, country_weights)
        lang = country[3]
        first, middle, suffix = COMPANY_WORDS[lang]
        name = " ".join(filter(None, (rng.choice(first), rng.choice(middle), rng.choice(suffix))))
        domain = _slug(name, rng) + ".example"  # reserved (RFC 2606), as in the fixtures
        buyers = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            given, family = NAMES[lang]
            person = f"{rng.choice(given)} {rng.choice(family)}"
            local = re.sub(r"[^a-z]+", ".", person.lower().encode("ascii", "ignore").decode())
            local = local.strip(".") or rng.choice(["sales", "info", "purchase", "buyer"])
            buyers.append((person, f"{local}{rng.randrange(100)}@{domain}",
                           f"+{country[2]} {rng.randrange(10**8, 10**10)}"))
        website = rng.choice(["", "", f"https://www.{domain}", f"www.{domain}", domain])
        companies.append((name, country, buyers, website))
    # Company sizes are skewed: a few buyers write often, most once or twice.
    company_weights = list(itertools.accumulate(1 / (i + 3) ** 0.8 for i in range(n_companies)))
    free_senders = []
    for _ in range(max(10, int(rows * 0.12))):
        country = _weighted(rng, countries, country_weights)
        given, family = NAMES[country[3]]
        person = f"{rng.choice(given)} {rng.choice(family)}"
        local = re.sub(r"[^a-z]+", "", person.lower().encode("ascii", "ignore").decode())
        free_senders.append((person, f"{local or 'buyer'}{rng.randrange(10**6)}@"
                             f"{rng.choice(FREE_MAIL)}", country))

    start = datetime(2024, 1, 1, tzinfo=UTC)
    span = int((datetime(2025, 11, 1, tzinfo=UTC) - start).total_seconds())
    written: list[list[str]] = []
    counts = {"imported": 0, "duplicates": 0, "rejected": 0, "rows": rows}
    refs_seen: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(rows):
            roll = rng.random()
            if written and roll < 0.03:  # the same inquiry in an overlapping export
                row = list(rng.choice(written[-5000:]))
                writer.writerow(row)
                counts["duplicates"] += 1
                continue
            when = start + timedelta(seconds=rng.randrange(span))
            ref = f"AL{when:%y%m%d}{number:07d}"
            product, unit = rng.choice(PRODUCTS)
            quantity = f"{rng.choice([1, 2, 5, 10, 20, 50, 100, 500, 1000])} {unit}".strip()
            if roll < 0.65:
                name, country, buyers, website = companies[
                    rng.choices(range(n_companies), cum_weights=company_weights)[0]
                    if rng.random() < 0.5 else rng.randrange(n_companies)]
                person, email, phone = rng.choice(buyers)
            elif roll < 0.95:
                person, email, country = rng.choice(free_senders)
                name, phone, website = rng.choice(["", "", person + " Trading"]), "", ""
                if rng.random() < 0.3:
                    phone = f"+{country[2]} {rng.randrange(10**8, 10**10)}"
            else:  # phone only, as Alibaba shows when the buyer hides the address
                country = _weighted(rng, countries, country_weights)
                given, family = NAMES[country[3]]
                person, email, website = f"{rng.choice(given)} {rng.choice(family)}", "", ""
                name = ""
                phone = f"+{country[2]} {rng.randrange(10**8, 10**10)}"
            lang = country[3]
            message = rng.choice(MESSAGES[lang]).format(
                p=product or "UV lamps", q=quantity, n=person, c=country[0],
                use=rng.choice(USES[lang]))
            whatsapp = phone if phone and rng.random() < 0.2 else ""
            time_text = f"{when:%Y-%m-%d %H:%M:%S}"
            if rng.random() < 0.05:
                time_text = f"{when:%Y/%m/%d %H:%M}"
            if (email or phone) and rng.random() < 0.03:
                ref = ""  # no Inquiry No.: duplicates are found by email, time and text
            row = [ref, time_text, person, name, country[0], email, phone, whatsapp, website,
                   product, quantity, message]
            broken = rng.random() < 0.02
            if broken:
                kind = rng.randrange(5)
                if kind == 0:
                    row[5] = (email.split("@")[0] or "someone") + "@"
                elif kind == 1:
                    row[4] = rng.choice(["Atlantis", "Wakanda", "Narnia"])
                elif kind == 2:
                    row[1] = f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 13):02d}/2025"
                    if row[1][:2] == row[1][3:5]:
                        row[1] = "next tuesday"
                elif kind == 3:
                    row[1] = f"{datetime.now(UTC).year + 2}-01-01 10:00:00"
                else:
                    row[0], row[5], row[6], row[7] = "", "", "", ""
                counts["rejected"] += 1
            if number % 20_000 == 7 and not broken:
                # A stray quote: the line is reported and reading goes on with the next.
                handle.write(f'{ref},{time_text},"{person} "Nickname, "x\n')
                counts["rejected"] += 1
                continue
            writer.writerow(row)
            if not broken:
                if ref and ref in refs_seen:
                    counts["duplicates"] += 1
                else:
                    refs_seen.add(ref)
                    counts["imported"] += 1
                written.append(row)
    return counts


# --- Verifications as the checks would have stored them --------------------------------

PAGE_WORDS = {
    "en": ("Home | About us | Products | Projects | News | Contact | Careers. We are a "
           "family-owned company founded in {year}, serving customers across {region}. Our "
           "team of {n} engineers and technicians delivers reliable equipment, fast quotes and "
           "local after-sales service. Quality is certified to ISO 9001. Visit our showroom "
           "or call our sales office. We use cookies to improve your experience. Read our "
           "privacy policy. Subscribe to our newsletter for offers. Download the catalogue. "
           "Payment terms: T/T, L/C at sight. Shipping worldwide by sea and air. "),
    "es": ("Inicio | Nosotros | Productos | Proyectos | Contacto. Somos una empresa fundada "
           "en {year} con {n} empleados en {region}. Ofrecemos equipos de calidad, asesoría "
           "técnica y servicio posventa. Utilizamos cookies para mejorar su experiencia. "
           "Política de privacidad. Envíos a todo el país. "),
    "pt": ("Início | Quem somos | Produtos | Obras | Contato. Empresa fundada em {year}, com "
           "{n} colaboradores em {region}. Soluções completas, assistência técnica e peças de "
           "reposição. Usamos cookies para melhorar sua experiência. Política de privacidade. "),
    "de": ("Startseite | Über uns | Leistungen | Referenzen | Kontakt | Impressum. Seit {year} "
           "sind wir mit {n} Mitarbeitern in {region} für Sie da. Planung, Montage, Wartung und "
           "Ersatzteile aus einer Hand. Wir verwenden Cookies. Datenschutzerklärung. "
           "Geschäftsführer: Jürgen Müller, Amtsgericht Köln HRB 12345. "),
    "fr": ("Accueil | Qui sommes-nous | Produits | Réalisations | Contact. Depuis {year}, nos "
           "{n} collaborateurs accompagnent les clients en {region} : étude, installation, "
           "maintenance. Nous utilisons des cookies. Mentions légales. "),
    "it": ("Home | Chi siamo | Prodotti | Contatti. Dal {year} i nostri {n} tecnici servono "
           "clienti in {region}. Progettazione, installazione e assistenza. Cookie policy. "),
    "ru": ("Главная | О компании | Продукция | Проекты | Контакты. Компания основана в {year} "
           "году, {n} сотрудников, работаем по всей территории: {region}. Проектирование, "
           "монтаж, сервисное обслуживание. Мы используем файлы cookie. "),
    "tr": ("Ana Sayfa | Hakkımızda | Ürünler | Projeler | İletişim. {year} yılından beri {n} "
           "çalışanımızla {region} genelinde hizmet veriyoruz. Kurulum, bakım ve yedek parça. "
           "Çerez politikası. "),
    "ar": ("الرئيسية | من نحن | المنتجات | المشاريع | اتصل بنا. تأسست الشركة عام {year} ويعمل "
           "بها {n} موظفا في {region}. نقدم التصميم والتركيب والصيانة. سياسة الخصوصية. "),
    "vi": ("Trang chủ | Giới thiệu | Sản phẩm | Dự án | Liên hệ. Thành lập năm {year}, với {n} "
           "nhân viên tại {region}. Tư vấn, lắp đặt và bảo trì. Chính sách bảo mật. "),
    "id": ("Beranda | Tentang Kami | Produk | Proyek | Kontak. Berdiri sejak {year} dengan {n} "
           "karyawan di {region}. Konsultasi, instalasi dan perawatan. Kebijakan privasi. "),
    "zh": ("首页 | 关于我们 | 产品中心 | 工程案例 | 联系我们。公司成立于{year}年，拥有{n}名员工，"
           "服务{region}客户。提供设计、安装及售后服务。隐私政策。"),
}
OTHER_TRADES = {
    "en": ["fashion boutique with clothing, shoes and handbags", "real estate and apartments "
           "for sale", "digital marketing, SEO and web design agency", "furniture and home decor",
           "general trading of electronics and smartphones", "travel agency and tours"],
    "es": ["tienda de ropa y moda", "inmobiliaria", "muebles y decoración"],
    "de": ["Modegeschäft", "Immobilien", "Möbelhaus"],
}
POOL_PAGE = ("Swimming pool equipment for hotels and homes: swimming pool pumps, sand filters, "
             "heat pumps and UV-C units. We build and service every swimming pool in the "
             "region; ask for our swimming pool maintenance plans. ")


def _page_text(rng: random.Random, kind: str, lang: str, keywords: dict) -> tuple[str, str, str]:
    """(title, description, visible text) of a company's website."""
    words = PAGE_WORDS.get(lang, PAGE_WORDS["en"])
    filler = words.format(year=rng.randrange(1975, 2020), n=rng.randrange(5, 400),
                          region=rng.choice(["the region", "the country", "Europe", "Asia"]))
    length = min(20_000, int(rng.lognormvariate(math.log(3500), 0.8)))
    parts = []
    title = description = ""
    terms = keywords.get(lang) or keywords["en"]
    if kind == "target":
        industry = rng.choice(list(terms))
        chosen = rng.sample(terms[industry], k=min(len(terms[industry]), rng.randrange(2, 6)))
        title = f"{chosen[0].title()} | {rng.choice(chosen).title()}"
        description = f"{chosen[0]}, {chosen[-1]}."
        parts = [f"{term}. " for term in chosen for _ in range(rng.randrange(1, 4))]
    elif kind == "pool":
        parts = [POOL_PAGE] * rng.randrange(1, 3)
        title, description = "Pool Supplies & Service", "Everything for your swimming pool."
    elif kind == "thin":
        industry = rng.choice(list(terms))
        parts = [f"{rng.choice(terms[industry])}. "]
        title = "Welcome"
    else:
        trade = rng.choice(OTHER_TRADES.get(lang, OTHER_TRADES["en"]))
        parts = [f"{trade}. "] * rng.randrange(1, 4)
        title = trade.split(",")[0].title()
    body: list[str] = []
    size = 0
    while size < length:
        piece = rng.choice(parts) if parts and rng.random() < 0.15 else filler
        body.append(piece)
        size += len(piece)
    return title[:500], description, "".join(body)[:20_000]


def verifications_store(*, seed: int) -> int:
    """A finished verification for every inquiry, with fit and grade from the real code."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from leads.models import Company, Inquiry
    from leads.services import companies_refresh
    from verification.checks import Outcome, fit_for, grade_for
    from verification.lists import KEYWORDS_DIR, lists_pinned
    from verification.models import Verification
    from verification.probes.dns import MailHosts
    from verification.probes.email import EmailVerdict
    from verification.probes.email_address import ROLE_LOCAL_PARTS, AddressCheck
    from verification.probes.smtp import MailboxCheck, Reply
    from verification.probes.website import Hop, WebsiteCheck
    from verification.probes.whois import DomainAge

    rng = random.Random(seed + 1)
    keywords = {}
    for path in KEYWORDS_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        keywords[path.stem] = {slug: [term for term, _ in terms]
                               for slug, terms in data["industries"].items()}
    languages = {row[1]: row[3] for row in COUNTRIES}
    sites: dict[int, tuple] = {}
    now = timezone.now()
    today = date.today()

    def site_for(company_id: int, domain: str, website: str, country: str):
        if company_id in sites:
            return sites[company_id]
        target = website or domain
        if not target:
            sites[company_id] = (WebsiteCheck("none", reason="no website given"), {}, None)
            return sites[company_id]
        host = re.sub(r"^https?://", "", target).split("/")[0].lower()
        registered = host.removeprefix("www.")
        roll = rng.random()
        lang = languages.get(country, "en")
        url = target if "://" in target else f"https://{target}"
        if roll < 0.06:
            check = WebsiteCheck("unreachable", reason="connection timed out", url=url,
                                 chain=[Hop(url, address="203.0.113.7", error="timed out")])
        elif roll < 0.09:
            check = WebsiteCheck("parked", reason="parking page", url=url, final_url=url,
                                 http_status=200, title=f"{registered} is for sale",
                                 text=f"{registered} is for sale! Buy this domain. Related "
                                      "searches: water filters, pool supplies.",
                                 signals=["parking phrase"], name_servers=["ns1.sedoparking.com"])
        else:
            kind = _weighted(rng, ["target", "pool", "thin", "other"], [45, 15, 20, 20])
            if kind == "pool" and lang != "en":
                kind = "thin"
            title, description, text = _page_text(rng, kind, lang, keywords)
            check = WebsiteCheck("reachable", url=url, final_url=f"https://www.{registered}/",
                                 http_status=200, chain=[Hop(url, address="203.0.113.20",
                                                             status=301,
                                                             location=f"https://www.{registered}/"),
                                                         Hop(f"https://www.{registered}/",
                                                             address="203.0.113.20",
                                                             status=200)],
                                 title=title, description=description, language=lang,
                                 text=text, name_servers=[f"ns1.{registered}",
                                                          f"ns2.{registered}"])
        created = today - timedelta(days=rng.choice([40, 400, 1500, 3000, 6000]))
        raw = (f"Domain Name: {registered.upper()}\nRegistry Domain ID: {rng.randrange(10**9)}\n"
               f"Registrar WHOIS Server: whois.registrar.example\nUpdated Date: "
               f"{created}T08:00:00Z\nCreation Date: {created}T08:00:00Z\nRegistrar: Example "
               "Registrar, Inc.\nDomain Status: clientTransferProhibited\n" * 3)
        ages = {registered: DomainAge(registered, "ok", created=created,
                                      registrar="Example Registrar, Inc.",
                                      servers=["whois.registrar.example"], raw=raw)}
        sites[company_id] = (check, ages, registered)
        return sites[company_id]

    def email_for(address: str) -> EmailVerdict:
        if not address:
            return EmailVerdict("unknown", reason="no email address given",
                                evidence={"address": AddressCheck("none").as_dict()})
        local, _, domain = address.partition("@")
        free = domain in FREE_MAIL
        syntax = AddressCheck("valid_syntax", normalized=address, domain=domain,
                              ascii_domain=domain, free_mail=free,
                              role_account=local in ROLE_LOCAL_PARTS)
        hosts = MailHosts(domain, "ok", hosts=[(10, f"mx1.{domain}"), (20, f"mx2.{domain}")],
                          answers=[f"10 mx1.{domain}.", f"20 mx2.{domain}."])
        status = _weighted(rng, ["deliverable", "risky", "unknown", "undeliverable"],
                           [70, 8, 12, 10])
        code, text, flags = {
            "deliverable": (250, "2.1.5 Recipient OK", set()),
            "risky": (250, "2.1.5 OK (the server accepts any address: catch-all)", {"catch_all"}),
            "unknown": (451, "4.7.1 Greylisted, please try again later", set()),
            "undeliverable": (550, "5.1.1 The email account that you tried to reach does not "
                                   "exist", set()),
        }[status]
        replies = [Reply(f"mx1.{domain}", "banner", 220, f"mx1.{domain} ESMTP ready"),
                   Reply(f"mx1.{domain}", "ehlo", 250, "PIPELINING SIZE 52428800 8BITMIME"),
                   Reply(f"mx1.{domain}", "mail", 250, "2.1.0 Sender OK"),
                   Reply(f"mx1.{domain}", "rcpt", code, text)]
        mailbox = MailboxCheck(status, flags=flags, reason=f"{code} {text}",
                               host=f"mx1.{domain}", replies=replies,
                               catch_all=status == "risky")
        all_flags = flags | ({"free_provider"} if free else set()) | (
            {"role_account"} if syntax.role_account else set())
        return EmailVerdict(status, all_flags, mailbox.reason, provider="Gmail" if
                            domain == "gmail.com" else "", evidence={
                                "address": syntax.as_dict(), "dns": hosts.as_dict(),
                                "smtp": mailbox.as_dict()}, normalized=address, domain=domain)

    inquiries = (Inquiry.objects.order_by("company_id", "pk")
                 .values_list("pk", "company_id", "company__domain", "website", "country",
                              "email", "company_name", "product", "message"))
    Verification.objects.all().delete()
    stored = 0
    batch: list[Verification] = []
    with lists_pinned():  # one keyword list for all, as a rescoring has
        for pk, company_id, domain, website, country, email, company_name, product, message in (
            inquiries.iterator(chunk_size=2000)
        ):
            site, ages, registered = site_for(company_id, domain, website, country)
            verdict = email_for(email)
            match = None
            if registered and verdict.domain and "free_provider" not in verdict.flags:
                match = verdict.domain == registered
            text = " ".join(filter(None, (product, message)))
            fit = fit_for(site, company_name, text)
            grade = grade_for(verdict.status, set(verdict.flags), verdict.reason, bool(email),
                              site.status, site.reason, registered or "", match,
                              {d: a.created for d, a in ages.items()}, fit)
            verification = Verification(inquiry_id=pk, status=Verification.Status.DONE, attempts=1,
                                        runs=1, requested_at=now, started_at=now, verified_at=now)
            Outcome(verdict, site, ages, match, fit, grade).apply(verification)
            batch.append(verification)
            if len(batch) == 2000:
                Verification.objects.bulk_create(batch)
                stored += len(batch)
                batch = []
        Verification.objects.bulk_create(batch)
        stored += len(batch)
    with transaction.atomic():
        companies_refresh(company_ids=Company.objects.values_list("pk", flat=True))
    # What autovacuum does within a minute or so of a bulk load: statistics for the
    # planner and the visibility map. Without them the first rescoring after this
    # load plans its lookups for empty tables and runs several times slower.
    with connection.cursor() as cursor:
        for table in ("verification_verification", "leads_inquiry", "leads_company"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return stored


if __name__ == "__main__":
    sys.exit(main())
