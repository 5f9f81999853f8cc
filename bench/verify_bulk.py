"""Bulk verification: 10,000 inquiries over 3,000 domains against the sandbox internet.

    .venv/bin/python bench/verify_bulk.py                          # the full run (~5 min)
    .venv/bin/python bench/verify_bulk.py --inquiries 2000 --domains 600   # a quick look

Needs PostgreSQL and Redis on 127.0.0.1 (as ``.ci/run`` starts them) and the bench
extras (``.venv/bin/pip install -e ".[bench]"``). The production setup, on loopback:

1. the sandbox internet in a process of its own, with latency: every DNS answer
   5-50 ms, every SMTP banner 50-300 ms, every HTTP(S) answer 20-500 ms; 3% of mail
   and web hosts accept connections and never answer;
2. a database of its own (``leadqual_bench_verify``, dropped and created), the
   inquiries imported through the importer's service;
3. Redis as broker and cache (database 13, emptied), 2 Celery workers with the
   thread pool, the per-host SMTP cap and the per-domain cache as configured;
4. every inquiry queued at once; enqueue, start and finish times read back from the
   database, the workers' CPU time and peak memory from /proc;
5. the baselines on a sample of the same inquiries (whole domains, so the per-domain
   cache helps them as much): the same check functions in a sequential loop, and
   py3-validate-email's SMTP check of the same addresses.

Figures and their reading: docs/PERFORMANCE.md.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verification.sandbox.internet import SandboxInternet, World  # noqa: E402
from verification.sandbox.smtp import Behaviour  # noqa: E402
from verification.sandbox.web import Route, Site, page  # noqa: E402
from verification.sandbox.whois import whois_record  # noqa: E402

ALLOW = "127.77.0.0/16"  # every mail and web host of this world
LATENCY = {"dns": (0.005, 0.050), "smtp": (0.050, 0.300), "http": (0.020, 0.500)}
SILENT_SHARE = 0.03
TODAY = date(2026, 11, 25)

# Mail hosts: how many servers of each kind. Domains share them as on the real internet
# (a hosting company's mail server serves many domains), so the per-host cap matters.
MAIL_SERVERS = {"accept": 420, "catch_all": 60, "reject": 30, "greylist": 15, "full": 10,
                "m365": 25, "silent": 40}
MAIL_KINDS = {"accept": 0.62, "catch_all": 0.12, "reject": 0.05, "greylist": 0.03,
              "full": 0.02, "m365": 0.07, "silent": SILENT_SHARE, "none": 0.02,
              "nxdomain": 0.02, "null_mx": 0.02}
WEB_KINDS = {"site": 0.70, "parked": 0.05, "none": 0.12, "refused": 0.10,
             "silent": SILENT_SHARE}
FREE_MAIL = {"gmail.com": "gmail-smtp-in.l.google.com", "yahoo.com": "mta5.am0.yahoodns.net",
             "outlook.com": "outlook-com.olc.protection.outlook.com", "qq.com": "mx3.qq.com",
             "163.com": "163mx01.mxmail.netease.com"}
FREE_SHARE = 0.10  # of inquiries
MADE_UP_SHARE = 0.12  # of inquiries: an address whose mailbox does not exist
LOCAL_PARTS = ("anna", "li.wei", "sales", "info", "purchasing", "john.smith", "m.rossi",
               "procurement", "export", "ahmed", "olga.ivanova", "carlos", "nguyen.an",
               "priya", "tanaka", "import", "office", "k.schmidt", "fatima", "pedro")
TLDS = ("com", "de", "co.uk", "com.br", "in", "it", "fr", "com.au", "es", "nl", "com.mx",
        "pl", "co.za", "ae", "vn")
COUNTRIES = ("DE", "GB", "BR", "IN", "IT", "FR", "AU", "ES", "NL", "MX", "PL", "ZA", "AE",
             "VN", "US")
WORDS = ("aqua", "blue", "clear", "delta", "eco", "fresh", "green", "hydro", "nova", "ocean",
         "pure", "river", "sun", "terra", "vital", "wave", "crystal", "alpha", "prime", "star")
WORDS2 = ("tech", "water", "systems", "trade", "farm", "med", "lab", "solutions", "group",
          "supply", "engineering", "pool", "clean", "industries", "global", "care")
PRODUCTS = ("UV sterilizer 40W", "UV germicidal lamp T5", "electronic ballast", "UV-C module",
            "amalgam lamp 800W", "quartz sleeve", "UV water purifier", "pond UV clarifier")


@dataclass
class Plan:
    world: World
    rows: list[dict] = field(default_factory=list)  # generic import columns
    silent: set[str] = field(default_factory=set)  # domains with a host that never answers


def plan(*, inquiries: int, domains: int, seed: int) -> Plan:
    """The world and the inquiries, the same for the same arguments (the sandbox process
    and the driver each build it)."""
    rng = random.Random(seed)
    pages = _pages()
    mail_ips = _addresses(1, sum(MAIL_SERVERS.values()))
    mail: dict[str, Behaviour] = {}
    servers_of: dict[str, list[str]] = {}
    users = frozenset(LOCAL_PARTS)
    behaviours = {"accept": Behaviour(users=users), "catch_all": Behaviour(catch_all=True),
                  "reject": Behaviour(), "greylist": Behaviour(users=users, greylist=True),
                  "full": Behaviour(full=users), "m365": Behaviour(catch_all=True),
                  "silent": Behaviour(on_connect="silence")}
    for kind, count in MAIL_SERVERS.items():
        servers_of[kind] = [mail_ips.pop() for _ in range(count)]
        mail.update({ip: behaviours[kind] for ip in servers_of[kind]})
    web_ips = _addresses(20, 40)
    parking_ip, refused_ip = "127.77.21.1", "127.77.23.1"
    silent_web = _addresses(22, 30)
    web: dict[str, dict[str, Site]] = {ip: {} for ip in web_ips}
    web[parking_ip] = {}
    zone = ["$TTL 300"]
    whois: dict[str, str] = {}
    result = Plan(World())

    for number, (provider, mx) in enumerate(FREE_MAIL.items()):
        free_ips = _addresses(10 + number, 6)  # a big provider: one MX name, many addresses
        mail.update({ip: behaviours["accept"] for ip in free_ips})
        zone += [f"{provider}. IN MX 10 {mx}."] + [f"{mx}. IN A {ip}" for ip in free_ips]

    names = _domain_names(rng, domains - len(FREE_MAIL))
    facts: dict[str, dict] = {}
    for name in names:
        mail_kind = _pick(rng, MAIL_KINDS)
        web_kind = "none" if mail_kind == "nxdomain" else _pick(rng, WEB_KINDS)
        content = rng.choice(pages)
        facts[name] = {"company": _company(name, content), "country": rng.choice(COUNTRIES),
                       "web": web_kind}
        if "silent" in (mail_kind, web_kind):
            result.silent.add(name)
        if mail_kind in ("accept", "catch_all", "reject", "greylist", "full", "silent"):
            zone += [f"{name}. IN MX 10 mx.{name}.",
                     f"mx.{name}. IN A {rng.choice(servers_of[mail_kind])}"]
        elif mail_kind == "m365":
            mx = f"{name.replace('.', '-')}.mail.protection.outlook.com"
            zone += [f"{name}. IN MX 0 {mx}.", f"{mx}. IN A {rng.choice(servers_of['m365'])}"]
        elif mail_kind == "null_mx":
            zone.append(f"{name}. IN MX 0 .")
        if web_kind == "site":
            ip = rng.choice(web_ips)
            site = Site({"/": Route(body=page(content["title"], content["body"],
                                              description=content.get("description", ""),
                                              lang=content.get("language", "")))},
                        tls=rng.random() < 0.6)
            for host in (name, f"www.{name}"):
                zone.append(f"{host}. IN A {ip}")
                web[ip][host] = site
        elif web_kind == "parked":
            parked = Site({"/": Route(body=page(f"{name} is for sale",
                                                "This domain may be for sale. Buy this domain."
                                                "\nRelated searches: water filters"))},
                          any_path=True)
            for host in (name, f"www.{name}"):
                zone.append(f"{host}. IN A {parking_ip}")
                web[parking_ip][host] = parked
        elif web_kind in ("refused", "silent"):
            ip = refused_ip if web_kind == "refused" else rng.choice(silent_web)
            zone += [f"{name}. IN A {ip}", f"www.{name}. IN A {ip}"]
        if mail_kind != "nxdomain":
            young = rng.random() < 0.08
            created = TODAY - timedelta(days=rng.randint(10, 170) if young
                                        else rng.randint(365, 25 * 365))
            whois[name] = whois_record(name, created)

    # Every domain gets one inquiry, the rest go more often to some than to others.
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(names))]
    free_count = round(inquiries * FREE_SHARE)
    chosen = names + rng.choices(names, weights, k=max(0, inquiries - free_count - len(names)))
    chosen += [rng.choice(list(FREE_MAIL)) for _ in range(free_count)]
    rng.shuffle(chosen)
    for number, domain in enumerate(chosen[:inquiries]):
        local = (f"zq{rng.getrandbits(32):08x}" if rng.random() < MADE_UP_SHARE
                 else rng.choice(LOCAL_PARTS))
        fact = facts.get(domain) or {"company": f"{local.title()} Trading",
                                     "country": rng.choice(COUNTRIES), "web": "none"}
        website = ""
        if domain in facts and fact["web"] != "none":
            website = rng.choice((f"www.{domain}", f"https://{domain}/", ""))
        result.rows.append({
            "received_at": f"2026-11-{1 + number % 24:02d} {8 + number % 10:02d}:15",
            "platform": rng.choice(("alibaba", "made-in-china", "email")),
            "platform_ref": f"BENCH-{seed}-{number}",
            "buyer_name": local.replace(".", " ").title(),
            "company": fact["company"], "country": fact["country"],
            "email": f"{local}@{domain}", "website": website,
            "product": rng.choice(PRODUCTS),
            "message": f"Please quote {rng.choice(PRODUCTS)} for our project, "
                       f"{rng.choice((10, 50, 200, 1000))} pcs, delivery to {fact['country']}.",
        })
    result.world = World(zone="\n".join(zone) + "\n", mail=mail, web=web, silent=silent_web,
                         whois=whois, greeting_delay=LATENCY["smtp"],
                         dns_latency=LATENCY["dns"], web_latency=LATENCY["http"])
    return result


def _addresses(third: int, count: int) -> list[str]:
    return [f"127.77.{third + i // 250}.{1 + i % 250}" for i in range(count)]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _domain_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS2)}{rng.randint(1, 9999)}.{rng.choice(TLDS)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _company(domain: str, content: dict) -> str:
    suffix = content.get("company", "Ltd").rsplit(" ", 1)[-1]
    return f"{domain.split('.')[0].rstrip('0123456789').title()} {suffix}"


def _pages() -> list[dict]:
    folder = ROOT / "verification" / "sandbox" / "scenario"
    pages = []
    for path in sorted(folder.glob("*.json")):
        pages += [p for p in json.loads(path.read_text()) if p.get("body")]
    return pages


# --- The sandbox process --------------------------------------------------------------

def serve_sandbox(args) -> None:
    built = plan(inquiries=args.inquiries, domains=args.domains, seed=args.seed)
    internet = SandboxInternet(built.world, silence_seconds=args.timeout * 12,
                               poll_interval=0.5).start()
    env = {**internet.env(), "LEADQUAL_PROBE_ALLOW_NETWORKS": ALLOW}
    print("READY " + json.dumps(env), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    sys.stdin.read()  # until the driver goes away; stopping 700 servers one by one is slow,
    os._exit(0)  # and the kernel closes their sockets anyway


# --- The py3-validate-email baseline (its own process: it is pointed at the sandbox) --

def run_pyve(args) -> None:
    """py3-validate-email on the addresses of ``args.addresses``: DNS from the sandbox,
    SMTP on the sandbox's port; no lookup or connection leaves loopback."""
    import socket

    os.environ["PY3VE_IGNORE_UPDATER"] = "1"  # it would download a blacklist otherwise
    import dns.resolver

    from verification.probes.dns import make_resolver, parse_servers

    resolver = make_resolver(parse_servers(args.dns), timeout=args.timeout)
    dns.resolver.default_resolver = resolver
    system_getaddrinfo = socket.getaddrinfo

    def sandbox_getaddrinfo(host, port, *rest, **kwargs):
        try:
            addresses = [r.to_text() for r in resolver.resolve(host, "A")]
        except dns.exception.DNSException as exc:
            raise socket.gaierror(socket.EAI_NONAME, str(exc)) from exc
        if not all(a.startswith("127.") for a in addresses):
            raise socket.gaierror(socket.EAI_NONAME, "outside the sandbox")
        return system_getaddrinfo(random.choice(addresses), port, *rest, **kwargs)

    socket.getaddrinfo = sandbox_getaddrinfo
    from validate_email import smtp_check, validate_email

    smtp_check._SMTPChecker.default_port = args.smtp_port
    addresses = json.loads(Path(args.addresses).read_text())
    results = []
    started = time.monotonic()
    for address in addresses:
        results.append(validate_email(
            address, check_format=True, check_blacklist=False, check_dns=True,
            dns_timeout=args.timeout, check_smtp=True, smtp_timeout=args.timeout,
            smtp_helo_host="probe.leadqual.test", smtp_from_address="verify@leadqual.test",
            smtp_skip_tls=True))
    print(json.dumps({"seconds": time.monotonic() - started, "results": results}))


