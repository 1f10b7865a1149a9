"""Files attached to progress reports: checked by their bytes, stored by their SHA-256.

An upload is refused when it is larger than the instance's limit (the web layer stops reading
at the limit, so an oversized body is never held whole), when its bytes are not one of the
allowed kinds (PDF, PNG, JPEG, XLSX, DOCX, plain text or CSV), when its name's extension
claims another kind than its bytes (an ``.exe`` or an HTML page renamed ``.pdf``), or when it is
a zip that unpacks beyond the workbook limits (the checks of :mod:`kaifang.data.guard`, which
stream the decompression instead of trusting declared sizes).

The bytes go to ``<instance>/attachments/ab/abcdef...`` (the SHA-256), written to a temporary
file in the same folder and renamed into place, so a file is there whole or not at all; the
same bytes uploaded twice are stored once. The metadata row and its audit entry are written in
the caller's transaction. A rolled-back transaction may leave a stored file that no row names;
it is content-addressed, so it is harmless and reused by the next upload of the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaifang.data.guard import workbook_problems
from kaifang.limits import MB, Limits
from kaifang.platform import audit
from kaifang.platform.access import Actor
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.ledger.access import get_measure, is_visible, require_editor
from kaifang.platform.ledger.models import LedgerAttachment
from kaifang.platform.ledger.reports import EDITABLE, get_report

# below the server's 6 MB cap on a request body, so the limit is ours to tell, not the guard's
DEFAULT_MAX_BYTES = 5 * MB
SETTING = "attachment_max_bytes"  # key of instance.json that changes the limit
FOLDER = "attachments"
MAX_NAME = 120
# what a zip (XLSX, DOCX) may unpack to: far above any real report, far below a zip bomb
UNPACKED = Limits(max_rows=200_000, max_columns=2_000, max_cells=5_000_000, max_bytes=100 * MB)

KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "csv": ("text/csv; charset=utf-8", (".csv",)),
    "text": ("text/plain; charset=utf-8", (".txt", ".csv", ".md")),
}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def max_bytes(folder: Path) -> int:
    """The instance's attachment limit: ``attachment_max_bytes`` of ``instance.json``, else
    :data:`DEFAULT_MAX_BYTES`."""
    try:
        settings = json.loads((folder / "instance.json").read_text(encoding="utf-8"))
        value = int(settings.get(SETTING, DEFAULT_MAX_BYTES))
    except (OSError, ValueError, TypeError, AttributeError):
        return DEFAULT_MAX_BYTES
    return value if value > 0 else DEFAULT_MAX_BYTES


def safe_name(name: str) -> str:
    """A file name that is safe to store and to send back: the last path part only, without
    unprintable or reserved characters, leading dots or spaces, at most ``MAX_NAME`` characters
    (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # not printable: control characters, and format characters such as U+202E, which
    # reverses the text after it ("report\u202efdp.exe" would show as "reportexe.pdf")
    name = "".join(c if c.isprintable() else "_" for c in _UNSAFE_NAME.sub("_", name)).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext.strip()[:10]
    # no hidden files (".htaccess"), no names of dots only
    stem = stem.lstrip(". ")[: MAX_NAME - len(ext) - 1].rstrip(". ") or "attachment"
    return f"{stem}.{ext}" if ext else stem


def _zip_kind(data: bytes) -> str:
    with tempfile.TemporaryDirectory(prefix="kaifang-upload-") as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        if workbook_problems(path, "upload", UNPACKED):
            raise Refused("attachment_unsafe_zip")
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
    if "[Content_Types].xml" not in names:
        raise Refused("attachment_type")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise Refused("attachment_macros")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise Refused("attachment_type")


def _text_kind(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise Refused("attachment_type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise Refused("attachment_type") from None
    if _CONTROL.search(text):
        raise Refused("attachment_type")
    # markup is refused: a browser would render an HTML or SVG page whatever its name says
    if text.lstrip().startswith("<"):
        raise Refused("attachment_type")
    return "csv" if name.lower().endswith(".csv") else "text"


def sniff(data: bytes, name: str) -> str:
    """The kind of a file by its bytes (a key of :data:`KINDS`); ``Refused`` for anything else
    or for a name whose extension claims another kind."""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
    else:
        kind = _text_kind(data, name)
    extension = os.path.splitext(name.lower())[1]
    if extension not in KINDS[kind][1]:
        # a format name as both languages write it (PDF, XLSX, TXT), not an English word
        shown = "TXT" if kind == "text" else kind.upper()
        raise Refused("attachment_mismatch", name=name, kind=shown)
    return kind


def blob_path(folder: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise NotFound("attachment")
    return folder / FOLDER / sha256[:2] / sha256


def store_bytes(folder: Path, data: bytes) -> str:
    """Write ``data`` under its SHA-256 (temporary file, then rename); returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(folder, digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{digest}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return digest


def attach(
    session: Session,
    actor: Actor,
    folder: Path,
    report_id: int,
    name: str,
    data: bytes,
    *,
    limit: int | None = None,
) -> LedgerAttachment:
    """Attach a file to a report that its department may still edit (draft or returned).

    ``limit`` defaults to the instance's :func:`max_bytes`. Audited in the caller's
    transaction (name, kind, size, hash).
    """
    report = get_report(session, actor, report_id, lock=True)
    measure = get_measure(session, actor, report.measure_id)
    require_editor(session, actor, measure)
    if report.state not in EDITABLE:
        raise Refused(
            "report_locked" if report.state == "approved" else "report_not_editable",
            state=report.state,
            at="",
        )
    limit = max_bytes(folder) if limit is None else limit
    if len(data) > limit:
        raise Refused("attachment_too_large", mb=f"{limit / MB:g}")
    if not data:
        raise Refused("attachment_empty")
    clean = safe_name(name)
    kind = sniff(data, clean)
    digest = store_bytes(folder, data)
    row = LedgerAttachment(
        report_id=report.id,
        measure_id=report.measure_id,
        filename=clean,
        content_type=KINDS[kind][0],
        size=len(data),
        sha256=digest,
        uploaded_by=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="ledger_attachment_add",
        object_type="ledger_report",
        object_id=f"{report.measure_id}/{report.period}",
        region=measure.home_region,
        after={
            "attachment": row.id,
            "name": clean,
            "type": KINDS[kind][0],
            "size": len(data),
            "sha256": digest,
        },
    )
    return row


def attachments_of(session: Session, actor: Actor, report_id: int) -> list[LedgerAttachment]:
    """The attachments of a visible report, oldest first."""
    report = get_report(session, actor, report_id)
    return list(
        session.scalars(
            select(LedgerAttachment)
            .where(LedgerAttachment.report_id == report.id)
            .order_by(LedgerAttachment.id)
        )
    )


@dataclass(frozen=True)
class StoredFile:
    attachment: LedgerAttachment
    path: Path


def open_attachment(session: Session, actor: Actor, folder: Path, attachment_id: int) -> StoredFile:
    """An attachment of a visible measure and the path of its bytes; ``NotFound`` otherwise
    (also when the stored bytes are missing or do not match their hash)."""
    row = session.scalar(
        select(LedgerAttachment).where(
            LedgerAttachment.id == attachment_id, is_visible(LedgerAttachment.measure_id, actor)
        )
    )
    if row is None:
        raise NotFound("attachment")
    path = blob_path(folder, row.sha256)
    if not path.is_file() or path.stat().st_size != row.size:
        raise NotFound("attachment")
    return StoredFile(row, path)
