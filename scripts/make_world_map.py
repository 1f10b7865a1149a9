"""Build the world map shipped with kaifang (run once; the output is committed).

Sources, both from the npm registry by their ordinary client (``npm pack``):
- ``world-atlas`` 2.0.2 (ISC): Natural Earth 4.1.0 Admin 0 countries at 1:110m as TopoJSON
  (Natural Earth is in the public domain);
- ``i18n-iso-countries`` 7.14.0 (MIT): ISO 3166-1 alpha-2, alpha-3 and numeric codes with the
  English and Chinese country names.

Output, in src/kaifang/report/world/:
- ``world_110m.geojson``: one feature per Natural Earth country, properties ``iso3``, ``iso_n3``,
  ``name_en``, ``name_zh``; coordinates rounded to 0.01 degree (about 1 km, far below what a
  1:110m map resolves), which keeps the file small;
- ``countries.csv``: every ISO 3166-1 country (with or without a shape) with its codes and names,
  so that partner codes resolve to names even where the map has no shape; for a country too
  small for the 1:110m map (Singapore, Hong Kong, Malta, ...) ``lon`` and ``lat`` place a dot:
  the mean vertex of its largest polygon in Natural Earth's 1:50m map (same package).

Usage: python scripts/make_world_map.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

WORLD_ATLAS = "world-atlas@2.0.2"
ISO_NAMES = "i18n-iso-countries@7.14.0"
OUT = Path(__file__).resolve().parents[1] / "src" / "kaifang" / "report" / "world"
# Natural Earth shapes without an ISO numeric code: their ISO-like alpha-3 codes
NO_NUMERIC = {"Kosovo": ("XKK", "Kosovo", "科索沃"), "N. Cyprus": ("", "N. Cyprus", "北塞浦路斯")}
NO_NUMERIC["Somaliland"] = ("", "Somaliland", "索马里兰")
# names as Chinese official usage has them (the package's are 香港, 澳门, 中国台湾省, Taiwan)
NAMES = {
    "HKG": ("Hong Kong, China", "中国香港"),
    "MAC": ("Macao, China", "中国澳门"),
    "TWN": ("Taiwan, China", "中国台湾"),
}
# no trade partner, and a fifth of the map's height
LEFT_OUT = {"ATA"}


def npm_pack(spec: str, folder: Path) -> Path:
    """The unpacked ``package/`` folder of an npm package."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=folder, check=True, capture_output=True, text=True
    )
    tgz = folder / out.stdout.strip().splitlines()[-1]
    target = folder / tgz.stem
    with tarfile.open(tgz) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Quantised, delta-encoded TopoJSON arcs to absolute longitude/latitude."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """A ring from arc indexes (a negative index ~i is arc i reversed); shared end points once."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    # Natural Earth cuts Russia and Fiji at the antimeridian, so a ring jumps from 180 to -180
    # and back: unwrapped, the far side continues past 180 (and is clipped at the map's edge)
    # instead of striping across the whole map
    out, offset = [], 0.0
    for k, (x, y) in enumerate(points):
        if k and x - points[k - 1][0] > 180:
            offset -= 360.0
        elif k and x - points[k - 1][0] < -180:
            offset += 360.0
        out.append([round(x + offset, 2), round(y, 2)])
    return out


def geometry(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in geom["arcs"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[ring(r, arcs) for r in poly] for poly in geom["arcs"]],
    }


def build(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        atlas = npm_pack(WORLD_ATLAS, Path(tmp))
        iso = npm_pack(ISO_NAMES, Path(tmp))
        topology = json.loads((atlas / "countries-110m.json").read_text(encoding="utf-8"))
        medium = json.loads((atlas / "countries-50m.json").read_text(encoding="utf-8"))
        codes = json.loads((iso / "codes.json").read_text(encoding="utf-8"))
        en = json.loads((iso / "langs" / "en.json").read_text(encoding="utf-8"))["countries"]
        zh = json.loads((iso / "langs" / "zh.json").read_text(encoding="utf-8"))["countries"]

    def first(name: str | list[str]) -> str:
        return name[0] if isinstance(name, list) else name

    # the common English form where the package lists several: the first without a comma or
    # an "of" (United States, not United States of America; United Kingdom, not UK)
    def short_en(name: str | list[str]) -> str:
        names = name if isinstance(name, list) else [name]
        plain = [n for n in names if "," not in n and " of " not in n and len(n) > 3]
        return plain[0] if plain else first(name)

    countries = {
        numeric: {
            "iso3": a3,
            "iso2": a2,
            "iso_n3": numeric,
            "name_en": short_en(en[a2]),
            "name_zh": zh[a2],
            "lon": "",
            "lat": "",
        }
        for a2, a3, numeric, *_ in codes
    }
    for row in countries.values():
        if row["iso3"] in NAMES:
            row["name_en"], row["name_zh"] = NAMES[row["iso3"]]
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        props = countries.get(geom.get("id", ""))
        if props is None:
            iso3, name_en, name_zh = NO_NUMERIC[geom["properties"]["name"]]
            props = {"iso3": iso3, "iso2": "", "iso_n3": "", "name_en": name_en}
            props["name_zh"] = name_zh
        if props["iso3"] in LEFT_OUT:
            continue
        props = {k: props[k] for k in ("iso3", "iso_n3", "name_en", "name_zh")}
        features.append({"type": "Feature", "properties": props, "geometry": geometry(geom, arcs)})
    drawn = {g.get("id") for g in topology["objects"]["countries"]["geometries"]}
    medium_arcs = decode_arcs(medium)
    for geom in medium["objects"]["countries"]["geometries"]:
        numeric = geom.get("id")
        if numeric in drawn or numeric not in countries or "arcs" not in geom:
            continue
        polys = geometry(geom, medium_arcs)
        outer = (
            [polys["coordinates"][0]]
            if polys["type"] == "Polygon"
            else [p[0] for p in polys["coordinates"]]
        )
        largest = max(outer, key=len)
        countries[numeric]["lon"] = str(round(sum(p[0] for p in largest) / len(largest), 2))
        countries[numeric]["lat"] = str(round(sum(p[1] for p in largest) / len(largest), 2))
    out.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "features": features}
    (out / "world_110m.geojson").write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    with (out / "countries.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        columns = ["iso3", "iso2", "iso_n3", "name_en", "name_zh", "lon", "lat"]
        writer.writerow(columns)
        for row in sorted(countries.values(), key=lambda r: r["iso3"]):
            writer.writerow([row[c] for c in columns])
    print(f"{len(features)} shapes, {len(countries)} countries -> {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    build(parser.parse_args().out)
