"""The trade pipeline end to end: DuckDB SQL + NumPy against the Stata fixtures and the kernels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app
from kaifang.errors import InputError
from kaifang.methods import trade_structure as ts
from kaifang.trade.pipeline import run_trade
from kaifang.trade.writers import write_trade_results

STATA = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity" / "stata"


def test_cli_writes_stata_columns_matching_stata(sample_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["trade", str(sample_config), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out / "location_product.csv", dtype={"product": str})
    assert list(cells.columns) == [
        "location",
        "product",
        "year",
        "value",
        "rca",
        "m",
        "density",
        "cog",
    ]
    locations = pd.read_csv(out / "locations.csv")
    assert list(locations.columns) == ["location", "year", "diversity", "eci", "coi"]
    products = pd.read_csv(out / "products.csv", dtype={"product": str})
    assert list(products.columns) == ["product", "year", "ubiquity", "pci"]
    expected = pd.read_csv(STATA / "stata_ground_truth.csv", dtype={"hs92": str})
    got = cells.merge(
        expected, left_on=["location", "product", "year"], right_on=["origin", "hs92", "year"]
    )
    assert len(got) == 600  # the default variant's whole file: both years, every row
    for ours, theirs in (("rca", "rca_y"), ("density", "density_y"), ("cog", "cog_y")):
        np.testing.assert_allclose(
            got[ours + "_x"] if ours + "_x" in got else got[ours], got[theirs], atol=1e-9
        )
    np.testing.assert_array_equal(got["m"], got["M"])
    per_location = locations.merge(
        expected.drop_duplicates(["origin", "year"]),
        left_on=["location", "year"],
        right_on=["origin", "year"],
    )
    assert len(per_location) == 20
    for column in ("eci", "coi", "diversity"):
        np.testing.assert_allclose(
            per_location[column + "_x"], per_location[column + "_y"], atol=1e-9, err_msg=column
        )
    per_product = products.merge(
        expected.drop_duplicates(["hs92", "year"]),
        left_on=["product", "year"],
        right_on=["hs92", "year"],
    )
    assert len(per_product) == 60
    for column in ("pci", "ubiquity"):
        np.testing.assert_allclose(
            per_product[column + "_x"], per_product[column + "_y"], atol=1e-9, err_msg=column
        )
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["engine"]["name"] == "duckdb"
    assert record["engine"]["memory_limit"] == "2GB"
    assert record["config"]["complexity"]["threshold"] == 1.0
    assert len(record["data_hash_sha256"]) == 64


def test_sql_structure_equals_numpy_kernels(sample_config: Path) -> None:
    res = run_trade(sample_config)
    cells = res.location_product
    for (year, location), part in cells.groupby(["year", "location"]):
        row = res.concentration[
            (res.concentration["year"] == year) & (res.concentration["location"] == location)
        ].iloc[0]
        world = cells[cells["year"] == year].groupby("product")["value"].sum()
        x = part.set_index("product")["value"].reindex(world.index).to_numpy()
        assert row["hhi"] == pytest.approx(float(ts.hhi(x)), rel=1e-12)
        assert row["unctad_concentration"] == pytest.approx(
            float(ts.unctad_concentration(x)), rel=1e-12
        )
        assert row["unctad_diversification"] == pytest.approx(
            float(ts.unctad_diversification(x, world.to_numpy())), rel=1e-12
        )
        assert row["finger_kreinin_world"] == pytest.approx(
            float(ts.finger_kreinin(x, world.to_numpy())), rel=1e-12
        )
    assert res.margins is not None
    aut = res.margins[res.margins["location"] == "aut"].iloc[0]
    x0 = cells[(cells["location"] == "aut") & (cells["year"] == 1995)]["value"].to_numpy()
    x1 = cells[(cells["location"] == "aut") & (cells["year"] == 1996)]["value"].to_numpy()
    mg = ts.export_margins(x0[:, None], x1[:, None])
    assert aut["intensive"] == pytest.approx(mg.intensive, rel=1e-12)
    assert aut["total"] == pytest.approx(mg.total, rel=1e-12)


def test_partners_imports_margins_and_regions(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    rows = []
    for year in (2020, 2021):
        for loc in ["a", "b", "c", "d", "e"]:
            for prod in ["0101", "0202", "0303", "8471", "8542", "9401"]:
                for partner in ["usa", "jpn"]:
                    if rng.random() < 0.8:
                        rows.append((year, loc, prod, partner, "export", rng.uniform(1, 100)))
                        rows.append((year, loc, prod, partner, "import", rng.uniform(1, 100)))
    frame = pd.DataFrame(rows, columns=["year", "reporter", "hs", "partner", "flow", "usd"])
    frame.to_csv(tmp_path / "world.csv", index=False)
    region = pd.DataFrame(
        {
            "year": [2021, 2021],
            "reporter": ["gz", "gz"],
            "hs": ["0101", "8471"],
            "flow": ["export", "export"],
            "usd": [5.0, 1.0],
        }
    )
    region.to_csv(tmp_path / "region.csv", index=False)
    cols = "{location: reporter, product: hs, year: year, value: usd, partner: partner, flow: flow}"
    (tmp_path / "t.yaml").write_text(
        f"data: {{path: world.csv, columns: {cols}}}\n"
        "complexity: {isolated: drop}\n"
        "regions: {data: {path: region.csv, columns: {location: reporter, product: hs, "
        "year: year, value: usd, flow: flow}}, top: 3}\n",
        encoding="utf-8",
    )
    res = run_trade(tmp_path / "t.yaml")
    assert res.partners is not None and set(res.partners["partners"]) <= {1, 2}
    assert res.intra_industry is not None
    assert res.intra_industry["grubel_lloyd"].between(0, 1).all()
    assert res.regions is not None and res.region_products is not None
    gz = res.regions.iloc[0]
    rp = res.region_products
    pci = rp.set_index("product")["pci"]
    present = rp[rp["m"] == 1]["product"]
    assert gz["eci"] == pytest.approx(pci[present].mean())
    feasible = rp.dropna(subset=["feasible_rank"])
    assert (feasible["m"] == 0).all() and len(feasible) <= 3
    write_trade_results(res, tmp_path / "out")
    assert (tmp_path / "out" / "region_products.csv").is_file()


def _config(tmp_path: Path, text: str, extra: str = "") -> Path:
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(
        "data: {path: d.csv, columns: {location: c, product: p, year: y, value: v}}\n" + extra,
        encoding="utf-8",
    )
    return config


def _problems(config: Path) -> str:
    with pytest.raises(InputError) as info:
        run_trade(config)
    return "\n".join(str(p) for p in info.value.problems)


def test_negative_value_names_file_row_column(tmp_path: Path) -> None:
    text = "c,p,y,v\na,0101,2020,5\nb,0101,2020,-3\n"
    msg = _problems(_config(tmp_path, text))
    assert "d.csv, row 3, column 'v': negative value '-3'" in msg


def test_lost_leading_zero_is_an_error(tmp_path: Path) -> None:
    text = "c,p,y,v\na,0201,2020,5\na,0302,2020,5\nb,101,2020,3\nb,8471,2020,3\n"
    msg = _problems(_config(tmp_path, text))
    assert "row 4, column 'p'" in msg and "'101'" in msg and "leading zero" in msg


def test_year_without_data_is_an_error(tmp_path: Path) -> None:
    text = "c,p,y,v\na,0101,2020,5\nb,0202,2022,3\n"
    msg = _problems(_config(tmp_path, text, "years: [2020, 2022]\n"))
    assert "year 2021 has no data rows" in msg


def test_not_a_number_and_bad_year(tmp_path: Path) -> None:
    text = "c,p,y,v\na,0101,2020,5x\nb,0101,20x0,3\n"
    msg = _problems(_config(tmp_path, text))
    assert "row 2, column 'v': value '5x' is not a number" in msg
    assert "row 3, column 'y'" in msg


def test_unknown_location_code(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("code,name_en\na,A\n", encoding="utf-8")
    text = "c,p,y,v\na,0101,2020,5\nzz,0101,2020,3\n"
    cfg = _config(tmp_path, text)
    cfg.write_text(cfg.read_text().replace("v}}", "v}, locations: units.csv}"), encoding="utf-8")
    msg = _problems(cfg)
    assert "row 3, column 'c': unknown location code 'zz'" in msg


def test_disconnected_network_is_refused_with_names(tmp_path: Path) -> None:
    # two blocks of countries sharing no product: second eigenvalue 1
    rows = ["c,p,y,v"]
    for c in ("a", "b", "c"):
        rows += [f"{c},0101,2020,{1 + ord(c) % 3}", f"{c},0102,2020,{2 + ord(c) % 2}"]
    for c in ("d", "e", "f"):
        rows += [f"{c},0201,2020,{1 + ord(c) % 3}", f"{c},0202,2020,{2 + ord(c) % 2}"]
    msg = _problems(_config(tmp_path, "\n".join(rows) + "\n", "complexity: {isolated: drop}\n"))
    assert "year 2020" in msg and "disconnected" in msg


def test_unknown_config_key_names_line(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "c,p,y,v\na,0101,2020,5\n", "complexity: {treshold: 2}\n")
    msg = _problems(cfg)
    assert "line" in msg.lower() or "row 2" in msg


def test_cli_bad_input_exit_1_no_traceback(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "c,p,y,v\na,0101,2020,-5\n")
    result = CliRunner().invoke(app, ["trade", str(cfg), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_results_as_assessment_indicators(tmp_path: Path) -> None:
    """ECI and export HHI written as indicator data that the assessment's reader accepts."""
    from kaifang.data import DataSource, UnitMatcher, read_source

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"
    (tmp_path / "trade.csv").write_bytes((fixture / "trade_data_sample.csv").read_bytes())
    (tmp_path / "t.yaml").write_text(
        "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
        "value: export_val}}\nindicators: {eci: trade_eci, export_hhi: export_hhi}\n",
        encoding="utf-8",
    )
    res = run_trade(tmp_path / "t.yaml")
    write_trade_results(res, tmp_path / "out")
    units = pd.DataFrame(
        {
            "code": sorted(res.locations["location"].unique()),
            "name_en": sorted(res.locations["location"].unique()),
            "name_zh": sorted(res.locations["location"].unique()),
            "level": "country",
        }
    )
    data = read_source(
        DataSource(tmp_path / "out" / "indicators.csv", format="long"),
        UnitMatcher(units),
        {"trade_eci", "export_hhi"},
    )
    assert len(data) == 40
    eci = data[
        (data["indicator"] == "trade_eci") & (data["unit"] == "svn") & (data["year"] == 1996)
    ]
    assert eci["value"].iloc[0] == pytest.approx(-0.3350744051517764, abs=1e-9)


def test_matrix_size_is_bounded(tmp_path: Path) -> None:
    rows = ["c,p,y,v"] + [
        f"{c},{p:04d},2020,{1 + (p * 7 + ord(c)) % 5}" for c in "abcd" for p in range(30)
    ]
    msg = _problems(_config(tmp_path, "\n".join(rows) + "\n", "max_products: 20\n"))
    assert "exceed the limits" in msg and "product_digits" in msg


def test_location_without_presence_is_refused_with_its_name(tmp_path: Path) -> None:
    """A location whose exports mirror the world's (every RCA exactly 1) has no presence under
    the strict threshold: the network is disconnected, and the error names the location."""
    text = (
        "c,p,y,v\nmirror,0101,2020,10\nmirror,0202,2020,10\nb,0101,2020,20\n"
        "c,0202,2020,20\nd,0101,2020,5\nd,0202,2020,5\n"
    )
    msg = _problems(_config(tmp_path, text))
    assert "year 2020" in msg and "no presence" in msg and "['d', 'mirror']" in msg
    assert "isolated: drop" in msg
