"""A submission's current values and a region's approved history: the newest version of every
value, read as plain rows through statements built once (the form, its checks and every save
read them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from kaifang.platform import rules
from kaifang.platform.access import Actor
from kaifang.platform.models import Period, Submission, ValueVersion
from kaifang.platform.reads import plain_rows

APPROVED = ("province_approved", "published")


@dataclass(frozen=True)
class CurrentValue:
    value: float | None
    explanation: str | None
    version: int
    author_id: int | None
    at: Any


_VV = ValueVersion.__table__.c
_SUBMISSION_TABLE = Submission.__table__
_PERIOD_TABLE = Period.__table__
_SUBMISSIONS = _SUBMISSION_TABLE.c
_PERIODS = _PERIOD_TABLE.c


def _newest_join(newest: Any) -> Any:
    return and_(
        _VV.submission_id == newest.c.submission_id,
        _VV.indicator == newest.c.indicator,
        _VV.version == newest.c.version,
    )


# The statements of the most frequent reads are built once (Core tables, bound parameters):
# building and keying an ORM statement cost more than running it.
_NEWEST_OF = (
    select(_VV.submission_id, _VV.indicator, func.max(_VV.version).label("version"))
    .where(_VV.submission_id.in_(bindparam("ids", expanding=True)))
    .group_by(_VV.submission_id, _VV.indicator)
    .subquery()
)
_CURRENT_VALUES = select(
    _VV.submission_id,
    _VV.indicator,
    _VV.value,
    _VV.explanation,
    _VV.version,
    _VV.author_id,
    _VV.created_at,
).join(_NEWEST_OF, _newest_join(_NEWEST_OF))


def current_values(
    session: Session, submission_ids: list[int]
) -> dict[int, dict[str, CurrentValue]]:
    """The newest version of every value of these submissions: submission -> indicator -> value."""
    if not submission_ids:
        return {}
    # plain rows, not ORM objects: a form's values are read on most requests
    rows: Iterable[Sequence[Any]] = plain_rows(
        session, _CURRENT_VALUES, {"ids": list(submission_ids)}
    )
    found: dict[int, dict[str, CurrentValue]] = {i: {} for i in submission_ids}
    for submission_id, indicator, value, explanation, version, author_id, at in rows:
        found[submission_id][indicator] = CurrentValue(value, explanation, version, author_id, at)
    return found


# the newest version of every value of a region's approved submissions in a span of years
_NEWEST_APPROVED = (
    select(
        _VV.submission_id,
        _VV.indicator,
        _PERIODS.year,
        func.max(_VV.version).label("version"),
    )
    .join(_SUBMISSION_TABLE, _SUBMISSIONS.id == _VV.submission_id)
    .join(_PERIOD_TABLE, _PERIODS.id == _SUBMISSIONS.period_id)
    .where(
        _SUBMISSIONS.region_code == bindparam("region"),
        _SUBMISSIONS.state.in_(APPROVED),
        _PERIODS.year < bindparam("year"),
        _PERIODS.year >= bindparam("first_year"),
    )
    .group_by(_VV.submission_id, _VV.indicator, _PERIODS.year)
    .subquery()
)
_HISTORY = (
    select(_NEWEST_APPROVED.c.year, _VV.indicator, _VV.value)
    .select_from(ValueVersion.__table__)
    .join(_NEWEST_APPROVED, _newest_join(_NEWEST_APPROVED))
)


def value_history(
    session: Session, actor: Actor, region: str, year: int, indicators: list[str]
) -> dict[str, dict[int, float]]:
    """Approved values of ``region`` in the five years before ``year`` (one query).

    Returns indicator -> year -> value.
    """
    actor.require_region(region)
    rows: Iterable[Sequence[Any]] = plain_rows(
        session,
        _HISTORY,
        {"region": region, "year": year, "first_year": year - rules.HISTORY_YEARS},
    )
    history: dict[str, dict[int, float]] = {i: {} for i in indicators}
    for value_year, indicator, value in rows:
        if value is not None and indicator in history:
            history[indicator][value_year] = value
    return history
