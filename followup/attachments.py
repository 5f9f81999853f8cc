"""What a file sent to buyers may be: its real type from its first bytes, and the sizes.

Pure: bytes and names in, a ``FileCheck`` out, no Django. An allow-list, not a
deny-list: a PDF, a JPEG or PNG image, an Excel workbook (.xlsx), a CSV table or a
Word document (.docx), each recognised by its content, and named with an extension
that agrees with it. Anything else is refused with the reason a person can act on:
programs and scripts, archives, Office files with macros, encrypted or broken
files, a name that claims another type. The reasons are codes (``Problem``); the
pages word them in the user's language.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum


def gettext_noop(text: str) -> str:
    """Marks an English phrase for the translation catalogue (Django's ``makemessages``
    extracts this name); the pages translate ``FileCheck.seen_as``, not this module."""
    return text


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    PROGRAM = "program"  # an executable, a script, a disk image
    ARCHIVE = "archive"  # zip, rar, 7z, gzip, ...
    MACROS = "macros"  # an Office file with macros
    ENCRYPTED = "encrypted"
    BROKEN = "broken"  # looks like an allowed type but cannot be read as one
    MISMATCH = "mismatch"  # the name says another type than the content
    UNKNOWN = "unknown"  # none of the allowed types


@dataclass(frozen=True)
class Allowed:
    kind: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


ALLOWED = {
    "pdf": Allowed("pdf", "PDF", "application/pdf", ("pdf",)),
    "jpeg": Allowed("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
    "png": Allowed("png", "PNG", "image/png", ("png",)),
    "xlsx": Allowed("xlsx", "XLSX",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ("xlsx",)),
    "docx": Allowed("docx", "DOCX",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ("docx",)),
    "csv": Allowed("csv", "CSV", "text/csv", ("csv",)),
}
ACCEPT = ",".join(f".{ext}" for allowed in ALLOWED.values() for ext in allowed.extensions)


@dataclass(frozen=True)
class FileCheck:
    """``allowed`` when the file may be sent, else ``problem`` (and what it was seen as)."""

    allowed: Allowed | None = None
    problem: Problem | None = None
    seen_as: str = ""  # e.g. "a Windows program", "a ZIP archive": for the message

    @property
    def ok(self) -> bool:
        return self.allowed is not None


# First bytes of what is never sent: (signature, offset, what it is, problem).
_REFUSED = (
    (b"MZ", 0, gettext_noop("a Windows program"), Problem.PROGRAM),
    (b"\x7fELF", 0, gettext_noop("a Linux program"), Problem.PROGRAM),
    (b"\xcf\xfa\xed\xfe", 0, gettext_noop("a macOS program"), Problem.PROGRAM),
    (b"\xce\xfa\xed\xfe", 0, gettext_noop("a macOS program"), Problem.PROGRAM),
    (b"\xca\xfe\xba\xbe", 0, gettext_noop("a program (Mach-O or Java class)"), Problem.PROGRAM),
    (b"#!", 0, gettext_noop("a script"), Problem.PROGRAM),
    (b"CD001", 0x8001, gettext_noop("a disk image (ISO)"), Problem.PROGRAM),
    (b"koly", -512, gettext_noop("a disk image (DMG)"), Problem.PROGRAM),
    (b"PK\x03\x04", 0, gettext_noop("a ZIP archive"), Problem.ARCHIVE),
    (b"PK\x05\x06", 0, gettext_noop("a ZIP archive"), Problem.ARCHIVE),
    (b"Rar!\x1a\x07", 0, gettext_noop("a RAR archive"), Problem.ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", 0, gettext_noop("a 7-Zip archive"), Problem.ARCHIVE),
    (b"\x1f\x8b", 0, gettext_noop("a gzip archive"), Problem.ARCHIVE),
    (b"BZh", 0, gettext_noop("a bzip2 archive"), Problem.ARCHIVE),
    (b"\xfd7zXZ\x00", 0, gettext_noop("an xz archive"), Problem.ARCHIVE),
    (b"\x28\xb5\x2f\xfd", 0, gettext_noop("a zstd archive"), Problem.ARCHIVE),
    (b"MSCF", 0, gettext_noop("a cabinet archive"), Problem.ARCHIVE),
    (b"ustar", 257, gettext_noop("a tar archive"), Problem.ARCHIVE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0,
     gettext_noop("an old Office file (.doc/.xls), which can carry macros"), Problem.MACROS),
)
_TEXT_DANGER = re.compile(rb"^\s*(?:<\?php|<script|<html|<!doctype html|@echo off|"
                          rb"#!|powershell|<svg)", re.IGNORECASE)
# A PDF that starts a program, runs JavaScript or carries other files: what mail
# filters hold back (only what is not inside compressed object streams is seen).
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?)[\s/<(\[]")
_PROGRAM_NAMES = {"exe", "scr", "com", "pif", "cpl", "msi", "msp", "bat", "cmd", "ps1", "vbs",
                  "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "jar", "reg", "dll", "app",
                  "sh", "apk", "iso", "img", "dmg", "html", "htm", "svg"}
_ARCHIVE_NAMES = {"zip", "rar", "7z", "gz", "tgz", "tar", "cab", "bz2", "xz", "zst", "arj",
                  "lzh", "ace"}
_MACRO_NAMES = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "doc", "xls", "ppt"}
_OOXML_MAIN = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}
_SCAN_MEMBERS = 2000  # a real workbook or document has a few dozen parts


def extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ").lower()
    return base.rpartition(".")[2] if "." in base else ""


def safe_filename(name: str, *, kind: str | None = None, limit: int = 150) -> str:
    """The name the buyer sees: the upload's own, without a path, control characters or
    characters mail programs and file systems choke on, ending in the type's extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if c.isprintable() and c not in '<>:"/\\|?*')
    base = " ".join(base.split()).strip(" .") or "file"
    if kind is not None and extension(base) not in ALLOWED[kind].extensions:
        base = f"{base}.{ALLOWED[kind].extensions[0]}"
    stem, dot, ext = base.rpartition(".")
    if len(base) > limit and dot:
        base = f"{stem[:limit - len(ext) - 1]}.{ext}"
    return base[:limit]


