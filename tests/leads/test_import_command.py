"""`import_inquiries` on generic, Alibaba-style and MIC-style files in each encoding."""

import io
import unicodedata
from datetime import datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from leads.models import Company, ImportBatch, Inquiry

pytestmark = pytest.mark.django_db

GENERIC = [
    ["received_at", "platform", "buyer_name", "company", "country", "email", "phone",
     "whatsapp", "website", "product", "quantity", "message", "crm_id"],
    ["2025-02-03 09:15", "email", "Jonas Weber", "Klar Wasser GmbH", "Deutschland",
     "jonas@klarwasser.de", "+49 30 1234567", "", "klarwasser.de",
     "Amalgam UV lamp 320W", "40 pieces", "Für Kläranlage, bitte Preis FOB.", "C-1"],
    ["2025-02-04 22:40", "web", "王芳", "新加坡净水私人有限公司", "Singapore",
     "wang.fang@sgpure.com.sg", "", "+65 9123 4567", "", "UV sterilizer 40W", "10 sets",
     "我们需要用于泳池的紫外线杀菌器，请报价。", "C-2"],
    ["2025-02-05 11:00", "alibaba", "Bob", "", "USA", "bob@", "", "", "", "", "", "hi", "C-3"],
    ["2025-02-06 08:05", "MIC", "Nguyễn Văn An", "Tôm Sạch JSC", "Viet Nam",
     "an@tomsach.vn", "+84 90 123 4567", "+84901234567", "https://tomsach.vn",
     "UV sterilizer 120W for shrimp ponds", "25 sets", "RAS for shrimp, need CE.", "C-4"],
    ["2025-02-07 10:00", "web", "Nemo", "Atlantis Pools", "Atlantis", "nemo@atlantis.example",
     "", "", "", "", "", "pool lamps", "C-5"],
]
ALIBABA = [
    ["询盘编号", "询盘时间", "买家姓名", "买家公司", "国家/地区", "买家邮箱", "买家电话",
     "询盘产品", "采购数量", "询盘内容"],
    ["AL2025000001", "2025-03-01 10:20", "Ahmet Yilmaz", "Yilmaz Su Aritma", "土耳其",
     "ahmet@yilmazsu.com.tr", "+90 212 555 0101", "UV germicidal lamp T5 36W", "500 pieces",
     "需要紫外线灯管，用于水处理。"],
    ["AL2025000002", "2025-03-02 15:00", "Rahul Sharma", "Sharma Aqua Farms", "印度",
     "rahul.sharma@gmail.com", "+91 98765 43210", "Electronic ballast 220V", "200 pieces",
     "For our fish hatchery."],
]
MIC = [
    ["Inquiry ID", "Date Sent", "Contact Person", "Company", "Country", "E-mail", "Telephone",
     "Product", "Purchase Quantity", "Message", "Homepage"],
    ["MIC300000001", "2025-04-10 08:00", "Carlos Méndez", "Aguas del Sur SA", "Mexico",
     "cmendez@aguasdelsur.mx", "+52 55 1234 5678", "UV sterilizer 1000W", "3 sets",
     "Planta municipal de tratamiento de agua.", "https://aguasdelsur.mx"],
    ["MIC300000002", "03/04/2025", "Lena", "Lena Hof", "Austria", "lena@lenahof.at", "", "",
     "", "Bio-Landwirtschaft", ""],
]


def gbk_safe(text: str) -> str:
    """GBK has Chinese but no Vietnamese or German accents: drop the accents only."""
    return "".join(
        ch if _encodes(ch) else unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        for ch in text
    )


