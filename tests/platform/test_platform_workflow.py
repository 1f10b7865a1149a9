"""The submission workflow on SQLite and PostgreSQL: states, versions, audit, faults."""

from __future__ import annotations

import threading

import pytest
from platform_support import actor
from sqlalchemy import func, select

from kaifang.platform import data_entry, review, workflow
from kaifang.platform.access import Actor
from kaifang.platform.errors import Forbidden, Invalid, NotFound, Refused
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry, ValueVersion


def open_period(platform: Platform, code: str, year: int) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code=code, year=year, name_zh=code, name_en=code
        )
        workflow.set_period_state(s, admin, code, "open")


def enter(platform: Platform, who: Actor, code: str, region: str, cells: dict, notes=None) -> int:
    with platform.tx(who) as s:
        period = workflow.get_period(s, code)
        sub = data_entry.save_values(s, who, period, region, cells, notes)
        return sub.id


def approve_fully(platform: Platform, sub_id: int) -> None:
    for name, seen in (("pref_gy", "submitted"), ("prov", "prefecture_approved")):
        who = actor(platform, name)
        with platform.tx(who) as s:
            review.review(s, who, sub_id, "approve", seen_state=seen)


def test_whole_flow_with_versions_and_audit(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    open_period(platform, "2024", 2024)
    sub_id = enter(platform, filler, "2024", "520100", {"gdp": "5000", "trade_total": "1200"})
    enter(platform, filler, "2024", "520100", {"gdp": "5100"})  # a correction: a new version
    with platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    # a filler cannot approve, a reviewer must keep the order of levels
    with pytest.raises(Forbidden), platform.tx(filler) as s:
        review.review(s, filler, sub_id, "approve", seen_state="submitted")
    prov = actor(platform, "prov")
    with pytest.raises(Forbidden), platform.tx(prov) as s:
        review.review(s, prov, sub_id, "approve", seen_state="submitted")
    approve_fully(platform, sub_id)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        result = review.publish(s, admin, "2024")
    assert result.published == ["520100"]
    assert "520200" not in result.published
    with platform.tx(admin) as s:
        versions = s.scalars(
            select(ValueVersion)
            .where(ValueVersion.indicator == "gdp")
            .order_by(ValueVersion.version)
        ).all()
        assert [(v.version, v.value) for v in versions] == [(1, 5000.0), (2, 5100.0)]
        assert {v.author_id for v in versions} == {filler.id}
        actions = [e.action for e in review.audit_entries(s, admin, review.AuditFilter())]
        assert actions[:6] == [
            "period_publish",
            "publish",
            "approve",
            "approve",
            "submit",
            "values_form",
        ]
        assert review.verify_audit(s, admin) is None


def test_hard_rules_block_saving_and_soft_rules_need_an_explanation(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    for year in (2021, 2022, 2023):
        open_period(platform, str(year), year)
        sub_id = enter(platform, filler, str(year), "520100", {"trade_total": "100"})
        with platform.tx(filler) as s:
            review.submit(s, filler, sub_id)
        approve_fully(platform, sub_id)
    open_period(platform, "2024", 2024)
    with pytest.raises(Invalid) as bad, platform.tx(filler) as s:
        data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"trade_total": "-5"}
        )
    assert [f.rule for f in bad.value.findings] == ["below_range"]
    sub_id = enter(platform, filler, "2024", "520100", {"trade_total": "300"})
    with pytest.raises(Invalid) as unexplained, platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    assert unexplained.value.key == "explanation_needed"
    assert {f.rule for f in unexplained.value.findings} == {"yoy_change", "outside_history"}
    enter(platform, filler, "2024", "520100", {"trade_total": "300"}, {"trade_total": "new port"})
    with platform.tx(filler) as s:
        assert review.submit(s, filler, sub_id).state == "submitted"