# --- The driver ----------------------------------------------------------------------
# --- The driver ----------------------------------------------------------------------

def drive(args) -> None:
    import tempfile

    _check_services(args)
    sandbox = subprocess.Popen(
        [sys.executable, __file__, "--role", "sandbox", "--inquiries", str(args.inquiries),
         "--domains", str(args.domains), "--seed", str(args.seed), "--timeout",
         str(args.timeout)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=ROOT)
    workers: list[subprocess.Popen] = []
    try:
        ready = sandbox.stdout.readline()
        if not ready.startswith("READY "):
            sys.exit("the sandbox internet did not start")
        var = Path(tempfile.mkdtemp(prefix="leadqual-bench-"))
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
            "SECRET_KEY": f"bench-{random.getrandbits(128):032x}",
            "DATABASE_URL": f"{args.pg}/{args.database}", "REDIS_URL": args.redis,
            "LEADQUAL_VAR_DIR": str(var), "LEADQUAL_PROBE_TIMEOUT": str(args.timeout),
            "DATABASE_POOL_MAX": str(args.pool), "LEADQUAL_VERIFY_BATCH": str(args.batch),
            "LEADQUAL_SMTP_HELO": "probe.leadqual.test",
            "LEADQUAL_SMTP_FROM": "verify@leadqual.test",
            **json.loads(ready.split(" ", 1)[1]),
        })
        _recreate_database(args.pg, args.database)
        import django

        django.setup()
        run = _bulk_run(args, workers, var)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        sequential = _sequential(args, run)
        pyve = _pyve(args, run, var)
        _report(args, run, sequential, pyve)
        if args.profile:
            _profile(args, run)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        sandbox.stdin.close()
        sandbox.terminate()
        sandbox.wait(timeout=30)


