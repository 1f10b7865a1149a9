"""Export and import markets: which flows the partner tables cover, and their rows for both
flows in one table with a ``flow`` column.

In memory (:class:`~kaifang.trade.results.TradeResults`) a partner table holds both flows. In a
written folder ``partners.csv`` and ``partner_shares.csv`` keep the export rows only, as they
did before imports were added (a script summing ``share`` per location must not get double
rows), and the import rows go to ``import_partners.csv`` and ``import_partner_shares.csv``:
:func:`flow_files` splits a table into its files, :func:`joined_flows` joins them again.

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


# the file of each partner table's import rows, next to the file of its export rows
IMPORT_FILES = {
    "partners.csv": "import_partners.csv",
    "partner_shares.csv": "import_partner_shares.csv",
}


def flow_files(name: str, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The files of one partner table (``partners.csv`` or ``partner_shares.csv``): its export
    rows under ``name`` (written even when empty, as an export-only run writes it), its import
    rows under the ``import_`` name, only when it has import rows."""
    if "flow" not in table.columns:
        return {name: table}
    out = {name: table[table["flow"] == "export"].reset_index(drop=True)}
    imports = table[table["flow"] == "import"].reset_index(drop=True)
    if len(imports):
        out[IMPORT_FILES[name]] = imports
    return out


def joined_flows(exports: pd.DataFrame | None, imports: pd.DataFrame | None) -> pd.DataFrame | None:
    """A partner table as held in memory, from its export file and its import file as read
    from a folder (either may be absent: a folder written before imports were added has no
    import files, and one written before the ``flow`` column holds exports without it)."""
    if exports is not None and "flow" not in exports.columns:
        exports = exports.assign(flow="export")
    frames = [f for f in (exports, imports) if f is not None]
    if not frames:
        return None
    # an empty export file beside import rows: the import rows alone, as in memory
    frames = [f for f in frames if len(f)] or frames[:1]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
