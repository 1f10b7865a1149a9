"""Reading and validating input data: units tables, indicator tables (long, wide, NBS, COINr)."""

from kaifang.data.coinr import CoinrData, read_coinr_data, read_coinr_meta
from kaifang.data.nbs import NbsMeta, NbsTable, read_nbs
from kaifang.data.readers import (
    MISSING_MARKERS,
    DataSource,
    detect_format,
    read_source,
    read_sources,
)
from kaifang.data.units import AmbiguousUnitError, UnitMatcher, read_units

__all__ = [
    "MISSING_MARKERS",
    "AmbiguousUnitError",
    "CoinrData",
    "DataSource",
    "NbsMeta",
    "NbsTable",
    "UnitMatcher",
    "detect_format",
    "read_coinr_data",
    "read_coinr_meta",
    "read_nbs",
    "read_source",
    "read_sources",
    "read_units",
]
