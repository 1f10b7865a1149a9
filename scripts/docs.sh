#!/usr/bin/env bash
# Build the documentation site (docs/en and docs/zh) with warnings as errors, check that no built
# page loads anything from another host, and run the code examples of every page.
# Output: docs/_build/html/index.html (-> en/), docs/_build/html/en/, docs/_build/html/zh/.
# KAIFANG_DOCS_SKIP_INSTALL=1 skips the pip install (when the docs extra is installed already).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${KAIFANG_DOCS_SKIP_INSTALL:-0}" != 1 ]; then
  python3 -m pip install --quiet --disable-pip-version-check -e ".[docs]"
fi

OUT=docs/_build/html
rm -rf docs/_build
# English first: the Chinese tree links to the English API reference through its inventory
python3 -m sphinx -W --keep-going -q -b html docs/en "$OUT/en"
python3 -m sphinx -W --keep-going -q -b html docs/zh "$OUT/zh"
cat > "$OUT/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kaifang</title>
<meta http-equiv="refresh" content="0; url=en/index.html"></head>
<body><p><a href="en/index.html">English</a> · <a href="zh/index.html">中文</a></p></body></html>
HTML

# Offline: no script, style sheet, font or image may come from another host (links to the
# references cited are fine: they are only followed when a reader clicks them).
if grep -r -l -E '<(script|link|img|iframe|source)[^>]*(src|href)="(https?:)?//' "$OUT" \
    --include='*.html'; then
  echo "docs: the pages above load something from another host" >&2
  exit 1
fi
if grep -r -l -E 'url\((["'"'"']?)(https?:)?//' "$OUT" --include='*.css'; then
  echo "docs: the style sheets above load something from another host" >&2
  exit 1
fi

# The documents' code examples (every '>>>' in the Markdown pages), run from the repository root
python3 -m pytest -q -p no:cacheprovider --doctest-glob='*.md' --ignore=docs/_build \
  -o doctest_optionflags='NORMALIZE_WHITESPACE ELLIPSIS' docs/en docs/zh
