"""The labelled corpus of real company pages (see README.md beside this file).

Each record describes one public page without copying it: its URL, language, label,
the industry it supports, one sentence of ours on why, and the page's salient terms
(words and short phrases as written on the page). Pure: no Django import, so the
bench, the trainer and the tests all read it the same way.

``python -m verification.corpus`` checks every file and prints counts per language,
label and part (development / held-out).
"""

import hashlib
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"

LANGUAGES = ("zh-Hans", "zh-Hant", "en", "es", "pt", "fr", "de", "ru", "ar", "tr", "id", "vi",
             "it")
# The seeds' nine industries (the slugs of the default keyword lists) and the wider
# circle of buyers that CONTEXT.md counts as targets.
INDUSTRIES = (
    "water_treatment",  # incl. drinking-water purifiers, refill stations, pools and spas
    "fertilizer_water_purification",
    "river_purification",
    "aquaculture",
    "organic_agriculture",  # incl. greenhouse and hydroponic growers
    "oil_fume_purification",
    "exhaust_gas_treatment",
    "purification_engineering",  # incl. HVAC with UV-C, cleanrooms, air purification
    "disinfection",  # disinfection equipment makers and hygiene services
    "healthcare",  # hospitals, clinics, dental practices, laboratories, schools
    "lighting_distribution",  # lamp and lighting distributors carrying germicidal/UV lamps
    "aquarium_pond",
)
# Kinds of business a rep meets that are not targets (near misses first).
NOT_TARGET_KINDS = (
    "factory_own_wastewater", "hotel_pool", "cosmetics", "decorative_lighting", "restaurant",
    "furniture", "fashion", "real_estate", "web_agency", "general_trader", "factory_other",
    "food", "auto_parts", "construction", "logistics", "software", "education_services",
    "consulting", "retail", "other",
)
PAGE_KINDS = ("home", "about", "products", "services", "project")
MAX_TERMS, MAX_WORDS, MAX_CJK_CHARS = 80, 4, 8
HELD_OUT_SHARE = 30  # percent of records, by a hash of the URL


@dataclass(frozen=True)
class Page:
    url: str
    lang: str
    label: str  # "target" or "not_target"
    industry: str  # an INDUSTRIES slug for a target; a NOT_TARGET_KINDS value otherwise
    why: str
    terms: tuple[str, ...]
    head: tuple[str, ...] = ()  # terms seen in the page's title or headings
    kind: str = "home"
    source: str = "web"  # "web": a real page; "team": a case the team wrote
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_target(self) -> bool:
        return self.label == "target"

    @property
    def held_out(self) -> bool:
        return part_of(self.url) == "held_out"


def part_of(url: str) -> str:
    """The fixed split: a hash of the URL, never re-drawn (nothing is tuned on held_out)."""
    bucket = int(hashlib.sha256(url.strip().encode()).hexdigest()[:8], 16) % 100
    return "held_out" if bucket < HELD_OUT_SHARE else "development"


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalpha()


def term_problem(term: str) -> str:
    """Why a term breaks the corpus rules ("" when it is fine)."""
    if not term or term != term.strip():
        return "empty or padded with spaces"
    cjk = sum(_is_cjk(ch) for ch in term)
    if cjk:
        rest = "".join(" " if _is_cjk(ch) else ch for ch in term).split()
        if cjk > MAX_CJK_CHARS or len(rest) > MAX_WORDS:
            return f"longer than {MAX_CJK_CHARS} CJK characters"
    elif len(term.split()) > MAX_WORDS:
        return f"more than {MAX_WORDS} words"
    if len(term) > 60:
        return "longer than 60 characters"
    return ""


def record_problems(record: dict) -> list[str]:
    problems = []
    for key in ("url", "lang", "label", "industry", "why", "terms"):
        if not record.get(key):
            problems.append(f"missing {key}")
    if problems:
        return problems
    if record["lang"] not in LANGUAGES:
        problems.append(f"unknown lang {record['lang']!r}")
    if record["label"] == "target":
        if record["industry"] not in INDUSTRIES:
            problems.append(f"unknown industry {record['industry']!r}")
    elif record["label"] == "not_target":
        if record["industry"] not in NOT_TARGET_KINDS:
            problems.append(f"unknown not-target kind {record['industry']!r}")
    else:
        problems.append(f"label must be target or not_target, not {record['label']!r}")
    if not str(record["url"]).startswith(("http://", "https://", "team:")):
        problems.append("url must be http(s) (or team:NAME for a case we wrote)")
    if record.get("kind", "home") not in PAGE_KINDS:
        problems.append(f"unknown kind {record.get('kind')!r}")
    terms = record["terms"]
    if not isinstance(terms, list) or len(terms) > MAX_TERMS:
        problems.append(f"terms must be a list of at most {MAX_TERMS}")
    else:
        for term in terms:
            why = term_problem(term) if isinstance(term, str) else "not a string"
            if why:
                problems.append(f"term {term!r}: {why}")
        if len(set(terms)) != len(terms):
            problems.append("repeated terms")
    for term in record.get("head", []):
        if term not in terms:
            problems.append(f"head term {term!r} is not among the terms")
    if len(record["why"]) > 300:
        problems.append("why is longer than one sentence (300 characters)")
    return problems


def load(paths=None) -> list[Page]:
    """Every record of the corpus (or of ``paths``), checked; ValueError names the bad line."""
    pages: list[Page] = []
    seen: set[str] = set()
    for path in sorted(paths or PAGES.glob("*.jsonl")):
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            problems = record_problems(record)
            if record.get("url") in seen:
                problems.append("the same URL is already in the corpus")
            if problems:
                raise ValueError(f"{Path(path).name}:{number}: " + "; ".join(problems))
            seen.add(record["url"])
            known = {"url", "lang", "label", "industry", "why", "terms", "head", "kind",
                     "source"}
            pages.append(Page(
                url=record["url"], lang=record["lang"], label=record["label"],
                industry=record["industry"], why=record["why"], terms=tuple(record["terms"]),
                head=tuple(record.get("head", ())), kind=record.get("kind", "home"),
                source=record.get("source", "web"),
                extra={k: v for k, v in record.items() if k not in known},
            ))
    return pages


def development(pages: list[Page]) -> list[Page]:
    return [page for page in pages if not page.held_out]


def held_out(pages: list[Page]) -> list[Page]:
    return [page for page in pages if page.held_out]


def summary(pages: list[Page]) -> str:
    rows = Counter((p.lang, p.label, "held_out" if p.held_out else "dev") for p in pages)
    lines = [f"{'lang':8} {'target':>7} {'not':>5} {'held-out':>9} {'total':>6}"]
    for lang in LANGUAGES:
        t = sum(n for (lg, lb, _), n in rows.items() if lg == lang and lb == "target")
        n = sum(n for (lg, lb, _), n in rows.items() if lg == lang and lb == "not_target")
        h = sum(n for (lg, _, part), n in rows.items() if lg == lang and part == "held_out")
        if t or n:
            lines.append(f"{lang:8} {t:7} {n:5} {h:9} {t + n:6}")
    lines.append(f"{'all':8} {sum(p.is_target for p in pages):7} "
                 f"{sum(not p.is_target for p in pages):5} {len(held_out(pages)):9} "
                 f"{len(pages):6}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    try:
        pages = load([Path(a) for a in argv] or None)
    except ValueError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 1
    print(summary(pages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
