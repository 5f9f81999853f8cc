"""The import stores chunks with a fixed number of queries and the same result as one by one.

``inquiries_import`` reads what it needs for a whole chunk up front and writes in bulk;
these tests pin that it decides exactly what storing each row on its own decides
(grouping, assignment incl. "same buyer" within a chunk, people, channels, history),
and that its queries do not grow with the rows. ``rows_update`` is the bulk UPDATE it
and the rescoring use.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads import services
from leads.importer import GENERIC, PRESETS, Table, map_row
from leads.intake import clean_inquiry
from leads.models import (
    Activity,
    AssignmentRule,
    Company,
    CompanyKey,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Person,
)
from tests.factories import UserFactory
from verification.models import Verification

pytestmark = pytest.mark.django_db

HEADERS = list(PRESETS[GENERIC])


def row(**fields) -> dict:
    values = {"received_at": "2026-10-01 10:00", "message": "Please quote UV lamps."} | fields
    return {header: values.get(header, "") for header in HEADERS}


# Order matters: later rows find what earlier rows (in the same chunk or before) made.
ROWS = [
    row(buyer_name="Li Wei", company="Aqua One", country="CN", email="li@aquaone.example",
        phone="+86 21 5555 0000", received_at="2026-10-01 09:00"),
    # Same domain, another buyer; fills the website the first row did not give.
    row(buyer_name="Wang Fang", company="Aqua One", email="wang@aquaone.example",
        website="https://aquaone.example", received_at="2026-10-01 09:05"),
    # Free mail with the same phone: a company of its own, same rep ("same buyer").
    row(buyer_name="Li Wei", email="li.wei@gmail.com", phone="+86 21 5555 0000",
        received_at="2026-10-01 09:10"),
    row(buyer_name="Ahmed", company="Gulf Water", country="Saudi Arabia",
        email="ahmed@gulfwater.example", received_at="2026-10-01 09:20"),
    row(buyer_name="Sara", company="Ballast Traders", country="FR",
        email="sara@ballast.example", product="Electronic ballast 40W",
        received_at="2026-10-01 09:30"),
    row(buyer_name="Tom", company="Pond Life", country="GB", email="tom@pondlife.example",
        received_at="2026-10-01 09:40"),
    # The existing company below, found by its domain: country filled in, a new channel.
    row(buyer_name="Old Buyer", company="Known Co", country="DE", email="old@known.example",
        whatsapp="+49 151 0000 0000", received_at="2026-10-01 09:50"),
    # Same WhatsApp as the row above: a new company given to Known Co's rep.
    row(buyer_name="Old Buyer", email="oldbuyer@yahoo.com", whatsapp="+49 151 0000 0000",
        received_at="2026-10-01 09:55"),
    row(buyer_name="", phone="+1 305 555 0142", country="US", received_at="2026-10-01 10:00"),
    # Repeats of earlier buyers, and one exact duplicate.
    row(buyer_name="Wang Fang", company="Aqua One", email="wang@aquaone.example",
        received_at="2026-10-02 08:00", message="Second request, 200 pieces."),
    row(buyer_name="Li Wei", company="Aqua One", country="CN", email="li@aquaone.example",
        phone="+86 21 5555 0000", received_at="2026-10-01 09:00"),
    row(buyer_name="Tom", company="Pond Life", country="GB", email="tom@pondlife.example",
        phone="+44 20 7946 0321", received_at="2026-10-03 12:00", message="Koi pond UV."),
    row(buyer_name="Nobody", email="bad@", received_at="2026-10-03 13:00"),
]


@pytest.fixture
def team(rep, other_rep):
    AssignmentRule.objects.create(name="Middle East → Kevin", kind="country",
                                  values="Middle East", rep=other_rep, priority=1)
    AssignmentRule.objects.create(name="Ballasts → Lily", kind="product", values="ballast",
                                  rep=rep, priority=2)
    return rep, other_rep


def known_company(owner) -> Company:
    """A company from before the import, without a country, owned by ``owner``."""
    company = Company.objects.create(name="Known Co", domain="known.example", owner=owner)
    CompanyKey.objects.create(key="domain:known.example", company=company)
    ContactChannel.objects.create(company=company, kind="email", value="old@known.example")
    Person.objects.create(company=company, name="Old Buyer")
    return company


def import_rows(rows) -> ImportBatch:
    table = Table(headers=HEADERS, rows=list(enumerate(rows, start=2)), file_format="csv",
                  encoding="utf_8")
    return services.inquiries_import(table=table, preset=GENERIC, source="file")


def ingest_one_by_one(rows) -> None:
    for values in rows:
        try:
            data = clean_inquiry(map_row(values, GENERIC), default_platform="other",
                                 tz=services.team_zone(), raw=services._json_safe(values))
        except ValueError:  # rejected
            continue
        services.inquiry_ingest(data=data)


def snapshot() -> dict:
    """Everything the import decides, with companies named by their inquiries."""
    names = {}
    for company in Company.objects.all():
        keys = sorted(company.inquiries.values_list("dedup_key", flat=True))
        names[company.pk] = tuple(keys) or (f"old:{company.name}",)

    def pk_free(text: str) -> str:
        return re.sub(r"#(\d+)", lambda m: f"#{names[int(m[1])]}", text)

    return {
        "inquiries": {i.dedup_key: names[i.company_id] for i in Inquiry.objects.all()},
        "companies": {
            names[c.pk]: (c.name, c.domain, c.country, c.website, getattr(c.owner, "username",
                          None), c.assigned_via, pk_free(c.assigned_note), c.time_zone,
                          c.inquiry_count, c.last_received_at, c.platform, c.summary,
                          c.verification_pending)
            for c in Company.objects.select_related("owner")
        },
        "keys": {k.key: names[k.company_id] for k in CompanyKey.objects.all()},
        "people": sorted((names[p.company_id], p.name) for p in Person.objects.all()),
        "channels": sorted((names[c.company_id], c.kind, c.value,
                            c.person.name if c.person else None)
                           for c in ContactChannel.objects.select_related("person")),
        "activities": sorted((names[a.company_id], a.kind, pk_free(a.body))
                             for a in Activity.objects.all()),
        "pending": Verification.objects.filter(status="pending").count(),
    }


def wipe() -> None:
    Inquiry.objects.all().delete()
    Company.objects.all().delete()


@pytest.mark.parametrize("chunk", [1000, 3])
def test_a_file_is_stored_as_its_rows_one_by_one(team, monkeypatch, chunk):
    monkeypatch.setattr(services, "IMPORT_CHUNK", chunk)
    known_company(team[1])
    ingest_one_by_one(ROWS)
    expected = snapshot()
    wipe()
    known_company(team[1])
    batch = import_rows(ROWS)
    assert snapshot() == expected
    assert (batch.imported_count, batch.duplicate_count, batch.rejected_count) == (11, 1, 1)
    assert [r["row"] for r in batch.rejected_rows] == [14]


def test_same_buyer_within_one_chunk_names_the_new_company(team):
    team_settings = services.TeamSettings.load()
    team_settings.round_robin = True
    team_settings.save()
    import_rows(ROWS[:3])
    first = Inquiry.objects.get(email="li@aquaone.example").company
    second = Inquiry.objects.get(email="li.wei@gmail.com").company
    assert first != second and first.owner is not None
    assert second.owner == first.owner
    assert second.assigned_via == "same_buyer"
    assert second.assigned_note == f"Same buyer as Aqua One (#{first.pk})"
    assert Activity.objects.get(company=second).body.endswith(
        f"(Same buyer as Aqua One (#{first.pk}))")


def test_an_existing_company_gets_what_it_lacked_and_no_second_channel(team):
    company = known_company(team[1])
    before = company.updated_at
    import_rows([ROWS[6], ROWS[6] | {"received_at": "2026-10-05 10:00"}])
    company.refresh_from_db()
    assert company.country == "DE" and company.updated_at > before
    assert company.inquiries.count() == 2
    assert sorted(company.channels.values_list("kind", "value")) == [
        ("email", "old@known.example"), ("whatsapp", "+49 151 0000 0000")]
    assert list(company.people.values_list("name", flat=True)) == ["Old Buyer"]
    whatsapp = company.channels.get(kind="whatsapp")
    assert whatsapp.person.name == "Old Buyer"


def test_queries_do_not_grow_with_the_rows(team):
    def rows(n, tag):
        return [row(buyer_name=f"Buyer {i}", company=f"Firm {tag}{i}",
                    email=f"b{i}@firm-{tag}{i}.example", phone=f"+1 415 555 {i:04d}",
                    country="US", received_at=f"2026-10-01 {i % 24:02d}:{i % 60:02d}")
                for i in range(n)]

    import_rows(rows(5, "warm"))
    with CaptureQueriesContext(connection) as few:
        import_rows(rows(10, "a"))
    with CaptureQueriesContext(connection) as many:
        import_rows(rows(60, "b") + rows(10, "a"))  # new ones, and a chunk's worth again
    # A query per row would add 60; SQLite splits long INSERTs into a few statements.
    assert len(many) <= len(few) + 8, [q["sql"][:80] for q in many.captured_queries]
    assert Inquiry.objects.count() == 75


def test_rows_update_saves_fields_like_bulk_update():
    owner = UserFactory(username="owner")
    companies = [Company.objects.create(name=f"C{n}", country="DE") for n in range(3)]
    when = timezone.now() - timedelta(days=3)
    companies[0].summary, companies[0].score, companies[0].last_received_at = "Ünïcode ‘x’", 7, when
    companies[0].owner = owner
    companies[1].fit, companies[1].verification_pending, companies[1].country = None, True, ""
    companies[2].delete()
    companies[2].pk = 10**9  # deleted meanwhile: skipped, as bulk_update would
    updated = services.rows_update(
        companies, ["summary", "score", "last_received_at", "owner", "fit",
                    "verification_pending", "country"])
    assert updated == 2
    first, second = Company.objects.get(pk=companies[0].pk), Company.objects.get(
        pk=companies[1].pk)
    assert (first.summary, first.score, first.last_received_at, first.owner) == (
        "Ünïcode ‘x’", 7, when, owner)
    assert (second.fit, second.verification_pending, second.country) == (None, True, "")
    assert services.rows_update([], ["summary"]) == 0


def test_rows_update_writes_json(rep):
    from tests.leads.helpers import ingest

    inquiry = ingest(company="Json Co", email="a@json.example")
    verification = Verification.objects.get(inquiry=inquiry)
    verification.fit_matches = [{"term": "ünï", "points": 1.5, "where": ["text"]}]
    verification.evidence = {"fit": {"negatives": [], "points": 0.0}, "x": None}
    verification.reasons = []
    services.rows_update([verification], ["fit_matches", "evidence", "reasons"])
    verification.refresh_from_db()
    assert verification.fit_matches == [{"term": "ünï", "points": 1.5, "where": ["text"]}]
    assert verification.evidence == {"fit": {"negatives": [], "points": 0.0}, "x": None}
    assert verification.reasons == []


def test_new_companies_are_stored_with_their_headline(team, monkeypatch):
    """companies_refresh then finds nothing to write for them."""
    written = []
    real_update = services.rows_update
    monkeypatch.setattr(services, "rows_update", lambda objs, fields, **kw: (
        written.extend(objs if fields == services.REFRESHED_FIELDS else []),
        real_update(objs, fields, **kw))[1])
    import_rows(ROWS[:6] + ROWS[8:12])
    assert written == []
    aqua = Company.objects.get(name="Aqua One")
    assert (aqua.inquiry_count, aqua.summary, aqua.verification_pending) == (
        3, "Second request, 200 pieces.", True)
    assert aqua.last_received_at == Inquiry.objects.get(message__startswith="Second").received_at
