"""The permission matrix of the ledger's API: every role x every endpoint x a measure in and
out of the user's scope, on SQLite and PostgreSQL (the style of test_platform_permissions).

Each role is played by a user whose scope is Guiyang (520100); the filler belongs to the
department of commerce, which leads the Guiyang task. A measure of the whole province
(520000) is outside that scope and must be invisible: 404, as a measure that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from ledger_support import GUIYANG_TASK, PROVINCE_TASK, import_guizhou, set_report_state, token
from platform_support import BACKENDS, PASSWORD, actor, drop_pg_database, make_platform
from sqlalchemy import select

from kaifang.platform import accounts
from kaifang.platform.access import SYSTEM
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import attachments, store
from kaifang.platform.ledger.models import LedgerAttachment, LedgerReport
from kaifang.platform.models import User
from kaifang.platform.web import create_app

ROLES = ("admin", "province_reviewer", "prefecture_reviewer", "filler", "viewer")
ALL = set(ROLES)
IN, OUT = GUIYANG_TASK, PROVINCE_TASK
PERIOD = "2025Q1"
MILESTONE = {IN: "centre_open", OUT: "fdi_events"}
REPORT = "/api/v1/ledger/measures/{m}/reports/" + PERIOD

# name -> (method, path, report state first, JSON body or raw bytes, roles allowed)
BY_MEASURE: dict[str, tuple[str, str, str, Any, set[str]]] = {
    "measure": ("GET", "/api/v1/ledger/measures/{m}", "draft", None, ALL),
    "save_report": (
        "PUT",
        REPORT,
        "draft",
        {"status": "at_risk", "percent": 30},
        {"admin", "filler"},
    ),
    "submit": ("POST", REPORT + "/submit", "draft", {}, {"admin", "filler"}),
    "approve": (
        "POST",
        REPORT + "/review",
        "submitted",
        {"action": "approve", "seen_state": "submitted"},
        {"admin", "province_reviewer", "prefecture_reviewer"},
    ),
    "return": (
        "POST",
        REPORT + "/review",
        "submitted",
        {"action": "return", "seen_state": "submitted", "comment": "补充材料"},
        {"admin", "province_reviewer", "prefecture_reviewer"},
    ),
    "upload": (
        "POST",
        REPORT + "/attachments?name=note.txt",
        "draft",
        b"words",
        {"admin", "filler"},
    ),
    "download": ("GET", "/api/v1/ledger/attachments/{a}", "approved", None, ALL),
    "edit_measure": ("PATCH", "/api/v1/ledger/measures/{m}", "draft", {"reason": "x"}, {"admin"}),
    "edit_milestone": (
        "PATCH",
        "/api/v1/ledger/measures/{m}/milestones/{ms}",
        "draft",
        {"reopen": False},
        {"admin"},
    ),
}
GLOBAL = {
    "measures": "/api/v1/ledger/measures",
    "filtered": "/api/v1/ledger/measures?department=commerce&status=on_track",
    "reminders": "/api/v1/ledger/reminders?as_of=2025-01-20",
    "export": "/api/v1/ledger/export.xlsx",
}


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Platform, dict[str, dict[str, str]], dict[str, int]]]:
    role = request.getfixturevalue("app_role") if request.param == "postgresql" else None
    real_hasher = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    folder: Path = tmp_path_factory.mktemp("ledger_matrix") / "instance"
    platform, dbname = make_platform(folder, request.param, role)
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with platform.tx(admin) as session:
        for r in ROLES:
            accounts.create_user(
                session,
                admin,
                username=f"m_{r}",
                display_name=r,
                password=PASSWORD,
                role=r,
                scope=["520100"],
            )
        store.set_user_department(session, admin, "m_filler", "commerce")
    attachment_ids = {}
    for measure in (IN, OUT):
        _prepare(platform, "draft")
        with platform.tx() as session:
            report = session.scalars(
                select(LedgerReport).where(
                    LedgerReport.measure_id == measure, LedgerReport.period == PERIOD
                )
            ).one()
            row = attachments.attach(session, SYSTEM, platform.folder, report.id, "a.txt", b"hi")
            attachment_ids[measure] = row.id
    headers = {r: token(platform, f"m_{r}") for r in ROLES}
    yield platform, headers, attachment_ids
    platform.close()
    accounts._hasher = real_hasher
    if dbname is not None:
        drop_pg_database(dbname)


def _prepare(platform: Platform, state: str) -> None:
    set_report_state(platform, (IN, OUT), PERIOD, state)


def _call(client: TestClient, headers: dict[str, str], method: str, path: str, body: Any) -> int:
    if isinstance(body, bytes):
        response = client.request(method, path, content=body, headers=headers)
    elif body is not None:
        response = client.request(method, path, json=body, headers=headers)
    else:
        response = client.request(method, path, headers=headers)
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text
    return response.status_code


@pytest.mark.parametrize("endpoint", sorted(BY_MEASURE))
def test_measure_endpoints(matrix: Any, endpoint: str) -> None:
    platform, headers, attachment_ids = matrix
    method, path, state, body, allowed = BY_MEASURE[endpoint]
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    for role in ROLES:
        _prepare(platform, state)
        status = _call(
            client,
            headers[role],
            method,
            path.format(m=IN, a=attachment_ids[IN], ms=MILESTONE[IN]),
            body,
        )
        if role in allowed:
            assert status == 200, f"{role} {endpoint} in scope: expected allowed, got {status}"
        else:
            assert status == 403, f"{role} {endpoint} in scope: expected 403, got {status}"
        _prepare(platform, state)
        status = _call(
            client,
            headers[role],
            method,
            path.format(m=OUT, a=attachment_ids[OUT], ms=MILESTONE[OUT]),
            body,
        )
        assert status == 404, f"{role} {endpoint} out of scope: expected 404, got {status}"


@pytest.mark.parametrize("endpoint", sorted(GLOBAL))
def test_global_endpoints_show_only_the_scope(matrix: Any, endpoint: str) -> None:
    platform, headers, _ = matrix
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    _prepare(platform, "approved")
    for role in ROLES:
        response = client.get(GLOBAL[endpoint], headers=headers[role])
        assert response.status_code == 200, (role, response.text[:300])
        text = response.text if endpoint != "export" else ""
        assert OUT not in text, f"{role} {endpoint} shows a measure out of scope"
        if endpoint == "measures":
            assert IN in text


def test_no_login_no_ledger(matrix: Any) -> None:
    platform, _, _ = matrix
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    assert client.get("/api/v1/ledger/measures").status_code == 401
    assert client.put(REPORT.format(m=IN), json={"status": "done", "percent": 1}).status_code == 401
    with platform.read() as session:
        assert session.scalar(select(User).where(User.username == "m_filler")) is not None
        assert session.scalars(select(LedgerAttachment)).first() is not None
