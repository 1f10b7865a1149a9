"""Users, passwords (Argon2id), server-side sessions, personal API tokens and login throttling.

Session ids and API tokens are random 256-bit strings given to the client once; the database
keeps only their HMAC-SHA256 under the instance's secret key, so a copy of the database alone
opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from kaifang.platform import audit
from kaifang.platform.access import Actor
from kaifang.platform.db import SCOPE_SETTERS, bind_scope, scope_settings
from kaifang.platform.errors import Forbidden, NotFound, Refused
from kaifang.platform.models import (
    ROLES,
    ApiToken,
    LoginFailure,
    Region,
    User,
    UserScope,
    WebSession,
    utcnow,
)
from kaifang.platform.reads import plain_rows

SESSION_HOURS = 8
THROTTLE_WINDOW = dt.timedelta(minutes=15)
THROTTLE_PER_USER = 5
THROTTLE_PER_CLIENT = 30
MIN_PASSWORD = 10
MAX_PASSWORD = 256
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory parameters
_hasher = PasswordHasher()
# verified when a username is unknown, so that the answer takes as long as for a known one
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def keyed_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, tuple(user.scope_codes))


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Refused("password_length", min=MIN_PASSWORD, max=MAX_PASSWORD)


def _check_scope(session: Session, actor: Actor, codes: list[str]) -> list[str]:
    codes = sorted({c.strip() for c in codes if c.strip()})
    if not codes:
        raise Refused("scope_empty")
    known = set(session.scalars(select(Region.code).where(Region.code.in_(codes))))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise Refused("unknown_regions", codes=", ".join(unknown))
    outside = [c for c in codes if not actor.sees(c)]
    if outside:
        raise Forbidden("grant_outside_scope")
    return codes


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    scope: list[str],
) -> User:
    """A new user (audited); the password is stored as an Argon2id hash only."""
    actor.require("manage_users")
    if not USERNAME.match(username):
        raise Refused("bad_username")
    if role not in ROLES:
        raise Refused("bad_role", role=role)
    check_password(password)
    codes = _check_scope(session, actor, scope)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused("username_taken", username=username)
    user = User(
        username=username,
        display_name=display_name.strip()[:100] or username,
        password_hash=hash_password(password),
        role=role,
        active=True,
        scopes=[UserScope(region_code=c) for c in codes],
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="user_create",
        object_type="user",
        object_id=user.id,
        after={"username": username, "role": role, "scope": codes, "active": True},
    )
    return user


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    role: str | None = None,
    scope: list[str] | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change a user's role, scope, state or password (audited; the hash is never logged)."""
    actor.require("manage_users")
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("user")
    before = {"role": user.role, "scope": user.scope_codes, "active": user.active}
    if role is not None:
        if role not in ROLES:
            raise Refused("bad_role", role=role)
        user.role = role
    if scope is not None:
        codes = _check_scope(session, actor, scope)
        user.scopes = [UserScope(region_code=c) for c in codes]
    if active is not None:
        if user.id == actor.id and not active:
            raise Refused("cannot_deactivate_self")
        user.active = active
    after = {"role": user.role, "scope": sorted(scope or user.scope_codes), "active": user.active}
    if password is not None:
        check_password(password)
        user.password_hash = hash_password(password)
        after["password"] = "changed"
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    if not user.active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor=actor.username,
        action="user_update",
        object_type="user",
        object_id=user.id,
        before=before,
        after=after,
    )
    return user


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require("manage_users")
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, username: str, password: str, client: str) -> User | None:
    """The user for a correct password, or ``None`` (a wrong name or password: the same answer
    for both, in about the same time). A failure is recorded in the session, which the caller
    must commit; recent failures throttle further attempts.

    Raises ``Refused('login_throttled')`` after too many recent failures for the username or
    the client. A server does the same in two transactions (:func:`verify_login` then
    :func:`record_login`), so that the slow password hash never holds a write lock.
    """
    user = verify_login(session, username, password, client)
    record_login(session, username, client, user)
    return user


