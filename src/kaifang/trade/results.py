"""The tables of one ``kaifang trade`` run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kaifang.trade.markets import flow_files


@dataclass
class TradeResults:
    """Every table ``kaifang trade`` writes, as pandas DataFrames, and the run record."""

    locations: pd.DataFrame
    products: pd.DataFrame
    location_product: pd.DataFrame
    concentration: pd.DataFrame
    record: dict[str, Any]
    partners: pd.DataFrame | None = None
    partner_shares: pd.DataFrame | None = None
    margins: pd.DataFrame | None = None
    intra_industry: pd.DataFrame | None = None
    growth_products: pd.DataFrame | None = None
    growth_partners: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    region_products: pd.DataFrame | None = None
    proximity: dict[int, pd.DataFrame] = field(default_factory=dict)
    indicators: pd.DataFrame | None = None
    openness: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """File name -> table as written, the optional ones only when computed; the partner
        tables' import rows go to files of their own (``import_partners.csv``,
        ``import_partner_shares.csv``), so that ``partners.csv`` and ``partner_shares.csv``
        keep the export rows they held before imports were added."""
        out = {
            "locations.csv": self.locations,
            "products.csv": self.products,
            "location_product.csv": self.location_product,
        }
        if len(self.concentration.columns):
            out["concentration.csv"] = self.concentration
        for name, table in (
            ("partners.csv", self.partners),
            ("partner_shares.csv", self.partner_shares),
        ):
            if table is not None:
                out.update(flow_files(name, table))
        optional = {
            "margins.csv": self.margins,
            "intra_industry.csv": self.intra_industry,
            "growth_products.csv": self.growth_products,
            "growth_partners.csv": self.growth_partners,
            "regions.csv": self.regions,
            "region_products.csv": self.region_products,
            "indicators.csv": self.indicators,
            "openness.csv": self.openness,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        return out
