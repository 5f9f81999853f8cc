import csv
import io
import json

import pytest
from django.core.management import call_command

from tests.factories import CompanyFactory, InquiryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiries(rep):
    owned = InquiryFactory(company=CompanyFactory(owner=rep, name="Klar Wasser GmbH"),
                           message="=HYPERLINK(\"http://evil.example\",\"click\")")
    pooled = InquiryFactory(company=CompanyFactory(name="@risk Fish Farm"), phone="+1 415 555 0100",
                            buyer_name="-Bob", message="Need ballasts")
    return owned, pooled


def test_export_json_has_company_owner_and_status(inquiries, tmp_path):
    owned, pooled = inquiries
    out = tmp_path / "inquiries.json"
    call_command("export_inquiries", "--format", "json", "-o", str(out))
    rows = {row["id"]: row for row in json.loads(out.read_text())}
    assert set(rows) == {owned.pk, pooled.pk}
    assert rows[owned.pk]["company"] == "Klar Wasser GmbH"
    assert rows[owned.pk]["owner"] == "lily"
    assert rows[owned.pk]["status"] == "new"
    assert rows[pooled.pk]["owner"] == ""
    # JSON is data, not a spreadsheet: values stay as they are.
    assert rows[owned.pk]["message"].startswith("=HYPERLINK")


def test_export_csv_neutralises_formulas(inquiries):
    owned, pooled = inquiries
    stdout = io.StringIO()
    call_command("export_inquiries", "--format", "csv", stdout=stdout)
    rows = {int(row["id"]): row for row in csv.DictReader(io.StringIO(stdout.getvalue()))}
    assert rows[owned.pk]["message"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[pooled.pk]["company"] == "'@risk Fish Farm"
    assert rows[pooled.pk]["phone"] == "'+1 415 555 0100"
    assert rows[pooled.pk]["buyer_name"] == "'-Bob"
    assert rows[pooled.pk]["message"] == "Need ballasts"
    assert rows[owned.pk]["owner"] == "lily"
