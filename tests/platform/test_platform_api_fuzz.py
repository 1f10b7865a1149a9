"""Hypothesis fuzzing of the JSON API and the pages' forms: whatever arrives, the answer is never
a 5xx and never a traceback (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_support import LOCAL, actor, login

from kaifang.platform import accounts, workflow
from kaifang.platform.instance import Platform
from kaifang.platform.web import create_app

SEGMENT = st.one_of(
    st.sampled_from(["2024", "520100", "520200", "gdp", "", "..", "%00", "999999"]),
    st.text(min_size=1, max_size=30),
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)
VALUES = st.fixed_dictionaries(
    {
        "values": st.dictionaries(
            st.sampled_from(["gdp", "trade_total", "env_single_window_rate", "nope"])
            | st.text(max_size=70),
            st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=220),
            max_size=5,
        )
    },
    optional={
        "explanations": st.dictionaries(st.text(max_size=10), st.text(max_size=50), max_size=3),
        "revision": st.integers(-5, 2**40),
    },
)
REVIEW = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["approve", "return", "unapprove", "publish", ""]),
        "seen_state": st.sampled_from(["draft", "submitted", "prefecture_approved", "x"]),
    },
    optional={"comment": st.none() | st.text(max_size=100)},
)
ENDPOINTS = [
    ("GET", "/api/v1/periods", None),
    ("GET", "/api/v1/periods/{p}/form", None),
    ("GET", "/api/v1/periods/{p}/submissions", None),
    ("GET", "/api/v1/periods/{p}/regions/{r}", None),
    ("POST", "/api/v1/periods/{p}/regions/{r}/validate", VALUES),
    ("PUT", "/api/v1/periods/{p}/regions/{r}/values", VALUES),
    (
        "POST",
        "/api/v1/periods/{p}/regions/{r}/submit",
        st.fixed_dictionaries({}, optional={"revision": st.integers()}),
    ),
    ("POST", "/api/v1/periods/{p}/regions/{r}/review", REVIEW),
]


def _token(platform: Platform, username: str) -> str:
    who = actor(platform, username)
    with platform.tx(who) as s:
        user = accounts.list_users(s, actor(platform, "admin"))
        mine = next(u for u in user if u.username == username)
        return accounts.create_token(s, mine, "fuzz", platform.secret)


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text


def test_api_never_fails_with_5xx(platform: Platform) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
        )
        workflow.set_period_state(s, admin, "2024", "open")
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    headers = {"Authorization": f"Bearer {_token(platform, 'filler_gy')}"}
    reviewer = {"Authorization": f"Bearer {_token(platform, 'pref_gy')}"}

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(ENDPOINTS),
        SEGMENT,
        SEGMENT,
        st.data(),
        st.booleans(),
        st.booleans(),
    )
    def run(
        endpoint: Any, period: str, region: str, data: Any, raw: bool, as_reviewer: bool
    ) -> None:
        method, template, body = endpoint
        path = template.format(p=quote(period, safe=""), r=quote(region, safe=""))
        auth = reviewer if as_reviewer else headers
        if body is None:
            response = client.request(method, path, headers=auth)
        elif raw:
            junk = data.draw(st.one_of(JSON.map(json.dumps), st.binary(max_size=200).map(repr)))
            response = client.request(
                method,
                path,
                content=junk.encode(),
                headers={**auth, "content-type": "application/json"},
            )
        else:
            # json.dumps writes NaN and Infinity, which strict JSON parsers refuse: fuzz them too
            response = client.request(
                method,
                path,
                content=json.dumps(data.draw(body)).encode(),
                headers={**auth, "content-type": "application/json"},
            )
        _check(response)

    run()


def test_pages_never_fail_with_5xx(platform: Platform) -> None:
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    csrf = login(client, "admin", "admin-password-1")
    paths = [
        "/periods",
        "/periods/{p}/state",
        "/periods/{p}/publish",
        "/users",
        "/users/{p}",
        "/periods/{p}/{r}/values",
        "/periods/{p}/{r}/submit",
        "/periods/{p}/{r}/review",
        "/periods/{p}/{r}/upload",
        "/account/tokens",
    ]

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(paths),
        SEGMENT,
        SEGMENT,
        st.dictionaries(
            st.sampled_from(
                [
                    "code",
                    "year",
                    "name_zh",
                    "state",
                    "action",
                    "seen_state",
                    "role",
                    "scope",
                    "username",
                    "password",
                    "v_gdp",
                    "e_gdp",
                    "revision",
                    "yoy_threshold",
                    "comment",
                    "name",
                ]
            )
            | st.text(max_size=10),
            st.text(max_size=40),
            max_size=6,
        ),
    )
    def run(template: str, period: str, region: str, form: dict[str, str]) -> None:
        path = template.format(p=quote(period, safe=""), r=quote(region, safe=""))
        response = client.post(path, data={**form, "csrf": csrf}, follow_redirects=False)
        _check(response)
        page = client.get(
            "/audit",
            params={
                "since": form.get("year", ""),
                "region": region,
                "page": form.get("revision", "0"),
            },
        )
        _check(page)

    run()


def test_nul_characters_are_refused_cleanly(platform: Platform) -> None:
    """PostgreSQL text cannot hold NUL: it must be a 4xx on both backends, never a crash."""
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    headers = {"Authorization": f"Bearer {_token(platform, 'filler_gy')}"}
    csrf = login(client, "admin", "admin-password-1")
    for response in (
        client.get("/api/v1/periods/a%00b/form", headers=headers),
        client.get("/api/v1/periods/2024/regions/52%000", headers=headers),
        client.put(
            "/api/v1/periods/2024/regions/520100/values",
            json={"values": {"gdp": "1"}, "explanations": {"gdp": "a\x00b"}},
            headers=headers,
        ),
        client.post("/periods", data={"csrf": csrf, "code": "x\x00", "year": "2024"}),
        client.post(
            "/users",
            data={
                "csrf": csrf,
                "username": "nul",
                "display_name": "a\x00",
                "password": "x" * 12,
                "role": "viewer",
                "scope": "520100",
            },
        ),
        client.get("/audit", params={"actor": "a\x00"}),
    ):
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
        assert "Traceback" not in response.text
