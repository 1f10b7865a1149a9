"""Progress reports on the platform: versions, submit, return, approve, lock, permissions by
department and scope, and an audit entry for every change with a valid chain (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest
from ledger_support import (
    GUIYANG_TASK,
    OTHER_DEPARTMENT_TASK,
    PROVINCE_TASK,
    SHARED_TASK,
    import_guizhou,
)
from platform_support import actor
from sqlalchemy import func, select

from kaifang.platform import audit
from kaifang.platform.errors import Forbidden, NotFound, Refused
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import reports, store
from kaifang.platform.ledger.models import LedgerReportVersion
from kaifang.platform.ledger.reports import ReportContent
from kaifang.platform.models import AuditEntry
from kaifang.platform.web.messages import MESSAGES

PERIOD = "2025Q1"  # GUIYANG_TASK runs 2024-03-01 to 2025-06-30; the file has no 2025Q1 report


def _audit_log(platform: Platform) -> list[AuditEntry]:
    with platform.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _save(platform: Platform, username: str, content: ReportContent, **kw: object) -> int:
    who = actor(platform, username)
    with platform.tx(who) as session:
        return reports.save_report(session, who, GUIYANG_TASK, PERIOD, content, **kw).id  # type: ignore[arg-type]


def test_the_whole_round_with_versions_and_audit(platform: Platform) -> None:
    import_guizhou(platform)
    start = len(_audit_log(platform))
    first = ReportContent("on_track", 80, "服务中心运行良好", "Centre runs well")
    report_id = _save(platform, "filler_gy", first)
    _save(platform, "filler_gy", first)  # unchanged: no version, no entry
    second = ReportContent("at_risk", 82, "人员不足", "Short of staff")
    _save(platform, "filler_gy", second)
    filler, pref = actor(platform, "filler_gy"), actor(platform, "pref_gy")
    with platform.tx(filler) as session:
        reports.submit_report(session, filler, report_id)
    with pytest.raises(Refused, match="comment_needed"), platform.tx(pref) as session:
        reports.review_report(session, pref, report_id, "return", seen_state="submitted")
    with platform.tx(pref) as session:
        reports.review_report(
            session, pref, report_id, "return", seen_state="submitted", comment="补充佐证"
        )
    with platform.tx(filler) as session:
        report = reports.get_report(session, filler, report_id)
        assert report.state == "returned" and report.returned_comment == "补充佐证"
    third = ReportContent("at_risk", 85, "已补充佐证", "Evidence added")
    _save(platform, "filler_gy", third)
    with platform.tx(filler) as session:
        reports.submit_report(session, filler, report_id)
    with platform.tx(pref) as session:
        reports.review_report(session, pref, report_id, "approve", seen_state="submitted")
    # approved: locked for the filler and for the administrator alike
    with pytest.raises(Refused, match="report_locked"):
        _save(platform, "filler_gy", first)
    with pytest.raises(Refused, match="report_locked"):
        _save(platform, "admin", first)
    with platform.read(filler) as session:
        versions = reports.versions_of(session, filler, report_id)
        # three written versions, and a copy with the submitted day at each submit
        assert [v.reason for v in versions] == ["submit", "form", "submit", "form", "form"]
        assert [v.percent for v in versions] == [85, 85, 82, 82, 80]
        assert versions[0].submitted is not None and versions[-1].submitted is None
        steps = reports.reviews_of(session, filler, report_id)
        assert [s.action for s in steps] == ["approve", "submit", "return", "submit"]
        seen = store.read_ledger(session, filler)
        mine = [r for r in seen.file.progress if r.measure == GUIYANG_TASK and r.period == PERIOD]
        assert len(mine) == 1 and mine[0].status == "at_risk" and mine[0].percent == 85
    log = _audit_log(platform)
    assert audit.verify_chain(log) is None
    actions = [e.action for e in log[start:]]
    assert actions == [
        "ledger_report_save",
        "ledger_report_save",
        "ledger_report_submit",
        "ledger_report_return",
        "ledger_report_save",
        "ledger_report_submit",
        "ledger_report_approve",
    ]
    assert all(e.object_id == f"{GUIYANG_TASK}/{PERIOD}" for e in log[start:])
    assert log[start + 1].before is not None and log[start + 1].before["percent"] == 80
    assert log[start + 1].after is not None and log[start + 1].after["percent"] == 82
    assert log[start + 3].reason == "补充佐证"
    # the audit page has words for every action in both languages
    assert all(f"audit_{e.action}" in MESSAGES for e in log)


def test_a_filler_writes_only_its_departments_measures(platform: Platform) -> None:
    import_guizhou(platform)
    content = ReportContent("on_track", 10)
    gy = actor(platform, "filler_gy")  # commerce, 520100
    with pytest.raises(Forbidden), platform.tx(gy) as session:
        reports.save_report(session, gy, OTHER_DEPARTMENT_TASK, "2025Q1", content)
    with pytest.raises(NotFound), platform.tx(gy) as session:
        reports.save_report(session, gy, PROVINCE_TASK, "2025Q1", content)  # out of scope
    lps = actor(platform, "filler_lps")  # commerce too, but 520200: the task is invisible
    with pytest.raises(NotFound), platform.tx(lps) as session:
        reports.save_report(session, lps, GUIYANG_TASK, PERIOD, content)
    for username in ("pref_gy", "prov", "viewer_gy"):
        who = actor(platform, username)
        with pytest.raises(Forbidden), platform.tx(who) as session:
            reports.save_report(session, who, GUIYANG_TASK, PERIOD, content)
    with platform.read() as session:
        assert session.scalar(select(func.count()).select_from(LedgerReportVersion)) == 47


def test_who_reviews(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    ids = {}
    for task in (GUIYANG_TASK, SHARED_TASK):
        with platform.tx(admin) as session:
            report = reports.save_report(
                session, admin, task, "2025Q1", ReportContent("on_track", 50)
            )
            reports.submit_report(session, admin, report.id)
            ids[task] = report.id
    for username in ("filler_gy", "viewer_gy"):
        who = actor(platform, username)
        with pytest.raises(Forbidden), platform.tx(who) as session:
            reports.review_report(
                session, who, ids[GUIYANG_TASK], "approve", seen_state="submitted"
            )
    pref = actor(platform, "pref_gy")
    # a measure of Guiyang and Zunyi is not Guiyang's alone to approve
    with pytest.raises(Forbidden), platform.tx(pref) as session:
        reports.review_report(session, pref, ids[SHARED_TASK], "approve", seen_state="submitted")
    other = actor(platform, "pref_lps")
    with pytest.raises(NotFound), platform.tx(other) as session:
        reports.review_report(session, other, ids[GUIYANG_TASK], "approve", seen_state="submitted")
    prov = actor(platform, "prov")
    with platform.tx(prov) as session:
        reports.review_report(session, prov, ids[SHARED_TASK], "approve", seen_state="submitted")
    # the second of two reviewers acting on what they saw is told what happened
    with pytest.raises(Refused, match="state_changed"), platform.tx(prov) as session:
        reports.review_report(session, prov, ids[SHARED_TASK], "approve", seen_state="submitted")


def test_bad_reports_are_refused_and_change_nothing(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    cases = [
        ("2025-01", ReportContent("on_track", 1), "bad_report_period"),
        ("2023Q4", ReportContent("on_track", 1), "period_outside_span"),
        ("2026Q1", ReportContent("on_track", 1), "period_outside_span"),
        (PERIOD, ReportContent("finished", 1), "bad_status"),
        (PERIOD, ReportContent("on_track", 101), "bad_percent"),
        (PERIOD, ReportContent("on_track", float("nan")), "bad_percent"),
        (PERIOD, ReportContent("on_track", 1, "长" * 4001), "narrative_too_long"),
    ]
    before = len(_audit_log(platform))
    for period, content, key in cases:
        with pytest.raises(Refused, match=key), platform.tx(admin) as session:
            reports.save_report(session, admin, GUIYANG_TASK, period, content)
    report_id = _save(platform, "admin", ReportContent("on_track", 5))
    with pytest.raises(Refused, match="stale_form"):
        _save(platform, "admin", ReportContent("on_track", 6), revision=0)
    with pytest.raises(Refused, match="bad_transition"), platform.tx(admin) as session:
        reports.review_report(session, admin, report_id, "approve", seen_state="draft")
    assert len(_audit_log(platform)) == before + 1
