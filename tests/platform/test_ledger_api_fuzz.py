"""Hypothesis fuzzing of the ledger's API: whatever arrives (paths, queries, JSON, raw bytes),
the answer is never a 5xx and never a traceback (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_support import GUIYANG_TASK, import_guizhou, token

from kaifang.platform.instance import Platform
from kaifang.platform.web import create_app

SEGMENT = st.one_of(
    st.sampled_from([GUIYANG_TASK, "attract_fdi", "2025Q1", "2024Q4", "", "..", "%00", "1"]),
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
REPORT = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["on_track", "done", "at_risk", "x", ""]),
        "percent": st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 2**40),
    },
    optional={
        "narrative_zh": st.none() | st.text(max_size=80),
        "narrative_en": st.text(max_size=80),
        "revision": st.integers(-5, 2**40),
    },
)
REVIEW = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["approve", "return", "submit", ""]),
        "seen_state": st.sampled_from(["draft", "submitted", "approved", "x"]),
    },
    optional={"comment": st.none() | st.text(max_size=100)},
)
EDIT = st.fixed_dictionaries(
    {},
    optional={
        "start": st.dates().map(str) | st.text(max_size=12),
        "deadline": st.dates().map(str),
        "lead": st.sampled_from(["commerce", "drc", "nobody"]) | st.text(max_size=70),
        "cooperating": st.lists(st.text(max_size=10), max_size=3),
        "revision": st.integers(-1, 2**40),
    },
)
QUERY = st.dictionaries(
    st.sampled_from(["department", "region", "status", "reported", "deadline_before", "as_of"]),
    st.sampled_from(["commerce", "520100", "on_track", "2025-01-01", "9999-99-99", ""])
    | st.text(max_size=20),
    max_size=3,
)
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/ledger/measures", None),
    ("GET", "/api/v1/ledger/measures/{m}", None),
    ("GET", "/api/v1/ledger/reminders", None),
    ("GET", "/api/v1/ledger/export.xlsx", None),
    ("GET", "/api/v1/ledger/attachments/{m}", None),
    ("PUT", "/api/v1/ledger/measures/{m}/reports/{p}", REPORT),
    ("POST", "/api/v1/ledger/measures/{m}/reports/{p}/submit", st.just({})),
    ("POST", "/api/v1/ledger/measures/{m}/reports/{p}/review", REVIEW),
    ("POST", "/api/v1/ledger/measures/{m}/reports/{p}/attachments", "raw"),
    ("PATCH", "/api/v1/ledger/measures/{m}", EDIT),
    (
        "PATCH",
        "/api/v1/ledger/measures/{m}/milestones/{p}",
        st.fixed_dictionaries(
            {},
            optional={
                "due": st.dates().map(str),
                "done": st.dates().map(str) | st.none(),
                "reopen": st.booleans(),
            },
        ),
    ),
]


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text


def test_ledger_api_never_fails_with_5xx(platform: Platform) -> None:
    import_guizhou(platform)
    client = TestClient(
        create_app(platform), base_url="http://127.0.0.1", raise_server_exceptions=False
    )
    users = [token(platform, u) for u in ("filler_gy", "pref_gy", "admin")]

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(ENDPOINTS),
        SEGMENT,
        SEGMENT,
        QUERY,
        st.data(),
        st.booleans(),
        st.sampled_from([0, 1, 2]),
    )
    def run(
        endpoint: Any,
        measure: str,
        period: str,
        query: dict[str, str],
        data: Any,
        raw: bool,
        who: int,
    ) -> None:
        method, template, body = endpoint
        path = template.format(m=quote(measure, safe=""), p=quote(period, safe=""))
        auth = users[who]
        if body is None:
            response = client.request(method, path, params=query, headers=auth)
        elif body == "raw":
            name = data.draw(
                st.sampled_from(["a.txt", "b.pdf", "../c.csv", ""]) | st.text(max_size=40)
            )
            content = data.draw(
                st.binary(max_size=300)
                | st.sampled_from([b"%PDF-1.4 x", b"PK\x03\x04junk", b"<html>", b"MZ\x90"])
            )
            response = client.request(
                method, path, params={"name": name}, content=content, headers=auth
            )
        elif raw:
            junk = data.draw(st.one_of(JSON.map(json.dumps), st.binary(max_size=200).map(repr)))
            response = client.request(
                method,
                path,
                content=junk.encode(),
                headers={**auth, "content-type": "application/json"},
            )
        else:
            response = client.request(
                method,
                path,
                content=json.dumps(data.draw(body)).encode(),
                headers={**auth, "content-type": "application/json"},
            )
        _check(response)

    run()
