"""What a kaifang web server checks on every request before its application sees it.

Both web applications (the dashboard of ``kaifang serve`` and the data-submission platform of
``kaifang platform serve``) sit behind this one middleware, each with its own ``GuardProfile``:

- **Host header**: only the configured host name, ``localhost`` / ``127.0.0.1`` / ``::1`` and the
  names allowed explicitly are answered. A browser tricked by DNS rebinding sends the attacker's
  host name, so a page of another site cannot read the server through it (400 otherwise).
- **Request bodies** are capped: a longer ``Content-Length`` is refused up front, and a streamed
  body is counted as it arrives (413).
- **NUL characters** (optional): refused in the path, the query and the text bodies (JSON, form
  fields), which are read whole (they are capped) before any handler sees them; PostgreSQL
  cannot store NUL in text.
- **HEAD** is answered on every GET route (pages, API, files): the GET response without its body.
- **Response headers**: the profile's security headers (a Content-Security-Policy without inline
  script, ``nosniff``, no framing), added where the application did not set them.

The refusals carry a message in both languages: the server cannot know the reader's language
before it has accepted the request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 1_000_000
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")
# bodies read whole to look for NUL characters (uploads are binary and stay streamed)
TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")
# the part of a refused Host header repeated in the answer
SHOWN_HOST = 100


@dataclass(frozen=True)
class ServerLimits:
    """What the operator configures: the host names answered and the largest request body
    accepted (bytes)."""

    allowed_hosts: frozenset[str] = field(default_factory=lambda: frozenset(LOCAL_HOSTS))
    max_body: int = DEFAULT_MAX_BODY

    @classmethod
    def for_host(
        cls, host: str, extra: Iterable[str] = (), max_body: int = DEFAULT_MAX_BODY
    ) -> ServerLimits:
        """Limits for a server listening on ``host``: that name (unless it is a wildcard
        address such as 0.0.0.0, which no browser sends), the local names and ``extra``."""
        names = {*LOCAL_HOSTS, *(h.strip().strip("[]").lower() for h in extra if h.strip())}
        if host.strip().lower() not in WILDCARD_ADDRESSES:
            names.add(host.strip().strip("[]").lower())
        return cls(frozenset(names), max_body)


@dataclass(frozen=True)
class GuardProfile:
    """What differs between the applications: how the server names itself in a refusal
    (zh, en), the security headers it adds, whether refusals are JSON (an API's clients parse
    them) or plain text, and whether NUL characters are refused."""

    name_zh: str
    name_en: str
    headers: tuple[tuple[bytes, bytes], ...]
    json_refusals: bool = False
    refuse_nul: bool = False


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


class RequestGuard:
    """ASGI middleware applying ``ServerLimits`` and a ``GuardProfile`` (see the module)."""

    def __init__(self, app: ASGIApp, limits: ServerLimits, profile: GuardProfile) -> None:
        self.app = app
        self.limits = limits
        self.profile = profile

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        profile = self.profile
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        raw_host = headers.get(b"host", b"").decode("latin-1")
        name = host_name(raw_host)
        if name is None or name not in self.limits.allowed_hosts:
            # the allowed names are not listed: a rebinding page could read this answer
            shown = raw_host[:SHOWN_HOST]
            await self._refuse(
                send,
                400,
                "host_not_allowed",
                f"拒绝请求：主机名“{shown}”不在本{profile.name_zh}允许的主机名之列。"
                f"请用启动{profile.name_zh}时给出的地址访问，或用 --allowed-host 添加主机名。",
                f"Request refused: the host name '{shown}' is not one this {profile.name_en} "
                f"answers. Use the address the {profile.name_en} printed at start, or add the "
                "name with --allowed-host.",
            )
            return
        cap = self.limits.max_body
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await self._too_large(send)
            return
        if profile.refuse_nul:
            # the decoded path too: a server may decode it differently from the raw path
            if (
                "\x00" in scope.get("path", "")
                or _has_nul(scope.get("raw_path") or b"")
                or _has_nul(scope.get("query_string", b""))
            ):
                await self._nul(send)
                return
            content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if content_type in TEXT_BODIES:
                body, too_large = await _read_body(receive, cap)
                if too_large:
                    await self._too_large(send)
                    return
                if b"\\u0000" in body or _has_nul(body):
                    await self._nul(send)
                    return
                receive = _replay(body)

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
                        await self._too_large(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        *((k, v) for k, v in profile.headers if k not in present),
                    ],
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

    async def _too_large(self, send: Send) -> None:
        cap = self.limits.max_body
        await self._refuse(
            send,
            413,
            "too_large",
            f"请求体过大：上限为 {cap:,} 字节。",
            f"Request body too large: the limit is {cap:,} bytes.",
        )

    async def _nul(self, send: Send) -> None:
        await self._refuse(
            send,
            400,
            "bad_request",
            "拒绝请求：地址或内容中含有空字符（NUL）。",
            "Request refused: the address or the content holds a NUL character.",
        )

    async def _refuse(self, send: Send, status: int, code: str, zh: str, en: str) -> None:
        if self.profile.json_refusals:
            body = json.dumps({"error": code, "message": f"{zh}\n{en}"}, ensure_ascii=False)
            content_type = b"application/json"
        else:
            body = f"{zh}\n{en}\n"
            content_type = b"text/plain; charset=utf-8"
        data = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(data)).encode()),
                    *self.profile.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


def _has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"%00" in raw


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body, or (b"", True) as soon as it passes ``limit`` bytes."""
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
    """A receive channel giving ``body`` again, then the client's departure."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
