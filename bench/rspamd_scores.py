"""Benchmark: how rspamd with Leadqual's configuration scores the sample mail.

Run from the project root (needs Debian's ``rspamd`` and ``redis-server``; no network)::

    .venv/bin/python bench/rspamd_scores.py
    .venv/bin/python bench/rspamd_scores.py --json bench/out/rspamd.json --list

It starts an rspamd of its own (``config/rspamd/``, as ``make run`` does) with a Redis
server of its own for the Bayes, on spare loopback ports, and scores every sample in
``tests/fixtures/mail/spam`` (spam and phishing, ``manifest.json`` has the verdicts) and
``tests/fixtures/mail/buyers`` (legitimate buyers' mail):

1. with an untrained Bayes: the distribution of scores per class, how many of each
   class get an action other than "no action", and the symbols that fire most on
   buyer mail (where false positives come from) and on spam;
2. after teaching the Bayes every other sample of each set (sorted by file name), the
   same figures on the other half only;
3. seconds per check (p50/p95, wall clock, one request at a time, the second pass over
   all samples so that rspamd is warm);
4. whether rspamd looked anything up in the DNS (its log counts lookups per check).

Nothing is tuned on these samples: they say what the configuration does, not what it
was fitted to. The untrained figures are the same every run; the taught half's vary a
little from run to run (a few tenths of a point of Bayes score per mail; the cause is
not pinned down: rspamd decides per message whether to learn it, skipping one it
already classes with 95% certainty), so compare several runs.

The samples use reserved domains (``.example``, ``.test``), which rspamd's list of
top-level domains does not know: it calls a link to one obfuscated (``R_SUSPICIOUS_URL``,
5 points), on spam and buyers alike, which real mail would not get.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leads.mail.rspamd import spam_check, spam_learn  # noqa: E402
from tests.processes import RedisServer, RspamdServer  # noqa: E402

SAMPLES = ROOT / "tests" / "fixtures" / "mail"


def samples() -> list[tuple[str, str, bytes]]:
    """(file, verdict, raw): spam/phishing by the manifest, then the buyers' mail."""
    manifest = json.loads((SAMPLES / "spam" / "manifest.json").read_text())
    found = [(m["file"], m["verdict"], (SAMPLES / "spam" / m["file"]).read_bytes())
             for m in sorted(manifest, key=lambda m: m["file"])]
    found += [(p.name, "buyer", p.read_bytes())
              for p in sorted((SAMPLES / "buyers").glob("*.eml"))]
    return found


def quantiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if len(values) < 2:
        return {"n": len(values)}
    q = statistics.quantiles(values, n=20, method="inclusive")
    return {"n": len(values), "min": values[0], "p10": q[1], "p25": q[4],
            "median": statistics.median(values), "p75": q[14], "p90": q[17],
            "max": values[-1]}


def report(title: str, results: list[tuple[str, str, object]], *, listing: bool) -> dict:
    print(f"\n== {title}")
    figures: dict = {"classes": {}}
    for verdict in ("spam", "phishing", "buyer"):
        mine = [r for _, v, r in results if v == verdict]
        if not mine:
            continue
        actions = Counter(r.action for r in mine)
        flagged = sum(1 for r in mine if r.action != "no action")
        dist = quantiles([r.score for r in mine])
        figures["classes"][verdict] = {"scores": dist, "actions": dict(actions),
                                       "flagged": flagged}
        print(f"{verdict:>9}: n={len(mine):3}  action != no action: {flagged:3} "
              f"({flagged / len(mine):.0%})  " + "  ".join(
                  f"{k}={v:.1f}" for k, v in dist.items() if k != "n"))
        print(f"{'':>11}actions: {dict(actions.most_common())}")
    for label, verdicts in (("buyer mail", ("buyer",)), ("spam and phishing",
                                                         ("spam", "phishing"))):
        mine = [r for _, v, r in results if v in verdicts]
        fired = Counter()
        total: dict[str, float] = {}
        for r in mine:
            for s in r.symbols:
                fired[s.name] += 1
                total[s.name] = total.get(s.name, 0.0) + s.score
        weight = {n: total[n] / c for n, c in fired.items()}  # its mean score
        scoring = [(n, c) for n, c in fired.most_common() if total[n] != 0]
        figures[f"symbols {label}"] = {n: {"count": c, "score": weight[n]}
                                       for n, c in fired.most_common()}
        print(f"symbols with a score on {label} (of {len(mine)}; count, mean score): "
              + ", ".join(f"{n} {c}x ({weight[n]:+.1f})" for n, c in scoring[:25]))
    if listing:
        for name, verdict, r in results:
            print(f"  {r.score:6.1f} {r.action:<12} {verdict:<8} {name}  " + " ".join(
                f"{s.name}({s.score:+.1f})" for s in r.symbols if s.score))
    return figures


