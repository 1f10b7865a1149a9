"""The permission matrix of the ledger's pages: every role x every page and form x a measure in
and out of the user's scope, on SQLite and PostgreSQL (as test_ledger_permissions does for the
JSON API). A measure out of scope is 404 for everybody; a form a role may not use is 403 and
its buttons are not drawn.

Each role is played by a user whose scope is Guiyang (520100); the filler belongs to the
department of commerce, which leads the Guiyang task.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from ledger_support import GUIYANG_TASK, PROVINCE_TASK, import_guizhou, set_report_state
from platform_support import BACKENDS, PASSWORD, actor, drop_pg_database, login, make_platform

from kaifang.platform import accounts
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import store
from kaifang.platform.web import create_app

ROLES = ("admin", "province_reviewer", "prefecture_reviewer", "filler", "viewer")
EDITORS = {"admin", "filler"}
REVIEWERS = {"admin", "province_reviewer", "prefecture_reviewer"}
IN, OUT = GUIYANG_TASK, PROVINCE_TASK
PERIOD = "2025Q1"
MEASURE = "/ledger/measures/{m}"

# name -> (path, report state first, form fields, roles allowed)
FORMS: dict[str, tuple[str, str, dict[str, str], set[str]]] = {
    "save_report": (
        MEASURE + "/report",
        "draft",
        {"period": PERIOD, "status": "at_risk", "percent": "30", "action": "save"},
        EDITORS,
    ),
    "save_and_submit": (
        MEASURE + "/report",
        "draft",
        {"period": PERIOD, "status": "at_risk", "percent": "31", "action": "submit"},
        EDITORS,
    ),
    "submit": (MEASURE + f"/reports/{PERIOD}/submit", "draft", {}, EDITORS),
    "approve": (
        MEASURE + f"/reports/{PERIOD}/review",
        "submitted",
        {"action": "approve", "seen_state": "submitted"},
        REVIEWERS,
    ),
    "return": (
        MEASURE + f"/reports/{PERIOD}/review",
        "submitted",
        {"action": "return", "seen_state": "submitted", "comment": "补充材料"},
        REVIEWERS,
    ),
}
LISTS = ("/ledger", "/ledger?department=commerce", "/ledger/reminders", "/ledger/reminders.csv")


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Platform, dict[str, tuple[TestClient, str]]]]:
    role = request.getfixturevalue("app_role") if request.param == "postgresql" else None
    real_hasher = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    folder: Path = tmp_path_factory.mktemp("ledger_page_matrix") / "instance"
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
    clients = {}
    for r in ROLES:
        client = TestClient(create_app(platform), base_url="http://127.0.0.1")
        clients[r] = (client, login(client, f"m_{r}"))
    yield platform, clients
    platform.close()
    accounts._hasher = real_hasher
    if dbname is not None:
        drop_pg_database(dbname)


def _prepare(platform: Platform, state: str) -> None:
    set_report_state(platform, (IN, OUT), PERIOD, state)


def _post(client: TestClient, csrf: str, path: str, fields: dict[str, str]) -> int:
    response = client.post(path, data={"csrf": csrf, **fields}, follow_redirects=False)
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text
    return response.status_code


@pytest.mark.parametrize("form", sorted(FORMS))
def test_forms(matrix: Any, form: str) -> None:
    platform, clients = matrix
    path, state, fields, allowed = FORMS[form]
    for role in ROLES:
        client, csrf = clients[role]
        _prepare(platform, state)
        status = _post(client, csrf, path.format(m=IN), fields)
        expected = 303 if role in allowed else 403
        assert status == expected, f"{role} {form} in scope: expected {expected}, got {status}"
        _prepare(platform, state)
        status = _post(client, csrf, path.format(m=OUT), fields)
        assert status == 404, f"{role} {form} out of scope: expected 404, got {status}"


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_measure_page_draws_only_the_usable_buttons(matrix: Any, state: str) -> None:
    platform, clients = matrix
    _prepare(platform, state)
    for role in ROLES:
        client, _ = clients[role]
        page = client.get(MEASURE.format(m=IN))
        assert page.status_code == 200, role
        html = page.text
        assert ('data-testid="report-form"' in html) == (role in EDITORS), role
        assert (f'data-testid="submit-{PERIOD}"' in html) == (
            role in EDITORS and state == "draft"
        ), role
        assert ('data-testid="approve"' in html) == (role in REVIEWERS and state == "submitted"), (
            role
        )
        # the audit history is shown to who may read the audit log (the reviewing roles)
        assert ("您的角色不能查看审计日志。" in html) == (role not in REVIEWERS), role
        assert client.get(MEASURE.format(m=OUT)).status_code == 404, role
        assert client.get(MEASURE.format(m="no_such_measure")).status_code == 404, role


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_only_the_scope(matrix: Any, path: str) -> None:
    platform, clients = matrix
    _prepare(platform, "approved")
    for role in ROLES:
        client, _ = clients[role]
        response = client.get(path)
        assert response.status_code == 200, (role, response.text[:300])
        assert OUT not in response.text, f"{role} {path} shows a measure out of scope"
        if path.startswith("/ledger?") or path == "/ledger":
            assert IN in response.text, role
