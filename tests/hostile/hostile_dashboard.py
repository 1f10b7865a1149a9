"""An assessment whose names are hostile, and a real server for it (shared by the hostile
dashboard tests).

The Guizhou example is copied and its unit, node, index, target, scenario and allocation names
are replaced by markup, script, quotes and spreadsheet formulas. Every name reaches the pages,
the chart tooltips, the JSON API and the downloads.
"""

from __future__ import annotations

import csv
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
import yaml

from kaifang.web import Dashboard, create_app
from kaifang.webguard import ServerLimits

REPO = Path(__file__).resolve().parents[2]
GUIZHOU = REPO / "examples" / "guizhou"

IMG = '"><img src=x onerror=alert(1)>'
SCRIPT = "<script>alert(2)</script>"
QUOTES = "'\"><svg onload=alert(3)>&amp;"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
MINUS = "-2+3"
AT = "@SUM(1,2)"
# unit code -> hostile name (both languages)
UNIT_NAMES = {
    "520100": IMG,
    "520200": SCRIPT,
    "520300": QUOTES,
    "520400": FORMULA,
    "520500": MINUS,
    "520600": AT,
}
INDEX_NAME = "<img src=x onerror=alert(4)>指数"
PILLAR = ("talent", "<script>alert(5)</script>人才")
INDICATOR = ("trade_processing_share", '"><img src=y onerror=alert(6)>')
HOSTILE_TEXTS = (
    IMG,
    SCRIPT,
    QUOTES,
    FORMULA,
    INDEX_NAME,
    PILLAR[1],
    INDICATOR[1],
)


def _rename(node: dict[str, Any], names: dict[str, str]) -> None:
    if node.get("id") in names:
        node["name"] = {"en": names[node["id"]], "zh": names[node["id"]]}
    for child in node.get("children") or []:
        _rename(child, names)


def build_hostile_assessment(folder: Path) -> Path:
    """A copy of the Guizhou example in ``folder`` with hostile names; returns its config."""
    shutil.copytree(GUIZHOU, folder, ignore=shutil.ignore_patterns("*.md", "simulate.py"))
    units = folder / "units.csv"
    with units.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["code"] in UNIT_NAMES:
            row["name_en"] = row["name_zh"] = UNIT_NAMES[row["code"]]
    with units.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    fw_path = folder / "framework.yaml"
    framework = yaml.safe_load(fw_path.read_text(encoding="utf-8"))
    _rename(
        framework,
        {framework["id"]: INDEX_NAME, PILLAR[0]: PILLAR[1], INDICATOR[0]: INDICATOR[1]},
    )
    fw_path.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")

    config_path = folder / "assessment.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["title"] = {"en": SCRIPT + " title", "zh": SCRIPT + " 标题"}
    config["targets"]["items"][0]["name"] = {"en": IMG, "zh": IMG}
    for item, text in zip(config["scenarios"]["items"], (QUOTES, FORMULA), strict=False):
        item["name"] = {"en": text, "zh": text}
    config["allocation"]["name"] = {"en": SCRIPT, "zh": SCRIPT}
    # few Monte Carlo runs: the page shows the configured default quickly
    config["report"]["sensitivity_samples"] = 50
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return config_path


@contextmanager
def serving(dashboard: Dashboard, limits: ServerLimits | None = None) -> Iterator[str]:
    """The dashboard served by uvicorn on 127.0.0.1 (a free port) until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(dashboard, limits), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
