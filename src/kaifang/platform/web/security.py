"""What guards every request: security headers (a Content-Security-Policy without inline script),
a cap on the body size, session cookies, CSRF tokens and API tokens."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kaifang.platform import accounts
from kaifang.platform.access import Actor
from kaifang.platform.instance import Platform
from kaifang.platform.models import User

SESSION_COOKIE = "kaifang_session"
LOGIN_CSRF_COOKIE = "kaifang_login_csrf"
MAX_BODY = 6 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class BodyTooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: refuse bodies above ``MAX_BODY`` (declared or streamed) with 413, and add
    the security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._too_large(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in HEADERS if k not in names
                ]
            await send(message)

        try:
            await self.app(scope, counted, with_headers)
        except BodyTooLarge:
            if not started:
                await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        body = b'{"error":"too_large"}'
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), *HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class Viewer:
    """The logged-in user of a request."""

    actor: Actor
    display_name: str
    csrf: str | None  # None for API-token requests (no cookie, no CSRF)


def platform_of(request: Request) -> Platform:
    found: Platform = request.app.state.platform
    return found


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def viewer_of(request: Request) -> Viewer | None:
    """The user of a session cookie or a bearer token, or None."""
    platform = platform_of(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
        if not token or len(token) > 200:
            return None
        with platform.tx() as session:
            user = accounts.token_user(session, token, platform.secret)
            return (
                None if user is None else Viewer(accounts.actor_of(user), user.display_name, None)
            )
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or len(cookie) > 200:
        return None
    with platform.tx() as session:
        found = accounts.session_user(session, cookie, platform.secret)
        if found is None:
            return None
        user, csrf = found
        return Viewer(accounts.actor_of(user), user.display_name, csrf)


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