def file_check(name: str, data: bytes, *, max_bytes: int) -> FileCheck:
    """May this upload be sent to buyers? Decided from its content, then its name."""
    if not data:
        return FileCheck(problem=Problem.EMPTY)
    if len(data) > max_bytes:
        return FileCheck(problem=Problem.TOO_LARGE)
    ext = extension(name)
    kind = _content_kind(data)
    if isinstance(kind, FileCheck):
        return kind
    if kind is None:
        if ext in _PROGRAM_NAMES:
            return FileCheck(problem=Problem.PROGRAM,
                             seen_as=gettext_noop("a program, script or web page (its name)"))
        if ext in _ARCHIVE_NAMES:
            return FileCheck(problem=Problem.ARCHIVE,
                             seen_as=gettext_noop("an archive (its name)"))
        if ext in _MACRO_NAMES:
            return FileCheck(problem=Problem.MACROS,
                             seen_as=gettext_noop("an old or macro-enabled Office file (its "
                                                  "name)"))
        return FileCheck(problem=Problem.UNKNOWN)
    allowed = ALLOWED[kind]
    if ext not in allowed.extensions:
        return FileCheck(problem=Problem.MISMATCH, seen_as=allowed.label)
    return FileCheck(allowed=allowed)


def _content_kind(data: bytes) -> str | FileCheck | None:
    """The allowed kind the bytes are, a refusal, or None (not one of ours)."""
    if data.startswith(b"%PDF-"):
        if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
            return FileCheck(problem=Problem.ENCRYPTED, seen_as="PDF")
        if _PDF_ACTIVE.search(data):
            return FileCheck(problem=Problem.PROGRAM,
                             seen_as=gettext_noop("a PDF that runs scripts or carries other "
                                                  "files"))
        return "pdf" if b"%%EOF" in data[-2048:] else FileCheck(problem=Problem.BROKEN,
                                                                 seen_as="PDF")
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    for signature, offset, what, problem in _REFUSED:
        start = offset if offset >= 0 else len(data) + offset
        if start >= 0 and data[start:start + len(signature)] == signature:
            return FileCheck(problem=problem, seen_as=what)
    return "csv" if _is_table_text(data) else None


