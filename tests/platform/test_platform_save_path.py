"""The short write path of saves and submits (one conditional UPDATE, the INSERTs, the audit
entry) on a real database (SQLite file, PostgreSQL server): it writes what the locked path
wrote, falls back to it whenever the plan no longer holds, and keeps one verifiable chain while
many writers, of this path and of others, append side by side."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import test_platform_concurrency as conc
from platform_support import actor
from sqlalchemy import event, func, select

from kaifang.platform import (
    accounts,
    audit,
    data_entry,
    review,
    saving,
    value_insert,
    value_reads,
    workflow,
)
from kaifang.platform.errors import NotFound, Refused
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry, Review, Submission, ValueVersion


def _counts(platform: Platform) -> tuple[int, int, int]:
    """(value versions, audit entries, revision of 520100's submission)."""
    admin = actor(platform, "admin")
    with platform.read(admin) as s:
        versions = s.scalar(select(func.count()).select_from(ValueVersion))
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
        revision = s.scalar(select(Submission.revision).where(Submission.region_code == "520100"))
        return int(versions or 0), int(entries or 0), int(revision or 0)


def _first_save(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as s:
        data_entry.save_values(s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "1"})


def test_a_save_writes_its_values_and_entry_in_few_statements(platform: Platform) -> None:
    conc.open_period(platform)
    _first_save(platform)
    filler = actor(platform, "filler_gy")
    with platform.read(filler) as s:
        plan = data_entry.plan_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "2", "population": "7"}
        )
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        with platform.tx(filler) as s:
            saved = data_entry.apply_plan(s, filler, plan)
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
    # BEGIN IMMEDIATE (SQLite) or the scope's set_config (PostgreSQL), the revision's check
    # and bump, the values, and the audit entry (two statements on either database)
    assert len(statements) <= 5, statements
    assert not any(text.lstrip().upper().startswith("SELECT SUBMISSIONS") for text in statements)
    assert saved is not None
    assert (saved.revision, saved.period.code, saved.state) == (2, "2024", "draft")
    admin = actor(platform, "admin")
    with platform.read(admin) as s:
        newest = value_reads.current_values(s, [saved.id])[saved.id]
        assert {i: (v.value, v.version) for i, v in newest.items()} == {
            "gdp": (2.0, 2),
            "population": (7.0, 1),
        }
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (entry.action, entry.object_id, entry.region_code) == (
            "values_form",
            "2024/520100",
            "520100",
        )
        assert (entry.before, entry.after) == (
            {"gdp": 1.0, "population": None},
            {"gdp": 2.0, "population": 7.0},
        )
        assert entry.hash == audit.entry_hash(entry.prev_hash, entry)
    assert conc.whole_chain(platform)[0] is None


def test_values_beyond_one_insert_are_split_and_all_written(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    conc.open_period(platform)
    _first_save(platform)
    monkeypatch.setattr(value_insert, "_ROWS_PER_INSERT", 3)
    filler = actor(platform, "filler_gy")
    cells = {ind: str(10 + k) for k, ind in enumerate(conc.INDICATORS)}  # 4 rows: 3 + 1
    explanations = {"gdp": "回升 rebound"}
    saved, values = saving.save_values(platform, filler, "2024", "520100", cells, explanations)
    with platform.read(filler) as s:
        stored = value_reads.current_values(s, [saved.id])[saved.id]
    assert {i: (v.value, v.explanation, v.version) for i, v in stored.items()} == {
        i: (values[i].value, values[i].explanation, values[i].version) for i in conc.INDICATORS
    }
    assert stored["gdp"].explanation == "回升 rebound" and stored["gdp"].version == 2
    assert stored["land_area"].value == 12.0 and stored["land_area"].author_id == filler.id
    assert stored["land_area"].at is not None


def test_a_period_closed_after_the_plan_refuses_the_save_and_writes_nothing(
    platform: Platform,
) -> None:
    conc.open_period(platform)
    _first_save(platform)
    filler = actor(platform, "filler_gy")
    with platform.read(filler) as s:
        plan = data_entry.plan_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "2"}
        )
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:  # closing a period leaves the submission's revision alone
        workflow.set_period_state(s, admin, "2024", "closed")
    before = _counts(platform)
    with pytest.raises(Refused) as refused, platform.tx(filler) as s:
        data_entry.apply_plan(s, filler, plan)
    assert refused.value.key == "period_not_open"
    assert _counts(platform) == before
    with pytest.raises(Refused) as refused:
        saving.save_values(platform, filler, "2024", "520100", {"gdp": "2"})
    assert refused.value.key == "period_not_open"
    assert _counts(platform) == before
    assert conc.whole_chain(platform)[0] is None


