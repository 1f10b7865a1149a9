#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole test suite.
# Needs Python >= 3.11 with pip; installs Debian packages with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium for the browser tests, CJK fonts for charts and the PDF, pango for
# WeasyPrint, poppler for looking at PDF pages; postgresql for the platform tests.
APT_PACKAGES=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils postgresql)
# Java 17 for the Spark tests of kaifang trade (local mode)
APT_PACKAGES+=(openjdk-17-jre-headless)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"
python3 -m pip install --quiet --disable-pip-version-check -e ".[spark]"
python3 -m ruff check src tests benchmarks examples
python3 -m ruff format --check src tests benchmarks examples
python3 -m mypy
# The platform tests need a real PostgreSQL: pg_virtualenv (Debian's postgresql-common) starts a
# throw-away cluster, sets PGHOST, PGPORT, PGUSER, PGPASSWORD for pytest and drops it afterwards.
pg_virtualenv python3 -m pytest -q "$@"
# the documentation site, both languages, warnings as errors, with its examples run
bash scripts/docs.sh
