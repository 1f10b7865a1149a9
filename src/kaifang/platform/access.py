"""Who may do what: the roles' permissions and the acting user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from kaifang.platform import scope as scopes
from kaifang.platform.db import ALL
from kaifang.platform.errors import Forbidden, NotFound

# action -> roles allowed to take it (always within their scope)
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({"admin", "province_reviewer", "prefecture_reviewer", "filler", "viewer"}),
    "enter": frozenset({"admin", "filler"}),
    "submit": frozenset({"admin", "filler"}),
    "review_prefecture": frozenset({"admin", "prefecture_reviewer"}),
    "review_province": frozenset({"admin", "province_reviewer"}),
    # unapproving undoes the approval of the same level, so it needs that level's role
    "unapprove_prefecture": frozenset({"admin", "prefecture_reviewer", "province_reviewer"}),
    "unapprove_province": frozenset({"admin", "province_reviewer"}),
    "publish": frozenset({"admin"}),
    "manage_periods": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "read_audit": frozenset({"admin", "province_reviewer", "prefecture_reviewer"}),
    # the per-indicator validation rules: everyone reads them, the administrator edits them
    "manage_rules": frozenset({"admin"}),
}


@dataclass(frozen=True)
class Actor:
    """The acting user: id, name, role and scope (administrative codes)."""

    id: int | None
    username: str
    role: str
    scope: tuple[str, ...]

    def can(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]

    def require(self, action: str) -> None:
        if not self.can(action):
            raise Forbidden(action)

    @property
    def everywhere(self) -> bool:
        return ALL in self.scope

    def sees(self, region: str | None) -> bool:
        if self.everywhere:
            return True
        return region is not None and scopes.in_scope(self.scope, region)

    def require_region(self, region: str) -> None:
        """Out-of-scope regions do not exist for this user: refuse as 'not found'."""
        if not self.sees(region):
            raise NotFound("region")

    @property
    def prefixes(self) -> list[str]:
        return scopes.prefixes(self.scope)

    @property
    def db_scope(self) -> list[str] | str:
        """The value for the database's row-level security (see ``db.bind_scope``)."""
        return ALL if self.everywhere else self.prefixes


SYSTEM = Actor(None, "system", "admin", (ALL,))
