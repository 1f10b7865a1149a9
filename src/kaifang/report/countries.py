"""Countries of the world map: partner codes of trade data matched to ISO 3166-1 alpha-3.

Trade data name partners by ISO alpha-3 (BACI's country file, UN Comtrade's ``partnerISO``, most
customs tables), by numeric code (UN Comtrade's ``partnerCode``, BACI's raw ``i``/``j``) or by
alpha-2; case and surrounding spaces do not matter. A few codes of trade statistics are not ISO
codes and are translated (see ``ALPHA_ALIASES`` and ``NUMERIC_ALIASES``). A code that matches no
country, or a country neither drawn nor dotted on the map, is reported as unmatched: it is
listed beside the map, never dropped in silence.

The geometry is configuration: the shipped Natural Earth map (``world/SOURCE.md``) by default,
or any GeoJSON whose features carry an ``iso3`` property (e.g. an approved standard map).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kaifang.errors import InputError, Problem
from kaifang.limits import read_bounded

WORLD_DIR = Path(__file__).parent / "world"
WORLD_MAP = WORLD_DIR / "world_110m.geojson"
COUNTRIES = WORLD_DIR / "countries.csv"
ID_PROPERTY = "iso3"

# alpha codes of trade statistics that are not (or no longer) ISO 3166-1 alpha-3
ALPHA_ALIASES = {
    "ROM": "ROU",  # Romania before 2002 (UN Comtrade's old code)
    "ZAR": "COD",  # Zaire / DR Congo before 1997
    "TMP": "TLS",  # East Timor before 2002
    "XKX": "XKK",  # Kosovo: the World Bank's code (the table has the package's XKK, 983)
    "KOS": "XKK",  # Kosovo: Natural Earth's code
    "KSV": "XKK",  # Kosovo in some national tables
    "S19": "TWN",  # "Other Asia, nes" of UN Comtrade and BACI: Taiwan, China
}
# numeric codes of UN Comtrade / BACI that differ from ISO 3166-1 numeric
NUMERIC_ALIASES = {
    "251": "250",  # France incl. Monaco
    "579": "578",  # Norway incl. Svalbard and Jan Mayen
    "699": "356",  # India (UN Comtrade's code)
    "757": "756",  # Switzerland incl. Liechtenstein
    "842": "840",  # USA incl. Puerto Rico and the US Virgin Islands
    "490": "158",  # "Other Asia, nes": Taiwan, China
}


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country: codes, names and, for one too small for the map, a dot."""

    iso3: str
    iso2: str
    iso_n3: str
    name_en: str
    name_zh: str
    lon: float | None
    lat: float | None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country of the shipped table, by alpha-3 code."""
    out: dict[str, Country] = {}
    with COUNTRIES.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lon, lat = row["lon"], row["lat"]
            out[row["iso3"]] = Country(
                row["iso3"],
                row["iso2"],
                row["iso_n3"],
                row["name_en"],
                row["name_zh"],
                float(lon) if lon else None,
                float(lat) if lat else None,
            )
    return out


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """Alpha-3, alpha-2 and numeric code (and the aliases) -> alpha-3."""
    table: dict[str, str] = {}
    for c in countries().values():
        table[c.iso3] = c.iso3
        if c.iso2:
            table[c.iso2] = c.iso3
        if c.iso_n3:
            table[c.iso_n3] = c.iso3
    table.update(ALPHA_ALIASES)
    table.update({k: table[v] for k, v in NUMERIC_ALIASES.items()})
    return table


def to_iso3(code: object) -> str | None:
    """The ISO alpha-3 code of a partner code (``usa``, ``US``, ``842``, ``40``), else None."""
    text = str(code).strip().upper()
    if text.isdigit():
        text = text.lstrip("0").zfill(3)
    return _lookup().get(text)


@dataclass(frozen=True)
class PartnerMatch:
    """How partner codes meet the map: ``iso3`` (code -> alpha-3, shape or dot drawn),
    ``dotted`` (those drawn as a dot: too small for the map), ``unmatched`` (code -> why)."""

    iso3: dict[str, str]
    dotted: list[str]
    unmatched: dict[str, str]


def match_partners(codes: Iterable[object], shapes: set[str]) -> PartnerMatch:
    """Match partner codes against the map's shapes (alpha-3 codes) and the countries' dots.

    ``unmatched`` says why for each code: ``unknown`` (no country has this code) or ``no_shape``
    (a country, but neither shape nor dot on this map)."""
    iso3: dict[str, str] = {}
    dotted: list[str] = []
    unmatched: dict[str, str] = {}
    table = countries()
    for code in dict.fromkeys(str(c) for c in codes):
        found = to_iso3(code)
        if found is None:
            unmatched[code] = "unknown"
        elif found in shapes:
            iso3[code] = found
        elif table.get(found) is not None and table[found].lon is not None:
            iso3[code] = found
            dotted.append(code)
        else:
            unmatched[code] = "no_shape"
    return PartnerMatch(iso3, dotted, unmatched)


def load_world_map(path: Path | str | None = None) -> dict[str, Any]:
    """The world map as GeoJSON: the shipped Natural Earth map, or ``path`` (any GeoJSON whose
    features carry an ``iso3`` property). A file that is not such GeoJSON is an InputError.
    The shipped map is read once per process (do not modify what is returned)."""
    if path is None:
        return _shipped_map()
    return _read_world_map(Path(path))


@lru_cache(maxsize=1)
def _shipped_map() -> dict[str, Any]:
    return _read_world_map(WORLD_MAP)


def _read_world_map(file: Path) -> dict[str, Any]:
    data, problem = read_bounded(file, str(file))
    if problem is not None:
        raise InputError([problem])
    assert data is not None
    try:
        geo = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(file), f"is not GeoJSON (JSON text): {exc}")]) from None
    features = geo.get("features") if isinstance(geo, dict) else None
    if not isinstance(features, list):
        raise InputError([Problem(str(file), "has no 'features' list (a FeatureCollection)")])
    for i, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        # Natural Earth's few shapes without an ISO code (N. Cyprus, Somaliland) have "": grey
        if not isinstance(props, dict) or not isinstance(props.get(ID_PROPERTY), str):
            raise InputError(
                [Problem(str(file), f"feature {i} has no text property {ID_PROPERTY!r}")]
            )
    return {"type": "FeatureCollection", "features": features}


def shape_codes(geo: dict[str, Any]) -> set[str]:
    return {str(f["properties"][ID_PROPERTY]) for f in geo["features"]} - {""}
