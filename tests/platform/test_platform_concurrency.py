"""Concurrent writers on a real database (SQLite file, PostgreSQL server): the audit chain stays
whole and verifiable, no value version is lost or doubled, a stale plan is never written, and the
SQLite writer gate lets one writer in at a time across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from platform_support import PASSWORD, actor
from sqlalchemy import func, select

from kaifang.platform import accounts, audit, data_entry, review, saving, value_reads, workflow
from kaifang.platform.access import Actor
from kaifang.platform.db import WriterGate
from kaifang.platform.errors import Refused
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry, Submission, ValueVersion

REGIONS = ["520100", "520200", "520300", "520400", "520500", "520600"]
INDICATORS = ["gdp", "population", "land_area", "budget_expenditure"]
ROUNDS = 4


def open_period(platform: Platform) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="2024", name_en="2024"
        )
        workflow.set_period_state(s, admin, "2024", "open")


def fillers(platform: Platform) -> dict[str, Actor]:
    """One filler per region of ``REGIONS`` (created when the fixture has none)."""
    admin = actor(platform, "admin")
    found: dict[str, Actor] = {}
    with platform.tx(admin) as s:
        existing = {tuple(u.scope_codes): u for u in accounts.list_users(s, admin)}
        for code in REGIONS:
            user = existing.get((code,))
            if user is None or user.role != "filler":
                user = accounts.create_user(
                    s,
                    admin,
                    username=f"conc_{code}",
                    display_name=code,
                    password=PASSWORD,
                    role="filler",
                    scope=[code],
                )
            found[code] = accounts.actor_of(user)
    return found


def whole_chain(platform: Platform) -> tuple[int | None, int]:
    """(first broken id, number of entries) of the whole audit log."""
    admin = actor(platform, "admin")
    with platform.read(admin) as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        return review.verify_audit(s, admin), len(entries)


def test_concurrent_writers_keep_the_chain_and_every_version(platform: Platform) -> None:
    open_period(platform)
    who = fillers(platform)
    _, entries_before = whole_chain(platform)
    errors: list[BaseException] = []
    start = threading.Barrier(len(REGIONS))

    def fill(code: str) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                cells = {ind: str(100 + round_ + k) for k, ind in enumerate(INDICATORS)}
                if round_ % 2:
                    saving.save_values(platform, who[code], "2024", code, cells)
                else:  # the one-transaction path, as the pages and uploads use it
                    with platform.tx(who[code]) as s:
                        period = workflow.get_period(s, "2024")
                        data_entry.save_values(s, who[code], period, code, cells)
        except BaseException as exc:  # reported below, with the thread's region
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(code,)) for code in REGIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    broken, entries_after = whole_chain(platform)
    assert broken is None
    # one audit entry per save (every round changes every value)
    assert entries_after - entries_before == len(REGIONS) * ROUNDS
    admin = actor(platform, "admin")
    with platform.read(admin) as s:
        for code in REGIONS:
            sub = s.scalar(select(Submission).where(Submission.region_code == code))
            assert sub is not None and sub.revision == ROUNDS
            versions = s.scalar(
                select(func.count())
                .select_from(ValueVersion)
                .where(ValueVersion.submission_id == sub.id)
            )
            assert versions == ROUNDS * len(INDICATORS)
            newest = value_reads.current_values(s, [sub.id])[sub.id]
            assert {i: v.version for i, v in newest.items()} == dict.fromkeys(INDICATORS, ROUNDS)
            assert newest["gdp"].value == 100 + ROUNDS - 1


def test_a_plan_made_before_another_save_is_not_written(platform: Platform) -> None:
    open_period(platform)
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as s:
        data_entry.save_values(s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "1"})
    with platform.read(filler) as s:
        plan = data_entry.plan_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "2"}
        )
    assert plan.seen_revision == 1
    with platform.tx(filler) as s:  # somebody else saves meanwhile
        data_entry.save_values(s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "3"})
    with platform.tx(filler) as s:
        assert data_entry.apply_plan(s, filler, plan) is None
    # the two-step save notices it too and saves again under the write lock: 3 -> 4, version 3
    saved, values = saving.save_values(platform, filler, "2024", "520100", {"gdp": "4"})
    assert (saved.revision, values["gdp"].value, values["gdp"].version) == (3, 4.0, 3)
    assert whole_chain(platform)[0] is None


def test_a_plan_is_refused_once_the_submission_is_submitted(platform: Platform) -> None:
    open_period(platform)
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as s:
        sub = data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "1"}
        )
    with platform.read(filler) as s:
        plan = data_entry.plan_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "2"}
        )
    with platform.tx(filler) as s:
        review.submit(s, filler, sub.id)
    with platform.tx(filler) as s:
        assert data_entry.apply_plan(s, filler, plan) is None
    with pytest.raises(Refused) as refused:
        saving.save_values(platform, filler, "2024", "520100", {"gdp": "2"})
    assert refused.value.key == "not_draft"


def test_entries_of_a_rolled_back_transaction_vanish(platform: Platform) -> None:
    open_period(platform)
    _, before = whole_chain(platform)
    with platform.factory() as session:
        session.begin()
        audit.record(
            session, actor_id=None, actor="system", action="x", object_type="t", object_id=1
        )
        session.rollback()
        session.begin()  # the next transaction of the same session writes none of them
        session.commit()
    assert whole_chain(platform) == (None, before)
    # several entries of one transaction are chained in order
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        for k in range(3):
            audit.record(
                s, actor_id=admin.id, actor="admin", action="note", object_type="t", object_id=k
            )
    assert whole_chain(platform) == (None, before + 3)


def _count_in_a_process(database: str, counter: str, times: int) -> None:
    _count_under_gate(WriterGate(Path(database)), counter, times)


def _count_under_gate(gate: WriterGate, counter: str, times: int) -> None:
    path = Path(counter)
    for _ in range(times):
        gate.acquire()
        try:  # a read-modify-write that loses counts unless one writer at a time runs it
            value = int(path.read_text() or "0")
            path.write_text(str(value + 1))
        finally:
            gate.release()


def test_the_writer_gate_admits_one_writer_across_threads_and_processes(tmp_path: Path) -> None:
    database = tmp_path / "platform.db"
    counter = tmp_path / "counter"
    counter.write_text("0")
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_count_in_a_process, args=(str(database), str(counter), 150))
        for _ in range(2)
    ]
    shared = WriterGate(database)  # the threads of a process share one gate, as engines do
    threads = [
        threading.Thread(target=_count_under_gate, args=(shared, str(counter), 150))
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert int(counter.read_text()) == 5 * 150


def test_a_submit_checked_before_a_change_is_not_written(platform: Platform) -> None:
    open_period(platform)
    filler = actor(platform, "filler_gy")
    with platform.tx(filler) as s:
        sub = data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "1"}
        )
    with platform.read(filler) as s:
        checked = review.check_submit(s, filler, sub.id)
    with platform.tx(filler) as s:  # a value changes after the checks
        data_entry.save_values(s, filler, workflow.get_period(s, "2024"), "520100", {"gdp": "2"})
    with platform.tx(filler) as s:
        assert review.submit_checked(s, filler, sub.id, checked) is None
        assert s.get(Submission, sub.id).state == "draft"
    done = saving.submit(platform, filler, "2024", "520100")
    assert (done.state, done.revision) == ("submitted", checked + 2)
    with pytest.raises(Refused) as refused:
        saving.submit(platform, filler, "2024", "520100")
    assert refused.value.key == "state_changed"
    assert whole_chain(platform)[0] is None


def test_logins_sent_side_by_side_cannot_slip_past_the_throttle(platform: Platform) -> None:
    # every attempt passes the first check before any failure is recorded (side by side) ...
    checked = []
    for _ in range(accounts.THROTTLE_PER_USER + 2):
        with platform.read() as s:
            checked.append(accounts.verify_login(s, "filler_gy", "wrong-password-1", "c1"))
    assert checked == [None] * (accounts.THROTTLE_PER_USER + 2)
    outcomes = []
    for user in checked:
        try:
            with platform.tx() as s:
                accounts.record_login(s, "filler_gy", "c1", user)
            outcomes.append("failed")
        except Refused as exc:
            outcomes.append(exc.key)
    # ... but the second check stops the ones beyond the limit
    assert outcomes == ["failed"] * accounts.THROTTLE_PER_USER + ["login_throttled"] * 2
    # and then even the right password is refused
    with pytest.raises(Refused) as refused, platform.read() as s:
        accounts.verify_login(s, "filler_gy", PASSWORD, "c2")
    assert refused.value.key == "login_throttled"
