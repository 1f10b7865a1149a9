"""Security of the web layer: cookies, CSRF, throttling, headers, body cap, escaping, tokens,
Argon2id; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from platform_support import LOCAL, PASSWORD, actor, csrf_of, login
from sqlalchemy import select, text

from kaifang.platform import accounts
from kaifang.platform.instance import Platform
from kaifang.platform.models import ApiToken, WebSession
from kaifang.platform.web import create_app
from kaifang.platform.web.security import MAX_BODY


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL) as c:
        yield c


def test_session_cookie_flags_and_no_secret_in_the_database(
    platform: Platform, client: TestClient
) -> None:
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"csrf": csrf_of(page.text), "username": "filler_gy", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    value = cookie.split("kaifang_session=")[1].split(";")[0]
    with platform.tx() as session:
        stored = [row.id_hash for row in session.scalars(select(WebSession))]
    assert value not in stored and accounts.keyed_hash(platform.secret, value) in stored


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    login(client, "admin", "admin-password-1")
    bad = client.post(
        "/periods", data={"code": "x1", "year": "2024", "csrf": "forged"}, follow_redirects=False
    )
    assert (bad.status_code == 409 and "csrf" not in bad.text.lower()) or "表单已过期" in bad.text
    missing = client.post("/periods", data={"code": "x2", "year": "2024"}, follow_redirects=False)
    assert missing.status_code == 409
    assert "x1" not in client.get("/periods").text
    # the JSON API with the session cookie needs the token in a header
    api = client.post("/api/v1/periods/x/regions/520100/validate", json={"values": {}})
    assert api.status_code == 409 and api.json()["error"] == "csrf_failed"


def test_login_page_csrf_and_throttling(client: TestClient) -> None:
    page = client.get("/login")
    forged = client.post(
        "/login",
        data={"csrf": "nope", "username": "admin", "password": "x"},
        follow_redirects=False,
    )
    assert forged.status_code == 200 and "kaifang_session" not in forged.headers.get(
        "set-cookie", ""
    )
    statuses = []
    for _ in range(6):
        page = client.get("/login?lang=en")
        statuses.append(
            client.post(
                "/login?lang=en",
                data={
                    "csrf": csrf_of(page.text),
                    "username": "filler_gy",
                    "password": "wrong-pass",
                },
                follow_redirects=False,
            ).status_code
        )
    assert statuses == [401] * 5 + [429]
    page = client.get("/login?lang=en")
    right = client.post(
        "/login?lang=en",
        data={"csrf": csrf_of(page.text), "username": "filler_gy", "password": PASSWORD},
        follow_redirects=False,
    )
    assert right.status_code == 429 and "Too many failed logins" in right.text


def test_headers_and_body_cap(client: TestClient) -> None:
    answer = client.get("/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert "<script>" not in answer.text  # no inline script on any page
    big = client.post("/login", content=b"x" * (MAX_BODY + 1))
    assert big.status_code == 413


def test_output_is_escaped(platform: Platform, client: TestClient) -> None:
    admin = actor(platform, "admin")
    with platform.tx(admin) as session:
        accounts.create_user(
            session,
            admin,
            username="evil",
            display_name='<script>alert("x")</script>',
            password=PASSWORD,
            role="viewer",
            scope=["520100"],
        )
    login(client, "evil")
    page = client.get("/periods").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_api_tokens_are_hashed_and_work(platform: Platform, client: TestClient) -> None:
    csrf = login(client, "filler_gy")
    page = client.post("/account/tokens", data={"csrf": csrf, "name": "excel macro"})
    token = page.text.split('data-testid="token">')[1].split("<")[0]
    with platform.tx() as session:
        hashes = list(session.scalars(select(ApiToken.token_hash)))
        dump = session.execute(text("SELECT token_hash, name FROM api_tokens")).all()
    assert token not in str(dump) and accounts.keyed_hash(platform.secret, token) in hashes
    anonymous = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    assert anonymous.get("/api/v1/periods").status_code == 401
    listed = anonymous.get("/api/v1/periods", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    wrong = anonymous.get("/api/v1/periods", headers={"Authorization": "Bearer kf_wrong"})
    assert wrong.status_code == 401
    # revoked on the account page: refused from then on
    with platform.read() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    other = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    login(other, "filler_lps")
    assert (
        other.post(
            f"/account/tokens/{token_id}/revoke", data={"csrf": csrf_of(other.get("/account").text)}
        ).status_code
        == 404
    )  # somebody else's token does not exist for this user
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 200 and "revoked" in client.get("/account?lang=en").text
    gone = anonymous.get("/api/v1/periods", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_passwords_are_argon2id_with_the_library_defaults() -> None:
    real = PasswordHasher()
    stored = real.hash("a-password-123")
    assert stored.startswith("$argon2id$")
    assert accounts.verify_password(stored, "a-password-123")
    assert not accounts.verify_password(stored, "another-password")
    assert not accounts.verify_password("not a hash", "x")
