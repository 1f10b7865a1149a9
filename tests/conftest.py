from __future__ import annotations

import os
from pathlib import Path

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
