"""Per-indicator validation rules: what applies to a period's form, and the administrator's edits.

Three levels, the most specific wins as a whole row: a row for the period, else a global row,
else the rules derived when the form was generated (range from the unit, the period's
year-on-year threshold, the five-year band on). A row's ``yoy_threshold`` left empty keeps the
period's threshold. Global rows are the normal case (a statistics office keeps its checks from
year to year); a period row is the exception for one year (a change of statistical scope, say).
Rules are checked when values are saved and submitted: a change does not reopen submissions
already made. The rules of a published period are frozen.

Every change is checked as a whole before anything is written (every problem at once, as
findings), and each changed indicator gets an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaifang.platform import audit, rules
from kaifang.platform.access import Actor
from kaifang.platform.errors import Invalid, Refused
from kaifang.platform.forms import period_fields
from kaifang.platform.models import Period, utcnow
from kaifang.platform.reads import plain_rows
from kaifang.platform.rule_models import IndicatorRule
from kaifang.platform.rules import Finding

# the same bounds as a period's threshold: above 0, at most 1000%
MAX_THRESHOLD = 10.0
GLOBAL = "*"


class FieldLike(Protocol):
    """A form field (stored, or generated from the framework) as the rules need it."""

    @property
    def indicator(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def positive(self) -> bool: ...


@dataclass(frozen=True)
class EffectiveRule:
    """The rules that apply to one indicator, and where they come from.

    ``source``: ``default`` (derived), ``global`` or ``period``. ``yoy_threshold`` is ``None``
    when the period's threshold applies.
    """

    indicator: str
    low: float | None
    high: float | None
    yoy_threshold: float | None
    history_band: bool
    source: str
    default_low: float | None
    default_high: float | None
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    def settings(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "yoy_threshold": self.yoy_threshold,
            "history_band": self.history_band,
        }


@dataclass(frozen=True)
class RuleChange:
    """A requested change of one indicator's rules; ``reset`` removes the row of the level."""

    indicator: str
    low: float | None = None
    high: float | None = None
    yoy_threshold: float | None = None
    history_band: bool = True
    reset: bool = False

    def settings(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "yoy_threshold": self.yoy_threshold,
            "history_band": self.history_band,
        }


def _rows(session: Session, period_id: int | None, lock: bool = False) -> dict[str, IndicatorRule]:
    query = select(IndicatorRule).where(
        IndicatorRule.period_id.is_(None)
        if period_id is None
        else IndicatorRule.period_id == period_id
    )
    if lock:
        query = query.with_for_update(of=IndicatorRule)
    return {row.indicator: row for row in session.scalars(query).unique()}


def _from_row(field: FieldLike, row: IndicatorRule, source: str) -> EffectiveRule:
    return EffectiveRule(
        indicator=field.indicator,
        low=row.low,
        high=row.high,
        yoy_threshold=row.yoy_threshold,
        history_band=row.history_band,
        source=source,
        default_low=field.low,
        default_high=field.high,
        updated_by=row.updater.username if row.updater is not None else None,
        updated_at=row.updated_at,
    )


def _derived(field: FieldLike) -> EffectiveRule:
    return EffectiveRule(
        field.indicator, field.low, field.high, None, True, "default", field.low, field.high
    )


def effective_rules(
    session: Session, fields: Sequence[FieldLike], period: Period | None
) -> dict[str, EffectiveRule]:
    """The rules of every field, in form order: the period's row, else the global row, else
    the derived rules (``period`` ``None``: the global level only)."""
    global_rows = _rows(session, None)
    period_rows = _rows(session, period.id) if period is not None else {}
    found = {}
    for field in fields:
        if field.indicator in period_rows:
            found[field.indicator] = _from_row(field, period_rows[field.indicator], "period")
        elif field.indicator in global_rows:
            found[field.indicator] = _from_row(field, global_rows[field.indicator], "global")
        else:
            found[field.indicator] = _derived(field)
    return found


# Both levels' rows in one query, as plain rows (no ORM objects, no join to their updater):
# every entry page, validation and save reads them.
_RULE_ROWS = select(
    IndicatorRule.period_id,
    IndicatorRule.indicator,
    IndicatorRule.low,
    IndicatorRule.high,
    IndicatorRule.yoy_threshold,
    IndicatorRule.history_band,
).where(or_(IndicatorRule.period_id.is_(None), IndicatorRule.period_id == bindparam("period")))

