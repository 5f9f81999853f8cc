"""Read inquiry exports (CSV or XLSX) into rows of canonical fields.

Pure: bytes in, ``Table`` out. Column presets map the headers of Alibaba.com
and Made-in-China.com exports (English and Chinese) onto the generic columns;
headers no preset knows stay in each row's raw copy.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from charset_normalizer import from_bytes

GENERIC, ALIBABA, MADE_IN_CHINA, AUTO = "generic", "alibaba", "made-in-china", "auto"
PRESET_CHOICES = (GENERIC, ALIBABA, MADE_IN_CHINA, AUTO)

# Encodings a Chinese supplier's files come in; restricting the candidates
# keeps charset-normalizer from reading a short GBK file as Korean.
CANDIDATE_ENCODINGS = ["utf_8", "utf_16", "gb18030", "big5", "cp1252"]

# canonical field -> header spellings (compared after _header_key()).
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    GENERIC: {name: (name,) for name in (
        "received_at", "platform", "platform_ref", "buyer_name", "company", "country",
        "email", "phone", "whatsapp", "website", "product", "quantity", "message",
    )},
    ALIBABA: {
        "platform_ref": ("Inquiry No.", "Inquiry Number", "询盘编号", "询盘号"),
        "received_at": ("Inquiry Time", "Received Time", "询盘时间", "接收时间"),
        "buyer_name": ("Buyer Name", "Buyer", "买家姓名", "买家名称", "客户名称"),
        "company": ("Buyer Company", "Company Name", "买家公司", "公司名称"),
        "country": ("Country/Region", "Buyer Country/Region", "国家/地区", "国家地区"),
        "email": ("Buyer Email", "Email", "买家邮箱", "邮箱"),
        "phone": ("Buyer Tel", "Tel", "Telephone", "买家电话", "电话"),
        "whatsapp": ("WhatsApp", "Whatsapp"),
        "website": ("Buyer Website", "Website", "买家网站", "网站"),
        "product": ("Product Name", "Inquired Product", "询盘产品", "产品名称"),
        "quantity": ("Purchase Quantity", "Quantity", "采购数量", "数量"),
        "message": ("Inquiry Content", "Inquiry Details", "询盘内容", "询盘详情"),
    },
    MADE_IN_CHINA: {
        "platform_ref": ("Inquiry ID", "Message ID", "询盘ID", "询盘id", "信息ID"),
        "received_at": ("Date Sent", "Sent Time", "Send Time", "发送时间", "发送日期"),
        "buyer_name": ("Contact Person", "Sender", "联系人", "发件人"),
        "company": ("Company", "Sender Company", "公司", "发件人公司"),
        "country": ("Country", "Sender Country", "国家", "所在国家"),
        "email": ("E-mail", "Sender E-mail", "电子邮箱", "电子邮件"),
        "phone": ("Telephone", "Mobile Phone", "Phone", "电话号码", "手机"),
        "whatsapp": ("WhatsApp",),
        "website": ("Homepage", "Company Website", "公司网址", "主页"),
        "product": ("Product", "Product Name", "产品", "询价产品"),
        "quantity": ("Purchase Quantity", "Quantity Required", "采购量", "需求数量"),
        "message": ("Message", "Content", "Inquiry Content", "内容", "留言内容"),
    },
}
PLATFORM_OF_PRESET = {ALIBABA: "alibaba", MADE_IN_CHINA: "made-in-china", GENERIC: "other"}


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not one row: the file)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {header: value})
    file_format: str
    encoding: str

    def __len__(self) -> int:
        return len(self.rows)


def _header_key(header: str) -> str:
    text = str(header or "").replace("\ufeff", "").strip().casefold()
    text = re.sub(r"[\s_:：]+", " ", text)
    return text.strip()


def _preset_index(preset: str) -> dict[str, str]:
    return {
        _header_key(spelling): field
        for field, spellings in PRESETS[preset].items()
        for spelling in spellings
    }


def detect_preset(headers: list[str]) -> str:
    """The preset that recognises most headers; generic on a tie."""
    keys = [_header_key(header) for header in headers]
    scores = {
        preset: sum(1 for key in keys if key in _preset_index(preset))
        for preset in (GENERIC, ALIBABA, MADE_IN_CHINA)
    }
    best = max(scores.values())
    for preset in (GENERIC, ALIBABA, MADE_IN_CHINA):
        if scores[preset] == best:
            return preset
    return GENERIC


def map_row(row: dict, preset: str) -> dict:
    """Canonical fields of ``row`` under ``preset``; the first non-empty header wins."""
    index = _preset_index(preset)
    fields: dict = {}
    for header, value in row.items():
        field = index.get(_header_key(header))
        if field and fields.get(field) in (None, ""):
            fields[field] = value
    return fields


def read_table(data: bytes, *, filename: str = "", max_rows: int | None = None) -> Table:
    """Parse ``data`` as XLSX (by its zip signature) or CSV (encoding detected)."""
    if not data.strip():
        raise UnreadableFile("the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, max_rows=max_rows)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile("the file is named .xlsx but is not an Excel workbook")
    return _read_csv(data, max_rows=max_rows)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding charset-normalizer found (``utf_8_sig`` with a BOM)."""
    match = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if match is None:
        raise UnreadableFile(
            "the text encoding could not be recognised (expected UTF-8, UTF-8 with BOM, GBK "
            "or GB18030)"
        )
    encoding = match.encoding + ("_sig" if match.bom and match.encoding == "utf_8" else "")
    return str(match).lstrip("\ufeff"), encoding


