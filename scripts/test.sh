#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"
python3 -m ruff check src tests benchmarks examples
python3 -m ruff format --check src tests benchmarks examples
python3 -m mypy
python3 -m pytest -q "$@"
