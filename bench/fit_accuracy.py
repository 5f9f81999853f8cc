"""Benchmark: how well the industry fit finds target buyers, on pages it never learned from.

Run from the project root (no database, no network)::

    .venv/bin/python bench/fit_accuracy.py
    .venv/bin/python bench/fit_accuracy.py --json bench/out/fit.json --misses

It scores the corpus's held-out part (``verification/corpus/``, 30% of the records by
a hash of the URL; no weight, keyword, threshold or model setting is tuned on it) with
the shipped model (``verification/data/fit_model.npz``) and the default keyword lists,
exactly as a verification does (``verification.fitscore.assess``), and prints:

* accuracy, precision and recall of "target" (fit >= 50) overall, per language and per
  industry, with the confusion table; beside them, in the same run, the keywords alone
  (the scorer before the model: its old 0-100 fit) on the same pages;
* the reliability table: for each band of fit, how many pages, the share of targets
  found in it and the mean fit (calibrated: the two should be close);
* CPU time per page (``time.process_time``, the model's part and the keywords'), the
  memory the scorer adds to a process once loaded (RSS before and after loading the
  model, the language detector, OpenCC and the stemmers), the model file's size and its
  load time.

Targets (issue 18): accuracy >= 0.93; target recall >= 0.92 at precision >= 0.92; no
language below 0.85; <= 20 ms CPU per page; <= 300 MB more memory per worker.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--misses", action="store_true", help="list the pages it got wrong")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    before = rss_mb()
    started = time.perf_counter()
    from verification import corpus, fitmodel, fittrain, textnorm
    from verification.fit import score_fit
    from verification.fitscore import assess
    from verification.lists import default_matcher

    model = fitmodel.Model.from_bytes(fitmodel.MODEL_FILE.read_bytes())
    textnorm.detect_language("warm up the language detector and the converters 淨化")
    textnorm.stem("desinfecciones", "es")
    load_seconds = time.perf_counter() - started
    loaded = rss_mb()
    matcher = default_matcher()

    pages = corpus.load()
    held = [fittrain.sample_of(p) for p in corpus.held_out(pages)]
    print(f"corpus: {len(pages)} pages, held-out {len(held)} "
          f"({sum(s.is_target for s in held)} targets) in "
          f"{len({s.language for s in held})} languages")
    print(f"model: {fitmodel.MODEL_FILE.name} {fitmodel.MODEL_FILE.stat().st_size / 1024:.0f} KB,"
          f" trained on {model.info.get('pages')} pages (C={model.info.get('C')}); "
          f"load {load_seconds:.2f} s; memory {before:.0f} -> {loaded:.0f} MB "
          f"(+{loaded - before:.0f} MB)")

    def with_model(sample):
        result = assess(matcher, model, {"title": sample.head, "text": sample.body},
                        language=sample.language)
        return result.fit or 0

    def keywords_only(sample):
        return score_fit(matcher, {"title": sample.head, "text": sample.body}).fit

    figures = fittrain.evaluate(model, held, matcher, score=with_model)
    baseline = fittrain.evaluate(model, held, matcher, score=keywords_only)
    print()
    print(f"{'':24}{'accuracy':>9}{'precision':>10}{'recall':>8}{'ms/page':>9}")
    for name, f in (("keywords + model", figures), ("keywords alone", baseline)):
        print(f"{name:24}{f.accuracy:9.3f}{f.precision:10.3f}{f.recall:8.3f}"
              f"{f.cpu_ms_per_page:9.2f}")
    print()
    print("confusion (keywords + model)   predicted target   predicted not")
    print(f"  target                       {figures.tp:16} {figures.fn:15}")
    print(f"  not target                   {figures.fp:16} {figures.tn:15}")
    print()
    print(f"{'language':10}{'pages':>6}{'accuracy':>9}{'fp':>4}{'fn':>4}   keywords alone")
    for language, (right, n, _tp, fp, fn) in figures.by_language.items():
        alone = baseline.by_language[language]
        print(f"{language:10}{n:6}{right / n:9.3f}{fp:4}{fn:4}   {alone[0] / alone[1]:.3f}")
    print()
    print(f"{'industry (targets)':28}{'found':>8}   keywords alone")
    for industry, (found, n) in figures.by_industry.items():
        alone = baseline.by_industry.get(industry, [0, n])
        print(f"{industry:28}{found:>4}/{n:<3}   {alone[0]}/{alone[1]}")
    print()
    print("reliability (keywords + model)")
    print(fittrain.reliability_table(figures))
    if args.misses:
        print()
        for key, language, label, fit in figures.misses:
            print(f"  {fit:3}  {language:8} {label:28} {key}")
    worst = min(right / n for right, n, *_ in figures.by_language.values())
    print()
    print("targets: accuracy >= 0.93 {}; recall >= 0.92 at precision >= 0.92 {}; "
          "no language below 0.85 {}; <= 20 ms CPU per page {}; <= 300 MB more memory {}"
          .format(*("met" if ok else "MISSED" for ok in (
              figures.accuracy >= 0.93, figures.recall >= 0.92 and figures.precision >= 0.92,
              worst >= 0.85, figures.cpu_ms_per_page <= 20, loaded - before <= 300))))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "model": figures.as_dict(), "keywords_alone": baseline.as_dict(),
            "cpu_ms_per_page": figures.cpu_ms_per_page, "memory_mb": loaded - before,
            "load_seconds": load_seconds, "buckets": figures.buckets}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
