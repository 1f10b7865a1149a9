"""The table of per-indicator validation rules that the administrator edits.

A row holds one indicator's rules either for every period (``period_id`` is NULL: a global row)
or for one period (it then replaces the global row for that period). With no row, the
indicator's rules are derived as the form was generated: the range from its unit, the period's
year-on-year threshold, the five-year band on. The table is updatable (a reset deletes the
row); the history of every change is the audit log, written in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kaifang.platform.models import Base, User, utcnow

GLOBAL_ONLY = text("period_id IS NULL")


class IndicatorRule(Base):
    """One indicator's hard range and soft-rule settings, globally or for one period.

    ``low``/``high``: inclusive bounds, NULL for unbounded (the row replaces the derived range
    as a whole). ``yoy_threshold``: a fraction (0.5 = 50%), NULL for the period's threshold.
    ``history_band``: whether a value outside the last five years' min-max needs an explanation.
    """

    __tablename__ = "indicator_rules"
    __table_args__ = (
        UniqueConstraint("period_id", "indicator"),
        # NULLs are distinct in a unique constraint: a partial index keeps one global row
        Index(
            "uq_indicator_rules_global",
            "indicator",
            unique=True,
            sqlite_where=GLOBAL_ONLY,
            postgresql_where=GLOBAL_ONLY,
        ),
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="range"),
        CheckConstraint("yoy_threshold IS NULL OR yoy_threshold > 0", name="threshold"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    yoy_threshold: Mapped[float | None] = mapped_column(Float)
    history_band: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updater: Mapped[User | None] = relationship(lazy="joined")
