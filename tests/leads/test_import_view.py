import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leads.models import ImportBatch, Inquiry

pytestmark = pytest.mark.django_db

CSV = (
    "Inquiry No.,Inquiry Time,Buyer Name,Buyer Company,Country/Region,Buyer Email,Inquiry Content\n"
    "AL1,2025-01-02 09:00,Mehmet Kaya,Kaya Su Arıtma,Türkiye,mehmet@kayasu.com.tr,Need UV lamps\n"
    "AL2,2025-01-03 09:00,<script>alert(1)</script>,Evil,Atlantis,x@evil.example,hi\n"
    "AL3,2025-01-04 09:00,Sofia Rossi,Acqua Pura Srl,Italia,sofia@acquapura.it,Ballasts\n"
).encode("utf-8-sig")


def upload(client, data: bytes, name="export.csv", preset="auto"):
    return client.post(reverse("leads:import"), {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"), "preset": preset,
    })


def test_rep_uploads_a_file_and_sees_imported_and_rejected_rows(client, rep):
    client.force_login(rep)
    response = upload(client, CSV)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:import-result", args=[batch.pk])
    assert (batch.imported_count, batch.duplicate_count, batch.rejected_count) == (2, 0, 1)
    assert batch.preset == "alibaba"
    assert batch.created_by == rep
    page = client.get(response["Location"]).content.decode()
    assert "Kaya Su Arıtma" in page and "Acqua Pura Srl" in page
    assert "Atlantis" in page and ">3<" in page  # the rejected row, by its row number
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert set(Inquiry.objects.values_list("platform", flat=True)) == {"alibaba"}


def test_uploading_the_same_file_again_adds_nothing(client, rep):
    client.force_login(rep)
    upload(client, CSV)
    upload(client, CSV)
    second = ImportBatch.objects.order_by("-pk").first()
    assert (second.imported_count, second.duplicate_count) == (0, 2)
    assert Inquiry.objects.count() == 2


def test_unreadable_and_oversized_files_get_a_message(client, rep, settings):
    client.force_login(rep)
    response = upload(client, b"PK\x03\x04 not really a workbook", name="x.xlsx")
    assert response.status_code == 200
    assert "This file cannot be read" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, CSV)
    assert "the limit is" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_result_page_is_private_to_uploader_and_managers(client, rep, other_rep, manager):
    client.force_login(rep)
    upload(client, CSV)
    batch = ImportBatch.objects.get()
    client.force_login(other_rep)
    assert client.get(reverse("leads:import-result", args=[batch.pk])).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("leads:import-result", args=[batch.pk])).status_code == 200
