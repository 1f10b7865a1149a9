"""Attachments of progress reports: allowed kinds by their bytes, disguised files, zip bombs,
oversized bodies refused before they are read whole, hostile names, downloads that are never
shown inline (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import GUIYANG_TASK, PROVINCE_TASK, import_guizhou, token
from platform_support import actor
from sqlalchemy import select

from kaifang.platform import audit
from kaifang.platform.errors import Refused
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import attachments, reports
from kaifang.platform.ledger.reports import ReportContent
from kaifang.platform.models import AuditEntry
from kaifang.platform.web import create_app
from kaifang.platform.web.ledger_api import read_limited

PERIOD = "2025Q1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["序号", "任务"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def bomb_bytes(unpacked: int = 150 * 2**20) -> bytes:
    """An XLSX-looking zip whose sheet unpacks to ``unpacked`` bytes of zeros (about 150 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * 2**20
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < 2**20 and zlib  # small on the wire
    return data


@pytest.fixture
def draft(platform: Platform) -> int:
    """A draft report of the Guiyang task (lead: commerce, the department of filler_gy)."""
    import_guizhou(platform)
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as session:
        return reports.save_report(
            session, filler, GUIYANG_TASK, PERIOD, ReportContent("on_track", 20)
        ).id


def _attach(platform: Platform, report_id: int, name: str, data: bytes, **kw: int) -> int:
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as session:
        row = attachments.attach(session, filler, platform.folder, report_id, name, data, **kw)
        return row.id


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("进展.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        (
            "台账.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "note.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("说明.txt", "第一季度进展顺利。\n".encode(), "text/plain; charset=utf-8"),
        ("data.csv", "region,value\n520100,1\n".encode("gb18030"), "text/csv; charset=utf-8"),
    ],
)
def test_allowed_kinds_are_stored_by_hash_and_audited(
    platform: Platform, draft: int, name: str, data: bytes, kind: str
) -> None:
    attachment_id = _attach(platform, draft, name, data)
    viewer = actor(platform, "viewer_gy")
    with platform.read(viewer) as session:
        stored = attachments.open_attachment(session, viewer, platform.folder, attachment_id)
        assert stored.attachment.content_type == kind
        assert stored.attachment.filename == name
        assert stored.path.read_bytes() == data
        assert stored.path.is_relative_to(platform.folder / "attachments")
    with platform.read() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert audit.verify_chain(entries) is None
    assert entries[-1].action == "ledger_attachment_add"
    assert entries[-1].after is not None and entries[-1].after["sha256"] == stored.path.name


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60 + b"This program", "attachment_type"),
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>", "attachment_type"),
        ("report.txt", b"  <svg onload=alert(1)>", "attachment_type"),
        ("report.png", PDF, "attachment_mismatch"),
        ("report.exe", b"plain words", "attachment_mismatch"),
        ("report.xlsx", b"PK\x03\x04 broken zip", "attachment_unsafe_zip"),
        ("report.xlsx", zip_bytes({"[Content_Types].xml": b"", "x.bin": b"1"}), "attachment_type"),
        (
            "report.xlsx",
            zip_bytes(
                {
                    "[Content_Types].xml": b"",
                    "xl/workbook.xml": b"",
                    "xl/vbaProject.bin": b"macro",
                }
            ),
            "attachment_macros",
        ),
        ("empty.txt", b"", "attachment_empty"),
        ("bell.txt", b"ring \x07", "attachment_type"),
    ],
)
def test_disguised_and_bad_files_are_refused(
    platform: Platform, draft: int, name: str, data: bytes, key: str
) -> None:
    with pytest.raises(Refused, match=key):
        _attach(platform, draft, name, data)
    with platform.read() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and last.action == "ledger_report_save"


def test_a_zip_bomb_disguised_as_a_workbook_is_refused(platform: Platform, draft: int) -> None:
    with pytest.raises(Refused, match="attachment_unsafe_zip"):
        _attach(platform, draft, "台账.xlsx", bomb_bytes())


def test_oversized_files_are_refused(platform: Platform, draft: int) -> None:
    with pytest.raises(Refused, match="attachment_too_large"):
        _attach(platform, draft, "big.txt", b"a" * 1001, limit=1000)
    _attach(platform, draft, "fits.txt", b"a" * 1000, limit=1000)


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.csv", "win.csv"),
        ("<script>alert(1)</script>.txt", "script_.txt"),
        ("a\x00b\r\n.txt", "a_b__.txt"),
        ("report\u202efdp.txt", "report_fdp.txt"),
        ("..txt", "attachment.txt"),
        ("x" * 300 + ".txt", "x" * 116 + ".txt"),
    ],
)
def test_names_are_sanitised(platform: Platform, draft: int, name: str, stored: str) -> None:
    attachment_id = _attach(platform, draft, name, b"words")
    admin = actor(platform, "admin")
    with platform.read(admin) as session:
        found = attachments.open_attachment(session, admin, platform.folder, attachment_id)
    assert found.attachment.filename == stored
    assert "/" not in stored and "\\" not in stored