def _encodes(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def write_csv(path, rows, encoding):
    import csv

    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_inquiries", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_generic_file_in_each_encoding(tmp_path, encoding):
    rows = GENERIC if encoding != "gbk" else [[gbk_safe(cell) for cell in row] for row in GENERIC]
    output = run(write_csv(tmp_path / "generic.csv", rows, encoding))
    assert output.splitlines()[0] == "imported 3, duplicates 0, rejected 2"
    assert "row 4: email 'bob@' is not a valid address" in output
    assert "row 6: country 'Atlantis' is not a known country or code" in output
    batch = ImportBatch.objects.get()
    detected = {"utf-8": "utf_8", "utf-8-sig": "utf_8_sig", "gbk": "gb18030"}
    assert batch.encoding == detected[encoding]
    assert [r["row"] for r in batch.rejected_rows] == [4, 6]
    assert batch.rejected_rows[0]["raw"]["crm_id"] == "C-3"  # kept, not lost
    singapore = Inquiry.objects.get(email="wang.fang@sgpure.com.sg")
    assert singapore.company_name == "新加坡净水私人有限公司"
    assert singapore.message.startswith("我们需要")
    assert singapore.country == "SG" and singapore.platform == "web"
    assert singapore.raw["crm_id"] == "C-2"
    assert singapore.received_at.isoformat() == "2025-02-04T14:40:00+00:00"
    assert Inquiry.objects.get(email="an@tomsach.vn").platform == "made-in-china"


def test_alibaba_chinese_headers_gbk(tmp_path):
    output = run(write_csv(tmp_path / "alibaba.csv", ALIBABA, "gbk"))
    assert output.splitlines()[0] == "imported 2, duplicates 0, rejected 0"
    batch = ImportBatch.objects.get()
    assert (batch.preset, batch.encoding) == ("alibaba", "gb18030")
    ahmet = Inquiry.objects.get(platform_ref="AL2025000001")
    assert (ahmet.platform, ahmet.country, ahmet.buyer_name) == ("alibaba", "TR", "Ahmet Yilmaz")
    assert ahmet.message == "需要紫外线灯管，用于水处理。"
    assert ahmet.company.name == "Yilmaz Su Aritma"
    assert Inquiry.objects.get(platform_ref="AL2025000002").country == "IN"


def test_mic_english_headers_utf8_bom_with_an_ambiguous_date(tmp_path):
    output = run(write_csv(tmp_path / "mic.csv", MIC, "utf-8-sig"))
    assert output.splitlines()[0] == "imported 1, duplicates 0, rejected 1"
    assert "row 3: received_at '03/04/2025' is ambiguous" in output
    carlos = Inquiry.objects.get()
    assert (carlos.platform, carlos.platform_ref, carlos.country) == (
        "made-in-china", "MIC300000001", "MX")
    assert carlos.website == "https://aguasdelsur.mx"


def test_xlsx_with_date_and_number_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(MIC[0])
    sheet.append(["MIC1", datetime(2025, 5, 6, 7, 8), "Kim", "Kim Aqua", "KR", "kim@kimaqua.kr",
                  821012345678, "UV lamp", 100, "Hatchery", ""])
    path = tmp_path / "mic.xlsx"
    workbook.save(path)
    assert run(path).splitlines()[0] == "imported 1, duplicates 0, rejected 0"
    kim = Inquiry.objects.get()
    assert kim.phone == "821012345678" and kim.quantity == "100"
    assert kim.received_at.isoformat() == "2025-05-05T23:08:00+00:00"
    assert ImportBatch.objects.get().file_format == "xlsx"


def test_reimport_is_idempotent(tmp_path):
    path = write_csv(tmp_path / "generic.csv", GENERIC, "utf-8")
    run(path)
    companies = Company.objects.count()
    output = run(path)
    assert output.splitlines()[0] == "imported 0, duplicates 3, rejected 2"
    assert Inquiry.objects.count() == 3
    assert Company.objects.count() == companies
    alibaba = write_csv(tmp_path / "alibaba.csv", ALIBABA, "gbk")
    run(alibaba)
    assert run(alibaba).splitlines()[0] == "imported 0, duplicates 2, rejected 0"


def test_forced_preset_overrides_detection(tmp_path):
    path = write_csv(tmp_path / "alibaba.csv", ALIBABA, "utf-8")
    output = run(path, "--platform", "generic")
    # Under generic columns nothing identifies the buyer: every row is reported.
    assert output.splitlines()[0] == "imported 0, duplicates 0, rejected 2"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"PK\x03\x04garbage", "damaged"),
    (b"\xff\xfe\x00\x00\x81\x82" * 50 + b"\x00" * 100, "cannot read"),
])
def test_unreadable_file_is_an_error_exit(tmp_path, content, reason):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=reason):
        run(path)
    assert not ImportBatch.objects.exists()


def test_missing_file_is_an_error_exit(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "nope.csv")