def _check_services(args) -> None:
    import psycopg
    import redis

    try:
        psycopg.connect(f"{args.pg}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(args.redis, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - say which and stop
        sys.exit(f"PostgreSQL ({args.pg}) and Redis ({args.redis}) must answer: {exc}")


def _recreate_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Run:
    built: Plan
    seconds: float = 0.0  # first enqueue to last verified
    enqueue_seconds: float = 0.0
    import_seconds: float = 0.0
    rows: list[tuple] = field(default_factory=list)  # per inquiry, from the database
    cpu: dict[str, float] = field(default_factory=dict)  # CPU-seconds by process group
    machine_cpu: float = 0.0
    peak_mb: list[float] = field(default_factory=list)  # per worker
    lost: int = 0


def _bulk_run(args, workers: list, var: Path) -> Run:
    import redis
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone
    from tqdm import tqdm

    from config.celery_app import app, worker_command
    from leads.importer import GENERIC, Table
    from leads.models import ImportBatch, Inquiry
    from leads.services import inquiries_import
    from verification.models import Verification
    from verification.services import verification_request

    print("migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(args.redis)
    broker.flushdb()
    run = Run(plan(inquiries=args.inquiries, domains=args.domains, seed=args.seed))
    rows = run.built.rows
    table = Table(headers=list(rows[0]), rows=[(n + 2, row) for n, row in enumerate(rows)],
                  file_format="csv", encoding="utf-8")
    started = time.monotonic()
    batch = inquiries_import(table=table, preset=GENERIC, source=ImportBatch.Source.FILE,
                             filename="bench.csv")
    run.import_seconds = time.monotonic() - started
    print(f"imported {batch.imported_count} inquiries ({batch.rejected_count} rejected) in "
          f"{run.import_seconds:.1f} s", flush=True)
    broker.flushdb()  # the import queued their checks: the run below queues them again

    for number in range(args.workers):
        log = (var / f"worker-{number}.log").open("wb")
        workers.append(subprocess.Popen(
            worker_command(concurrency=args.concurrency, loglevel="WARNING",
                           hostname=f"bench{number}@%h"),
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=1.0) or []) < args.workers:
        if time.monotonic() > deadline:
            sys.exit(f"the workers did not start; see {var}/worker-*.log")

    pids = {"workers": [w.pid for w in workers], "sandbox": _pids("python", "--role"),
            "PostgreSQL": _pids("postgres"), "Redis": _pids("redis-server"),
            "driver": [os.getpid()]}
    cpu_before = {group: _cpu(found) for group, found in pids.items()}
    machine_before = _machine_busy()
    ids = list(Inquiry.objects.order_by("pk").values_list("pk", flat=True))
    since = timezone.now()
    started = time.monotonic()
    for start in range(0, len(ids), 5000):
        verification_request(inquiry_ids=ids[start:start + 5000])
    run.enqueue_seconds = time.monotonic() - started
    done = 0
    with tqdm(total=len(ids), unit="inquiry", desc="verified", dynamic_ncols=True) as bar:
        while done < len(ids):
            time.sleep(0.5)
            now_done = Verification.objects.filter(verified_at__gte=since).count()
            bar.update(now_done - done)
            done = now_done
            if any(worker.poll() is not None for worker in workers):
                sys.exit(f"a worker stopped; see {var}/worker-*.log")
            if time.monotonic() - started > args.give_up:
                break
    run.lost = len(ids) - done
    last = Verification.objects.aggregate(last=Max("verified_at"))["last"]
    run.seconds = (last - since).total_seconds()
    pids["PostgreSQL"] = _pids("postgres")  # backends opened during the run
    run.cpu = {group: _cpu_delta(found, cpu_before[group]) for group, found in pids.items()}
    run.machine_cpu = _machine_busy() - machine_before
    run.peak_mb = [_peak_mb(worker.pid) for worker in workers]
    run.rows = list(Verification.objects.filter(inquiry_id__in=ids).values_list(
        "requested_at", "started_at", "verified_at", "runs", "email_status",
        "website_status", "grade", "inquiry__email"))
    return run


def _pids(name: str, argument: str = "") -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if (comm == name or comm.startswith(name)) and (
                not argument or argument.encode() in command):
            found.append(int(entry.name))
    return found


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU-seconds (user + system) of each process."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def _cpu_delta(pids: list[int], before: dict[int, float]) -> float:
    return sum(now - before.get(pid, 0.0) for pid, now in _cpu(pids).items())


def _machine_busy() -> float:
    """CPU-seconds the whole machine spent busy since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sample(args, built: Plan) -> list[dict]:
    """Whole company domains (their inquiries share the cache as in the run), plus the
    same share of free-mail inquiries as in the run."""
    rng = random.Random(args.seed + 1)
    by_domain: dict[str, list[dict]] = {}
    for row in built.rows:
        by_domain.setdefault(row["email"].rpartition("@")[2], []).append(row)
    company = [d for d in by_domain if d not in FREE_MAIL]
    rng.shuffle(company)
    sample: list[dict] = []
    for domain in company:
        if len(sample) >= args.sample * (1 - FREE_SHARE):
            break
        sample += by_domain[domain]
    free = [row for d in FREE_MAIL for row in by_domain.get(d, [])]
    return sample + rng.sample(free, min(len(free), args.sample - len(sample)))


def _sequential(args, run: Run) -> dict:
    from django.test.utils import override_settings
    from tqdm import tqdm

    from verification.checks import checks_run

    sample = _sample(args, run.built)
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "bench-sequential"}}
    times = []
    with override_settings(CACHES=locmem):  # an empty per-domain cache, as the run had
        started = time.monotonic()
        for row in tqdm(sample, unit="inquiry", desc="sequential baseline",
                        dynamic_ncols=True):
            began = time.monotonic()
            checks_run(email=row["email"], website=row["website"],
                       company_name=row["company"],
                       message=" ".join((row["product"], row["message"])))
            times.append(time.monotonic() - began)
        seconds = time.monotonic() - started
    return {"count": len(sample), "seconds": seconds, "times": times, "sample": sample}


def _pyve(args, run: Run, var: Path) -> dict:
    addresses = [row["email"] for row in _sample(args, run.built)]
    path = var / "pyve-addresses.json"
    path.write_text(json.dumps(addresses))
    print(f"py3-validate-email baseline: {len(addresses)} addresses ...", flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--role", "pyve", "--dns",
         os.environ["LEADQUAL_DNS_SERVERS"], "--smtp-port", os.environ["LEADQUAL_SMTP_PORT"],
         "--addresses", str(path), "--timeout", str(args.timeout)],
        capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    ours = {row[7]: row[4] for row in run.rows}
    expected = {"deliverable": True, "undeliverable": False}
    result["agree"] = sum(expected.get(ours.get(a, "")) is verdict
                          for a, verdict in zip(addresses, result["results"], strict=True))
    result["count"] = len(addresses)
    return result


def _profile(args, run: Run) -> None:
    """CPU time of verifying N inquiries again, one after the other, by function."""
    import cProfile
    import pstats

    from leads.models import Inquiry
    from verification.models import Verification
    from verification.services import verification_run

    ids = list(Inquiry.objects.order_by("?").values_list("pk", flat=True)[:args.profile])
    Verification.objects.filter(inquiry_id__in=ids).update(status=Verification.Status.PENDING)
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for pk in ids:
        verification_run(inquiry_id=pk)
    profiler.disable()
    cpu = time.process_time() - started
    print(f"\nProfile: {len(ids)} inquiries verified again in one process, "
          f"{cpu / len(ids) * 1000:.1f} ms CPU each (the cache is warm: no SMTP for catch-alls "
          "seen, no MX or WHOIS lookups)")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def _report(args, run: Run, sequential: dict, pyve: dict) -> None:
    from collections import Counter

    from django.conf import settings

    n = len(run.rows)
    waits = sorted((v - r).total_seconds() for r, _, v, *_ in run.rows if v)
    checks = sorted((v - s).total_seconds() for _, s, v, *_ in run.rows if v and s)
    silent = [(v - s).total_seconds() for _, s, v, *rest in run.rows
              if v and s and rest[-1].rpartition("@")[2] in run.built.silent]
    limit = settings.CELERY_TASK_TIME_LIMIT
    rate = n / run.seconds
    seq_rate = sequential["count"] / sequential["seconds"]
    pyve_rate = pyve["count"] / pyve["seconds"]
    workers_cpu = run.cpu["workers"]
    table = [
        ("inquiries verified", f"{n - run.lost:,} of {n:,}", "all", run.lost == 0),
        ("wall time, first enqueue to last verified", f"{run.seconds:.1f} s", "", None),
        ("inquiries per second", f"{rate:.1f}", ">= 100", rate >= 100),
        ("speed-up over the sequential loop", f"{rate / seq_rate:.0f}x", ">= 50x",
         rate / seq_rate >= 50),
        ("enqueue to verified, p50 / p95 / max",
         f"{_pct(waits, 50):.1f} / {_pct(waits, 95):.1f} / {waits[-1]:.1f} s", "", None),
        ("checks alone (start to verified), p50 / p95 / max",
         f"{_pct(checks, 50):.2f} / {_pct(checks, 95):.2f} / {checks[-1]:.1f} s", "", None),
        ("... of inquiries with a silent host, p50 / max",
         f"{_pct(sorted(silent), 50):.1f} / {max(silent, default=0):.1f} s "
         f"(n={len(silent)})", "", None),
        (f"checks over the time limit ({limit:g} s)", str(sum(c > limit for c in checks)),
         "0", all(c <= limit for c in checks)),
        ("verified more than once", str(sum(row[3] != 1 for row in run.rows)), "0",
         all(row[3] == 1 for row in run.rows)),
        ("CPU-seconds per inquiry, workers", f"{workers_cpu / n * 1000:.1f} ms", "", None),
        ("CPU-seconds per inquiry, whole machine", f"{run.machine_cpu / n * 1000:.1f} ms "
         f"({', '.join(f'{k} {v / n * 1000:.1f}' for k, v in run.cpu.items() if k != 'workers')})",
         "", None),
        ("peak memory per worker", " / ".join(f"{mb:.0f} MB" for mb in run.peak_mb),
         "<= 500 MB", all(mb <= 500 for mb in run.peak_mb)),
        ("sequential loop, same checks, one process",
         f"{seq_rate:.2f}/s ({sequential['count']} in {sequential['seconds']:.0f} s; "
         f"{n:,} would take {n / seq_rate / 60:.0f} min)", "", None),
        ("py3-validate-email, email only, sequential",
         f"{pyve_rate:.2f}/s ({pyve['count']} in {pyve['seconds']:.0f} s; "
         f"agrees with ours on {pyve['agree']} of {pyve['count']})", "", None),
    ]
    print(f"\nBulk verification: {n:,} inquiries over {args.domains:,} domains; "
          f"{args.workers} workers x {args.concurrency} threads x batches of {args.batch} "
          f"inquiries, {args.pool} database "
          f"connections each; probe timeout "
          f"{args.timeout:g} s; SMTP cap {settings.LEADQUAL_SMTP_MAX_PER_HOST} per host; "
          f"{os.cpu_count()} CPUs")
    print(f"(import {run.import_seconds:.1f} s, enqueue {run.enqueue_seconds:.1f} s)\n")
    width = max(len(row[0]) for row in table)
    print(f"{'':<{width}}  {'figure':<44} target")
    for label, figure, target, met in table:
        verdict = "" if met is None else ("  met" if met else "  MISSED")
        print(f"{label:<{width}}  {figure:<44} {target}{verdict}")
    for column, label in ((4, "email"), (5, "website"), (6, "grade")):
        counts = Counter(row[column] for row in run.rows)
        print(f"{label:<8} " + "  ".join(f"{k} {v}" for k, v in counts.most_common()))


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--domains", type=int, default=3_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=40,
                        help="threads per worker, each verifying a batch at a time")
    parser.add_argument("--batch", type=int, default=5,
                        help="inquiries per task, checked side by side (LEADQUAL_VERIFY_BATCH)")
    parser.add_argument("--pool", type=int, default=10,
                        help="database connections per worker (DATABASE_POOL_MAX)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="probe timeout (LEADQUAL_PROBE_TIMEOUT), seconds")
    parser.add_argument("--sample", type=int, default=300,
                        help="inquiries in the baselines' sample (whole domains)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--database", default="leadqual_bench_verify")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (the database is dropped and created)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13",
                        help="Redis database for broker and cache (emptied)")
    parser.add_argument("--give-up", type=float, default=1800, help="seconds")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then verify N inquiries again in this process under cProfile "
                        "(CPU time) and print the hottest functions")
    parser.add_argument("--role", choices=["driver", "sandbox", "pyve"], default="driver",
                        help=argparse.SUPPRESS)
    parser.add_argument("--dns", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--addresses", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "sandbox":
        return serve_sandbox(args)
    if args.role == "pyve":
        return run_pyve(args)
    drive(args)


if __name__ == "__main__":
    main()
