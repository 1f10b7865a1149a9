"""The permission matrix: every role x every endpoint x a region in and out of the user's scope,
over HTTP (pages and API), on SQLite and PostgreSQL.

Each role is played by a user whose scope is Guiyang (520100); Liupanshui (520200) is outside it
and must be invisible: 404, the same answer as for a region that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from platform_support import BACKENDS, LOCAL, PASSWORD, drop_pg_database, login, make_platform
from sqlalchemy import select

from kaifang.platform import accounts, data_entry, workflow
from kaifang.platform.instance import Platform
from kaifang.platform.models import Period, Submission, User
from kaifang.platform.web import create_app

ROLES = ("admin", "province_reviewer", "prefecture_reviewer", "filler", "viewer")
IN, OUT = "520100", "520200"
ALL = set(ROLES)

# name -> (method, path, state the submissions are put in first, form or JSON body, roles allowed)
REGIONAL: dict[str, tuple[str, str, str, dict[str, Any] | None, set[str]]] = {
    "form_page": ("GET", "/periods/2024/{r}", "draft", None, ALL),
    "save_values": (
        "POST",
        "/periods/2024/{r}/values",
        "draft",
        {"v_gdp": "12"},
        {"admin", "filler"},
    ),
    "submit": ("POST", "/periods/2024/{r}/submit", "draft", {}, {"admin", "filler"}),
    "approve_prefecture": (
        "POST",
        "/periods/2024/{r}/review",
        "submitted",
        {"action": "approve", "seen_state": "submitted"},
        {"admin", "prefecture_reviewer"},
    ),
    "return": (
        "POST",
        "/periods/2024/{r}/review",
        "submitted",
        {"action": "return", "seen_state": "submitted", "comment": "check GDP"},
        {"admin", "prefecture_reviewer"},
    ),
    "approve_province": (
        "POST",
        "/periods/2024/{r}/review",
        "prefecture_approved",
        {"action": "approve", "seen_state": "prefecture_approved"},
        {"admin", "province_reviewer"},
    ),
    "unapprove_province": (
        "POST",
        "/periods/2024/{r}/review",
        "province_approved",
        {"action": "unapprove", "seen_state": "province_approved", "comment": "typo"},
        {"admin", "province_reviewer"},
    ),
    "template": ("GET", "/periods/2024/{r}/template.xlsx", "draft", None, ALL),
    "api_get": ("GET", "/api/v1/periods/2024/regions/{r}", "draft", None, ALL),
    "api_validate": (
        "POST",
        "/api/v1/periods/2024/regions/{r}/validate",
        "draft",
        {"json": {"values": {"gdp": "1"}}},
        ALL,
    ),
    "api_put": (
        "PUT",
        "/api/v1/periods/2024/regions/{r}/values",
        "draft",
        {"json": {"values": {"gdp": 13}}},
        {"admin", "filler"},
    ),
    "api_submit": (
        "POST",
        "/api/v1/periods/2024/regions/{r}/submit",
        "draft",
        {"json": {}},
        {"admin", "filler"},
    ),
    "api_approve": (
        "POST",
        "/api/v1/periods/2024/regions/{r}/review",
        "submitted",
        {"json": {"action": "approve", "seen_state": "submitted"}},
        {"admin", "prefecture_reviewer"},
    ),
}
GLOBAL: dict[str, tuple[str, str, str, dict[str, Any] | None, set[str]]] = {
    "periods": ("GET", "/periods", "draft", None, ALL),
    "create_period": (
        "POST",
        "/periods",
        "draft",
        {"code": "p{n}", "year": "2030", "name_zh": "x", "name_en": "x"},
        {"admin"},
    ),
    "close_period": ("POST", "/periods/2024/state", "draft", {"state": "closed"}, {"admin"}),
    "publish": ("POST", "/periods/2024/publish", "province_approved", {}, {"admin"}),
    "audit": (
        "GET",
        "/audit",
        "draft",
        None,
        {"admin", "province_reviewer", "prefecture_reviewer"},
    ),
    "users": ("GET", "/users", "draft", None, {"admin"}),
    "create_user": (
        "POST",
        "/users",
        "draft",
        {"username": "u{n}", "password": PASSWORD, "role": "viewer", "scope": IN},
        {"admin"},
    ),
    "account": ("GET", "/account", "draft", None, ALL),
    # the per-indicator validation rules: everyone reads them, the administrator edits them
    "rules": ("GET", "/rules", "draft", None, ALL),
    "period_rules": ("GET", "/rules/periods/2024", "draft", None, ALL),
    "save_rules": (
        "POST",
        "/rules",
        "draft",
        {"row:fdi_actual": "1", "low:fdi_actual": "0", "yoy:fdi_actual": "1.{n}"},
        {"admin"},
    ),
    "save_period_rules": (
        "POST",
        "/rules/periods/2024",
        "draft",
        {"row:fdi_actual": "1", "low:fdi_actual": "0", "yoy:fdi_actual": "2.{n}"},
        {"admin"},
    ),
    "api_rules": ("GET", "/api/v1/rules", "draft", None, ALL),
    "api_period_rules": ("GET", "/api/v1/periods/2024/rules", "draft", None, ALL),
    "api_put_rule": (
        "PUT",
        "/api/v1/rules/fdi_actual",
        "draft",
        {"json": {"low": 0, "high": None, "yoy_threshold": 0.7}},
        {"admin"},
    ),
    "api_put_period_rule": (
        "PUT",
        "/api/v1/periods/2024/rules/fdi_actual",
        "draft",
        {"json": {"low": 0, "high": None, "history_band": False}},
        {"admin"},
    ),
    "api_reset_rule": ("DELETE", "/api/v1/rules/fdi_actual", "draft", {"json": None}, {"admin"}),
    "api_reset_period_rule": (
        "DELETE",
        "/api/v1/periods/2024/rules/fdi_actual",
        "draft",
        {"json": None},
        {"admin"},
    ),
}


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Platform, dict[str, tuple[TestClient, str]]]]:
    role = request.getfixturevalue("app_role") if request.param == "postgresql" else None
    real_hasher = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    folder: Path = tmp_path_factory.mktemp("matrix") / "instance"
    platform, dbname = make_platform(folder, request.param, role)
    with platform.tx() as session:
        admin = accounts.actor_of(
            session.scalars(select(User).where(User.username == "admin")).one()
        )
        for r in ROLES:
            accounts.create_user(
                session,
                admin,
                username=f"m_{r}",
                display_name=r,
                password=PASSWORD,
                role=r,
                scope=[IN],
            )
        workflow.create_period(
            session, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
        )
        workflow.set_period_state(session, admin, "2024", "open")
        period = workflow.get_period(session, "2024")
        for region in (IN, OUT):
            data_entry.save_values(session, admin, period, region, {"gdp": "10"})
    clients = {}
    app = create_app(platform)
    for r in ROLES:
        client = TestClient(app, raise_server_exceptions=False, base_url=LOCAL)
        clients[r] = (client, login(client, f"m_{r}"))
    yield platform, clients
    for client, _ in clients.values():
        client.close()
    platform.close()
    accounts._hasher = real_hasher
    if dbname is not None:
        drop_pg_database(dbname)


def _prepare(platform: Platform, state: str) -> None:
    """Put the period back to open and every submission in ``state`` (test arrangement)."""
    with platform.tx() as session:
        for period in session.scalars(select(Period)):
            period.state = "open" if period.code == "2024" else period.state
        for submission in session.scalars(select(Submission)):
            submission.state = state


_counter = iter(range(10**6))


def _call(
    client: TestClient, csrf: str, method: str, path: str, body: dict[str, Any] | None
) -> int:
    n = next(_counter)
    if body is not None and "json" in body:
        response = client.request(method, path, json=body["json"], headers={"X-CSRF-Token": csrf})
    elif method == "GET":
        response = client.get(path, follow_redirects=False)
    else:
        data = {k: str(v).format(n=n) for k, v in (body or {}).items()}
        response = client.request(method, path, data={**data, "csrf": csrf}, follow_redirects=False)
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text
    return response.status_code


def _expect(allowed: bool, status: int, what: str) -> None:
    if allowed:
        assert status in (200, 303), f"{what}: expected allowed, got {status}"
    else:
        assert status in (403, 404), f"{what}: expected denied, got {status}"


@pytest.mark.parametrize("endpoint", sorted(REGIONAL))
def test_regional_endpoints(matrix: Any, endpoint: str) -> None:
    platform, clients = matrix
    method, path, state, body, allowed = REGIONAL[endpoint]
    for role in ROLES:
        client, csrf = clients[role]
        _prepare(platform, state)
        status = _call(client, csrf, method, path.format(r=IN), body)
        _expect(role in allowed, status, f"{role} {endpoint} in scope")
        if role not in allowed:
            assert status == 403, f"{role} {endpoint}: a role without the right gets 403"
        _prepare(platform, state)
        status = _call(client, csrf, method, path.format(r=OUT), body)
        assert status == 404, (
            f"{role} {endpoint} out of scope: expected 404 (invisible), got {status}"
        )


@pytest.mark.parametrize("endpoint", sorted(GLOBAL))
def test_global_endpoints(matrix: Any, endpoint: str) -> None:
    platform, clients = matrix
    method, path, state, body, allowed = GLOBAL[endpoint]
    for role in ROLES:
        client, csrf = clients[role]
        _prepare(platform, state)
        status = _call(client, csrf, method, path, body)
        _expect(role in allowed, status, f"{role} {endpoint}")


def test_out_of_scope_rows_are_absent_from_listings(matrix: Any) -> None:
    platform, clients = matrix
    _prepare(platform, "draft")
    for role in ROLES:
        client, _ = clients[role]
        listed = client.get("/api/v1/periods/2024/submissions").json()
        assert [row["region"] for row in listed] == [IN], role
        page = client.get("/periods/2024").text
        assert 'data-region="520100"' in page and 'data-region="520200"' not in page, role
