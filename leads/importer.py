"""Read inquiry exports (CSV or XLSX) into rows of canonical fields.

Pure: bytes in, ``Table`` out. Column presets map the headers of Alibaba.com
and Made-in-China.com exports (English and Chinese) onto the generic columns;
headers no preset knows stay in each row's raw copy.
"""

import codecs
import contextlib
import csv
import functools
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from charset_normalizer import from_bytes
from defusedxml import DefusedXmlException

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
# Keys of a table row that are not columns; a column of the same name is renamed.
# ``__row__`` is put in only by ``with_row_numbers``.
ROW_NUMBER = "__row__"
MARKERS = ("__error__", "__extra__", ROW_NUMBER)

# The whole file is in memory anyway; the csv module's default (128 KiB per cell) would
# split a long cell's row into several and misnumber every row after it.
csv.field_size_limit(64 * 1024 * 1024)


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not one row: the file)."""


def gettext_noop(text: str) -> str:
    """Marks an English phrase for the translation catalogue (Django's ``makemessages``
    extracts this name); the page translates it where it is shown: no Django here."""
    return text


class NotATable(UnreadableFile):
    """The file is something else: a PDF, an image, an archive, an old .xls, binary data.

    ``what`` and ``advice`` are phrases marked with ``gettext_noop`` for the pages to
    translate; ``detail`` is the file's own words (an image format, archive members).
    ``str()`` is the English sentence the command prints.
    """

    def __init__(self, what: str, advice: str = "", detail: str = ""):
        self.what, self.advice, self.detail = what, advice, detail
        described = f"{what} ({detail})" if detail else what
        super().__init__(f"this file is not a CSV or Excel (.xlsx) file: it is {described}"
                         + (f"; {advice}" if advice else ""))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {header: value})
    file_format: str
    encoding: str

    def __len__(self) -> int:
        return len(self.rows)


@functools.lru_cache(maxsize=4096)
def _header_key(header: str) -> str:
    text = str(header or "").replace("\ufeff", "").strip().casefold()
    text = re.sub(r"[\s_:：]+", " ", text)
    return text.strip()


@functools.cache
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
    """Parse ``data`` as XLSX (by its zip signature) or CSV (encoding detected); anything
    else (a PDF, an image, an archive, an old .xls, binary data) is ``NotATable``."""
    if not data.strip():
        raise UnreadableFile("the file is empty")
    _refuse_other_formats(data, filename)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, max_rows=max_rows)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile("the file is named .xlsx but is not an Excel workbook")
    return _read_csv(data, max_rows=max_rows)


def with_row_numbers(table: Table) -> Table:
    """``table`` with each row's spreadsheet row number in the row itself (``__row__``):
    an inquiry's raw copy then says where in the file it came from."""
    return Table(headers=table.headers,
                 rows=[(number, {**row, ROW_NUMBER: number}) for number, row in table.rows],
                 file_format=table.file_format, encoding=table.encoding)


# --- what a file is when it is not a table ----------------------------------------------------

EXPORT_AGAIN = gettext_noop(
    "export the inquiries as CSV or Excel (.xlsx) and import that file")