# The specs built from a period's fields and the rule rows just read, kept per process. The key
# holds the rows themselves, read on every call: a changed rule (in any process) is a new key
# on the very next read, never a stale entry.
_CACHED_SPECS = 256
_SpecKey = tuple[int, dt.datetime | None, frozenset[tuple[Any, ...]]]
_spec_cache: weakref.WeakKeyDictionary[Engine, dict[_SpecKey, Mapping[str, rules.FieldSpec]]] = (
    weakref.WeakKeyDictionary()
)
_spec_cache_lock = threading.Lock()


def field_specs(session: Session, period: Period) -> Mapping[str, rules.FieldSpec]:
    """The :class:`~kaifang.platform.rules.FieldSpec` of every field of the period's form (the
    same as :func:`effective_rules` gives; one query), read-only: it is shared between calls."""
    form = period_fields(session, period)
    read = plain_rows(session, _RULE_ROWS, {"period": period.id})
    rows: frozenset[tuple[Any, ...]] = frozenset(tuple(row) for row in read)
    key = (period.id, period.created_at, rows)
    engine = session.connection().engine
    with _spec_cache_lock:
        found = _spec_cache.get(engine, {}).get(key)
    if found is not None:
        return found
    global_rows: dict[str, tuple[Any, ...]] = {r[1]: r for r in rows if r[0] is None}
    period_rows: dict[str, tuple[Any, ...]] = {r[1]: r for r in rows if r[0] is not None}
    built = {}
    for f in form:
        row = period_rows.get(f.indicator) or global_rows.get(f.indicator)
        low, high, threshold, band = (f.low, f.high, None, True) if row is None else row[2:]
        built[f.indicator] = rules.FieldSpec(
            f.indicator, low, high, f.positive, threshold, band, f.name_zh, f.name_en
        )
    specs = MappingProxyType(built)
    if form:
        with _spec_cache_lock:
            cache = _spec_cache.setdefault(engine, {})
            if len(cache) >= _CACHED_SPECS:
                cache.clear()
            cache[key] = specs
    return specs


# ------------------------------------------------------------------------------------ editing


def _names(field: FieldLike | None, indicator: str) -> dict[str, object]:
    if field is None:
        return {"name_zh": indicator, "name_en": indicator}
    return {"name_zh": field.name_zh, "name_en": field.name_en}


def check_change(change: RuleChange, field: FieldLike | None) -> list[Finding]:
    """What is wrong with one requested change (``field`` ``None``: not an indicator of the
    form), as hard findings: unknown indicator, a bound that is not finite, min above max, a
    threshold outside (0, 1000%]."""
    names = _names(field, change.indicator)
    if field is None:
        return [Finding(change.indicator, "hard", "unknown_indicator", names)]
    if change.reset:
        return []
    found = []
    for which, bound in (("low", change.low), ("high", change.high)):
        if bound is not None and not math.isfinite(bound):
            found.append(Finding(change.indicator, "hard", "bad_bound", {**names, "which": which}))
    if (
        change.low is not None
        and change.high is not None
        and math.isfinite(change.low)
        and math.isfinite(change.high)
        and change.low > change.high
    ):
        found.append(
            Finding(
                change.indicator,
                "hard",
                "range_reversed",
                {**names, "low": change.low, "high": change.high},
            )
        )
    threshold = change.yoy_threshold
    if threshold is not None and not (math.isfinite(threshold) and 0 < threshold <= MAX_THRESHOLD):
        found.append(
            Finding(
                change.indicator,
                "hard",
                "bad_rule_threshold",
                {**names, "text": f"{100 * threshold:g}" if math.isfinite(threshold) else "?"},
            )
        )
    return found


def check_changes(changes: Sequence[RuleChange], fields: Sequence[FieldLike]) -> list[Finding]:
    """Every problem of a set of changes (:func:`check_change`, and an indicator given twice)."""
    by_id = {f.indicator: f for f in fields}
    problems: list[Finding] = []
    seen: set[str] = set()
    for change in changes:
        if change.indicator in seen:
            names = _names(by_id.get(change.indicator), change.indicator)
            problems.append(Finding(change.indicator, "hard", "duplicate_rule", names))
        seen.add(change.indicator)
        problems += check_change(change, by_id.get(change.indicator))
    return problems


