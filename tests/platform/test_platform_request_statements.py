"""The SQL statements of a form's save and validation over the JSON API, counted on a real
database (SQLite file, PostgreSQL server): each reads the period, the region and its submission
in one query and nothing twice, so that a statement added back fails here.

The user's lookup (and PostgreSQL's scope binding) and the audit entry are counted elsewhere;
what is listed here is the rest of each request, as "verb tables" in the order sent. A first
save creates its submission with one conditional INSERT: its refusals and its fallback when
another writer created the submission first are checked here too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import test_platform_concurrency as conc
from fastapi.testclient import TestClient
from platform_support import LOCAL, actor
from sqlalchemy import event, func, select

from kaifang.platform import accounts, data_entry, saving, workflow
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry, Submission, ValueVersion
from kaifang.platform.web import create_app

TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?([a-z_]+)")
# the user's lookup, the scope's binding and the transaction's start are not the request's
# own statements, nor the audit entry (its statements name no submission)
NOT_OWN = re.compile(r"^\s*(BEGIN|PRAGMA)|set_config|\bapi_tokens\b", re.IGNORECASE)


def _label(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    if verb == "WITH":  # a write with a common table expression: its last statement
        verb = re.findall(r"\b(INSERT|UPDATE|DELETE)\b", sql)[-1]
    # the audit chain's head that SQLite reads in a submission's UPDATE belongs to the entry
    tables = sorted(t for t in set(TABLE.findall(sql)) if t != "unnest" and "audit" not in t)
    return f"{verb} {'+'.join(tables)}"


def _own(statements: list[str]) -> list[str]:
    found = []
    for sql in statements:
        if NOT_OWN.search(sql):
            continue
        if "audit_" in sql and "submissions" not in sql:
            continue
        found.append(_label(sql))
    return found


@contextmanager
def _recorded(platform: Platform) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engines = {platform.engine}
    if platform.reader is not None:
        engines.add(platform.reader.kw["bind"])
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _client(platform: Platform) -> tuple[TestClient, dict[str, str]]:
    conc.open_period(platform)
    filler = actor(platform, "filler_gy")
    admin = actor(platform, "admin")
    with platform.tx(filler) as s:
        user = next(u for u in accounts.list_users(s, admin) if u.username == "filler_gy")
        token = accounts.create_token(s, user, "statements", platform.secret)
    client = TestClient(create_app(platform), base_url=LOCAL)
    return client, {"Authorization": f"Bearer {token}"}


def _statements(platform: Platform, client: TestClient, *request: Any, **kw: Any) -> list[str]:
    with _recorded(platform) as statements:
        response = client.request(*request, **kw)
    assert response.status_code == 200, response.text[:300]
    return _own(statements)


PERIOD_REGION_SUBMISSION = "SELECT periods+regions+submissions"
RULES = "SELECT indicator_rules"
HISTORY = "SELECT periods+submissions+value_versions"
CURRENT_VALUES = "SELECT value_versions"


def test_a_validation_reads_period_region_rules_and_history_once(platform: Platform) -> None:
    client, token = _client(platform)
    path = "/api/v1/periods/2024/regions/520100/validate"
    body = {"values": {"gdp": "1", "population": "-3"}}
    # the first request reads the form's fields, kept by the process afterwards
    client.post(path, json=body, headers=token)
    own = _statements(platform, client, "POST", path, json=body, headers=token)
    assert own == [PERIOD_REGION_SUBMISSION, RULES, HISTORY], own


def test_a_save_reads_what_it_checks_once(platform: Platform) -> None:
    client, token = _client(platform)
    path = "/api/v1/periods/{}/regions/{}/values"
    # the form's fields, read once by the process
    warm = client.post(
        "/api/v1/periods/2024/regions/520100/validate", json={"values": {}}, headers=token
    )
    assert warm.status_code == 200, warm.text

    first = _statements(
        platform,
        client,
        "PUT",
        path.format("2024", "520100"),
        json={"values": {"gdp": "1"}},
        headers=token,
    )
    # the first save creates the submission at its first revision in one conditional INSERT
    # (it checks the period's state): no region read again, no UPDATE after it
    write = ["INSERT periods+submissions", "INSERT value_versions"]
    assert first == [PERIOD_REGION_SUBMISSION, RULES, *write], first

    again = _statements(
        platform,
        client,
        "PUT",
        path.format("2024", "520100"),
        json={"values": {"gdp": "2"}, "revision": 1},
        headers=token,
    )
    # the revision's check and bump is one conditional UPDATE (it names the period's state)
    assert again == [
        PERIOD_REGION_SUBMISSION,
        RULES,
        CURRENT_VALUES,
        "UPDATE periods+submissions",
        "INSERT value_versions",
    ], again


@pytest.mark.parametrize("region", ["520200", "999999"])
def test_a_region_out_of_scope_or_unknown_is_not_found_in_both(
    platform: Platform, region: str
) -> None:
    client, token = _client(platform)
    body = {"values": {"gdp": "1"}}
    for method, kind in (("POST", "validate"), ("PUT", "values")):
        response = client.request(
            method, f"/api/v1/periods/2024/regions/{region}/{kind}", json=body, headers=token
        )
        assert response.status_code == 404, response.text
        response = client.request(
            method, f"/api/v1/periods/2099/regions/520100/{kind}", json=body, headers=token
        )
        assert response.status_code == 404, response.text


def test_a_form_save_checks_and_writes_in_one_transaction_on_postgresql(
    platform: Platform, backend: str
) -> None:
    conc.open_period(platform)
    filler = actor(platform, "filler_gy")
    saving.save_values(platform, filler, "2024", "520100", {"gdp": "1"})
    begun: list[object] = []

    def begin(connection: Any) -> None:
        begun.append(connection)

    engines = {platform.engine}
    if platform.reader is not None:
        engines.add(platform.reader.kw["bind"])
    for engine in engines:
        event.listen(engine, "begin", begin)
    try:
        with _recorded(platform) as statements:
            saved, values = saving.save_values(
                platform, filler, "2024", "520100", {"gdp": "2"}, revision=1
            )
    finally:
        for engine in engines:
            event.remove(engine, "begin", begin)
    assert (saved.revision, values["gdp"].value, values["gdp"].version) == (2, 2.0, 2)
    # SQLite reads beside the one writer, then queues for it: two transactions there
    assert len(begun) == (1 if backend == "postgresql" else 2), statements
    assert _own(statements) == [
        PERIOD_REGION_SUBMISSION,
        RULES,
        CURRENT_VALUES,
        "UPDATE periods+submissions",
        "INSERT value_versions",
    ], statements


def _first_plan(platform: Platform, who: str = "filler_gy") -> Any:
    """A save's plan for 520100 while it has no submission yet."""
    filler = actor(platform, who)
    with platform.read(filler) as s:
        plan = saving.plan_save(s, filler, saving.Entry("2024", "520100", {"gdp": "3"}))
    assert plan.submission_id is None and plan.region_row is not None
    return plan


