"""The font subset cache: the same bytes as a fresh subset, a damaged entry ignored, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaifang.report import fonts

TEXT = "开放型经济发展指数 Open economy 2024"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAIFANG_CACHE_DIR", str(tmp_path))
    return tmp_path / "fonts"


def test_a_cached_subset_is_the_fresh_subset(cache: Path) -> None:
    found = fonts.find_cjk_font()
    assert found is not None  # scripts/test.sh installs fonts-noto-cjk
    fresh = fonts.subset_woff(TEXT)
    assert fresh is not None and fresh[:4] == b"wOFF"
    stored = list(cache.glob("*.woff"))
    assert len(stored) == 1 and stored[0].read_bytes() == fresh
    assert fonts.subset_woff(TEXT) == fresh
    assert (
        fonts._subset(
            found[0], found[1], "".join(sorted(set(TEXT) | {chr(c) for c in range(32, 127)}))
        )
        == fresh
    )


def test_a_damaged_cache_entry_is_replaced(cache: Path) -> None:
    fresh = fonts.subset_woff(TEXT)
    (entry,) = cache.glob("*.woff")
    entry.write_bytes(b"garbage")
    assert fonts.subset_woff(TEXT) == fresh
    assert entry.read_bytes() == fresh


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KAIFANG_CACHE_DIR", str(blocker))
    data = fonts.subset_woff(TEXT)
    assert data is not None and data[:4] == b"wOFF"


def test_the_cache_keeps_the_newest_entries_only(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "CACHE_SIZE", 2)
    for k in range(4):
        fonts.subset_woff(TEXT + str(k) * (k + 1) + "甲乙丙丁"[k])
    assert len(list(cache.glob("*.woff"))) == 2


def test_compiled_templates_are_cached_and_a_damaged_entry_is_ignored(cache: Path) -> None:
    import jinja2

    from kaifang.report import html

    def render() -> str:
        env = jinja2.Environment(
            loader=jinja2.DictLoader({"t.j2": "{% for i in range(3) %}{{ i }}{% endfor %}"}),
            bytecode_cache=html._bytecode_cache(jinja2),
        )
        return env.get_template("t.j2").render()

    assert render() == "012"
    (entry,) = (cache.parent / "templates").iterdir()
    entry.write_bytes(b"damaged")
    assert render() == "012"
