"""Saving values and submitting in two steps, so that writers wait for each other briefly.

The checks (and the new versions of a save) are worked out in a read transaction, which on SQLite
runs beside the one writer and on PostgreSQL takes no lock; the write transaction then only
verifies that the submission's revision is unchanged and writes
(:func:`kaifang.platform.data_entry.apply_plan`, :func:`kaifang.platform.review.submit_checked`).
Every change of a submission's values or state bumps its revision, so an unchanged revision means
the checks still hold. Should it have changed, the whole step is done again in the write
transaction.

The write transaction is a few statements on purpose: each one lets go of Python's global lock,
and getting it back may wait behind the server's other threads while this writer holds the write
lock (SQLite) or the audit chain's head (PostgreSQL). The check and the bump of the revision are
one conditional UPDATE, the values one INSERT, the audit entry two statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaifang.platform import data_entry, review, value_reads, workflow
from kaifang.platform.access import Actor
from kaifang.platform.errors import Refused
from kaifang.platform.instance import Platform
from kaifang.platform.models import Period, Submission


@dataclass(frozen=True)
class Entry:
    """What a save is asked to write: cells (and their explanations) of a region's form for a
    period, drawn at ``revision`` (``None``: not checked), entered through ``source``."""

    period_code: str
    region: str
    cells: Mapping[str, str | float | None]
    explanations: Mapping[str, str] | None = None
    revision: int | None = None
    source: str = "form"


def plan_save(session: Session, actor: Actor, entry: Entry) -> data_entry.SavePlan:
    """The checks and new versions of a save, worked out in ``session``: a read transaction in
    the actor's scope (the request's own, which looked up its user)."""
    # the period, the region's checks and its submission in one query
    period, region, submission = workflow.period_region_submission(
        session, actor, entry.period_code, entry.region
    )
    return data_entry.plan_values(
        session,
        actor,
        period,
        entry.region,
        entry.cells,
        entry.explanations,
        revision=entry.revision,
        source=entry.source,
        found=(region, submission),
    )


def apply_save(
    session: Session, actor: Actor, plan: data_entry.SavePlan, entry: Entry
) -> tuple[Submission, dict[str, value_reads.CurrentValue]]:
    """Write a :func:`plan_save` plan in ``session``, a transaction that may write; should the
    submission have changed since, the save is done again under its row lock."""
    saved = data_entry.apply_plan(session, actor, plan)
    if saved is not None:
        return saved, plan.current
    period = workflow.get_period(session, entry.period_code)
    saved = data_entry.save_values(
        session,
        actor,
        period,
        entry.region,
        entry.cells,
        entry.explanations,
        revision=entry.revision,
        source=entry.source,
    )
    return saved, value_reads.current_values(session, [saved.id])[saved.id]


def write_save(
    platform: Platform, actor: Actor, plan: data_entry.SavePlan, entry: Entry
) -> tuple[Submission, dict[str, value_reads.CurrentValue]]:
    """:func:`apply_save` in a write transaction of its own."""
    with platform.tx(actor) as session:
        return apply_save(session, actor, plan, entry)


def save_values(
    platform: Platform,
    actor: Actor,
    period_code: str,
    region: str,
    cells: Mapping[str, str | float | None],
    explanations: Mapping[str, str] | None = None,
    *,
    revision: int | None = None,
    source: str = "form",
) -> tuple[Submission, dict[str, value_reads.CurrentValue]]:
    """Save values as :func:`kaifang.platform.data_entry.save_values` does (same checks, same
    refusals, all or nothing); returns the submission and its values after the save."""
    entry = Entry(period_code, region, cells, explanations, revision, source)
    with platform.read(actor) as session:
        plan = plan_save(session, actor, entry)
        if platform.reads_may_write:
            # PostgreSQL: the write in the checks' transaction, as the API's save (no second
            # transaction and scope binding); SQLite: it queues for the one writer afterwards
            return apply_save(session, actor, plan, entry)
    return write_save(platform, actor, plan, entry)


@dataclass(frozen=True)
class SubmitCheck:
    """A submission found and checked for submitting, in a read transaction."""

    submission_id: int
    checked_revision: int
    period: Period
    revision: int | None


def check_submit(
    session: Session, actor: Actor, period_code: str, region: str, revision: int | None = None
) -> SubmitCheck:
    """The checks of a submit, made in ``session`` (a read transaction in the actor's scope)."""
    period = workflow.get_period(session, period_code)
    found = workflow.find_submission(session, actor, period, region)
    if found is None:
        raise Refused("nothing_entered")
    checked = review.check_submit(session, actor, found, revision)
    return SubmitCheck(found.id, checked, period, revision)


def apply_submit(session: Session, actor: Actor, check: SubmitCheck) -> Submission:
    """Submit after :func:`check_submit` in ``session``, a transaction that may write (checked
    again under the row lock when the submission changed since)."""
    done = review.submit_checked(
        session, actor, check.submission_id, check.checked_revision, check.period
    )
    if done is None:
        done = review.submit(session, actor, check.submission_id, check.revision)
    return done


def write_submit(platform: Platform, actor: Actor, check: SubmitCheck) -> Submission:
    """:func:`apply_submit` in a write transaction of its own."""
    with platform.tx(actor) as session:
        return apply_submit(session, actor, check)


def submit(
    platform: Platform, actor: Actor, period_code: str, region: str, revision: int | None = None
) -> Submission:
    """Submit as :func:`kaifang.platform.review.submit` does (same checks and refusals)."""
    with platform.read(actor) as session:
        check = check_submit(session, actor, period_code, region, revision)
    return write_submit(platform, actor, check)
