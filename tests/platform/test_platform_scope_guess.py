"""The request's user lookup that sets a guessed row-level-security scope on PostgreSQL: one
statement less when the guess holds, and the scope of the fresh lookup in force whenever it
does not (changed scope or role, revoked token, disabled user, expired session)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from platform_support import actor, seed_three_regions
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session
from starlette.requests import Request

from kaifang.platform import accounts
from kaifang.platform.instance import Platform
from kaifang.platform.models import User, utcnow
from kaifang.platform.web.security import SESSION_COOKIE, visit

SUBMISSIONS = text("SELECT region_code FROM submissions ORDER BY region_code")
NO_REGION_AUDIT = text("SELECT count(*) FROM audit_log WHERE region_code IS NULL")
SETTINGS = text(
    "SELECT current_setting('kaifang.scope', true), current_setting('kaifang.admin', true)"
)


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def fresh_guesses(monkeypatch: pytest.MonkeyPatch) -> accounts.ScopeGuesses:
    """Each test starts with no guess (the map is shared by the whole process)."""
    guesses = accounts.ScopeGuesses(accounts.SCOPE_GUESSES)
    monkeypatch.setattr(accounts, "scope_guesses", guesses)
    return guesses


def _user_id(platform: Platform, username: str) -> int:
    with platform.read() as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def _credentials(platform: Platform, username: str) -> dict[str, list[tuple[bytes, bytes]]]:
    """Request headers carrying a new API token and a new session cookie of ``username``."""
    with platform.tx() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        token = accounts.create_token(s, user, "t", platform.secret)
        cookie = accounts.open_session(s, user, platform.secret).cookie
    return {
        "token": [(b"authorization", f"Bearer {token}".encode())],
        "session": [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())],
    }


def _request(platform: Platform, headers: list[tuple[bytes, bytes]]) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(platform=platform))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "app": app})


class Seen:
    """What one request's transaction shows: the user, the statements its guard sent, the
    scope settings in force and the regional rows visible."""

    def __init__(self, viewer: Any, statements: list[str], session: Session) -> None:
        self.viewer = viewer
        self.statements = statements
        self.settings = tuple(session.execute(SETTINGS).one())
        self.submissions = [r[0] for r in session.execute(SUBMISSIONS)]
        self.no_region_audit = session.execute(NO_REGION_AUDIT).scalar_one()


@pytest.fixture
def guard(platform: Platform) -> Iterator[Any]:
    """A function running one request's guard and reading what its transaction shows."""
    sent: list[str] = []

    def record(_c: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(platform.engine, "before_cursor_execute", record)

    def run(headers: list[tuple[bytes, bytes]]) -> Seen:
        sent.clear()
        with visit(_request(platform, headers)) as (viewer, session):
            return Seen(viewer, list(sent), session)

    yield run
    event.remove(platform.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("kind", ["token", "session"])
def test_the_second_request_sends_one_statement_less_in_the_same_scope(
    platform: Platform, guard: Any, kind: str
) -> None:
    seed_three_regions(platform)
    for username, settings, submissions in (
        ("filler_gy", ("5201", "off"), ["520100"]),
        ("admin", ("52", "on"), ["520100", "520200", "520300"]),
    ):
        headers = _credentials(platform, username)[kind]
        first, second, third = guard(headers), guard(headers), guard(headers)
        assert first.viewer.actor.username == username
        assert len(first.statements) == 2  # the lookup, then the scope
        assert len(second.statements) == len(third.statements) == 1  # the lookup set it
        assert "set_config" in second.statements[0]
        for seen in (first, second, third):
            assert seen.settings == settings
            assert seen.submissions == submissions


@pytest.mark.parametrize("kind", ["token", "session"])
def test_a_changed_scope_or_role_applies_to_the_next_request_not_the_guess(
    platform: Platform, guard: Any, kind: str
) -> None:
    seed_three_regions(platform)
    admin = actor(platform, "admin")
    user_id = _user_id(platform, "filler_gy")
    headers = _credentials(platform, "filler_gy")[kind]
    before = guard(headers)
    assert (before.settings, before.submissions) == (("5201", "off"), ["520100"])
    assert guard(headers).statements[0].count("set_config('kaifang.") == 2  # the guess is in place
    with platform.tx(admin) as s:
        accounts.update_user(s, admin, user_id, scope=["520200", "520300"])
    moved = guard(headers)
    assert moved.viewer.actor.scope == ("520200", "520300")
    assert len(moved.statements) == 2  # the guess was wrong: the scope is bound again
    assert moved.settings == ("5202,5203", "off")
    assert moved.submissions == ["520200", "520300"]
    assert moved.no_region_audit == 0
    assert len(guard(headers).statements) == 1  # and guessed right from then on
    with platform.tx(admin) as s:
        accounts.update_user(s, admin, user_id, role="admin")
    promoted = guard(headers)
    assert promoted.viewer.actor.role == "admin"
    assert promoted.settings == ("5202,5203", "on")
    assert promoted.no_region_audit > 0  # the entries of no region open to administrators


def _nobody(seen: Seen) -> None:
    assert seen.viewer is None
    assert seen.settings == ("", "off")
    assert seen.submissions == []
    assert seen.no_region_audit == 0


def test_a_revoked_token_after_a_guess_opens_nothing(
    platform: Platform, guard: Any, fresh_guesses: accounts.ScopeGuesses
) -> None:
    seed_three_regions(platform)
    headers = _credentials(platform, "admin")["token"]
    guard(headers)
    assert guard(headers).settings == ("52", "on")
    assert len(fresh_guesses) == 1
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        for token in accounts.list_tokens(s, admin.id or 0):
            accounts.revoke_token(s, admin, token.id)
    _nobody(guard(headers))
    assert len(fresh_guesses) == 0  # no row came back: the guess is dropped


@pytest.mark.parametrize("kind", ["token", "session"])
def test_a_disabled_user_after_a_guess_opens_nothing(
    platform: Platform, guard: Any, kind: str
) -> None:
    seed_three_regions(platform)
    headers = _credentials(platform, "prov")[kind]
    guard(headers)
    assert guard(headers).submissions == ["520100", "520200", "520300"]
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        accounts.update_user(s, admin, _user_id(platform, "prov"), active=False)
    _nobody(guard(headers))


def test_an_expired_session_after_a_guess_opens_nothing(
    platform: Platform, guard: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expired session's rows still come back, so the lookup did set the guessed scope:
    it must be replaced by none."""
    seed_three_regions(platform)
    headers = _credentials(platform, "prov")["session"]
    guard(headers)
    assert guard(headers).settings == ("52", "off")
    later = utcnow() + dt.timedelta(hours=accounts.SESSION_HOURS, seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    expired = guard(headers)
    _nobody(expired)
    assert len(expired.statements) == 2
    _nobody(guard(headers))


def test_made_up_credentials_leave_no_guess(
    platform: Platform, guard: Any, fresh_guesses: accounts.ScopeGuesses
) -> None:
    seed_three_regions(platform)
    for k in range(20):
        _nobody(guard([(b"authorization", f"Bearer kf_made_up_{k}".encode())]))
        _nobody(guard([(b"cookie", f"{SESSION_COOKIE}=made_up_{k}".encode())]))
    assert len(fresh_guesses) == 0


def test_more_users_than_the_map_holds_each_read_in_their_own_scope(
    platform: Platform, guard: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_three_regions(platform)
    small = accounts.ScopeGuesses(2)
    monkeypatch.setattr(accounts, "scope_guesses", small)
    users = {
        "filler_gy": ["520100"],
        "prov": ["520100", "520200", "520300"],
        "pref_gy": ["520100"],
        "admin": ["520100", "520200", "520300"],
    }
    headers = {name: _credentials(platform, name)["token"] for name in users}
    for _ in range(3):
        for name, submissions in users.items():
            seen = guard(headers[name])
            assert seen.viewer.actor.username == name
            assert seen.submissions == submissions
            assert len(small) <= 2
    # the two most recent users are still guessed right
    assert len(guard(headers["admin"]).statements) == 1
    assert len(guard(headers["filler_gy"]).statements) == 2


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_lookups_set_no_scope_and_keep_no_guess(
    platform: Platform, fresh_guesses: accounts.ScopeGuesses
) -> None:
    headers = _credentials(platform, "filler_gy")["token"]
    sqlite = platform.reader.kw["bind"] if platform.reader is not None else platform.engine
    sent: list[str] = []
    event.listen(sqlite, "before_cursor_execute", lambda _c, _k, s, *_r: sent.append(s))
    for _ in range(3):
        with visit(_request(platform, headers)) as (viewer, _session):
            assert viewer is not None and viewer.actor.scope == ("520100",)
    lookups = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(lookups) == 3 and not any("set_config" in s for s in sent)
    assert len(fresh_guesses) == 0


def test_the_map_keeps_the_most_recently_used_entries() -> None:
    guesses = accounts.ScopeGuesses(8)
    for k in range(50):
        guesses.put(("token", str(k)), (str(k), "off"))
        assert len(guesses) == min(k + 1, 8)
    assert [guesses.get(("token", str(k))) for k in range(42, 50)] == [
        (str(k), "off") for k in range(42, 50)
    ]
    assert guesses.get(("token", "41")) is None
    with pytest.raises(ValueError, match="at least 1"):
        accounts.ScopeGuesses(0)


@given(
    size=st.integers(1, 6),
    operations=st.lists(
        st.tuples(st.sampled_from(["put", "get", "discard"]), st.integers(0, 9)), max_size=60
    ),
)
def test_the_map_is_a_bounded_least_recently_used_map(
    size: int, operations: list[tuple[str, int]]
) -> None:
    """Against a plain list model: at most ``size`` entries, the least recently used leaving
    first, a value read back only as last put."""
    guesses = accounts.ScopeGuesses(size)
    model: list[tuple[int, str]] = []  # (key, value), least recently used first
    for step, (operation, key) in enumerate(operations):
        found = next((entry for entry in model if entry[0] == key), None)
        if operation == "put":
            value = f"v{step}"
            guesses.put(("session", str(key)), (value, "off"))
            if found is not None:
                model.remove(found)
            model.append((key, value))
            del model[:-size]
        elif operation == "get":
            got = guesses.get(("session", str(key)))
            assert got == (None if found is None else (found[1], "off"))
            if found is not None:
                model.remove(found)
                model.append(found)
        else:
            guesses.discard(("session", str(key)))
            if found is not None:
                model.remove(found)
        assert len(guesses) == len(model) <= size


def test_a_lookup_without_rows_binds_no_scope_even_when_it_equals_the_guess(
    platform: Platform, guard: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An expired session is guessed to the settings of nobody; once it is closed no row comes
    back, so the lookup set nothing and the empty scope is bound as before."""
    seed_three_regions(platform)
    with platform.tx() as s:
        user = s.scalars(select(User).where(User.username == "prov")).one()
        cookie = accounts.open_session(s, user, platform.secret).cookie
    headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())]
    later = utcnow() + dt.timedelta(hours=accounts.SESSION_HOURS, seconds=1)
    monkeypatch.setattr(accounts, "utcnow", lambda: later)
    guard(headers)
    guessed = guard(headers)
    _nobody(guessed)
    assert len(guessed.statements) == 1  # the lookup's rows set the guess of nobody
    with platform.tx() as s:
        accounts.close_session(s, cookie, platform.secret)
    closed = guard(headers)
    _nobody(closed)
    assert len(closed.statements) == 2  # no row: the lookup set nothing, the scope is bound
