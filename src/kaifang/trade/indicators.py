"""Trade results as indicator data of the assessment (``unit, year, indicator, value``)."""

from __future__ import annotations

import pandas as pd

from kaifang.errors import KaifangError
from kaifang.trade.config import TradeConfig
from kaifang.trade.markets import of_flow
from kaifang.trade.results import TradeResults

_MEASURE_SOURCE = {
    "eci": ("locations", "eci"),
    "coi": ("locations", "coi"),
    "diversity": ("locations", "diversity"),
    "export_hhi": ("concentration", "hhi"),
    "export_hhi_normalised": ("concentration", "hhi_normalised"),
    "unctad_concentration": ("concentration", "unctad_concentration"),
    "unctad_diversification": ("concentration", "unctad_diversification"),
    "finger_kreinin_world": ("concentration", "finger_kreinin_world"),
    "partner_hhi": ("partners", "partner_hhi"),
    "partners_above_floor": ("partners", "partners_above_floor"),
    "import_partner_hhi": ("partners", "partner_hhi"),
    "import_partners_above_floor": ("partners", "partners_above_floor"),
    "grubel_lloyd": ("intra_industry", "grubel_lloyd"),
    "region_eci": ("regions", "eci"),
    "openness": ("openness", "openness"),
    "export_dependence": ("openness", "export_dependence"),
    "import_dependence": ("openness", "import_dependence"),
}


def indicator_table(results: TradeResults, config: TradeConfig) -> pd.DataFrame:
    """The measures asked for in ``indicators:`` as indicator data in the assessment's long form
    (``unit, year, indicator, value, source``): locations become units."""
    parts = []
    for measure, indicator in config.indicators.items():
        table_name, column = _MEASURE_SOURCE[measure]
        table = getattr(results, table_name)
        if table_name == "partners":
            # export markets, as before imports were added; the import_ measures: imports
            table = of_flow(table, "import" if measure.startswith("import_") else "export")
            if table is not None and not len(table):
                table = None  # the data have no partner rows of that flow
        if table is None or column not in table.columns:
            raise KaifangError(
                f"indicators: {measure} needs the {table_name} table, which this run has not "
                "computed (partners need a partner column, import_ measures imports by partner, "
                "grubel_lloyd imports, region_eci a regions: block)"
            )
        parts.append(
            pd.DataFrame(
                {
                    "unit": table["location"].astype(str),
                    "year": table["year"].astype(int),
                    "indicator": indicator,
                    "value": table[column].astype(float),
                    "source": f"kaifang trade: {measure}",
                }
            )
        )
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])
