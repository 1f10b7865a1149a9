"""Export and import markets: which flows the partner tables (``partners.csv``,
``partner_shares.csv``) cover, and their rows for both flows in one table with a ``flow`` column.

Imports by partner come from the table's own import rows where it has them (UN Comtrade, a
China-customs style table or a long table with a flow column). CEPII BACI has export rows only,
but it is a world table of exports by exporter and importer, so a country's imports are the
other countries' exports to it (mirror flows; BACI reconciles both declarations into one
value). Other tables without import rows get export markets only: their partners are not, in
general, locations of the table, so mirroring would show a share of a partial total.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from kaifang.trade.engine import Engine

FLOWS = ("export", "import")


def partner_flows(data_format: str, flows: set[str]) -> list[tuple[str, bool]]:
    """The (flow, mirror) pairs the partner tables are computed for: exports always, imports
    when reported, or mirrored from the exports of a BACI table."""
    sides = [("export", False)]
    if "import" in flows:
        sides.append(("import", False))
    elif data_format == "baci":
        sides.append(("import", True))
    return sides


def import_markets_rule(data_format: str, flows: set[str]) -> str:
    """What run.json records about the import side of the partner tables."""
    sides = dict(partner_flows(data_format, flows))
    if "import" not in sides:
        return "none: the table has no import rows (export markets only)"
    if sides["import"]:
        return "mirror: a location's imports are the other locations' exports to it (BACI)"
    return "reported: the table's import rows by partner"


def by_flow(
    engine: Engine,
    query: Callable[[str, bool], str],
    order: str,
    sides: list[tuple[str, bool]],
) -> pd.DataFrame:
    """The rows of ``query(flow, mirror)`` for every side, exports first, each side ordered by
    ``order`` (so the export rows stay as they were before the import side was added)."""
    frames = [engine.query(query(flow, mirror) + f" ORDER BY {order}") for flow, mirror in sides]
    frames = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(frames, ignore_index=True)


def of_flow(table: pd.DataFrame | None, flow: str = "export") -> pd.DataFrame | None:
    """The rows of one flow of a partner table; a table written before the ``flow`` column
    existed holds exports only."""
    if table is None:
        return None
    if "flow" not in table.columns:
        return table if flow == "export" else table.iloc[0:0]
    return table[table["flow"] == flow].reset_index(drop=True)
