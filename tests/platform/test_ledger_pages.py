"""The ledger's pages on SQLite and PostgreSQL: the filterable ledger and its timeline, the
measure page, the report and review forms (errors beside their fields, nothing half-saved),
the reminders, both languages, and hostile names escaped everywhere."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from ledger_page_support import write_example_assessment
from ledger_support import GUIYANG_TASK, PROVINCE_TASK, import_guizhou
from platform_support import actor, login
from sqlalchemy import func, select

from kaifang.ledger.filters import Filters, filter_measures
from kaifang.platform.instance import Platform
from kaifang.platform.ledger.models import (
    LedgerAttachment,
    LedgerDepartment,
    LedgerMeasure,
    LedgerReport,
    LedgerReportVersion,
)
from kaifang.platform.web import create_app
from kaifang.platform.web.ledger_measure_pages import next_period

PAGE = f"/ledger/measures/{GUIYANG_TASK}"
FORM = PAGE + "/report"
PERIOD = "2025Q1"  # inside GUIYANG_TASK's span; the file has no report for it
HOSTILE = "<script>alert(1)</script>\"'&"


def _client(platform: Platform, username: str | None = None) -> tuple[TestClient, str]:
    client = TestClient(create_app(platform), base_url="http://127.0.0.1")
    csrf = login(client, username) if username else ""
    return client, csrf


def _errors(html: str) -> dict[str, str]:
    found = re.findall(r'data-testid="error-([a-z]+)">([^<]*)<', html)
    return {field: unescape(text) for field, text in found}


def _counts(platform: Platform) -> tuple[int, int]:
    """(report versions, attachments) of the Guiyang task."""
    with platform.read() as session:
        versions = session.scalar(
            select(func.count())
            .select_from(LedgerReportVersion)
            .where(LedgerReportVersion.measure_id == GUIYANG_TASK)
        )
        files = session.scalar(
            select(func.count())
            .select_from(LedgerAttachment)
            .where(LedgerAttachment.measure_id == GUIYANG_TASK)
        )
    return int(versions or 0), int(files or 0)


def _report_state(platform: Platform, period: str = PERIOD) -> str | None:
    with platform.read() as session:
        report = session.scalars(
            select(LedgerReport).where(
                LedgerReport.measure_id == GUIYANG_TASK, LedgerReport.period == period
            )
        ).one_or_none()
        return None if report is None else report.state


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-measure="([a-z_]+)"', html)


def test_ledger_page_filters_flags_and_timeline(platform: Platform) -> None:
    write_example_assessment(platform)
    import_guizhou(platform)
    client, _ = _client(platform, "prov")
    everything = client.get("/ledger?lang=en")
    assert everything.status_code == 200
    rows = _rows(everything.text)
    assert PROVINCE_TASK in rows and GUIYANG_TASK in rows and len(rows) == 20
    # the mismatch flag of a measure reported on track whose indicators are off track
    row = everything.text.split(f'data-measure="{PROVINCE_TASK}"')[1].split("</tr>")[0]
    assert 'data-testid="mismatch"' in row and "reported on track" in row
    assert 'class="gantt"' in everything.text and "<svg" in everything.text
    assert 'href="/api/v1/ledger/export.xlsx?lang=en"' in everything.text
    assert client.get("/api/v1/ledger/export.xlsx").status_code == 200

    by_department = _rows(client.get("/ledger?department=investment&lang=en").text)
    assert PROVINCE_TASK in by_department and GUIYANG_TASK not in by_department
    by_region = _rows(client.get("/ledger?region=520300").text)
    assert "land_sea_corridor" in by_region and GUIYANG_TASK not in by_region
    delayed = _rows(client.get("/ledger?status=delayed").text)
    assert PROVINCE_TASK in delayed and GUIYANG_TASK not in delayed
    unreported = _rows(client.get("/ledger?reported=none").text)
    assert "open_industries" in unreported and PROVINCE_TASK not in unreported
    early = _rows(client.get("/ledger?deadline_before=2025-07-01").text)
    assert GUIYANG_TASK in early and PROVINCE_TASK not in early
    combined = client.get("/ledger?department=commerce&status=delayed&deadline_before=2030-01-01")
    assert GUIYANG_TASK not in _rows(combined.text)
    # the filter form keeps what was chosen
    assert '<option value="investment" selected>' in client.get(
        "/ledger?department=investment"
    ).text.replace("\n", "")
    for bad in ("status=bogus", "reported=x", "deadline_before=2025-13-01", "region=" + "9" * 80):
        answer = client.get(f"/ledger?{bad}")
        assert answer.status_code == 400 and "Traceback" not in answer.text
    # the measure page: the indicator chart against the target path, the milestones
    measure = client.get(f"/ledger/measures/{PROVINCE_TASK}?lang=en").text
    charts = measure.split('data-testid="indicators"')[1].split("</section>")[0]
    assert charts.count('data-testid="indicator-chart"') == 1
    assert "<polyline" in charts and "target path" in charts and "target off track" in charts
    assert "SIMULATED" in measure
    zh_charts = client.get(f"/ledger/measures/{PROVINCE_TASK}").text.split(
        'data-testid="indicators"'
    )
    assert (
        "各地区合计" in zh_charts[1] and "目标路径" in zh_charts[1] and "total" not in zh_charts[1]
    )
    # zh page: no stray English status words
    zh = client.get("/ledger?lang=zh").text
    assert "任务台账" in zh and "按计划推进" in zh and "on track" not in zh


def test_the_filter_by_hand() -> None:
    import datetime as dt

    import pandas as pd

    table = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "lead": ["commerce", "customs", "drc"],
            "cooperating": ["", "commerce;drc", ""],
            "regions": ["520100", "520100;520300", "520000"],
            "derived": ["delayed", "on_track", "on_track"],
            "reported": ["on_track", "", "done"],
            "deadline": [dt.date(2025, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 1, 1)],
        }
    )

    def ids(**kw: object) -> list[str]:
        return list(filter_measures(table, Filters(**kw))["id"])  # type: ignore[arg-type]

    assert ids() == ["a", "b", "c"]
    assert ids(department="commerce") == ["a", "b"]  # leads a, cooperates on b
    assert ids(department="comm") == []  # whole ids only
    assert ids(region="520300") == ["b"]
    assert ids(status="on_track") == ["b", "c"]
    assert ids(reported="none") == ["b"]
    assert ids(reported="done") == ["c"]
    assert ids(deadline_before=dt.date(2026, 1, 1)) == ["a"]  # strictly before
    assert ids(department="commerce", status="on_track") == ["b"]
    assert next_period(["2025Q1", "2025Q2", "2025Q3"], {}) == "2025Q1"
    assert next_period(["2025Q1", "2025Q2"], {"2025Q1": "approved", "2025Q2": "draft"}) == "2025Q2"
    assert next_period(["2025Q1", "2025Q2"], {"2025Q2": "submitted"}) == "2025Q2"


def test_report_round_on_the_pages(platform: Platform) -> None:
    import_guizhou(platform)
    filler, csrf = _client(platform, "filler_gy")
    page = filler.get(PAGE + "?lang=en")
    assert 'data-testid="report-form"' in page.text
    assert 'data-testid="approve"' not in page.text  # a filler does not review
    assert "Your role may not read the audit log." in page.text
    before = _counts(platform)
    form = {"csrf": csrf, "period": PERIOD, "narrative_zh": "进展", "action": "save"}

    # missing and impossible fields: each message beside its field, nothing saved
    answer = filler.post(FORM + "?lang=en", data=form | {"percent": "120"})
    assert answer.status_code == 422
    assert _errors(answer.text) == {
        "status": "Required.",
        "percent": "The percent complete must lie in 0-100.",
    }
    assert 'value="120"' in answer.text and "进展" in answer.text  # what was entered stays
    zh = filler.post(FORM + "?lang=zh", data=form | {"status": "on_track", "percent": "abc"})
    assert _errors(zh.text) == {"percent": "完成百分比应在 0 至 100 之间。"}
    # a disguised attachment refuses the whole form: neither the report nor the file is saved
    disguised = filler.post(
        FORM + "?lang=en",
        data=form | {"status": "on_track", "percent": "40"},
        files={"attachment": ("report.pdf", b"plain words, not a PDF", "application/pdf")},
    )
    assert disguised.status_code == 422
    assert "does not match the file's contents" in _errors(disguised.text)["attachment"]
    big = filler.post(
        FORM + "?lang=en",
        data=form | {"status": "on_track", "percent": "40"},
        files={"attachment": ("big.txt", b"x" * (5 * 1024 * 1024 + 1), "text/plain")},
    )
    assert big.status_code == 422 and "too large" in _errors(big.text)["attachment"]
    assert _counts(platform) == before and _report_state(platform) is None
    # no CSRF token: refused
    assert (
        filler.post(
            FORM, data=form | {"csrf": "x", "status": "on_track", "percent": "4"}
        ).status_code
        == 409
    )
    assert _counts(platform) == before

    saved = filler.post(
        FORM,
        data=form | {"status": "at_risk", "percent": "40", "narrative_en": "On its way"},
        files={"attachment": ("evidence.txt", "挂牌照片说明".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "message=report_saved" in saved.headers["location"]
    assert _counts(platform) == (before[0] + 1, before[1] + 1)
    assert _report_state(platform) == "draft"
    page = filler.get(PAGE + "?lang=en").text
    link = re.search(r'href="(/api/v1/ledger/attachments/\d+)"', page)
    assert link is not None and "evidence.txt" in page
    download = filler.get(link.group(1))
    assert download.status_code == 200 and download.content == "挂牌照片说明".encode()
    assert download.headers["content-disposition"].startswith("attachment")
    assert f'data-testid="submit-{PERIOD}"' in page
    revision = re.search(r'name="revision" value="(\d+)"', page)
    assert revision is not None
    submitted = filler.post(
        f"{PAGE}/reports/{PERIOD}/submit",
        data={"csrf": csrf, "revision": revision.group(1)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303 and _report_state(platform) == "submitted"
    # a submitted report is not editable: the service refuses, the form says so
    again = filler.post(FORM + "?lang=en", data=form | {"status": "done", "percent": "100"})
    assert again.status_code == 422 and "cannot be changed" in _errors(again.text)["form"]

    reviewer, rcsrf = _client(platform, "pref_gy")
    page = reviewer.get(PAGE + "?lang=en").text
    assert 'data-testid="approve"' in page and 'data-testid="report-form"' not in page
    review = f"{PAGE}/reports/{PERIOD}/review?lang=en"
    empty = reviewer.post(
        review, data={"csrf": rcsrf, "action": "return", "seen_state": "submitted"}
    )
    assert empty.status_code == 422 and "comment" in _errors(empty.text)
    assert _report_state(platform) == "submitted"
    returned = reviewer.post(
        review,
        data={"csrf": rcsrf, "action": "return", "seen_state": "submitted", "comment": "补充佐证"},
        follow_redirects=False,
    )
    assert returned.status_code == 303 and _report_state(platform) == "returned"
    assert "补充佐证" in filler.get(PAGE).text

    resubmitted = filler.post(
        FORM,
        data=form | {"status": "on_track", "percent": "55", "action": "submit"},
        follow_redirects=False,
    )
    assert resubmitted.status_code == 303 and _report_state(platform) == "submitted"
    approved = reviewer.post(
        review,
        data={"csrf": rcsrf, "action": "approve", "seen_state": "submitted"},
        follow_redirects=False,
    )
    assert approved.status_code == 303 and _report_state(platform) == "approved"

    page = reviewer.get(PAGE + "?lang=en").text
    history = page.split('data-testid="audit-history"')[1]
    for words in (
        "progress report written",
        "attachment uploaded",
        "progress report submitted",
        "progress report returned",
        "progress report approved",
    ):
        assert words in history, words
    assert PERIOD in history and "web form" in history and "补充佐证" in history
    # in Chinese: the actions and sources in words, no internal id
    zh_history = reviewer.get(PAGE).text.split('data-testid="audit-history"')[1]
    zh_history = zh_history.split("</section>")[0]
    assert "审核通过进展报告" in zh_history and "网页填报" in zh_history
    assert GUIYANG_TASK not in zh_history and "form" not in zh_history
    assert "Approved (locked)" in page
    report = page.split(f'data-testid="report-{PERIOD}"')[1].split("</article>")[0]
    assert "Approved (locked)" in report and "55%" in report and "evidence.txt" in report


def test_reminders_page_csv_and_json(platform: Platform) -> None:
    import_guizhou(platform)
    client, _ = _client(platform, "prov")
    page = client.get("/ledger/reminders?lang=en")
    assert page.status_code == 200
    assert 'href="/ledger/reminders.csv?lang=en"' in page.text
    assert 'href="/api/v1/ledger/reminders?lang=en"' in page.text
    data = client.get("/api/v1/ledger/reminders").json()
    expected = sum(len(d["reports"]) for d in data["departments"])
    assert page.text.count('<tr data-measure="') == expected
    csv = client.get("/ledger/reminders.csv")
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("department,department_zh") and len(lines) == expected + 1
    for department in data["departments"]:
        assert department["name"]["en"] in page.text


def test_hostile_names_are_escaped(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with platform.tx(admin) as session:
        measure = session.get(LedgerMeasure, GUIYANG_TASK)
        assert measure is not None
        measure.name_zh = measure.name_en = HOSTILE
        department = session.get(LedgerDepartment, "commerce")
        assert department is not None
        department.name_zh = department.name_en = HOSTILE
    client, _ = _client(platform, "prov")
    for path in (
        "/ledger",
        "/ledger?lang=en",
        PAGE,
        "/ledger/reminders",
        "/ledger/reminders?lang=en",
    ):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    assert "<script>alert" not in client.get(f"/ledger?department={HOSTILE}").text


def test_pages_need_a_login(platform: Platform) -> None:
    import_guizhou(platform)
    client, _ = _client(platform)
    for path in ("/ledger", PAGE, "/ledger/reminders", "/ledger/reminders.csv"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.post(FORM, data={}, follow_redirects=False).status_code == 303


def test_no_ledger_yet(platform: Platform) -> None:
    client, _ = _client(platform, "prov")
    for path in ("/ledger?lang=en", "/ledger/reminders?lang=en"):
        answer = client.get(path)
        assert answer.status_code == 200 and 'data-testid="no-ledger"' in answer.text
    assert client.get(PAGE).status_code == 404
