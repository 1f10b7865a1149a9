#!/usr/bin/env bash
# Vendor Apache ECharts from the npm registry into the dashboard's static files.
#
# The dashboard serves ECharts itself (no CDN, no request leaves the machine) and users of the
# package need no Node.js: this script is run by a maintainer when upgrading ECharts, and its
# result (echarts.min.js, LICENSE, VERSION) is committed.
#
# Usage: scripts/vendor_echarts.sh [VERSION]   (default: the version pinned below)
set -euo pipefail

VERSION="${1:-6.1.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/kaifang/web/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
# npm pack downloads the published tarball only (no install scripts run)
npm pack "echarts@${VERSION}" --silent >/dev/null
tar -xzf "echarts-${VERSION}.tgz"
mkdir -p "$DEST"
cp package/dist/echarts.min.js "$DEST/echarts.min.js"
cp package/LICENSE "$DEST/LICENSE.echarts.txt"
INTEGRITY="$(npm view "echarts@${VERSION}" dist.integrity)"
cat > "$DEST/VERSION.echarts.txt" <<NOTE
Apache ECharts ${VERSION} (Apache License 2.0, see LICENSE.echarts.txt)
Source: npm registry, package echarts@${VERSION}, file dist/echarts.min.js
Tarball integrity: ${INTEGRITY}
Obtained with scripts/vendor_echarts.sh
NOTE
echo "vendored echarts ${VERSION} into ${DEST}"
