"""Admin-edited lists, cached per process and refreshed when an admin saves.

Each list has a version number in the shared cache; a save bumps it, and
every process rebuilds its copy on the next use (``signals.py``).
"""

import contextlib
import json
import threading
from contextvars import ContextVar
from pathlib import Path

from django.core.cache import cache
from django.utils.translation import gettext_noop

from verification.fit import KeywordEntry, Matcher

KEYWORDS_DIR = Path(__file__).resolve().parent / "data" / "keywords"
INDUSTRIES = {  # slug -> name, as in ../shared/CONTEXT.md
    "water_treatment": gettext_noop("Water treatment engineering"),
    "fertilizer_water_purification": gettext_noop("Fertilizer and water purification"),
    "river_purification": gettext_noop("Municipal river purification"),
    "aquaculture": gettext_noop("Aquaculture"),
    "organic_agriculture": gettext_noop("Organic agriculture"),
    "oil_fume_purification": gettext_noop("Oil-fume purification"),
    "exhaust_gas_treatment": gettext_noop("Exhaust gas treatment"),
    "purification_engineering": gettext_noop("Purification engineering"),
    "disinfection": gettext_noop("Sterilization and disinfection"),
    # The wider circle of buyers (CONTEXT.md "Who counts as a target buyer")
    "healthcare": gettext_noop("Hospitals, clinics, laboratories and schools"),
    "lighting_distribution": gettext_noop("Lamp and lighting distributors"),
    "aquarium_pond": gettext_noop("Aquarium and pond equipment"),
}

_lock = threading.Lock()
_local: dict[str, tuple[int, object]] = {}
_pinned: ContextVar[dict[str, object] | None] = ContextVar("lists_pinned", default=None)


def _version(name: str) -> int:
    return cache.get(f"lists:{name}:version") or 0


def bump(name: str) -> None:
    key = f"lists:{name}:version"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


@contextlib.contextmanager
def lists_pinned():
    """Inside, each list is looked up once and then kept as it was.

    For long runs over many rows (rescoring every inquiry): they all see the same
    keywords, and no call pays a read of the shared cache for the version. An edit made
    meanwhile queues a run of its own.
    """
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def _cached(name: str, build):
    pinned = _pinned.get()
    if pinned is not None and name in pinned:
        return pinned[name]
    version = _version(name)
    with _lock:
        held = _local.get(name)
    if held and held[0] == version:
        value = held[1]
    else:
        value = build()
        with _lock:
            _local[name] = (version, value)
    if pinned is not None:
        pinned[name] = value
    return value


def mail_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(free-mail domains, role-account local parts) as edited by admins."""
    from verification.models import MailList

    def build():
        rows = list(MailList.objects.values_list("kind", "value"))
        return (frozenset(v for k, v in rows if k == MailList.Kind.FREE_MAIL),
                frozenset(v for k, v in rows if k == MailList.Kind.ROLE_ACCOUNT))

    return _cached("mail", build)


def keyword_matcher() -> tuple[Matcher, dict[str, str]]:
    """The compiled keywords and the industry names by slug."""
    return _cached("keywords", _keywords_build)


def _keywords_build() -> tuple[Matcher, dict[str, str]]:
    from verification.models import Industry, Keyword

    industries = {i.pk: i for i in Industry.objects.filter(active=True)}
    entries = []
    for row in Keyword.objects.values("term", "weight", "industry_id", "language", "negative"):
        if row["negative"]:
            entries.append(KeywordEntry(row["term"], row["weight"], "", row["language"]))
        elif row["industry_id"] in industries:
            industry = industries[row["industry_id"]]
            entries.append(KeywordEntry(row["term"], row["weight"], industry.slug,
                                        row["language"], industry.weight))
    names = {i.slug: i.name for i in industries.values()}
    return Matcher(entries), names


def default_keywords() -> list[dict]:
    """The shipped keyword lists: one JSON file per language in data/keywords/."""
    rows = []
    for path in sorted(KEYWORDS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data.get("language") or path.stem
        for slug, terms in data.get("industries", {}).items():
            for term, weight in terms:
                rows.append({"industry": slug, "term": term, "weight": int(weight),
                             "language": language, "negative": False})
        for term, weight in data.get("negative", []):
            rows.append({"industry": None, "term": term, "weight": int(weight),
                         "language": language, "negative": True})
    return rows


def default_matcher() -> Matcher:
    """The shipped keyword lists compiled, without the database (training, the bench)."""
    return Matcher([KeywordEntry(row["term"], row["weight"], row["industry"] or "",
                                 row["language"]) for row in default_keywords()])


def keywords_install_defaults(apps=None, *, only: tuple[str, ...] = ()) -> int:
    """Create the default industries and keywords that are missing (never overwrites);
    ``only``: just these industries (a migration that adds an industry must not bring
    back keywords an admin deleted from the others)."""
    Industry = (apps or _django_apps()).get_model("verification", "Industry")
    Keyword = (apps or _django_apps()).get_model("verification", "Keyword")
    industries = {}
    for slug, name in INDUSTRIES.items():
        if only and slug not in only:
            continue
        industries[slug], _ = Industry.objects.get_or_create(slug=slug, defaults={"name": name})
    existing = set(Keyword.objects.values_list("industry__slug", "term", "language", "negative"))
    new, seen = [], set()
    for row in default_keywords():
        key = (row["industry"], row["term"], row["language"], row["negative"])
        if key in existing or key in seen or (row["industry"] and row["industry"] not in
                                               industries) or (only and not row["industry"]):
            continue
        seen.add(key)
        new.append(Keyword(industry=industries.get(row["industry"]), term=row["term"],
                           weight=row["weight"], language=row["language"],
                           negative=row["negative"]))
    Keyword.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _django_apps():
    from django.apps import apps

    return apps


def fit_model():
    """The fit model in force: the one an admin accepted last, else the one shipped with
    Leadqual (``verification/data/fit_model.npz``); None when neither exists."""
    return _cached("fitmodel", _fit_model_build)


def _fit_model_build():
    from verification.fitmodel import Model, shipped_model
    from verification.models import FitModel

    active = (FitModel.objects.filter(status=FitModel.Status.ACTIVE)
              .order_by("-accepted_at").first())
    return Model.from_bytes(bytes(active.data)) if active is not None else shipped_model()