SAVE_AS_XLSX = gettext_noop("open it in Excel and save it as Excel Workbook (.xlsx) or CSV")
UNPACK = gettext_noop("unpack it and import the CSV or .xlsx file inside")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003: .xls, .doc, .ppt, .msg
IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
)
ARCHIVES = ((b"\x1f\x8b", "gzip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "RAR"))
# What a ZIP holds when it is an Office file other than a workbook (lower-case names).
ZIP_KINDS = (
    ("xl/workbook.bin", gettext_noop("an Excel binary workbook (.xlsb)"), SAVE_AS_XLSX),
    ("word/document.xml", gettext_noop("a Word document (.docx)"), EXPORT_AGAIN),
    ("ppt/presentation.xml", gettext_noop("a PowerPoint presentation (.pptx)"), EXPORT_AGAIN),
)


def _refuse_other_formats(data: bytes, filename: str) -> None:
    """Raise ``NotATable`` for a file that is recognisably something else: by its first
    bytes (magic numbers), by what a ZIP holds, or by the NUL bytes no text file has."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        raise NotATable(gettext_noop("a PDF document"), EXPORT_AGAIN)
    if head.startswith(OLE2):
        if filename.lower().endswith((".xls", ".xlt")) or not filename:
            raise NotATable(gettext_noop("an Excel 97-2003 workbook (.xls)"), SAVE_AS_XLSX)
        raise NotATable(gettext_noop("an Office 97-2003 file (.xls, .doc or .ppt)"),
                        gettext_noop("if it is an Excel workbook, open it in Excel and save "
                                     "it as Excel Workbook (.xlsx) or CSV"))
    image = next((name for magic, name in IMAGES if head.startswith(magic)), None)
    if image is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        image = "WebP"
    if image is None and head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":
        image = "BMP"
    if image:
        raise NotATable(gettext_noop("an image"), EXPORT_AGAIN, detail=image)
    archive = next((name for magic, name in ARCHIVES if head.startswith(magic)), None)
    if archive:
        raise NotATable(gettext_noop("a compressed archive"), UNPACK, detail=archive)
    if head[:4] == b"PK\x03\x04":
        _refuse_other_zips(data)
        return
    if re.match(rb"\s*(<!doctype html|<html)", data[:1024].lstrip(b"\xef\xbb\xbf"), re.I):
        raise NotATable(gettext_noop("a web page (HTML)"),
                        gettext_noop("if a platform gave it to you as .xls, open it in Excel "
                                     "and save it as Excel Workbook (.xlsx) or CSV"))
    if _binary(data[:8192]):
        raise NotATable(gettext_noop("binary data, not text"), EXPORT_AGAIN)


def _refuse_other_zips(data: bytes) -> None:
    """A ZIP that is not a workbook: another Office file, an OpenDocument, an archive. A
    ZIP that cannot be opened is left to the workbook reader (it says "damaged")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = ""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace")
    except Exception:  # zipfile raises many types for broken archives
        return
    lowered = {name.lower() for name in names}
    if "[content_types].xml" in lowered and any(n.startswith("xl/") for n in lowered) \
            and "xl/workbook.bin" not in lowered:
        return
    for member, what, advice in ZIP_KINDS:
        if member in lowered:
            raise NotATable(what, advice)
    if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
        raise NotATable(gettext_noop("an OpenDocument spreadsheet (.ods)"),
                        gettext_noop("open it and save it as Excel Workbook (.xlsx) or CSV"))
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise NotATable(gettext_noop("an OpenDocument file"), EXPORT_AGAIN)
    files = [name for name in names if not name.endswith("/")]
    shown = ", ".join(_printable(name) for name in files[:3])
    raise NotATable(gettext_noop("a ZIP archive"), UNPACK,
                    detail=shown + (f", … ({len(files)} files)" if len(files) > 3 else ""))


def _printable(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable())[-60:]


def _binary(sample: bytes) -> bool:
    """NUL bytes that are not UTF-16 text, in a sample that is not UTF-8 either (a stray
    NUL in a UTF-8 export is noise, dropped while reading), or nothing but NULs."""
    nuls = sample.count(0)
    if not nuls:
        return False
    if not sample.replace(b"\x00", b"").strip():
        return True
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_shaped(sample, nuls):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _utf16_shaped(sample: bytes, nuls: int) -> bool:
    """UTF-16 without a BOM: a NUL in many of the characters (every ASCII one), always on
    the same side of the pair; binary data has fewer, on both sides."""
    even = sample[0::2].count(0)
    return nuls * 10 >= len(sample) and max(even, nuls - even) >= 0.8 * nuls


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
    # PostgreSQL stores no NUL; in a text export it is noise (or UTF-16 read as UTF-8).
    text = text.replace("\x00", "")
    records = _csv_records(text, _dialect(text))
    _, header_row = next(records, (1, None))
    if header_row is None:
        raise UnreadableFile("the file has no header row")
    if isinstance(header_row, str):
        raise UnreadableFile(f"the header row cannot be read: {header_row}")
    headers = _headers(header_row)
    _check_headers(headers)
    rows = list(_limit(_csv_rows(records, headers), max_rows))
    _check_rows(rows)
    return Table(headers=headers, rows=rows, file_format="csv", encoding=encoding)


DELIMITERS = ",;\t|"


def _dialect(text: str) -> csv.Dialect:
    """Excel's CSV with the delimiter that splits the header line into most cells, else
    the one csv's sniffer guesses from a sample (the header is short and plain; a sample
    can be one long message). The quote is always '"': a guessed "'" would join rows."""
    header_line = re.split(r"[\r\n]", text, maxsplit=1)[0]
    cells = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in DELIMITERS}
    most = max(cells.values())
    dialect = csv.excel()
    dialect.skipinitialspace = True  # a, "b, c": one quoted cell, not two halves
    if most > 1 and list(cells.values()).count(most) == 1:
        dialect.delimiter = max(cells, key=cells.get)
    else:
        with contextlib.suppress(csv.Error):  # nothing to guess from: a comma
            dialect.delimiter = csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter
    return dialect


# Each quote left open to the end of the file costs a second read of the rest of it;
# beyond this many the file is not the CSV it claims to be.
MAX_UNCLOSED_QUOTES = 10


class _Lines:
    """The file's lines for ``csv.reader``, able to go back to a line."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.next = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def _csv_records(text: str, dialect) -> Iterator[tuple[int, list[str] | str]]:
    """(record number, cells), or (record number, reason) for a record that cannot be read.

    A stray quote opens a cell that takes in the lines after it, up to the next quote or
    the end of the file: rows silently lost. A record over several lines that strict CSV
    refuses is reported on its first line instead, and reading goes on with the next line.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, dialect)
    number, unclosed = 0, 0
    while True:
        start = lines.next
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, f"the line cannot be parsed as CSV: {exc}"
            continue
        if lines.next - start > 1 and not _strict_csv(lines.lines[start:lines.next], dialect):
            if lines.next == len(lines.lines):
                unclosed += 1
                if unclosed > MAX_UNCLOSED_QUOTES:
                    raise UnreadableFile(
                        f"more than {MAX_UNCLOSED_QUOTES} quoted cells are never closed; is "
                        "it really a CSV file?"
                    )
            lines.next = start + 1
            yield number, (
                'a quote (") opens a cell here that does not close where a cell ends; fix the '
                "quotes and import this row again"
            )
            continue
        yield number, cells


