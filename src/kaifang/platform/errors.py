"""Refusals of the platform, each with a message key (zh/en text in the web catalogue)."""

from __future__ import annotations

from kaifang.errors import KaifangError
from kaifang.platform.rules import Finding


class Refused(KaifangError):
    """An action that is not allowed now; ``key`` names the message, ``params`` fill it in."""

    status = 409

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}" if params else key)


class NotFound(Refused):
    """The object does not exist, or lies outside the user's scope (the same answer for both,
    so that a user cannot probe for rows outside the scope)."""

    status = 404

    def __init__(self, what: str = "object") -> None:
        super().__init__("not_found", what=what)


class Forbidden(Refused):
    """The user's role may not do this."""

    status = 403

    def __init__(self, action: str) -> None:
        super().__init__("forbidden", action=action)


class Invalid(Refused):
    """Values that break hard rules, or soft rules without an explanation."""

    status = 422

    def __init__(self, key: str, findings: list[Finding], **params: object) -> None:
        self.findings = findings
        super().__init__(key, **params)