def _wait_for_hyperscan(server, seconds: float = 90) -> None:
    """Until the expressions are compiled (a cold cache: the first ~10 s), rspamd
    matches them one by one: slower, and not what the timings are meant to show."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        log = server.log.read_text(errors="replace")
        if ("hyperscan database of" in log and "has been loaded" in log) or log.count(
                "rspamd_worker_hyperscan_ready") >= 2:
            return
        time.sleep(0.5)
    print("warning: rspamd has not loaded its compiled expressions; timings are slower")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--list", action="store_true", help="every sample's score and symbols")
    parser.add_argument("--min-learns", type=int, default=20)
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait between teaching and scoring the other half")
    args = parser.parse_args()

    mail = samples()
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="rspamd-bench-") as tmp:
        redis = RedisServer(Path(tmp) / "redis").start()
        server = RspamdServer(Path(tmp) / "rspamd", redis_url=redis.url,
                              min_learns=args.min_learns,
                              cache_dir=ROOT / "var" / "rspamd-cache").start()
        try:
            _wait_for_hyperscan(server)
            print(f"rspamd {server.version} at {server.url}; {len(mail)} samples")
            untrained = [(n, v, spam_check(raw, url=server.url)) for n, v, raw in mail]
            figures["untrained"] = report("untrained Bayes, all samples", untrained,
                                          listing=args.list)

            seconds = []
            for _, _, raw in mail:
                started = time.perf_counter()
                spam_check(raw, url=server.url)
                seconds.append(time.perf_counter() - started)
            q = statistics.quantiles(seconds, n=20, method="inclusive")
            figures["seconds_per_check"] = {"p50": statistics.median(seconds), "p95": q[18],
                                            "max": max(seconds)}
            print(f"\nseconds per check (warm, {len(seconds)} checks): p50 "
                  f"{statistics.median(seconds):.4f}  p95 {q[18]:.4f}  max {max(seconds):.4f}")

            taught, held_out = mail[0::2], mail[1::2]
            answers = Counter()
            for _, verdict, raw in taught:
                answer = spam_learn(raw, url=server.controller_url, spam=verdict != "buyer")
                answers[answer] += 1
            print(f"\ntaught {len(taught)} ({Counter(v for _, v, _ in taught)}): "
                  f"{dict(answers)}")
            time.sleep(args.settle)
            trained = [(n, v, spam_check(raw, url=server.url)) for n, v, raw in held_out]
            figures["trained"] = report(
                f"after teaching every other sample, the other {len(held_out)}", trained,
                listing=args.list)
            bayes = Counter((v, s.name) for _, v, r in trained for s in r.symbols
                            if s.name.startswith("BAYES_"))
            print(f"Bayes symbols on the held-out half: {dict(bayes)}")
            figures["trained"]["bayes"] = {f"{v} {n}": c for (v, n), c in bayes.items()}
            log = server.log.read_text(errors="replace")
            lookups = [n for n in re.findall(r"dns req: (\d+),", log) if n != "0"]
            unresolved = log.count("cannot resolve")
            figures["dns"] = {"checks_with_lookups": len(lookups), "unresolved": unresolved}
            print(f"\nDNS: {len(lookups)} checks made lookups, {unresolved} 'cannot resolve' "
                  f"lines in rspamd's log")
        finally:
            server.stop()
            redis.stop()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
