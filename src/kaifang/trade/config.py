"""The ``kaifang trade`` config: which trade table, which options (Stata's defaults).

Minimal form::

    data: {path: trade.csv, columns: {location: origin, product: hs92, year: year,
                                      value: export_val}}

Paths are relative to the config's folder. Unknown keys are errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kaifang.errors import InputError, Problem
from kaifang.problem_messages import LocalValueError
from kaifang.trade.options import ComplexityOptions
from kaifang.yamlio import pydantic_problems, read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TradeDataSpec(_Strict):
    """One trade table. ``columns`` maps roles (location, product, year, value, and optionally
    partner, flow, population; for china_customs exports and imports) to the file's headers."""

    path: str
    format: Literal["long", "baci", "comtrade", "china_customs"] = "long"
    columns: dict[str, str] = Field(default_factory=dict)
    sheet: str | None = None
    country_codes: str | None = None
    locations: str | None = None
    flow: Literal["export", "import"] = "export"
    currency: Literal["USD", "CNY"] = "USD"
    scale: float = Field(default=1.0, gt=0)
    year: int | None = None  # a cross-section without a year column (e.g. a 3-year average)


class EngineSpec(_Strict):
    """The SQL engine: DuckDB embedded (memory limit, spill folder) or Spark (local master)."""

    name: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str = "2GB"
    temp_directory: str | None = None
    threads: int | None = Field(default=None, ge=1)
    master: str = "local[2]"
    # BLAS/LAPACK threads of each matrix call (eigenvectors, proximity, density): one keeps the
    # time steady on shared cores, and lets independent steps run side by side when a core is
    # free; None leaves the library's own choice
    blas_threads: int | None = Field(default=1, ge=1)


class GdpSpec(_Strict):
    """GDP by location and year for openness: a long CSV/Excel table, in CNY or USD."""

    path: str
    columns: dict[str, str] = Field(default_factory=dict)
    currency: Literal["USD", "CNY"] = "CNY"
    scale: float = Field(default=1.0, gt=0)  # e.g. 1e8 for 亿元


class PopulationSpec(_Strict):
    """Population by location and year for presence by RCA per capita (``presence: rpop`` or
    ``both``): a long CSV/Excel table, one row per location and year."""

    path: str
    columns: dict[str, str] = Field(default_factory=dict)  # location, year, population
    sheet: str | None = None
    scale: float = Field(default=1.0, gt=0)  # e.g. 1e4 for 万人


class RegionSpec(_Strict):
    """Regions (provinces, prefectures) scored against the world data: their own trade table,
    their ECI from the world's PCI, and their feasible new products."""

    data: TradeDataSpec
    top: int = Field(default=20, ge=1)
    # the regions' populations for presence: rpop | both (else a population column of data,
    # else the top-level population file, keyed by region code)
    population: PopulationSpec | None = None


IndicatorMeasure = Literal[
    "eci",
    "coi",
    "diversity",
    "export_hhi",
    "export_hhi_normalised",
    "unctad_concentration",
    "unctad_diversification",
    "finger_kreinin_world",
    "partner_hhi",
    "partners_above_floor",
    "grubel_lloyd",
    "region_eci",
    "openness",
    "export_dependence",
    "import_dependence",
    "import_partner_hhi",
    "import_partners_above_floor",
]


class TradeConfig(_Strict):
    title: dict[str, str] | None = None
    data: TradeDataSpec
    product_digits: int | None = Field(default=None, ge=1, le=10)
    years: tuple[int, int] | None = None
    complexity: ComplexityOptions = Field(default_factory=ComplexityOptions)
    engine: EngineSpec = Field(default_factory=EngineSpec)
    # the matrix work holds P x P proximities and a C x C eigenproblem in memory: bound them
    max_products: int = Field(default=12_000, ge=2)
    max_locations: int = Field(default=20_000, ge=3)
    structure: bool = True  # concentration, partners, margins, intra-industry tables
    skip_complexity: bool = False  # structure only (one region's own table: no network)
    min_location_value: float | None = Field(default=None, ge=0)
    partner_floor: float = Field(default=0.01, gt=0, lt=1)
    regions: RegionSpec | None = None
    gdp: GdpSpec | None = None  # openness, export and import dependence (trade in USD)
    # populations for presence: rpop | both (or a population column of data)
    population: PopulationSpec | None = None
    simulated: bool = False
    # display names of location and partner codes in the report page: code -> {en, zh}
    names: dict[str, dict[Literal["en", "zh"], str]] = Field(default_factory=dict)
    # results as assessment indicators: measure -> indicator id, written to indicators.csv
    indicators: dict[IndicatorMeasure, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _population(self) -> TradeConfig:
        presence = self.complexity.presence
        column = "population" in self.data.columns
        if column and self.data.format != "long":
            raise LocalValueError("v_population_column_format", format=self.data.format)
        if column and self.population is not None:
            raise LocalValueError("v_population_twice")
        if presence in ("rpop", "both") and not column and self.population is None:
            raise LocalValueError("v_rpop_needs_population", presence=presence)
        regions = self.regions
        if regions is not None:
            region_column = "population" in regions.data.columns
            if region_column and regions.data.format != "long":
                raise LocalValueError("v_population_column_format", format=regions.data.format)
            if region_column and regions.population is not None:
                raise LocalValueError("v_population_twice")
            if (
                presence in ("rpop", "both")
                and not region_column
                and regions.population is None
                and self.population is None
            ):
                raise LocalValueError("v_rpop_regions", presence=presence)
        return self


def load_trade_config(path: Path) -> TradeConfig:
    """Read and validate a trade config; every problem is listed with its line."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "the config must be a mapping with a data: block")])
    try:
        return TradeConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(str(path), exc, lines, data=data)) from None