def _written(platform: Platform) -> tuple[int, int, int]:
    """(submissions, value versions, audit entries)."""
    with platform.read(actor(platform, "admin")) as s:
        submissions, versions, entries = (
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Submission, ValueVersion, AuditEntry)
        )
    return submissions, versions, entries


def test_a_first_save_after_the_period_closed_is_refused_and_writes_nothing(
    platform: Platform,
) -> None:
    conc.open_period(platform)
    plan = _first_plan(platform)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.set_period_state(s, admin, "2024", "closed")
    before = _written(platform)
    filler = actor(platform, "filler_gy")
    with pytest.raises(Refused) as refused, platform.tx(filler) as s:
        data_entry.apply_plan(s, filler, plan)
    assert refused.value.key == "period_not_open"
    assert _written(platform) == before


def test_a_first_save_after_another_created_the_submission_plans_again(
    platform: Platform,
) -> None:
    conc.open_period(platform)
    plan = _first_plan(platform)
    # the administrator saves first: the submission exists, at revision 1
    saving.save_values(platform, actor(platform, "admin"), "2024", "520100", {"gdp": "9"})
    before = _written(platform)
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as s:
        assert data_entry.apply_plan(s, filler, plan) is None
    assert _written(platform) == before
    # the save as a whole plans again on the submission now there
    saved, values = saving.save_values(platform, filler, "2024", "520100", {"gdp": "3"})
    assert (saved.revision, values["gdp"].value, values["gdp"].version) == (2, 3.0, 2)
    assert _written(platform) == (before[0], before[1] + 1, before[2] + 1)


def test_a_first_save_by_a_user_of_another_region_is_not_found(platform: Platform) -> None:
    conc.open_period(platform)
    plan = _first_plan(platform)
    before = _written(platform)
    other = actor(platform, "filler_lps")
    with pytest.raises(NotFound), platform.tx(other) as s:
        data_entry.apply_plan(s, other, plan)
    assert _written(platform) == before