def parse_change(
    indicator: str,
    low: str | None,
    high: str | None,
    yoy_percent: str | None,
    history_band: bool,
    reset: bool,
) -> tuple[RuleChange | None, list[Finding]]:
    """A change from the texts of the rules page (threshold in percent); every text that is
    not a number is a finding naming the indicator and the text (names filled in later)."""
    found = []
    parsed: dict[str, float | None] = {}
    for which, text in (("low", low), ("high", high), ("yoy", yoy_percent)):
        value, ok = rules.parse_value(text)
        if not ok:
            found.append(
                Finding(
                    indicator,
                    "hard",
                    "bad_rule_number",
                    {"which": which, "text": str(text)[:40]},
                )
            )
        parsed[which] = value
    if found:
        return None, found
    yoy = parsed["yoy"]
    return (
        RuleChange(
            indicator,
            parsed["low"],
            parsed["high"],
            None if yoy is None else yoy / 100,
            history_band,
            reset,
        ),
        [],
    )


def named(findings: Iterable[Finding], fields: Mapping[str, FieldLike]) -> list[Finding]:
    """The findings with the indicator's names in their parameters (for the messages)."""
    return [
        Finding(
            f.indicator,
            f.severity,
            f.rule,
            {**_names(fields.get(f.indicator), f.indicator), **f.params},
        )
        for f in findings
    ]


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a[k] == b[k] for k in ("low", "high", "yoy_threshold", "history_band"))


def save_rules(
    session: Session,
    actor: Actor,
    fields: Sequence[FieldLike],
    period: Period | None,
    changes: Sequence[RuleChange],
) -> list[str]:
    """Apply ``changes`` at the global level (``period`` ``None``) or the period's, all or
    nothing; returns the indicators whose rules changed.

    A change equal to what the level inherits writes no row (a page saved unchanged writes
    nothing); a reset deletes the level's row. Refused: a role other than the administrator,
    a published period, and every bad change at once (:class:`Invalid`).
    """
    actor.require("manage_rules")
    if period is not None:
        period = session.scalar(select(Period).where(Period.id == period.id).with_for_update())
        if period is None:
            raise Refused("not_found", what="period")
        if period.state == "published":
            raise Refused("period_published", code=period.code)
    problems = check_changes(changes, fields)
    if problems:
        raise Invalid("rules_invalid", problems)
    rows = _rows(session, period.id if period is not None else None, lock=True)
    # what the level inherits when its row is absent
    inherited = (
        effective_rules(session, fields, None)
        if period is not None
        else {f.indicator: _derived(f) for f in fields}
    )
    scope = GLOBAL if period is None else period.code
    changed = []
    now = utcnow()
    for change in changes:
        row = rows.get(change.indicator)
        before = (
            {c: getattr(row, c) for c in ("low", "high", "yoy_threshold", "history_band")}
            if row is not None
            else None
        )
        wanted = change.settings()
        if change.reset or _same(wanted, inherited[change.indicator].settings()):
            if row is None:
                continue
            session.delete(row)
            action, after = "rule_reset", None
        elif row is not None and before is not None and _same(wanted, before):
            continue
        else:
            if row is None:
                row = IndicatorRule(
                    period_id=None if period is None else period.id, indicator=change.indicator
                )
                session.add(row)
            row.low, row.high = change.low, change.high
            row.yoy_threshold, row.history_band = change.yoy_threshold, change.history_band
            row.updated_by, row.updated_at = actor.id, now
            action, after = "rule_set", wanted
        try:
            session.flush()
        except IntegrityError:
            # another administrator created the same row a moment ago
            raise Refused("rules_conflict") from None
        audit.record(
            session,
            actor_id=actor.id,
            actor=actor.username,
            action=action,
            object_type="indicator_rule",
            # the log's object column holds 80 characters; period codes and ids are far shorter
            object_id=f"{scope}/{change.indicator}"[:80],
            before=before,
            after=after,
        )
        changed.append(change.indicator)
    return changed