def test_locked_and_foreign_reports_take_no_attachment(platform: Platform, draft: int) -> None:
    filler, prov = actor(platform, "filler_gy"), actor(platform, "prov")
    with platform.tx(filler) as session:
        reports.submit_report(session, filler, draft)
    with pytest.raises(Refused, match="report_not_editable"):
        _attach(platform, draft, "late.txt", b"words")
    with platform.tx(prov) as session:
        reports.review_report(session, prov, draft, "approve", seen_state="submitted")
    with pytest.raises(Refused, match="report_locked"):
        _attach(platform, draft, "late.txt", b"words")
    viewer = actor(platform, "viewer_gy")
    with pytest.raises(Refused, match="forbidden"), platform.tx(viewer) as session:
        attachments.attach(session, viewer, platform.folder, draft, "x.txt", b"words")


def test_api_upload_and_download(platform: Platform, draft: int) -> None:
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    url = f"/api/v1/ledger/measures/{GUIYANG_TASK}/reports/{PERIOD}/attachments"
    filler = token(platform, "filler_gy")
    answer = client.post(url, params={"name": "进展.pdf"}, content=PDF, headers=filler)
    assert answer.status_code == 200, answer.text
    attachment_id = answer.json()["id"]
    down = client.get(
        f"/api/v1/ledger/attachments/{attachment_id}", headers=token(platform, "prov")
    )
    assert down.status_code == 200 and down.content == PDF
    assert down.headers["content-disposition"].startswith("attachment;")
    assert down.headers["x-content-type-options"] == "nosniff"
    assert down.headers["content-type"] == "application/pdf"
    disguised = client.post(
        url, params={"name": "x.pdf"}, content=b"<html>hi</html>", headers=filler
    )
    assert disguised.status_code == 409 and disguised.json()["error"] == "attachment_type"
    # out of scope: the attachment does not exist for a user of Liupanshui
    other = client.get(
        f"/api/v1/ledger/attachments/{attachment_id}", headers=token(platform, "filler_lps")
    )
    assert other.status_code == 404
    measure = client.get(f"/api/v1/ledger/measures/{GUIYANG_TASK}", headers=filler).json()
    listed = next(r for r in measure["reports"] if r["period"] == PERIOD)["attachments"]
    assert [a["name"] for a in listed] == ["进展.pdf"]
    assert client.get(f"/api/v1/ledger/measures/{PROVINCE_TASK}", headers=filler).status_code == 404


def test_api_refuses_an_oversized_body_before_reading_it(platform: Platform, draft: int) -> None:
    settings_path = platform.folder / "instance.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    settings_path.write_text(json.dumps({**settings, "attachment_max_bytes": 4096}))
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    url = f"/api/v1/ledger/measures/{GUIYANG_TASK}/reports/{PERIOD}/attachments"
    filler = token(platform, "filler_gy")
    declared = client.post(url, params={"name": "a.txt"}, content=b"a" * 5000, headers=filler)
    assert declared.status_code == 413 and declared.json()["error"] == "attachment_too_large"
    streamed = client.post(
        url, params={"name": "a.txt"}, content=iter([b"a" * 1024] * 5), headers=filler
    )
    assert streamed.status_code == 413
    ok = client.post(url, params={"name": "a.txt"}, content=b"a" * 4096, headers=filler)
    assert ok.status_code == 200, ok.text
    assert not list(Path(platform.folder / "attachments").rglob("*.tmp"))


def test_reading_stops_at_the_limit() -> None:
    """A body streamed without a declared length is read only up to the limit (the test client
    buffers bodies, so the ASGI receive channel is driven here directly)."""
    pulled = 0

    async def receive() -> dict[str, object]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"a" * 1024, "more_body": pulled < 100}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""}
    request = Request(scope, receive)
    # in a thread of its own: other tests of the run may leave an event loop in this one
    with ThreadPoolExecutor(1) as pool, pytest.raises(Refused, match="attachment_too_large"):
        pool.submit(asyncio.run, read_limited(request, 4096)).result()
    assert pulled == 5  # 5 KiB read of 100 KiB, then refused


@given(st.text(max_size=400))
def test_safe_names_never_escape_or_hide(name: str) -> None:
    clean = attachments.safe_name(name)
    assert 0 < len(clean) <= attachments.MAX_NAME
    assert not clean.startswith((".", " "))
    assert not any(c in clean for c in '/\\<>:"|?*') and clean.isprintable()
    assert attachments.safe_name(clean) == clean  # idempotent: what is stored is what is sent


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=200).map(
        lambda b: b if b[:2] != b"PK" else b"x" + b
    )  # zips are covered above
    | st.sampled_from([b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]).flatmap(
        lambda head: st.binary(max_size=50).map(lambda tail: head + tail)
    ),
    st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.txt", "a.csv", "a.xlsx", "a"]),
)
def test_sniffing_any_bytes_gives_a_kind_or_a_refusal(data: bytes, name: str) -> None:
    try:
        kind = attachments.sniff(data, name)
    except Refused as exc:
        assert exc.key.startswith("attachment_")
        return
    assert kind in attachments.KINDS
    assert name.lower().endswith(attachments.KINDS[kind][1])


def test_a_mismatched_text_file_is_named_by_its_format_in_both_languages() -> None:
    from kaifang.platform.web.messages import t

    with pytest.raises(Refused) as caught:
        attachments.sniff(b"plain words", "report.exe")
    assert caught.value.params["kind"] == "TXT"
    zh = t(caught.value.key, "zh", **caught.value.params)
    assert "TXT" in zh and "TEXT" not in zh