def _check_throttle(session: Session, username: str, client: str) -> None:
    since = utcnow() - THROTTLE_WINDOW
    by_user = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.username == username[:64], LoginFailure.at >= since)
    )
    by_client = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.client == client[:64], LoginFailure.at >= since)
    )
    if (by_user or 0) >= THROTTLE_PER_USER or (by_client or 0) >= THROTTLE_PER_CLIENT:
        raise Refused("login_throttled", minutes=int(THROTTLE_WINDOW.total_seconds() // 60))


def verify_login(session: Session, username: str, password: str, client: str) -> User | None:
    """The throttle check and the password check of :func:`authenticate`, writing nothing (a
    read transaction is enough): the user, or ``None``."""
    _check_throttle(session, username, client)
    user = session.scalar(select(User).where(User.username == username[:64]))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def record_login(session: Session, username: str, client: str, user: User | None) -> None:
    """The writes of :func:`authenticate` after :func:`verify_login`: a failure is recorded, a
    success clears the user's failures. The throttle is checked again, so that attempts sent
    side by side cannot slip past it between the two transactions: beyond the limit the answer
    is "throttled", whatever the password."""
    _check_throttle(session, username, client)
    if user is None:
        session.add(LoginFailure(username=username[:64], client=client[:64]))
        return
    session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))


@dataclass(frozen=True)
class NewSession:
    cookie: str
    csrf: str


def open_session(session: Session, user: User, secret: str) -> NewSession:
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_hash=keyed_hash(secret, cookie),
            user_id=user.id,
            csrf=csrf,
            expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    # expired sessions go when anybody logs in: no background job needed
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    return NewSession(cookie, csrf)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def close_session(session: Session, cookie: str, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == keyed_hash(secret, cookie)))