def _ooxml_kind(data: bytes) -> str | FileCheck:
    """A ZIP that is an .xlsx workbook or a .docx document without macros; any other
    ZIP is an archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return FileCheck(problem=Problem.ARCHIVE, seen_as=gettext_noop("a ZIP archive"))
    if len(members) > _SCAN_MEMBERS:
        return FileCheck(problem=Problem.ARCHIVE, seen_as=gettext_noop("a ZIP archive"))
    if any(member.flag_bits & 0x1 for member in members):
        return FileCheck(problem=Problem.ENCRYPTED, seen_as=gettext_noop("a ZIP archive"))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        return FileCheck(problem=Problem.ARCHIVE, seen_as=gettext_noop("a ZIP archive"))
    try:
        if archive.getinfo("[Content_Types].xml").file_size > 1_000_000:  # not Office's
            return FileCheck(problem=Problem.BROKEN, seen_as=gettext_noop("an Office file"))
        types = archive.read("[Content_Types].xml").lower()
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, KeyError):
        return FileCheck(problem=Problem.BROKEN, seen_as=gettext_noop("an Office file"))
    if (b"macroenabled" in types or b"vbaproject" in types
            or any(name.lower().endswith("vbaproject.bin") for name in names)):
        return FileCheck(problem=Problem.MACROS,
                         seen_as=gettext_noop("an Office file with macros"))
    for kind, main in _OOXML_MAIN.items():
        if main in names:
            return kind
    return FileCheck(problem=Problem.UNKNOWN,
                     seen_as=gettext_noop("an Office file other than .xlsx or .docx"))


def _is_table_text(data: bytes) -> bool:
    """Plain text in UTF-8 or GB18030 (Excel's CSV in China), with no NUL bytes, not a
    web page or a script, and with a delimiter: a CSV table."""
    head = data[:65_536].removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in head or _TEXT_DANGER.match(head):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4 and encoding == "utf-8":  # cut mid-character
                text = head[:exc.start].decode(encoding)
            else:
                continue
        printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
        return printable >= len(text) * 0.98 and any(d in text for d in ",;\t|")
    return False


def human_size(size: int) -> str:
    """1.4 MB, 820 KB, 312 bytes: the file's size as people read it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} bytes"


# Words that tell the buyer something is attached (English, Chinese and the buyers'
# common languages). Quoted lines ("> ...") are not ours and do not count.
_ATTACHED_WORDS = re.compile(
    r"\battach(?:ed|ment|ments|ing)?\b|\benclos(?:ed|ing|ure)\b|附件|随附|附上|附带|"
    r"\badjunt[oa]s?\b|\badjuntamos\b|\bem anexo\b|\banexamos\b|\bci-joint|"
    r"pi[eè]ces? jointes?|\bim anhang\b|\banbei\b|\bangeh[äa]ngt\b|во вложении|"
    r"прилага|\bمرفق", re.IGNORECASE)


def mentions_attachment(text: str) -> str:
    """The first word in our own lines of ``text`` saying something is attached, or ""."""
    own = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    found = _ATTACHED_WORDS.search(own)
    return found.group(0) if found else ""


def attached_sentence(names: list[str]) -> str:
    """What ``{attachments}`` in a step's message becomes: the names of the files sent."""
    return f"Attached: {', '.join(names)}." if names else ""


def tiny_pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF that shows ``lines`` (ASCII): demo and test files."""
    text = " ".join(
        f"({line.replace(chr(92), '').replace('(', '[').replace(')', ']')}) Tj 0 -22 Td"
        for line in lines)
    stream = f"BT /F1 16 Tf 72 760 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)
