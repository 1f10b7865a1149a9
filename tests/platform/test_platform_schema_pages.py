"""Migrations both ways on both backends; every page in both languages; the demo instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from platform_support import ADMIN_PASSWORD, LOCAL, login
from sqlalchemy import inspect, select
from typer.testing import CliRunner

import kaifang
from kaifang.cli import app
from kaifang.platform import migrate
from kaifang.platform.instance import Platform
from kaifang.platform.models import Base, Submission
from kaifang.platform.web import create_app
from kaifang.platform.web.messages import LANGS, MESSAGES


def test_migrations_go_down_and_up_again(platform: Platform, backend: str) -> None:
    if backend == "postgresql":
        # migrations run as the owner; the fixture's engine is the application role
        owner = Platform.open(platform.folder)
        engine = owner.engine
    else:
        engine = platform.engine
    tables = set(Base.metadata.tables)
    assert tables <= set(inspect(engine).get_table_names())
    platform.close()
    migrate.downgrade(engine, "base")
    assert not tables & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert tables <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_every_audit_action_has_words() -> None:
    import re

    source = "".join(
        p.read_text(encoding="utf-8")
        for p in Path(kaifang.__file__).parent.joinpath("platform").glob("*.py")
    )
    actions = set(re.findall(r'action="([a-z_]+)"', source))
    actions |= {f"period_{s}" for s in ("open", "closed")}
    actions |= {f"values_{s}" for s in ("form", "upload", "api", "seed")}
    actions |= {"submit", "approve", "return", "unapprove", "publish"}
    missing = sorted(a for a in actions if f"audit_{a}" not in MESSAGES)
    assert missing == []


def test_every_message_has_both_languages() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_both_languages(platform: Platform, lang: str) -> None:
    client = TestClient(create_app(platform), raise_server_exceptions=False, base_url=LOCAL)
    assert client.get(f"/periods?lang={lang}", follow_redirects=False).status_code == 303
    csrf = login(client, "admin", ADMIN_PASSWORD)
    client.post(
        "/periods",
        data={"csrf": csrf, "code": "2024", "year": "2024", "name_zh": "2024年度", "name_en": "Y"},
    )
    client.post("/periods/2024/state", data={"csrf": csrf, "state": "open"})
    for path in (
        "/periods",
        "/periods/2024",
        "/periods/2024/520100",
        "/audit",
        "/users",
        "/account",
        "/login",
        "/rules",
        "/rules/periods/2024",
        "/no-such-page",
    ):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == (404 if path == "/no-such-page" else 200), path
        assert f'lang="{"zh-CN" if lang == "zh" else "en"}"' in page.text
        assert "模拟数据" in page.text if lang == "zh" else "SIMULATED" in page.text


def test_demo_instance(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    answer = CliRunner().invoke(app, ["platform", "demo", str(folder), "--lang", "en"])
    assert answer.exit_code == 0, answer.output
    platform = Platform.open(folder)
    with platform.read() as session:
        states = [(s.period.year, s.state) for s in session.scalars(select(Submission))]
    platform.close()
    published = [y for y, state in states if state == "published"]
    assert sorted(set(published)) == list(range(2016, 2024)) and len(published) == 8 * 9
    current = sorted(state for y, state in states if y == 2024)
    assert current == ["draft"] * 3 + ["prefecture_approved"] + ["submitted"] * 2
    results = kaifang.load(folder / "assessment.yaml").run()
    assert sorted(results.scores["year"].unique()) == list(range(2016, 2024))
    assert results.record.get("simulated")
