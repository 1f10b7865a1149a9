from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests check invariants, not speed: no per-example deadline (a loaded machine made
# 200 ms examples flaky). In CI (CI=true) the examples are derived from each test's name, so a
# run can be repeated exactly; on a developer's machine they stay random and keep exploring.
settings.register_profile("kaifang", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "kaifang")

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture
def tiny_config() -> Path:
    return FIXTURES / "tiny" / "assessment.yaml"


# Debian's chromium, driven by Playwright through its executable path (never a downloaded
# browser), with the flags that stop chromium's own background traffic (updates, sync, safe
# browsing...), so that every request a test sees comes from the page.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-domain-reliability",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for every browser test; the tests FAIL (never skip) without it."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            f"Debian's chromium is required for the browser tests but {CHROMIUM} is missing: "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
