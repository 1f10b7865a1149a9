"""The platform's profile of the request guard (``kaifang.webguard``: Host check, body cap, NUL
refusal, HEAD, security headers; refusals as JSON), and what guards a request once accepted:
session cookies, CSRF tokens and API tokens."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from kaifang.platform import accounts
from kaifang.platform.db import bind_scope
from kaifang.platform.instance import Platform
from kaifang.platform.models import User
from kaifang.webguard import GuardProfile

SESSION_COOKIE = "kaifang_session"
LOGIN_CSRF_COOKIE = "kaifang_login_csrf"
MAX_BODY = 6 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)
PLATFORM_GUARD = GuardProfile(
    name_zh="平台", name_en="platform", headers=HEADERS, json_refusals=True, refuse_nul=True
)


# the logged-in user of a request: actor, display name and the session's CSRF token (None for
# API-token requests, which carry no cookie and need no CSRF token)
Viewer = accounts.Visitor


def platform_of(request: Request) -> Platform:
    found: Platform = request.app.state.platform
    return found


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _credentials(request: Request) -> tuple[str, str] | None:
    # ("token", t) for a bearer token, ("session", c) for a session cookie, or None (neither,
    # or one too long to be ours)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
        return ("token", token) if token and len(token) <= 200 else None
    cookie = request.cookies.get(SESSION_COOKIE)
    return ("session", cookie) if cookie and len(cookie) <= 200 else None


def _lookup(session: Session, credentials: tuple[str, str], secret: str) -> Viewer | None:
    # the user of the credentials, read in ``session`` (one query)
    kind, value = credentials
    if kind == "token":
        return accounts.token_visitor(session, value, secret)
    return accounts.session_visitor(session, value, secret)


def viewer_of(request: Request) -> Viewer | None:
    """The user of a session cookie or a bearer token, or None. Read from the database on
    every request (one query), so that a revoked session or token, a disabled user and a
    changed role or scope apply to the very next request, in every server process."""
    credentials = _credentials(request)
    if credentials is None:
        return None
    platform = platform_of(request)
    with platform.read() as session:
        return _lookup(session, credentials, platform.secret)


@contextmanager
def visit(request: Request) -> Iterator[tuple[Viewer | None, Session]]:
    """The request's user (as :func:`viewer_of` finds it) and a read transaction in that user's
    scope, in one transaction: the user is looked up first (the user tables have no
    row-level security), then the transaction is bound to the user's scope (PostgreSQL's
    row-level security; the queries filter by scope on both databases) before the endpoint's
    own reads. One transaction instead of two for every request that reads: a request costs
    the connection, ``BEGIN`` and ``COMMIT`` once. On PostgreSQL the lookup usually sets the
    scope itself (:func:`accounts.request_visitor`), one round trip less.

    Without a user, the scope is bound to nothing, so that a caller reading anyway sees no
    regional row.
    """
    platform = platform_of(request)
    credentials = _credentials(request)
    # the user tables have no row-level security: the lookup needs no scope of its own
    with platform.read_unscoped() as session:
        if credentials is None:
            viewer = None
            bind_scope(session, [])
        else:
            kind, value = credentials
            viewer = accounts.request_visitor(session, kind, value, platform.secret)
        yield viewer, session


def csrf_ok(viewer: Viewer, sent: str | None) -> bool:
    """A cookie session's unsafe request must carry its CSRF token; token requests need none."""
    if viewer.csrf is None:
        return True
    return bool(sent) and hmac.compare_digest(viewer.csrf, str(sent))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def cookie_options(request: Request) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",
        "path": "/",
    }


def user_role_label(user: User) -> str:
    return user.role
