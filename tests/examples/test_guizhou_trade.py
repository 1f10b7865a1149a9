"""The guizhou_trade example (SIMULATED data): totals tie to NBS, every table is produced."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kaifang.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "guizhou_trade"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_data_is_what_the_generator_makes() -> None:
    world, guizhou = _module("simulate").simulate()
    shipped = pd.read_csv(
        EXAMPLE / "data" / "guizhou_hs4_partner_simulated.csv.gz", dtype={"hs4": str}
    )
    pd.testing.assert_frame_equal(shipped, guizhou.astype({"hs4": str}), check_dtype=False)
    assert len(pd.read_csv(EXAMPLE / "data" / "world_hs4_simulated.csv.gz")) == len(world)


def test_guizhou_totals_equal_nbs_total_trade() -> None:
    simulate = _module("simulate")
    totals = simulate.guizhou_totals()
    data = pd.read_csv(EXAMPLE / "data" / "guizhou_hs4_partner_simulated.csv.gz")
    by_year = data.groupby("year")["value_usd"].sum()
    for year, total in totals.items():
        assert by_year[year] == pytest.approx(total, rel=1e-6)
    assert totals[2024] == pytest.approx(12_049_941_050.0)


def test_guizhou_trade_tables(tmp_path: Path) -> None:
    runner = CliRunner()
    out_c, out_s = tmp_path / "c", tmp_path / "s"
    for config, out in (("trade.yaml", out_c), ("structure.yaml", out_s)):
        result = runner.invoke(app, ["trade", str(EXAMPLE / config), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "SIMULATED" in result.output
        assert (out / "SIMULATED_DATA.txt").is_file()
    tables = _module("report").tables(out_c, out_s)
    assert list(tables["eci"]["year"]) == list(range(2016, 2025))
    feasible = tables["feasible"]
    assert len(feasible) == 15
    cells = pd.read_csv(out_c / "region_products.csv", dtype={"product": str})
    latest = cells[cells["year"] == 2024].set_index("product")
    assert (latest.loc[feasible["product"], "m"] == 0).all()
    assert (tables["rca"]["m"] == 1).all()
    margins = tables["margins"]
    assert list(margins["year"]) == list(range(2017, 2025))
    parts = margins["intensive"] + margins["new_products"] + margins["new_markets"]
    pd.testing.assert_series_equal(
        parts - margins["lost"], margins["total"], check_names=False, rtol=1e-9
    )
    markets = tables["markets"]
    assert markets["partner_hhi"].between(1 / 25, 1).all()
    # the simulated panel has imports by partner: both flows, every year, each summing to 1
    imports = tables["import_markets"]
    assert list(imports["year"]) == list(markets["year"]) == list(range(2016, 2025))
    assert imports["partner_hhi"].between(1 / 25, 1).all()
    # partner_shares.csv keeps the export rows only; the import rows have their own file
    for name, flow in (("partner_shares.csv", "export"), ("import_partner_shares.csv", "import")):
        shares = pd.read_csv(out_s / name)
        assert set(shares["flow"]) == {flow}
        totals = shares.groupby("year")["share"].sum()
        assert list(totals.index) == list(range(2016, 2025))
        np.testing.assert_allclose(totals.to_numpy(), 1.0, rtol=1e-12)
    # openness from real totals: trade 2024 (NBS, USD) / GDP 2024 (NBS, CNY at 7.1217)
    openness = pd.read_csv(out_s / "openness.csv").set_index("year")
    assert openness.loc[2024, "openness"] == pytest.approx(
        12_049_941_050.0 / (22_645.7e8 / 7.1217), rel=1e-9
    )
