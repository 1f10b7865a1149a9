"""Hypothesis fuzzing of the ledger's pages and forms: whatever a browser (or anybody) sends —
paths, filters, form fields, files, tokens — the answer is never a 5xx and never a traceback,
and nothing reaches the page unescaped (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_support import GUIYANG_TASK, import_guizhou
from platform_support import login

from kaifang.platform.instance import Platform
from kaifang.platform.web import create_app

MARK = "<i>fuzz</i>"
SEGMENT = st.one_of(
    st.sampled_from([GUIYANG_TASK, "attract_fdi", "2025Q1", "2024Q4", "", "..", "1", MARK]),
    st.text(min_size=1, max_size=30),
)
FIELD = st.one_of(
    st.sampled_from(["on_track", "done", "2025Q1", "2026Q1", "40", "-1", "1e308", "nan", MARK]),
    st.text(max_size=60),
)
REPORT_FIELDS = st.dictionaries(
    st.sampled_from(
        ["period", "status", "percent", "narrative_zh", "narrative_en", "revision", "action"]
    ),
    FIELD,
    max_size=7,
)
REVIEW_FIELDS = st.dictionaries(
    st.sampled_from(["action", "seen_state", "comment", "revision"]),
    st.sampled_from(["approve", "return", "submitted", "draft", "x", ""]) | st.text(max_size=40),
    max_size=4,
)
QUERY = st.dictionaries(
    st.sampled_from(["department", "region", "status", "reported", "deadline_before", "lang"]),
    st.sampled_from(["commerce", "520100", "on_track", "none", "2025-01-01", "en", MARK])
    | st.text(max_size=20),
    max_size=4,
)
FILE = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["a.txt", "b.pdf", "../c.csv", "d.docx", MARK]) | st.text(max_size=30),
        st.binary(max_size=300)
        | st.sampled_from([b"%PDF-1.4 x", b"PK\x03\x04junk", b"<html>", b"plain words"]),
    ),
)


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    assert MARK not in response.text  # escaped wherever it is shown


def test_ledger_pages_never_fail_with_5xx(platform: Platform) -> None:
    import_guizhou(platform)
    sessions = []
    for username in ("filler_gy", "pref_gy", "admin"):
        client = TestClient(
            create_app(platform), base_url="http://127.0.0.1", raise_server_exceptions=False
        )
        password = {"admin": "admin-password-1"}.get(username)
        csrf = login(client, username, password) if password else login(client, username)
        sessions.append((client, csrf))

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(["ledger", "measure", "reminders", "report", "submit", "review"]),
        SEGMENT,
        SEGMENT,
        QUERY,
        REPORT_FIELDS,
        REVIEW_FIELDS,
        FILE,
        st.sampled_from([0, 1, 2]),
        st.booleans(),
    )
    def run(
        page: str,
        measure: str,
        period: str,
        query: dict[str, str],
        report: dict[str, str],
        review: dict[str, str],
        upload: tuple[str, bytes] | None,
        who: int,
        good_token: bool,
    ) -> None:
        client, csrf = sessions[who]
        m, p = quote(measure, safe=""), quote(period, safe="")
        token = {"csrf": csrf if good_token else "wrong"}
        if page == "ledger":
            response = client.get("/ledger", params=query)
        elif page == "measure":
            response = client.get(f"/ledger/measures/{m}", params=query)
        elif page == "reminders":
            response = client.get("/ledger/reminders", params=query)
        elif page == "report":
            files = None if upload is None else {"attachment": (upload[0], upload[1])}
            response = client.post(
                f"/ledger/measures/{m}/report",
                data={**report, **token},
                files=files,
                follow_redirects=False,
            )
        elif page == "submit":
            response = client.post(
                f"/ledger/measures/{m}/reports/{p}/submit",
                data={**review, **token},
                follow_redirects=False,
            )
        else:
            response = client.post(
                f"/ledger/measures/{m}/reports/{p}/review",
                data={**review, **token},
                follow_redirects=False,
            )
        _check(response)

    run()
