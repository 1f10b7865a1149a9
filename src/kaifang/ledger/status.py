"""The status of a measure derived from evidence, and the check of the reported status against it.

Rules, applied on the day ``as_of`` (each is tested by hand in tests/ledger/test_status.py):

1. **Milestones.** A milestone is *overdue* when its due day has passed (``due < as_of``) and it
   was not done by ``as_of``. Any overdue milestone, or a deadline passed with work open, makes
   the measure **delayed**.
2. **Indicators.** Each linked indicator's target is tracked as the ``targets`` verb does
   (latest value against the straight path to the target): *off track* makes the measure
   **delayed**, *at risk* makes it **at risk**, *on track* keeps it **on track**; an indicator
   without data gives no evidence.
3. The derived status is the worst of the evidence, in the order
   on track < at risk < delayed.
4. **Done** only when the department reports it done and the evidence agrees: every milestone
   done by ``as_of`` and no indicator at risk or off track (milestones mark steps, so all of
   them done does not by itself mean the work is over). **Not started** when the start day lies
   after ``as_of`` and nothing is done yet.
5. A parent measure takes the worst derived status of its children and of its own evidence; it
   is done only when all of them are done.

The reported status is flagged when it is *more favourable* than the derived one (reported
"on track" while a milestone is overdue; reported "done" while work is open). A report less
favourable than the evidence is the department's judgement and is not flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

# how bad a status is; "not_started" ranks with "on_track": nothing is late yet
SEVERITY = {"done": 0, "not_started": 1, "on_track": 1, "at_risk": 2, "delayed": 3}
INDICATOR_EVIDENCE = {"on_track": "on_track", "at_risk": "at_risk", "off_track": "delayed"}

STATUS_NAMES = {
    "not_started": ("not started", "未启动"),
    "on_track": ("on track", "按计划推进"),
    "at_risk": ("at risk", "存在风险"),
    "delayed": ("delayed", "滞后"),
    "done": ("done", "已完成"),
}


@dataclass(frozen=True)
class Reason:
    """One piece of evidence against a favourable status, in both languages."""

    en: str
    zh: str


@dataclass(frozen=True)
class Derived:
    status: str
    reasons: tuple[Reason, ...] = ()


def milestone_overdue(due: dt.date, done: dt.date | None, as_of: dt.date) -> bool:
    """Whether a milestone due on ``due`` and done on ``done`` (or open) is overdue on ``as_of``."""
    return due < as_of and (done is None or done > as_of)


def derive_status(
    start: dt.date,
    deadline: dt.date,
    milestones: Sequence[tuple[Reason, dt.date, dt.date | None]],
    indicator_statuses: Sequence[tuple[Reason, str]],
    as_of: dt.date,
    children: Sequence[Derived] = (),
    reported_done: bool = False,
) -> Derived:
    """The status of one measure from its milestones ``(name, due, done)``, its indicators'
    target statuses ``(name, status)`` and its children's derived statuses (rules above).
    Names are :class:`Reason` pairs (en, zh) so that the reasons read well in both languages;
    an indicator's name says what is tracked (``indicator X`` or ``target Y``)."""
    reasons: list[Reason] = []
    worst = "on_track"

    def worsen(status: str) -> None:
        nonlocal worst
        if SEVERITY[status] > SEVERITY[worst]:
            worst = status

    overdue = [name for name, due, done in milestones if milestone_overdue(due, done, as_of)]
    if overdue:
        worsen("delayed")
        reasons.append(
            Reason(
                f"{len(overdue)} milestone(s) overdue: {', '.join(n.en for n in overdue)}",
                f"{len(overdue)}个里程碑逾期：{'、'.join(n.zh for n in overdue)}",
            )
        )
    done_all = bool(milestones) and all(d is not None and d <= as_of for _, _, d in milestones)
    if deadline < as_of and not done_all and not children:
        worsen("delayed")
        reasons.append(Reason(f"deadline {deadline} passed", f"已超过完成时限{deadline}"))
    for name, status in indicator_statuses:
        evidence = INDICATOR_EVIDENCE.get(status)
        if evidence is None:
            continue
        worsen(evidence)
        if evidence != "on_track":
            en, zh = {"at_risk": ("at risk", "存在风险"), "delayed": ("off track", "明显滞后")}[
                evidence
            ]
            reasons.append(Reason(f"{name.en} {en}", f"{name.zh}{zh}"))
    for child in children:
        worsen(child.status if child.status != "done" else "on_track")
    children_done = all(c.status == "done" for c in children)
    if worst == "on_track":
        if children and children_done and (done_all or not milestones):
            return Derived("done", tuple(reasons))
        if not children and reported_done and (done_all or not milestones):
            return Derived("done", tuple(reasons))
        started = start <= as_of or any(d is not None and d <= as_of for _, _, d in milestones)
        if not started and not any(c.status != "not_started" for c in children):
            return Derived("not_started", tuple(reasons))
    return Derived(worst, tuple(reasons))


def mismatch(reported: str | None, derived: Derived) -> Reason | None:
    """The flag shown when the reported status is more favourable than the evidence, e.g.
    "reported on track, indicator trade_total off track"; ``None`` when they agree."""
    if reported is None:
        return None
    more_favourable = SEVERITY[reported] < SEVERITY[derived.status] or (
        reported == "done" and derived.status != "done"
    )
    if not more_favourable:
        return None
    en_r, zh_r = STATUS_NAMES[reported]
    en_d, zh_d = STATUS_NAMES[derived.status]
    why_en = "; ".join(r.en for r in derived.reasons) or f"evidence says {en_d}"
    why_zh = "；".join(r.zh for r in derived.reasons) or f"核验结果为{zh_d}"
    return Reason(f"reported {en_r}, {why_en}", f"填报为{zh_r}，但{why_zh}")
