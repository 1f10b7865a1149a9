"""Every status rule of the ledger, worked by hand."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kaifang.ledger.status import SEVERITY, Derived, Reason, derive_status, milestone_overdue
from kaifang.ledger.status import mismatch as flag

D = dt.date
AS_OF = D(2024, 12, 31)
START, DEADLINE = D(2024, 1, 1), D(2026, 12, 31)


def ms(
    name: str, due: dt.date, done: dt.date | None = None
) -> tuple[Reason, dt.date, dt.date | None]:
    return (Reason(name, name), due, done)


def ind(name: str, status: str) -> tuple[Reason, str]:
    return (Reason(f"indicator {name}", f"指标“{name}”"), status)


def test_milestone_overdue_only_after_its_due_day_and_while_open() -> None:
    assert not milestone_overdue(D(2024, 12, 31), None, AS_OF)  # due today: not yet overdue
    assert milestone_overdue(D(2024, 12, 30), None, AS_OF)
    assert not milestone_overdue(D(2024, 6, 30), D(2024, 7, 15), AS_OF)  # done late, but done
    assert milestone_overdue(D(2024, 6, 30), D(2025, 1, 5), AS_OF)  # done after as_of: open then


def test_no_evidence_is_on_track() -> None:
    assert derive_status(START, DEADLINE, [], [], AS_OF).status == "on_track"


def test_an_overdue_milestone_delays_the_measure_and_says_which() -> None:
    d = derive_status(
        START, DEADLINE, [ms("a", D(2024, 6, 30)), ms("b", D(2025, 6, 30))], [], AS_OF
    )
    assert d.status == "delayed"
    assert d.reasons[0].en == "1 milestone(s) overdue: a"
    assert d.reasons[0].zh == "1个里程碑逾期：a"


def test_indicator_statuses_map_to_measure_statuses() -> None:
    def status(s: str) -> str:
        return derive_status(START, DEADLINE, [], [ind("x", s)], AS_OF).status

    assert status("on_track") == "on_track"
    assert status("at_risk") == "at_risk"
    assert status("off_track") == "delayed"
    assert status("no_target") == "on_track"  # no evidence
    assert status("no_data") == "on_track"


def test_worst_evidence_wins() -> None:
    d = derive_status(START, DEADLINE, [], [ind("x", "at_risk"), ind("y", "off_track")], AS_OF)
    assert d.status == "delayed"
    assert [r.en for r in d.reasons] == ["indicator x at risk", "indicator y off track"]


def test_done_only_when_reported_done_and_the_evidence_agrees() -> None:
    done = [ms("a", D(2024, 3, 1), D(2024, 2, 1)), ms("b", D(2024, 9, 1), D(2024, 9, 1))]
    fine = [ind("x", "on_track")]
    assert derive_status(START, DEADLINE, done, fine, AS_OF, reported_done=True).status == "done"
    # milestones are steps: all of them done is not the end of the work by itself
    assert derive_status(START, DEADLINE, done, fine, AS_OF).status == "on_track"
    # an indicator at risk keeps it from being done
    risky = [ind("x", "at_risk")]
    assert derive_status(START, DEADLINE, done, risky, AS_OF, reported_done=True).status == (
        "at_risk"
    )
    # an open milestone, not yet due, keeps it from being done
    open_ = [*done, ms("c", D(2025, 6, 1))]
    assert derive_status(START, DEADLINE, open_, fine, AS_OF, reported_done=True).status == (
        "on_track"
    )


def test_not_started_before_the_start_day() -> None:
    later = D(2025, 3, 1)
    assert derive_status(later, DEADLINE, [ms("a", D(2025, 6, 1))], [], AS_OF).status == (
        "not_started"
    )


def test_deadline_passed_with_work_open_is_delayed() -> None:
    d = derive_status(
        START,
        D(2024, 12, 1),
        [ms("a", D(2024, 11, 1), D(2024, 10, 1)), ms("b", D(2024, 12, 1), None)],
        [],
        AS_OF,
    )
    assert d.status == "delayed"
    assert any(r.en == "deadline 2024-12-01 passed" for r in d.reasons)


def test_parent_takes_the_worst_child_and_is_done_only_when_all_are() -> None:
    kids = [Derived("done"), Derived("at_risk")]
    assert derive_status(START, DEADLINE, [], [], AS_OF, kids).status == "at_risk"
    assert derive_status(START, DEADLINE, [], [], AS_OF, [Derived("done")] * 2).status == "done"
    assert (
        derive_status(START, DEADLINE, [], [], AS_OF, [Derived("done"), Derived("on_track")]).status
        == "on_track"
    )


def test_mismatch_flags_only_a_more_favourable_report() -> None:
    derived = Derived("delayed", (Reason("indicator Trade off track", "指标“进出口”明显滞后"),))
    f = flag("on_track", derived)
    assert f is not None
    assert f.en == "reported on track, indicator Trade off track"
    assert f.zh == "填报为按计划推进，但指标“进出口”明显滞后"
    assert flag("delayed", derived) is None
    assert flag("delayed", Derived("on_track")) is None  # more cautious than the evidence: fine
    assert flag("done", Derived("on_track")) is not None  # reported done while work is open
    assert flag(None, derived) is None


STATUSES = st.sampled_from(["done", "not_started", "on_track", "at_risk", "delayed"])


@given(st.lists(STATUSES, min_size=1, max_size=6))
def test_a_parent_is_never_better_than_its_worst_child(children: list[str]) -> None:
    d = derive_status(START, DEADLINE, [], [], AS_OF, [Derived(s) for s in children])
    late = [SEVERITY[s] for s in children if s in ("at_risk", "delayed")]
    if late:
        assert SEVERITY[d.status] == max(late)
    assert (d.status == "done") == all(s == "done" for s in children)
