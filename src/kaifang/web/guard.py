"""What the server checks on every request before the dashboard sees it.

- **Host header**: only the configured host name, ``localhost`` / ``127.0.0.1`` / ``::1`` and the
  names allowed explicitly are answered. A browser tricked by DNS rebinding sends the attacker's
  host name, so a page of another site cannot read the dashboard through it (400 otherwise).
- **Request bodies** are capped (1 MB by default): a longer ``Content-Length`` is refused up front,
  and a streamed body is counted as it arrives (413).
- **HEAD** is answered on every GET route (pages, API, files): the GET response without its body.
- **Response headers**: a Content-Security-Policy that allows scripts from this server only (no
  inline script, no ``eval``), ``X-Content-Type-Options: nosniff``, no framing by other sites,
  and no referrer sent to other hosts.

The refusals are plain text in both languages: the server cannot know the reader's language
before it has accepted the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 1_000_000
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")

# ECharts draws tooltips as HTML with style attributes, so inline *styles* are allowed; inline
# *scripts* and event-handler attributes are not (script-src has no 'unsafe-inline').
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


@dataclass(frozen=True)
class ServerLimits:
    """The host names answered and the largest request body accepted (bytes)."""

    allowed_hosts: frozenset[str] = field(default_factory=lambda: frozenset(LOCAL_HOSTS))
    max_body: int = DEFAULT_MAX_BODY

    @classmethod
    def for_host(
        cls, host: str, extra: Iterable[str] = (), max_body: int = DEFAULT_MAX_BODY
    ) -> ServerLimits:
        """Limits for a server listening on ``host``: that name (unless it is a wildcard
        address such as 0.0.0.0, which no browser sends), the local names and ``extra``."""
        names = {*LOCAL_HOSTS, *(h.strip().lower() for h in extra if h.strip())}
        if host.strip().lower() not in WILDCARD_ADDRESSES:
            names.add(host.strip().strip("[]").lower())
        return cls(frozenset(names), max_body)


def host_name(header: str) -> str | None:
    """The host name of a Host header (``example.org:8000`` -> ``example.org``, ``[::1]:80`` ->
    ``::1``), or None when the header is not a host name with an optional port."""
    try:
        parts = urlsplit(f"//{header}")
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    name = parts.hostname
    if not name or parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return name.lower()


def _text(status: int, zh: str, en: str) -> tuple[Message, Message]:
    body = f"{zh}\n{en}\n".encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *SECURITY_HEADERS,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class ServerGuard:
    """ASGI middleware applying ``ServerLimits`` and the security headers (see the module)."""

    def __init__(self, app: ASGIApp, limits: ServerLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        raw_host = headers.get(b"host", b"").decode("latin-1")
        name = host_name(raw_host)
        if name is None or name not in self.limits.allowed_hosts:
            # the allowed names are not listed: a rebinding page could read this answer
            await _send_all(
                send,
                _text(
                    400,
                    f"拒绝请求：主机名“{raw_host[:100]}”不在本看板允许的主机名之列。"
                    "请用启动看板时给出的地址访问，或用 --allowed-host 添加主机名。",
                    f"Request refused: the host name '{raw_host[:100]}' is not one this "
                    "dashboard answers. Use the address the dashboard printed at start, or add "
                    "the name with --allowed-host.",
                ),
            )
            return
        cap = self.limits.max_body
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0 or length > cap:
                await _send_all(send, _too_large(cap))
                return

        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        received = 0
        refused = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap and not refused:
                    # a streamed body past the cap: answer 413 now, and tell the app that the
                    # client has gone, so that it stops reading
                    refused = True
                    if not started:
                        await _send_all(send, _too_large(cap))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *SECURITY_HEADERS],
                }
            elif message["type"] == "http.response.body" and head:
                # HEAD: the headers of the GET response (its Content-Length included), no body
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # the app failed on the body it was denied: the 413 has been sent already


def _too_large(cap: int) -> tuple[Message, Message]:
    return _text(
        413,
        f"请求体过大：上限为 {cap:,} 字节。",
        f"Request body too large: the limit is {cap:,} bytes.",
    )


async def _send_all(send: Send, messages: tuple[Message, Message]) -> None:
    for message in messages:
        await send(message)
