"""The platform's tables (SQLAlchemy 2): users and their scopes, periods and their forms,
submissions, versioned values, reviews, the audit log, sessions and API tokens.

Values are never updated: every change is a new row of ``value_versions`` (who, when, why); the
current value is the row with the highest version. The audit log is append-only and chained by
hashes. ``region_code`` is repeated on every regional row so that a scope filter (and PostgreSQL's
row-level security) needs no join.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("admin", "province_reviewer", "prefecture_reviewer", "filler", "viewer")
PERIOD_STATES = ("draft", "open", "closed", "published")
SUBMISSION_STATES = (
    "draft",
    "submitted",
    "prefecture_approved",
    "province_approved",
    "published",
)
# states in which the values can no longer be edited
LOCKED_STATES = ("province_approved", "published")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    """A region a submission is about (GB/T 2260 code), from the instance's units table."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    parent: Mapped[str | None] = mapped_column(String(12))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_in(ROLES)})", name="role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scopes: Mapped[list[UserScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def scope_codes(self) -> list[str]:
        return sorted(s.region_code for s in self.scopes)


class UserScope(Base):
    """One administrative code of a user's scope; the scope covers the code and its descendants."""

    __tablename__ = "user_scopes"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    user: Mapped[User] = relationship(back_populates="scopes")


class Period(Base):
    """A reporting period: the data of one year, collected with one form."""

    __tablename__ = "periods"
    __table_args__ = (CheckConstraint(f"state IN ({_in(PERIOD_STATES)})", name="state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    yoy_threshold: Mapped[float] = mapped_column(Float, default=0.5)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # loaded when used, not with every period: most requests need the period's state only, and
    # a submission loads its period with it
    fields: Mapped[list[FormField]] = relationship(
        back_populates="period", order_by="FormField.position"
    )


class FormField(Base):
    """One field of a period's form: a framework series with its labels and hard range."""

    __tablename__ = "form_fields"
    __table_args__ = (UniqueConstraint("period_id", "indicator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(64))
    group_zh: Mapped[str] = mapped_column(String(200))
    group_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60))
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    positive: Mapped[bool] = mapped_column(Boolean, default=False)
    period: Mapped[Period] = relationship(back_populates="fields")


class Submission(Base):
    """The data of one region for one period, moving through the approval states."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("period_id", "region_code"),
        CheckConstraint(f"state IN ({_in(SUBMISSION_STATES)})", name="state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    state: Mapped[str] = mapped_column(String(30), default="draft")
    # bumped by every change; a form carries the number it was drawn with, so a stale form is
    # recognised and refused
    revision: Mapped[int] = mapped_column(Integer, default=0)
    returned_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    period: Mapped[Period] = relationship(lazy="joined", innerjoin=True)


class ValueVersion(Base):
    """One version of one value; never updated, never deleted."""

    __tablename__ = "value_versions"
    # the unique constraint's index also serves the reads of the newest versions
    __table_args__ = (UniqueConstraint("submission_id", "indicator", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40))  # form, upload, api, seed
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    """A step of a submission's workflow: submit, return (with a comment), approve, unapprove."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One line of the append-only audit log; ``hash`` chains it to the line before."""

    __tablename__ = "audit_log"
    # no INSERT ... RETURNING: PostgreSQL would check the new row against the read policy, and
    # a user may append entries (a token created, say) that only administrators may read
    __table_args__ = {"implicit_returning": False}  # noqa: RUF012 (SQLAlchemy reads it)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The last hash of the audit chain (one row), locked by every writer of the log."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))


class WebSession(Base):
    """A server-side login session; the cookie holds a random id, the table its hash."""

    __tablename__ = "sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A personal API token; only its keyed hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginFailure(Base):
    """A failed login, counted by the throttle."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