def create_token(session: Session, user: User, name: str, secret: str) -> str:
    """A new personal API token for ``user``; the plain token is returned once, never stored."""
    token = "kf_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name.strip()[:100] or "token",
            token_hash=keyed_hash(secret, token),
        )
    )
    audit.record(
        session,
        actor_id=user.id,
        actor=user.username,
        action="token_create",
        object_type="user",
        object_id=user.id,
        after={"token_name": name.strip()[:100]},
    )
    return token


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (administrators: anybody's); audited."""
    row = session.get(ApiToken, token_id, with_for_update=True)
    if row is None or (row.user_id != actor.id and not actor.can("manage_users")):
        raise NotFound("token")
    if not row.revoked:
        row.revoked = True
        audit.record(
            session,
            actor_id=actor.id,
            actor=actor.username,
            action="token_revoke",
            object_type="user",
            object_id=row.user_id,
            before={"token_name": row.name, "revoked": False},
            after={"token_name": row.name, "revoked": True},
        )
    return row


@dataclass(frozen=True)
class Visitor:
    """The active user a request's session or token belongs to, as its guard needs it."""

    actor: Actor
    display_name: str
    csrf: str | None  # the session's CSRF token; None for API tokens


_VISITOR_COLUMNS = (User.id, User.username, User.role, User.display_name, UserScope.region_code)


def _visitor(rows: Sequence[Any], csrf: str | None) -> Visitor:
    # one row per scope code (left join: a user without scope still gets one, with None)
    user_id, username, role, display_name = rows[0][:4]
    codes = tuple(sorted(r[4] for r in rows if r[4] is not None))
    return Visitor(Actor(user_id, username, role, codes), display_name, csrf)


# the two lookups every request makes, built once and run with bound parameters
_SESSION_VISITOR = (
    select(*_VISITOR_COLUMNS, WebSession.csrf, WebSession.expires_at)
    .join(User, User.id == WebSession.user_id)
    .outerjoin(UserScope, UserScope.user_id == User.id)
    .where(WebSession.id_hash == bindparam("id_hash"), User.active.is_(True))
)
_TOKEN_VISITOR = (
    select(*_VISITOR_COLUMNS)
    .select_from(ApiToken)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(UserScope, UserScope.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked.is_(False),
        User.active.is_(True),
    )
)
# the same on PostgreSQL with a guessed row-level-security scope set on the way (the settings
# come last, so the user's columns keep their places)
_SESSION_VISITOR_SETTING_SCOPE = _SESSION_VISITOR.add_columns(*SCOPE_SETTERS)
_TOKEN_VISITOR_SETTING_SCOPE = _TOKEN_VISITOR.add_columns(*SCOPE_SETTERS)


def _session_rows_visitor(rows: Sequence[Any]) -> Visitor | None:
    if not rows or _aware(rows[0][6]) < utcnow():
        return None
    return _visitor(rows, rows[0][5])


def _token_rows_visitor(rows: Sequence[Any]) -> Visitor | None:
    return _visitor(rows, None) if rows else None


# credentials kind -> (its hash's parameter, the lookup, the lookup setting a scope, its reader)
_LOOKUPS = {
    "session": ("id_hash", _SESSION_VISITOR, _SESSION_VISITOR_SETTING_SCOPE, _session_rows_visitor),
    "token": ("token_hash", _TOKEN_VISITOR, _TOKEN_VISITOR_SETTING_SCOPE, _token_rows_visitor),
}


def session_visitor(session: Session, cookie: str, secret: str) -> Visitor | None:
    """The active user and CSRF token of an unexpired session cookie, or ``None``, read in one
    query as plain rows (it runs on every request)."""
    params = {"id_hash": keyed_hash(secret, cookie)}
    return _session_rows_visitor(plain_rows(session, _SESSION_VISITOR, params).all())


def token_visitor(session: Session, token: str, secret: str) -> Visitor | None:
    """The active user of an unrevoked API token, or ``None``, read in one query as plain rows
    (it runs on every API request)."""
    params = {"token_hash": keyed_hash(secret, token)}
    return _token_rows_visitor(plain_rows(session, _TOKEN_VISITOR, params).all())


class ScopeGuesses:
    """The scope settings (``kaifang.scope``, ``kaifang.admin``) that credentials resolved to
    on their last request in this process, keyed by their kind and keyed hash: at most ``size``
    entries, the least recently used leaving first, safe to share between threads. Only a
    guess: :func:`request_visitor` checks it against the user it reads."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.size = size
        self._settings: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._settings)

    def get(self, key: tuple[str, str]) -> tuple[str, str] | None:
        with self._lock:
            found = self._settings.get(key)
            if found is not None:
                self._settings.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], settings: tuple[str, str]) -> None:
        with self._lock:
            self._settings[key] = settings
            self._settings.move_to_end(key)
            while len(self._settings) > self.size:
                self._settings.popitem(last=False)

    def discard(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._settings.pop(key, None)


# a few thousand users' sessions and tokens (an entry is about 300 bytes)
SCOPE_GUESSES = 4096
scope_guesses = ScopeGuesses(SCOPE_GUESSES)


def request_visitor(session: Session, kind: str, credential: str, secret: str) -> Visitor | None:
    """The active user of a request's session cookie (``kind`` ``"session"``) or API token
    (``"token"``), or ``None``, with the transaction then bound to that user's
    row-level-security scope as :func:`db.bind_scope` binds it (to none without a user).

    On PostgreSQL the lookup itself sets the scope the same credentials resolved to on their
    last request in this process (:data:`scope_guesses`, bound as parameters), so a request
    usually sends one statement less. The guess is never trusted: the scope computed from the
    rows just read is compared with it and bound by a statement of its own whenever it differs
    or the lookup returned no row (then its settings never ran): the first request, a changed
    role or scope, a revoked token, a disabled user, an expired session. The scope in force
    before any regional read is always the one of this transaction's own lookup.
    """
    param, plain, setting_scope, visitor_of = _LOOKUPS[kind]
    hashed = keyed_hash(secret, credential)
    key = (kind, hashed)
    postgres = session.get_bind().dialect.name == "postgresql"
    guess = scope_guesses.get(key) if postgres else None
    if guess is None:
        rows: Sequence[Any] = plain_rows(session, plain, {param: hashed}).all()
    else:
        params = {param: hashed, "kaifang_scope": guess[0], "kaifang_admin": guess[1]}
        rows = plain_rows(session, setting_scope, params).all()
    visitor = visitor_of(rows)
    prefixes = [] if visitor is None else visitor.actor.db_scope
    admin = visitor is not None and visitor.actor.role == "admin"
    wanted = scope_settings(prefixes, admin)
    # the settings in force: the guess if a row came back (its select list set them), else none
    if not rows or guess != wanted:
        bind_scope(session, prefixes, admin)
    if postgres:
        # unknown credentials leave no entry, so that made-up ones cannot push out real ones
        if rows:
            scope_guesses.put(key, wanted)
        else:
            scope_guesses.discard(key)
    return visitor
