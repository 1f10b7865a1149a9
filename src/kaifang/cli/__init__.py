"""The ``kaifang`` command line. Each module registers its verbs on the shared app."""

from __future__ import annotations

import logging
import sys

# each module registers its verbs on the shared app when imported
from kaifang.cli import (  # noqa: F401
    assess,  # assess, check, init
    audit_cmd,  # audit
    disparity,  # disparity
    ledger,  # ledger
    platform_cmd,  # platform init, serve, demo
    platform_ledger,  # platform ledger-import, ledger-department
    report,  # report
    schema,  # schema
    sensitivity,  # sensitivity
    serve,  # serve
    steering,  # targets, scenario, allocate
    trade,  # trade
)
from kaifang.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