def _strict_csv(lines: list[str], dialect) -> bool:
    try:
        for _ in csv.reader(lines, dialect, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _csv_rows(records, headers: list[str]) -> Iterator[tuple[int, dict]]:
    for row_number, values in records:
        if isinstance(values, str):
            yield row_number, {"__error__": values}
            continue
        if not any(value.strip() for value in values):
            continue
        yield row_number, _row(headers, values)


def _headers(cells) -> list[str]:
    headers = [_cell_text(cell) for cell in cells]
    return [f"{header} (column)" if header in MARKERS else header for header in headers]


def _row(headers: list[str], values) -> dict:
    """{header: value}. Under a repeated header the first non-empty value wins (as in
    ``map_row``); other non-empty values, and those past the last header, go to
    ``__extra__`` so that nothing the file holds is dropped."""
    row: dict = {}
    extra = []
    for header, value in zip(headers, values, strict=False):
        if row.get(header) in (None, ""):
            row[header] = value
        elif value not in (None, ""):
            extra.append(value)
    extra += [value for value in values[len(headers):] if value not in (None, "")]
    if extra:
        row["__extra__"] = [value if isinstance(value, str) else _cell_text(value)
                            for value in extra]
    return row


# A zip bomb unpacks to far more than any real export; refuse before reading.
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
# Excel's last row: a row numbered beyond it only comes from a forged file, and
# openpyxl would yield an empty row for every number skipped up to it.
EXCEL_MAX_ROW = 1_048_576


def _read_xlsx(data: bytes, *, max_rows: int | None) -> Table:
    import openpyxl  # with defusedxml installed, openpyxl parses XML safely

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"the workbook is damaged: {exc}") from exc
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
        raise UnreadableFile(
            f"the workbook would unpack to {unpacked / 2**20:.1f} MB from "
            f"{len(data) / 1024:.0f} KB ({unpacked // max(len(data), 1)} times its size); "
            f"Leadqual opens at most {MAX_XLSX_UNPACKED // 2**20} MB and {MAX_XLSX_RATIO} "
            "times the file's size, so it was refused as a possible zip bomb"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UnreadableFile(_xlsx_problem(exc, "the workbook cannot be opened")) from exc
    try:
        headers, rows = _xlsx_rows(workbook, max_rows=max_rows)
    except UnreadableFile:
        raise
    except Exception as exc:  # cells are parsed while reading: a broken sheet fails here
        raise UnreadableFile(_xlsx_problem(exc, "the workbook is damaged")) from exc
    finally:
        workbook.close()
    _check_rows(rows)
    return Table(headers=headers, rows=rows, file_format="xlsx", encoding="")


def _xlsx_rows(workbook, *, max_rows: int | None) -> tuple[list[str], list[tuple[int, dict]]]:
    if not workbook.worksheets:
        raise UnreadableFile("the workbook has no worksheet")
    sheet = workbook.worksheets[0]
    # The <dimension> a file declares may be wrong; trusted, it would cut rows off.
    sheet.reset_dimensions()
    values = enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1)
    _, header_row = next(values, (0, None))
    if header_row is None:
        raise UnreadableFile("the first sheet is empty")
    headers = _headers(header_row)
    _check_headers(headers)
    rows = []
    for row_number, cells in values:
        if row_number > EXCEL_MAX_ROW:
            raise UnreadableFile(
                f"the sheet goes on past row {EXCEL_MAX_ROW:,}, Excel's last row; the file was "
                "not saved by Excel"
            )
        if not any(cell not in (None, "") for cell in cells):
            continue
        if max_rows is not None and len(rows) >= max_rows:
            raise UnreadableFile(_too_many_rows(max_rows))
        rows.append((row_number, _row(headers, [_xlsx_value(cell) for cell in cells])))
    return headers, rows


def _xlsx_value(cell):
    # JSON (and so PostgreSQL) has no infinity; Excel never writes one, a forged file may.
    if isinstance(cell, float) and not math.isfinite(cell):
        return str(cell)
    return cell


def _xlsx_problem(exc: Exception, what: str) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ("the workbook contains XML entity declarations, which are refused as "
                    "unsafe (open it in Excel and save it again)")
        cause = cause.__cause__ or cause.__context__
    return f"{what}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


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
            raise UnreadableFile(_too_many_rows(max_rows))
        yield row


def _too_many_rows(max_rows: int) -> str:
    return (f"the file has more than {max_rows:,} rows, the most one import takes; split it "
            "and import the parts")