def _read_csv(data: bytes, *, max_rows: int | None) -> Table:
    text, encoding = decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise UnreadableFile("the file has no header row") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"the header row cannot be read: {exc}") from exc
    _check_headers(headers)
    rows = list(_limit(_csv_rows(reader, headers), max_rows))
    _check_rows(rows)
    return Table(headers=headers, rows=rows, file_format="csv", encoding=encoding)


def _csv_rows(reader, headers: list[str]) -> Iterator[tuple[int, dict]]:
    row_number = 1
    while True:
        row_number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield row_number, {"__error__": f"the line cannot be parsed as CSV: {exc}"}
            continue
        if not any(value.strip() for value in values):
            continue
        row = dict(zip(headers, values, strict=False))
        if len(values) > len(headers):
            row["__extra__"] = values[len(headers):]
        yield row_number, row


# A zip bomb unpacks to far more than any real export; refuse before reading.
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200


def _read_xlsx(data: bytes, *, max_rows: int | None) -> Table:
    import openpyxl  # with defusedxml installed, openpyxl parses XML safely

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"the workbook is damaged: {exc}") from exc
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
        raise UnreadableFile(
            f"the workbook unpacks to {unpacked // 1024 // 1024} MB; refused as a possible "
            "zip bomb"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UnreadableFile(f"the workbook cannot be opened: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header_row = next(values, None)
        if header_row is None:
            raise UnreadableFile("the first sheet is empty")
        headers = [_cell_text(cell) for cell in header_row]
        _check_headers(headers)
        rows = []
        for row_number, cells in enumerate(values, start=2):
            if not any(cell not in (None, "") for cell in cells):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise UnreadableFile(f"the file has more than {max_rows} rows")
            rows.append((row_number, {
                header: cell for header, cell in zip(headers, cells, strict=False) if header
            }))
    finally:
        workbook.close()
    _check_rows(rows)
    return Table(headers=headers, rows=rows, file_format="xlsx", encoding="")


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat()
    return str(cell).strip()


def _check_headers(headers: list[str]) -> None:
    if not any(headers):
        raise UnreadableFile("the first row holds no column names")


def _check_rows(rows: list) -> None:
    if not rows:
        raise UnreadableFile("the file has column names but no rows")


def _limit(rows: Iterator, max_rows: int | None) -> Iterator:
    for count, row in enumerate(rows, start=1):
        if max_rows is not None and count > max_rows:
            raise UnreadableFile(f"the file has more than {max_rows} rows")
        yield row
