"""Helpers of the platform tests (instances, users, logins, PostgreSQL databases)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from kaifang.platform import accounts, data_entry, review, workflow
from kaifang.platform.access import Actor
from kaifang.platform.instance import Platform, init_instance
from kaifang.platform.models import User
from kaifang.platform.roles import grant_app_role

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou"
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "user-password-12"
APP_ROLE = "kaifang_app"
APP_PASSWORD = "app-role-password"
# username -> (role, scope)
USERS = {
    "filler_gy": ("filler", ["520100"]),
    "filler_lps": ("filler", ["520200"]),
    "pref_gy": ("prefecture_reviewer", ["520100"]),
    "pref_lps": ("prefecture_reviewer", ["520200"]),
    "prov": ("province_reviewer", ["520000"]),
    "viewer_gy": ("viewer", ["520100"]),
}
BACKENDS = ["sqlite", "postgresql"]
# the origin of the test clients: the platform answers local host names only
LOCAL = "http://127.0.0.1"


def pg_env() -> dict[str, str]:
    """The PostgreSQL connection from the environment, or a test failure saying how to get it."""
    needed = ("PGHOST", "PGUSER")
    missing = [k for k in needed if not os.environ.get(k)]
    if missing:
        pytest.fail(
            "PostgreSQL is required by the platform tests and "
            + ", ".join(missing)
            + " is not set: run them through scripts/test.sh (which starts a throw-away server "
            "with pg_virtualenv) or `pg_virtualenv python3 -m pytest tests/platform`",
            pytrace=False,
        )
    return {k: v for k, v in os.environ.items() if k.startswith("PG")}


def admin_conn(dbname: str = "postgres") -> psycopg.Connection:
    pg_env()
    return psycopg.connect(dbname=dbname, autocommit=True)


@dataclass
class PgDatabase:
    name: str
    owner_url: str
    app_url: str


def new_pg_database(role: str) -> PgDatabase:
    name = "kaifang_test_" + uuid.uuid4().hex[:12]
    with admin_conn() as conn:
        conn.execute(f"CREATE DATABASE {name}")
    host = os.environ["PGHOST"]
    port = os.environ.get("PGPORT", "5432")
    user = os.environ["PGUSER"]
    password = os.environ.get("PGPASSWORD", "")
    owner = f"postgresql+psycopg://{user}:{password}@{host}:{port}/{name}"
    app = f"postgresql+psycopg://{role}:{APP_PASSWORD}@{host}:{port}/{name}"
    return PgDatabase(name, owner, app)


def drop_pg_database(name: str) -> None:
    with admin_conn() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def make_platform(folder: Path, backend: str, role: str | None) -> tuple[Platform, str | None]:
    """A new Guizhou instance with the users of ``USERS``; (platform, PostgreSQL db name)."""
    database = None
    pg = None
    if backend == "postgresql":
        assert role is not None
        pg = new_pg_database(role)
        database = pg.owner_url
    owner = init_instance(
        folder,
        GUIZHOU / "framework.yaml",
        GUIZHOU / "units.csv",
        admin="admin",
        password=ADMIN_PASSWORD,
        database=database,
        simulated=True,
    )
    with owner.tx() as session:
        admin = accounts.actor_of(session.scalars(select(User)).one())
        for username, (user_role, scope) in USERS.items():
            accounts.create_user(
                session,
                admin,
                username=username,
                display_name=username,
                password=PASSWORD,
                role=user_role,
                scope=scope,
            )
    if pg is None:
        return owner, None
    grant_app_role(owner.engine, role or APP_ROLE)
    owner.close()
    return Platform.open(folder, database=pg.app_url), pg.name


def actor(platform: Platform, username: str) -> Actor:
    with platform.tx() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return accounts.actor_of(user)


def login(client: Any, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login page; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"csrf": token.group(1), "username": username, "password": password},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/account").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def published_values(platform: Platform, years: Iterable[int]) -> dict[int, dict[str, dict]]:
    """The SIMULATED values of the Guizhou example that the platform's forms hold:
    year -> region -> indicator -> value."""
    import pandas as pd

    from kaifang.platform.forms import form_fields

    data = pd.read_csv(GUIZHOU / "data" / "indicators_SIMULATED.csv", dtype={"unit": str})
    fields = {f.indicator for f in form_fields(platform.framework)}
    found: dict[int, dict[str, dict]] = {}
    for year in years:
        part = data[(data["year"] == year) & data["indicator"].isin(fields) & data["value"].notna()]
        found[year] = {
            str(region): dict(zip(rows["indicator"], rows["value"].astype(float), strict=True))
            for region, rows in part.groupby("unit")
        }
    return found


def publish_year(
    platform: Platform,
    year: int,
    values: dict[str, dict[str, float]],
    pending: Iterable[str] = (),
) -> None:
    """Period ``year`` created, opened and filled with ``values`` (region -> indicator ->
    value) by the administrator; every submission approved by the prefecture and the province
    except those of the ``pending`` regions (submitted only); then the period published."""
    admin = actor(platform, "admin")
    code = str(year)
    waiting = set(pending)
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code=code, year=year, name_zh=code, name_en=code
        )
        workflow.set_period_state(s, admin, code, "open")
        period = workflow.get_period(s, code)
        for region, cells in values.items():
            sub = data_entry.save_values(
                s, admin, period, region, cells, {i: "SIMULATED test value" for i in cells}
            )
            review.submit(s, admin, sub.id)
            if region not in waiting:
                review.review(s, admin, sub.id, "approve", seen_state="submitted")
                review.review(s, admin, sub.id, "approve", seen_state="prefecture_approved")
        review.publish(s, admin, code)


def approve_and_publish(platform: Platform, code: str, region: str) -> None:
    """A submitted region of period ``code`` approved twice, and the period published again."""
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        period = workflow.get_period(s, code)
        sub = workflow.list_submissions(s, admin, period)[region]
        review.review(s, admin, sub.id, "approve", seen_state="submitted")
        review.review(s, admin, sub.id, "approve", seen_state="prefecture_approved")
        review.publish(s, admin, code)


def seed_three_regions(platform: Platform) -> None:
    """An open period 2024 with a submission of one value for 520100, 520200 and 520300."""
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        workflow.create_period(
            s, admin, platform.framework, code="2024", year=2024, name_zh="x", name_en="x"
        )
        workflow.set_period_state(s, admin, "2024", "open")
        period = workflow.get_period(s, "2024")
        for region in ("520100", "520200", "520300"):
            data_entry.save_values(s, admin, period, region, {"gdp": "1"})
