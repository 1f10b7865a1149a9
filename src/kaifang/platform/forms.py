"""A period's form, generated from framework.yaml: every series that is entered (indicators and
auxiliary series such as GDP; series the framework derives, like growth rates, are computed, not
entered), with its pillar, bilingual name, unit and hard range."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass, fields

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kaifang.framework import Framework
from kaifang.platform.models import FormField, Period
from kaifang.platform.rules import FieldSpec, default_range


@dataclass(frozen=True)
class FieldDefinition:
    indicator: str
    group_zh: str
    group_en: str
    name_zh: str
    name_en: str
    unit: str
    low: float | None
    high: float | None
    positive: bool

    def spec(self) -> FieldSpec:
        return FieldSpec(self.indicator, self.low, self.high, self.positive)


def form_fields(framework: Framework) -> list[FieldDefinition]:
    """The form's fields in framework order; auxiliary series come last."""
    fields = []
    root = framework.root_id
    for indicator in framework.indicators:
        tree_node = framework[indicator]
        node = tree_node.node
        if node.derive is not None:
            continue
        # the pillar: the ancestor just below the root
        pillar = indicator
        parent = tree_node.parent
        while parent is not None and parent != root:
            pillar = parent
            parent = framework[parent].parent
        low, high = default_range(node.unit, node.transform)
        fields.append(
            FieldDefinition(
                indicator=indicator,
                group_zh=framework.name(pillar, "zh"),
                group_en=framework.name(pillar, "en"),
                name_zh=node.name.zh,
                name_en=node.name.en,
                unit=node.unit or "",
                low=low,
                high=high,
                positive=node.transform == "log",
            )
        )
    for aux_id, aux in framework.auxiliary.items():
        low, high = default_range(aux.unit, None)
        fields.append(
            FieldDefinition(
                indicator=aux_id,
                group_zh="基础数据",
                group_en="Base data",
                name_zh=aux.name.zh,
                name_en=aux.name.en,
                unit=aux.unit or "",
                low=low,
                high=high,
                # auxiliary series are denominators: a zero would divide by zero
                positive=True,
            )
        )
    return fields


# A period's form fields are written once, with the period, and never change: each server
# process keeps them after their first read (per engine, so that two databases in one process
# never mix), instead of loading 60 rows as ORM objects on every request. The key holds the
# period's creation time besides its id, so that an id a rolled-back period had and a later one
# reuses (SQLite) never finds the other's fields.
_CACHED_PERIODS = 256
_FIELD_COLUMNS = [getattr(FormField, f.name) for f in fields(FieldDefinition)]
_field_cache: weakref.WeakKeyDictionary[
    Engine, dict[tuple[int, dt.datetime | None], tuple[FieldDefinition, ...]]
] = weakref.WeakKeyDictionary()
_field_cache_lock = threading.Lock()


def period_fields(session: Session, period: Period) -> tuple[FieldDefinition, ...]:
    """The fields of ``period``'s form in form order (read once per process and period)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (period.id, period.created_at)
    with _field_cache_lock:
        found = _field_cache.get(engine, {}).get(key)
    if found is not None:
        return found
    rows = session.execute(
        select(*_FIELD_COLUMNS).where(FormField.period_id == period.id).order_by(FormField.position)
    )
    found = tuple(FieldDefinition(*row) for row in rows)
    if found:  # a period is created with its fields: none found is not kept
        with _field_cache_lock:
            cache = _field_cache.setdefault(engine, {})
            if len(cache) >= _CACHED_PERIODS:
                cache.clear()
            cache[key] = found
    return found
