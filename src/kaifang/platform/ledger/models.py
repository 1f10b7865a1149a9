"""The ledger's tables (SQLAlchemy 2, the platform's declarative base).

The ledger of a platform instance: its settings (title, reporting frequency), departments, the
tree of measures with milestones and indicator links, the users' departments, and progress
reports. A report is one measure's report for one period; its contents are versioned rows that
are never updated (``ledger_report_versions``), its reviews and attachments are append-only.

Scope: a measure's *effective regions* (its own ``regions``, else its parent's, else the
instance's top regions) are rows of ``ledger_measure_scope``; a measure is visible to a user
whose scope covers one of them. Every row that belongs to a measure carries ``measure_id`` so
that the filter (and PostgreSQL's row-level security) needs one lookup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kaifang.platform.models import Base, utcnow

REPORT_STATES = ("draft", "submitted", "returned", "approved")
STATUSES = ("not_started", "on_track", "at_risk", "delayed", "done")
FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class LedgerSettings(Base):
    """The ledger's header (one row): what the file's top-level keys said."""

    __tablename__ = "ledger_settings"
    __table_args__ = (CheckConstraint(f"frequency IN ({_in(FREQUENCIES)})", name="frequency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    assessment: Mapped[str | None] = mapped_column(Text)
    simulated_progress: Mapped[bool] = mapped_column(Boolean, default=False)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(20), default="quarterly")
    due_days: Mapped[int] = mapped_column(Integer, default=15)
    remind_days: Mapped[int] = mapped_column(Integer, default=30)
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerDepartment(Base):
    __tablename__ = "ledger_departments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)


class UserDepartment(Base):
    """The department a user works for (one per user), set by the administrator."""

    __tablename__ = "user_departments"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("ledger_departments.id"), index=True)


class LedgerMeasure(Base):
    """A measure (任务) of the tree; ``position`` is its place in depth-first order."""

    __tablename__ = "ledger_measures"
    __table_args__ = (CheckConstraint("deadline >= start", name="span"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_measures.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    lead_id: Mapped[str] = mapped_column(ForeignKey("ledger_departments.id"), index=True)
    cooperating: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # as written (may be empty)
    # its own regions, else its parent's, else the instance's top regions; the rows of
    # ledger_measure_scope repeat them for filtering (and row-level security hides some of
    # those rows, so checks that need them all read this column)
    effective_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    home_region: Mapped[str] = mapped_column(String(12))  # first effective region (audit log)
    start: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerMeasureScope(Base):
    """One effective region of a measure: what scope filters and row-level security read."""

    __tablename__ = "ledger_measure_scope"
    measure_id: Mapped[str] = mapped_column(ForeignKey("ledger_measures.id"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True, index=True)


class LedgerMilestone(Base):
    __tablename__ = "ledger_milestones"
    measure_id: Mapped[str] = mapped_column(ForeignKey("ledger_measures.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date] = mapped_column(Date)
    done: Mapped[dt.date | None] = mapped_column(Date)


class LedgerIndicatorLink(Base):
    """A framework indicator showing a measure's progress, with the id of a ``targets:`` item
    (``target_id``) or a target set on the measure (``own_target``, the file's fields)."""

    __tablename__ = "ledger_indicator_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[str] = mapped_column(ForeignKey("ledger_measures.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    own_target: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LedgerReport(Base):
    """One measure's progress report for one period, moving draft -> submitted -> approved
    (or returned, then edited and submitted again). Approved reports are locked."""

    __tablename__ = "ledger_reports"
    __table_args__ = (
        UniqueConstraint("measure_id", "period"),
        CheckConstraint(f"state IN ({_in(REPORT_STATES)})", name="state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[str] = mapped_column(ForeignKey("ledger_measures.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # bumped by every change: a form drawn before the last change is recognised and refused
    revision: Mapped[int] = mapped_column(Integer, default=0)
    returned_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LedgerReportVersion(Base):
    """One version of a report's contents; never updated, never deleted."""

    __tablename__ = "ledger_report_versions"
    __table_args__ = (
        UniqueConstraint("report_id", "version"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("ledger_reports.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[float] = mapped_column(Float)
    narrative_zh: Mapped[str | None] = mapped_column(Text)
    narrative_en: Mapped[str | None] = mapped_column(Text)
    submitted: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(40))  # form, api, import, seed
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerReportReview(Base):
    """A step of a report's workflow: submit, return (with a comment), approve."""

    __tablename__ = "ledger_report_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("ledger_reports.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerAttachment(Base):
    """A file attached to a report: metadata here, the bytes under the instance folder by
    their SHA-256 (``attachments/ab/abcdef...``)."""

    __tablename__ = "ledger_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("ledger_reports.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
