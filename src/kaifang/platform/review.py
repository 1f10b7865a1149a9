"""Submitting, reviewing (return or approve at two levels), unapproving and publishing.

Every transition locks the submission's row and checks the state the reviewer saw: of two
reviewers approving at once, the first wins and the second is told what happened instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, bindparam, insert, select
from sqlalchemy.orm import Session

from kaifang.platform import audit, rules
from kaifang.platform.access import Actor
from kaifang.platform.data_entry import change_draft, check_cells
from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.models import AuditEntry, Period, Review, Submission, utcnow
from kaifang.platform.reads import plain_rows, scoped_statement
from kaifang.platform.value_reads import current_values
from kaifang.platform.workflow import get_submission, list_submissions, scope_filter

MAX_COMMENT = 2000

# (state, action) -> (permission, next state)
TRANSITIONS = {
    ("submitted", "approve"): ("review_prefecture", "prefecture_approved"),
    ("submitted", "return"): ("review_prefecture", "draft"),
    ("prefecture_approved", "approve"): ("review_province", "province_approved"),
    ("prefecture_approved", "return"): ("review_province", "draft"),
    ("prefecture_approved", "unapprove"): ("unapprove_prefecture", "submitted"),
    ("province_approved", "unapprove"): ("unapprove_province", "prefecture_approved"),
}


def _transition(
    session: Session,
    actor: Actor,
    submission: Submission,
    action: str,
    to_state: str,
    comment: str | None,
) -> Submission:
    from_state = submission.state
    submission.state = to_state
    submission.revision += 1
    submission.updated_at = utcnow()
    submission.updated_by = actor.id
    if action == "return":
        submission.returned_comment = comment
    elif action == "submit":
        submission.returned_comment = None
    session.add(
        Review(
            submission_id=submission.id,
            region_code=submission.region_code,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            actor_id=actor.id,
        )
    )
    session.flush()
    _record(session, actor, submission, action, from_state, to_state, comment)
    return submission


def _record(
    session: Session,
    actor: Actor,
    submission: Submission,
    action: str,
    from_state: str,
    to_state: str,
    comment: str | None,
) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action=action,
        object_type="submission",
        object_id=f"{submission.period.code}/{submission.region_code}",
        region=submission.region_code,
        before={"state": from_state},
        after={"state": to_state},
        reason=comment,
    )


def submit(
    session: Session, actor: Actor, submission_id: int, revision: int | None = None
) -> Submission:
    """Submit a draft: refused while a hard rule is broken or a soft finding is unexplained."""
    submission = get_submission(session, actor, submission_id, lock=True)
    _check_submit(session, actor, submission, revision)
    return _transition(session, actor, submission, "submit", "submitted", None)


def check_submit(
    session: Session, actor: Actor, submission: int | Submission, revision: int | None = None
) -> int:
    """All the checks of :func:`submit`, writing nothing (any transaction); the submission's
    revision they were made at, for :func:`submit_checked`. ``submission`` is its id, or the
    submission as read in this transaction."""
    if isinstance(submission, int):
        submission = get_submission(session, actor, submission)
    _check_submit(session, actor, submission, revision)
    return submission.revision


def submit_checked(
    session: Session,
    actor: Actor,
    submission_id: int,
    checked_revision: int,
    period: Period | None = None,
) -> Submission | None:
    """Submit a draft whose checks passed at ``checked_revision`` (:func:`check_submit`).

    Returns ``None``, writing nothing, when the submission changed since: its values and state
    are then not those that were checked, and the caller submits again (:func:`submit`).
    ``period`` is the submission's period when the caller has it (read before: its code goes into
    the audit entry). Three statements: the check and the change of state in one conditional
    UPDATE, the review's INSERT and the audit entry.
    """
    actor.require("submit")
    submission = change_draft(
        session,
        actor,
        submission_id,
        checked_revision,
        period,
        state="submitted",
        returned_comment=None,
    )
    if submission is None:
        return None
    session.execute(
        insert(Review).values(
            submission_id=submission.id,
            region_code=submission.region_code,
            action="submit",
            from_state="draft",
            to_state="submitted",
            comment=None,
            actor_id=actor.id,
            at=utcnow(),
        )
    )
    _record(session, actor, submission, "submit", "draft", "submitted", None)
    return submission


def _check_submit(
    session: Session, actor: Actor, submission: Submission, revision: int | None
) -> None:
    actor.require("submit")
    if submission.state != "draft":
        raise Refused("state_changed", state=submission.state)
    if revision is not None and revision != submission.revision:
        raise Refused("stale_form", revision=submission.revision)
    period = submission.period
    if period.state != "open":
        raise Refused("period_not_open", code=period.code)
    values = current_values(session, [submission.id])[submission.id]
    if not any(v.value is not None for v in values.values()):
        raise Refused("nothing_entered")
    cells = {i: v.value for i, v in values.items()}
    findings = check_cells(session, actor, period, submission.region_code, cells)
    hard = [f for f in findings if f.severity == "hard"]
    if hard:
        raise Invalid("hard_rules", hard)
    missing = rules.unexplained(findings, {i: v.explanation or "" for i, v in values.items()})
    if missing:
        raise Invalid(
            "explanation_needed",
            [f for f in findings if f.indicator in missing and f.severity == "soft"],
        )


def review(
    session: Session,
    actor: Actor,
    submission_id: int,
    action: str,
    *,
    seen_state: str,
    comment: str | None = None,
) -> Submission:
    """Approve, return or unapprove a submission that is in ``seen_state``.

    A return needs a comment, an unapproval a reason; the state the reviewer saw must still hold.
    """
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    submission = get_submission(session, actor, submission_id, lock=True)
    if submission.state != seen_state:
        raise Refused("state_changed", state=submission.state)
    rule = TRANSITIONS.get((seen_state, action))
    if rule is None:
        raise Refused("bad_transition", state=seen_state, action=action)
    permission, to_state = rule
    actor.require(permission)
    if action == "return" and comment is None:
        raise Refused("comment_needed")
    if action == "unapprove" and comment is None:
        raise Refused("reason_needed")
    return _transition(session, actor, submission, action, to_state, comment)


@dataclass(frozen=True)
class PublishResult:
    published: list[str]
    pending: list[str]


def publish(session: Session, actor: Actor, code: str) -> PublishResult:
    """Publish a period: its province-approved submissions become published (final); the
    others stay where they are and are listed as pending."""
    actor.require("publish")
    period = session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise Refused("not_found", what="period")
    submissions = list_submissions(session, actor, period)
    published, pending = [], []
    for region, submission in sorted(submissions.items()):
        if submission.state == "province_approved":
            session.refresh(submission, with_for_update=True)
        if submission.state == "province_approved":
            _transition(session, actor, submission, "publish", "published", None)
            published.append(region)
        elif submission.state != "published":
            pending.append(region)
    if not published and not any(s.state == "published" for s in submissions.values()):
        raise Refused("nothing_to_publish")
    before = period.state
    period.state = "published"
    period.published_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="period_publish",
        object_type="period",
        object_id=code,
        before={"state": before},
        after={"state": "published", "published": published, "pending": pending},
    )
    return PublishResult(published, pending)


def reviews_of(session: Session, actor: Actor, submission: Submission) -> list[Row[Any]]:
    """The submission's workflow steps, newest first, as plain rows with the columns of
    :class:`Review` (what pages show; no ORM objects)."""
    if submission.state == "draft" and submission.returned_comment is None:
        # A draft comes back only by a return, which needs a comment (and submitting clears
        # it): a draft without one was never submitted and has no steps. Most forms opened are
        # such drafts, and the query is saved for them.
        return []
    query = scoped_statement("reviews", actor, _reviews_of)
    return list(plain_rows(session, query, {"submission": submission.id}))


def _reviews_of(actor: Actor) -> Select[Any]:
    reviews = Review.__table__.c
    return (
        select(*reviews)
        .where(
            reviews.submission_id == bindparam("submission"),
            scope_filter(reviews.region_code, actor),
        )
        .order_by(reviews.at.desc(), reviews.id.desc())
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str | None = None
    region: str | None = None
    object_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def audit_entries(
    session: Session, actor: Actor, where: AuditFilter, limit: int = 200, offset: int = 0
) -> list[AuditEntry]:
    """Audit entries the actor may read (their regions; entries of no region for admins)."""
    actor.require("read_audit")
    visible = scope_filter(AuditEntry.region_code, actor)
    if actor.role == "admin":
        visible = visible | AuditEntry.region_code.is_(None)
    query = select(AuditEntry).where(visible)
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.region:
        query = query.where(AuditEntry.region_code == where.region)
    if where.object_id:
        query = query.where(AuditEntry.object_id.contains(where.object_id, autoescape=True))
    if where.since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(where.since, dt.time(), dt.UTC))
    if where.until:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(AuditEntry.at < end)
    query = query.order_by(AuditEntry.id.desc()).limit(min(limit, 1000)).offset(max(offset, 0))
    return list(session.scalars(query))


def verify_audit(session: Session, actor: Actor) -> int | None:
    """Check the whole hash chain (administrators with the whole scope); the first broken id."""
    actor.require("manage_users")
    return audit.verify_chain(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
