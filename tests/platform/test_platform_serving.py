"""What the server does to stay fast under load, and that it changes no answer: the thread limit
of a server process, the form fields each process keeps after their first read, and a user's
role, scope or state taking effect on the very next request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from platform_support import GUIZHOU, LOCAL, PASSWORD, actor, login
from sqlalchemy import select

from kaifang.platform import accounts, data_entry, workflow
from kaifang.platform.forms import FieldDefinition, form_fields, period_fields
from kaifang.platform.instance import Platform, init_instance
from kaifang.platform.models import FormField, User, utcnow
from kaifang.platform.web import create_app
from kaifang.platform.web.app import (
    DATABASE_VARIABLE,
    DEFAULT_THREADS,
    FOLDER_VARIABLE,
    HOSTS_VARIABLE,
    THREADS_VARIABLE,
    app_from_environment,
)


async def _thread_limit() -> float:
    return anyio.to_thread.current_default_thread_limiter().total_tokens


def test_a_server_process_runs_its_requests_in_the_threads_it_was_given(
    platform: Platform,
) -> None:
    for threads in (3, DEFAULT_THREADS):
        with TestClient(create_app(platform, threads=threads), base_url=LOCAL) as client:
            assert client.portal is not None
            assert client.portal.call(_thread_limit) == threads
            # and requests are answered with it
            assert client.get("/login").status_code == 200


def _open_period(platform: Platform, code: str, year: int) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code=code, year=year, name_zh=code, name_en=code
        )
        workflow.set_period_state(s, admin, code, "open")


def test_period_fields_are_those_of_the_database_and_never_another_databases(
    platform: Platform, tmp_path: Path
) -> None:
    _open_period(platform, "2024", 2024)
    with platform.read() as s:
        period = workflow.get_period(s, "2024")
        first = period_fields(s, period)
        rows = s.scalars(
            select(FormField).where(FormField.period_id == period.id).order_by(FormField.position)
        ).all()
        expected = tuple(
            FieldDefinition(
                r.indicator,
                r.group_zh,
                r.group_en,
                r.name_zh,
                r.name_en,
                r.unit,
                r.low,
                r.high,
                r.positive,
            )
            for r in rows
        )
        assert first == expected
        assert list(first) == form_fields(platform.framework)
        assert period_fields(s, period) is first  # kept after the first read
    # another instance in the same process whose period has the same id but another form
    framework = tmp_path / "small.yaml"
    framework.write_text(
        "id: index\nname: {en: Small, zh: 小}\nchildren:\n"
        "  - id: p\n    name: {en: P, zh: 甲}\n    children:\n"
        "      - {id: only_one, name: {en: One, zh: 一}, unit: '%', direction: 1}\n",
        encoding="utf-8",
    )
    other = init_instance(
        tmp_path / "other",
        framework,
        GUIZHOU / "units.csv",
        admin="admin",
        password=PASSWORD,
    )
    try:
        _open_period(other, "2024", 2024)
        with other.read() as s:
            period = workflow.get_period(s, "2024")
            assert [f.indicator for f in period_fields(s, period)] == ["only_one"]
    finally:
        other.close()


def test_a_users_new_role_scope_or_state_applies_to_the_next_request(platform: Platform) -> None:
    _open_period(platform, "2024", 2024)
    admin = actor(platform, "admin")
    with platform.tx() as s:
        user_id = s.scalars(select(User.id).where(User.username == "filler_gy")).one()
        token = accounts.create_token(s, s.get_one(User, user_id), "t", platform.secret)
    api = {"Authorization": f"Bearer {token}"}
    with (
        TestClient(create_app(platform), base_url=LOCAL) as page,
        TestClient(create_app(platform), base_url=LOCAL) as client,
    ):
        login(page, "filler_gy")
        assert page.get("/periods/2024/520100").status_code == 200
        assert client.get("/api/v1/periods/2024/regions/520100", headers=api).status_code == 200
        # the scope moves to another prefecture: the old one is gone at once, the new one opens
        with platform.tx(admin) as s:
            accounts.update_user(s, admin, user_id, scope=["520200"])
        assert page.get("/periods/2024/520100").status_code == 404
        assert client.get("/api/v1/periods/2024/regions/520100", headers=api).status_code == 404
        assert client.get("/api/v1/periods/2024/regions/520200", headers=api).status_code == 200
        # the role becomes read-only: entering is refused at once
        with platform.tx(admin) as s:
            accounts.update_user(s, admin, user_id, role="viewer")
        body = {"values": {"trade_openness": 30.0}}
        put = client.put("/api/v1/periods/2024/regions/520200/values", json=body, headers=api)
        assert put.status_code == 403
        # deactivated: neither the session nor the token opens anything any more
        with platform.tx(admin) as s:
            accounts.update_user(s, admin, user_id, active=False)
        assert client.get("/api/v1/periods", headers=api).status_code == 401
        assert page.get("/api/v1/periods").status_code == 401


def test_the_request_guards_user_lookup_agrees_with_the_orm_one(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        user_id = s.scalars(select(User.id).where(User.username == "pref_gy")).one()
        accounts.update_user(s, admin, user_id, scope=["520200", "520100"])
        user = s.get_one(User, user_id)
        token = accounts.create_token(s, user, "t", platform.secret)
        cookie = accounts.open_session(s, user, platform.secret)
    with platform.read() as s:
        by_token = accounts.token_visitor(s, token, platform.secret)
        by_cookie = accounts.session_visitor(s, cookie.cookie, platform.secret)
        expected = accounts.actor_of(s.get_one(User, user_id))
    assert by_token == accounts.Visitor(expected, "pref_gy", None)
    assert by_cookie == accounts.Visitor(expected, "pref_gy", cookie.csrf)
    assert expected.scope == ("520100", "520200")
    # unknown, expired, revoked: nobody
    with platform.read() as s:
        assert accounts.token_visitor(s, token + "x", platform.secret) is None
        assert accounts.session_visitor(s, cookie.cookie + "x", platform.secret) is None
    with platform.tx() as s:
        for api_token in accounts.list_tokens(s, user_id):
            accounts.revoke_token(s, admin, api_token.id)
    later = utcnow() + dt.timedelta(hours=accounts.SESSION_HOURS, seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    with platform.read() as s:
        assert accounts.session_visitor(s, cookie.cookie, platform.secret) is None
        assert accounts.token_visitor(s, token, platform.secret) is None


def test_submission_states_are_those_of_the_submissions_each_user_sees(
    platform: Platform,
) -> None:
    _open_period(platform, "2024", 2024)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        period = workflow.get_period(s, "2024")
        indicator = period_fields(s, period)[0].indicator
        for region in ("520100", "520200", "520300"):
            data_entry.save_values(s, admin, period, region, {indicator: 1.0})
    for username in ("admin", "prov", "pref_gy", "filler_lps", "viewer_gy"):
        who = actor(platform, username)
        with platform.read(who) as s:
            period = workflow.get_period(s, "2024")
            states = workflow.submission_states(s, who, period)
            expected = {
                region: workflow.SubmissionState(region, sub.state, sub.revision, sub.updated_at)
                for region, sub in workflow.list_submissions(s, who, period).items()
            }
        assert states == expected
        assert len(states) == (3 if username in ("admin", "prov") else 1)


def test_each_worker_process_takes_its_thread_limit_from_the_environment(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FOLDER_VARIABLE, str(platform.folder))
    monkeypatch.setenv(DATABASE_VARIABLE, platform.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv(HOSTS_VARIABLE, "127.0.0.1")
    monkeypatch.setenv(THREADS_VARIABLE, "5")
    app = app_from_environment()
    try:
        with TestClient(app, base_url=LOCAL) as client:
            assert client.portal is not None
            assert client.portal.call(_thread_limit) == 5
    finally:
        app.state.platform.close()