def test_out_of_scope_rows_are_invisible(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    gy = actor(platform, "filler_gy")
    lps = actor(platform, "filler_lps")
    sub_id = enter(platform, gy, "2024", "520100", {"gdp": "1"})
    with pytest.raises(NotFound), platform.tx(lps) as s:
        workflow.get_submission(s, lps, sub_id)
    with pytest.raises(NotFound), platform.tx(lps) as s:
        data_entry.save_values(s, lps, workflow.get_period(s, "2024"), "520100", {"gdp": "2"})
    with platform.tx(lps) as s:
        assert workflow.list_submissions(s, lps, workflow.get_period(s, "2024")) == {}
        assert [r.code for r in workflow.regions_in_scope(s, lps)] == ["520200"]
    prov = actor(platform, "prov")
    with platform.tx(prov) as s:
        assert list(workflow.list_submissions(s, prov, workflow.get_period(s, "2024"))) == [
            "520100"
        ]
        assert len(workflow.regions_in_scope(s, prov)) == 9


def test_stale_form_after_a_lock_is_refused_with_the_state(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    sub_id = enter(platform, filler, "2024", "520100", {"gdp": "1"})
    with platform.tx(filler) as s:
        drawn = workflow.get_submission(s, filler, sub_id).revision
        review.submit(s, filler, sub_id)
    approve_fully(platform, sub_id)
    with pytest.raises(Refused) as refused, platform.tx(filler) as s:
        period = workflow.get_period(s, "2024")
        data_entry.save_values(s, filler, period, "520100", {"gdp": "2"}, revision=drawn)
    assert refused.value.key == "locked"
    assert refused.value.params["state"] == "province_approved"
    with platform.tx(filler) as s:
        versions = s.scalar(select(func.count()).select_from(ValueVersion))
    assert versions == 1


def test_stale_form_after_another_save_is_refused(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    enter(platform, filler, "2024", "520100", {"gdp": "1"})
    with pytest.raises(Refused) as refused, platform.tx(filler) as s:
        period = workflow.get_period(s, "2024")
        data_entry.save_values(s, filler, period, "520100", {"gdp": "2"}, revision=0)
    assert refused.value.key == "stale_form"


def test_two_reviewers_approving_at_once_one_wins(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    sub_id = enter(platform, filler, "2024", "520100", {"gdp": "1"})
    with platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    reviewers = [actor(platform, "pref_gy"), actor(platform, "admin")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(who: Actor) -> None:
        barrier.wait()
        try:
            with platform.tx(who) as s:
                review.review(s, who, sub_id, "approve", seen_state="submitted")
            outcomes.append("approved")
        except Refused as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["approved", "state_changed"]
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        assert workflow.get_submission(s, admin, sub_id).state == "prefecture_approved"
        approvals = [
            e for e in review.audit_entries(s, admin, review.AuditFilter(action="approve"))
        ]
        assert len(approvals) == 1
        assert review.verify_audit(s, admin) is None


def test_a_failure_mid_write_leaves_nothing(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    real_record = workflow.audit.record

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crash after the values, before the audit entry")

    monkeypatch.setattr(workflow.audit, "record", crash)
    with pytest.raises(RuntimeError), platform.tx(filler) as s:
        data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "1", "trade_total": "2"}
        )
    monkeypatch.setattr(workflow.audit, "record", real_record)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        assert s.scalar(select(func.count()).select_from(ValueVersion)) == 0
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.like("values%"))
            )
            == 0
        )


def test_unapprove_needs_a_reason_and_the_role(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    sub_id = enter(platform, filler, "2024", "520100", {"gdp": "1"})
    with platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    approve_fully(platform, sub_id)
    pref = actor(platform, "pref_gy")
    with pytest.raises(Forbidden), platform.tx(pref) as s:
        review.review(s, pref, sub_id, "unapprove", seen_state="province_approved", comment="x")
    prov = actor(platform, "prov")
    with pytest.raises(Refused) as refused, platform.tx(prov) as s:
        review.review(s, prov, sub_id, "unapprove", seen_state="province_approved")
    assert refused.value.key == "reason_needed"
    with platform.tx(prov) as s:
        sub = review.review(
            s, prov, sub_id, "unapprove", seen_state="province_approved", comment="typo in GDP"
        )
        assert sub.state == "prefecture_approved"
    # a return sends it back to the filler with the comment
    with platform.tx(prov) as s:
        sub = review.review(
            s, prov, sub_id, "return", seen_state="prefecture_approved", comment="fix GDP"
        )
        assert (sub.state, sub.returned_comment) == ("draft", "fix GDP")


def test_tampering_with_the_audit_log_is_detected(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert entry is not None
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    entries[1].reason = "edited afterwards"
    from kaifang.platform.audit import verify_chain

    assert verify_chain(entries) == entries[1].id
