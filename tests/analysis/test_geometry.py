"""Spatial weights of units from a GeoJSON or a points table: bad files named with row and
column, islands handled as the block says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kaifang.analysis.geometry import read_geojson, read_points, unit_weights
from kaifang.analysis.spec import SpatialSpec
from kaifang.errors import InputError


def squares(path: Path, cells: list[tuple[str, int, int]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]],
            },
        }
        for code, x, y in cells
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_queen_rook_and_an_island(tmp_path: Path) -> None:
    # a, b, c in a row; d touches c at a corner only; e far away
    geo = squares(
        tmp_path / "m.geojson", [("a", 0, 0), ("b", 1, 0), ("c", 2, 0), ("d", 3, 1), ("e", 9, 9)]
    )
    codes = ["a", "b", "c", "d", "e"]
    queen = unit_weights(codes, SpatialSpec(islands="drop"), geo, "code", None)
    assert queen.codes == ["a", "b", "c", "d"] and queen.dropped == ["e"]
    dense = queen.w.toarray()
    assert dense[2].tolist() == [0.0, 0.5, 0.0, 0.5]  # c: b and d (corner), row-standardised
    rook = unit_weights(codes, SpatialSpec(weights="rook", islands="nearest"), geo, "code", None)
    assert set(rook.islands) == {"d", "e"}  # corner contact is no rook neighbour
    assert (np.diff(rook.w.indptr) > 0).all()  # every island joined to its nearest unit
    with pytest.raises(InputError, match="islands"):
        unit_weights(codes, SpatialSpec(islands="error"), geo, "code", None)


def test_points_knn_and_bad_points(tmp_path: Path) -> None:
    pts = tmp_path / "p.csv"
    pts.write_text("code,x,y\na,0,0\nb,1,0\nc,5,0\n", encoding="utf-8")
    w = unit_weights(
        ["a", "b", "c"], SpatialSpec(weights="knn", k=1, geographic=False), None, "code", pts
    )
    assert w.w.toarray().argmax(axis=1).tolist() == [1, 0, 1]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,x,y\na,0,0\nb,east,0\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_points(bad)
    problem = err.value.problems[0]
    assert (problem.row, problem.column) == (3, "x") and "'east'" in problem.message
    with pytest.raises(InputError, match="need code, x, y"):
        (tmp_path / "cols.csv").write_text("id,x,y\na,0,0\n")
        read_points(tmp_path / "cols.csv")
    with pytest.raises(InputError, match="contiguity needs polygons"):
        unit_weights(["a", "b", "c"], SpatialSpec(), None, "code", pts)


def test_bad_geojson(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid GeoJSON"):
        read_geojson(broken, "code")
    geo = squares(tmp_path / "m.geojson", [("a", 0, 0)])
    with pytest.raises(InputError, match="no property 'adcode'"):
        read_geojson(geo, "adcode")
    with pytest.raises(InputError, match="does not exist"):
        read_geojson(tmp_path / "missing.geojson", "code")
