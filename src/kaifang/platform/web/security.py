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
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._too_large(send)
            return
        if (
            "\x00" in scope.get("path", "")
            or _has_nul(scope.get("raw_path") or b"")
            or _has_nul(scope.get("query_string", b""))
        ):
            await self._refuse(send, 400, b'{"error":"bad_request"}')
            return
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type in TEXT_BODIES:
            # text bodies are read whole (they are capped) to refuse NUL characters, which
            # PostgreSQL cannot store in text, before any handler sees them
            body, too_large = await _read_body(receive, self.max_body)
            if too_large:
                await self._too_large(send)
                return
            if b"\\u0000" in body or _has_nul(body):
                await self._refuse(send, 400, b'{"error":"bad_request"}')
                return
            receive = _replay(body)
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
        await self._refuse(send, 413, b'{"error":"too_large"}')

    async def _refuse(self, send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})


TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")


def _has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"%00" in raw


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


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
        with platform.read() as session:
            user = accounts.token_user(session, token, platform.secret)
            return (
                None if user is None else Viewer(accounts.actor_of(user), user.display_name, None)
            )
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or len(cookie) > 200:
        return None
    with platform.read() as session:
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