def test_a_plan_applied_by_a_user_of_another_region_finds_nothing(platform: Platform) -> None:
    conc.open_period(platform)
    _first_save(platform)
    filler = actor(platform, "filler_gy")
    with platform.read(filler) as s:
        plan = data_entry.plan_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "5"}
        )
    before = _counts(platform)
    other = actor(platform, "filler_lps")
    with pytest.raises(NotFound), platform.tx(other) as s:
        data_entry.apply_plan(s, other, plan)
    assert _counts(platform) == before


def test_a_submit_after_the_period_closed_is_refused(platform: Platform) -> None:
    conc.open_period(platform)
    _first_save(platform)
    filler = actor(platform, "filler_gy")
    with platform.read(filler) as s:
        found = workflow.find_submission(s, filler, workflow.get_period(s, "2024"), "520100")
        assert found is not None
        checked = review.check_submit(s, filler, found, None)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.set_period_state(s, admin, "2024", "closed")
    with platform.tx(filler) as s:
        assert review.submit_checked(s, filler, found.id, checked) is None
    with pytest.raises(Refused) as refused:
        saving.submit(platform, filler, "2024", "520100")
    assert refused.value.key == "period_not_open"
    with platform.tx(admin) as s:
        workflow.set_period_state(s, admin, "2024", "open")
    done = saving.submit(platform, filler, "2024", "520100")
    assert (done.state, done.revision, done.period.code) == ("submitted", checked + 1, "2024")
    with platform.read(admin) as s:
        reviews = list(s.scalars(select(Review).where(Review.submission_id == found.id)))
        assert [(r.action, r.from_state, r.to_state, r.actor_id) for r in reviews] == [
            ("submit", "draft", "submitted", filler.id)
        ]
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (entry.action, entry.object_id, entry.before, entry.after) == (
            "submit",
            "2024/520100",
            {"state": "draft"},
            {"state": "submitted"},
        )
    assert conc.whole_chain(platform)[0] is None


ROUNDS = 5


def test_many_saves_submits_and_other_writers_side_by_side_keep_one_chain(
    platform: Platform,
) -> None:
    conc.open_period(platform)
    who = conc.fillers(platform)
    admin = actor(platform, "admin")
    _, entries_before = conc.whole_chain(platform)
    errors: list[BaseException] = []
    start = threading.Barrier(len(conc.REGIONS) + 1)

    def fill(code: str) -> None:
        try:
            start.wait()
            revision = 0
            for round_ in range(ROUNDS):
                cells = {ind: str(200 + round_ + k) for k, ind in enumerate(conc.INDICATORS)}
                saved, _ = saving.save_values(
                    platform, who[code], "2024", code, cells, revision=revision
                )
                revision = saved.revision
            saving.submit(platform, who[code], "2024", code, revision)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def tokens() -> None:  # another writer of the chain, through the ORM session
        try:
            start.wait()
            with platform.read(admin) as s:
                user = accounts.list_users(s, admin)[0]
            for k in range(ROUNDS):
                with platform.tx(admin) as s:
                    accounts.create_token(s, user, f"side-{k}", platform.secret)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(code,)) for code in conc.REGIONS]
    threads.append(threading.Thread(target=tokens))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    broken, entries_after = conc.whole_chain(platform)
    assert broken is None
    # a save and a submit per region and round, and one entry per token
    assert entries_after - entries_before == len(conc.REGIONS) * (ROUNDS + 1) + ROUNDS
    with platform.read(admin) as s:
        for code in conc.REGIONS:
            sub = s.scalar(select(Submission).where(Submission.region_code == code))
            assert sub is not None
            assert (sub.state, sub.revision) == ("submitted", ROUNDS + 1)
            versions = s.scalar(
                select(func.count())
                .select_from(ValueVersion)
                .where(ValueVersion.submission_id == sub.id)
            )
            assert versions == ROUNDS * len(conc.INDICATORS)
        ids = list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        assert len(ids) == len(set(ids)) == entries_after
