"""Export and import markets: the partner tables for both flows, against shares computed by
hand on small tables; a written folder keeps the export rows in ``partners.csv`` and
``partner_shares.csv`` and the import rows in ``import_partners.csv`` and
``import_partner_shares.csv``, and reads back into the tables held in memory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifang.errors import KaifangError
from kaifang.methods import trade_structure as ts
from kaifang.trade.config import TradeConfig
from kaifang.trade.engine import DuckDBEngine
from kaifang.trade.indicators import indicator_table
from kaifang.trade.markets import (
    flow_files,
    import_markets_rule,
    joined_flows,
    of_flow,
    partner_flows,
)
from kaifang.trade.pipeline import compute_trade, run_trade
from kaifang.trade.writers import write_trade_results
from kaifang.web.trade_data import read_trade_folder

# Guizhou-like: exports to usa 40 + 20 = 60, jpn 30, vnm 10 (total 100);
# imports from kor 50 and deu 30 + 20 = 50 (total 100); one year
LONG = """region,hs4,year,usd,partner,flow
gz,0101,2023,40,usa,export
gz,8471,2023,20,usa,export
gz,0101,2023,30,jpn,export
gz,8471,2023,10,vnm,export
gz,8471,2023,50,kor,import
gz,0101,2023,30,deu,import
gz,8542,2023,20,deu,import
"""


def _long(tmp_path: Path) -> Path:
    (tmp_path / "gz.csv").write_text(LONG, encoding="utf-8")
    config = tmp_path / "s.yaml"
    config.write_text(
        "skip_complexity: true\npartner_floor: 0.2\n"
        "data: {path: gz.csv, columns: {location: region, product: hs4, year: year, value: usd, "
        "partner: partner, flow: flow}}\n",
        encoding="utf-8",
    )
    return config


def _shares(table: pd.DataFrame, flow: str, location: str) -> dict[str, tuple[float, float]]:
    rows = table[(table["flow"] == flow) & (table["location"] == location)]
    return {str(r.partner): (float(r.value), float(r.share)) for r in rows.itertuples()}


def _flat(shares: dict[str, tuple[float, float]]) -> dict[str, float]:
    """partner -> (value, share) as one flat mapping, the form pytest.approx compares."""
    return {f"{p} {k}": x for p, pair in shares.items() for k, x in zip("vs", pair, strict=True)}


def test_reported_imports_give_import_markets(tmp_path: Path) -> None:
    res = run_trade(_long(tmp_path))
    shares = res.partner_shares
    assert shares is not None
    assert list(shares.columns) == ["year", "location", "partner", "value", "share", "flow"]
    # the export rows come first, largest share first, as before the import side existed
    assert shares["flow"].tolist() == ["export"] * 3 + ["import"] * 2
    assert shares["partner"].tolist()[:3] == ["usa", "jpn", "vnm"]
    assert _flat(_shares(shares, "export", "gz")) == pytest.approx(
        _flat({"usa": (60.0, 0.6), "jpn": (30.0, 0.3), "vnm": (10.0, 0.1)})
    )
    assert _flat(_shares(shares, "import", "gz")) == pytest.approx(
        _flat({"kor": (50.0, 0.5), "deu": (50.0, 0.5)})
    )
    partners = res.partners
    assert partners is not None
    assert list(partners.columns)[-1] == "flow"
    exp = partners[partners["flow"] == "export"].iloc[0]
    imp = partners[partners["flow"] == "import"].iloc[0]
    # HHI = sum of squared shares; floor 0.2 counts usa and jpn, kor and deu
    assert exp["partner_hhi"] == pytest.approx(0.6**2 + 0.3**2 + 0.1**2, rel=1e-12)
    assert (exp["partners"], exp["partners_above_floor"]) == (3, 2)
    assert imp["partner_hhi"] == pytest.approx(0.5, rel=1e-12)
    assert (imp["partners"], imp["partners_above_floor"]) == (2, 2)
    assert res.record["conventions"]["import_markets"].startswith("reported")


def _export_only(tmp_path: Path) -> Path:
    config = _long(tmp_path)
    (tmp_path / "gz.csv").write_text(
        "\n".join(line for line in LONG.splitlines() if not line.endswith("import")) + "\n",
        encoding="utf-8",
    )
    return config


def test_written_folder_keeps_export_rows_in_the_old_files(tmp_path: Path) -> None:
    both, exports_only = tmp_path / "both", tmp_path / "exports"
    both.mkdir()
    exports_only.mkdir()
    res = run_trade(_long(both))
    write_trade_results(res, both / "out")
    write_trade_results(run_trade(_export_only(exports_only)), exports_only / "out")
    for name in ("partners.csv", "partner_shares.csv"):
        # byte for byte what a run on the export rows alone writes: a script summing share
        # per location gets 1, not 2
        assert (both / "out" / name).read_bytes() == (exports_only / "out" / name).read_bytes()
        assert not (exports_only / "out" / f"import_{name}").exists()
    shares = pd.read_csv(both / "out" / "partner_shares.csv")
    assert set(shares["flow"]) == {"export"}
    assert shares.groupby("location")["share"].sum().tolist() == pytest.approx([1.0])
    imports = pd.read_csv(both / "out" / "import_partner_shares.csv")
    assert list(imports.columns) == list(shares.columns)
    assert _flat(_shares(imports, "import", "gz")) == pytest.approx(
        _flat({"kor": (50.0, 0.5), "deu": (50.0, 0.5)})
    )
    summary = pd.read_csv(both / "out" / "import_partners.csv")
    assert summary[["flow", "partners", "partners_above_floor"]].values.tolist() == [
        ["import", 2, 2]
    ]
    assert summary["partner_hhi"].tolist() == pytest.approx([0.5])
    record = json.loads((both / "out" / "run.json").read_text(encoding="utf-8"))
    assert {"import_partners.csv", "import_partner_shares.csv"} <= set(record["files"])


def test_a_written_folder_reads_back_into_both_flows(tmp_path: Path) -> None:
    config = _long(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + "indicators: {partner_hhi: market_hhi, import_partner_hhi: supplier_hhi}\n",
        encoding="utf-8",
    )
    res = run_trade(config)
    write_trade_results(res, tmp_path / "out")
    back = read_trade_folder(tmp_path / "out")
    for name in ("partners", "partner_shares"):
        pd.testing.assert_frame_equal(
            getattr(back, name), getattr(res, name), check_dtype=False, obj=name
        )
    # the import measure still comes from a folder: the import rows are joined back
    again = indicator_table(back, TradeConfig.model_validate(res.record["config"]))
    assert again.set_index("indicator")["value"].to_dict() == pytest.approx(
        {"market_hhi": 0.46, "supplier_hhi": 0.5}
    )


def test_folders_written_before_imports_still_read(tmp_path: Path) -> None:
    res = run_trade(_long(tmp_path))
    out = tmp_path / "out"
    write_trade_results(res, out)
    # before import markets: no import files, and no flow column in the partner files
    for name in ("partners.csv", "partner_shares.csv"):
        (out / f"import_{name}").unlink()
        pd.read_csv(out / name).drop(columns="flow").to_csv(out / name, index=False)
    back = read_trade_folder(out)
    assert back.partner_shares is not None and back.partners is not None
    assert set(back.partner_shares["flow"]) == set(back.partners["flow"]) == {"export"}
    pd.testing.assert_frame_equal(
        back.partner_shares, of_flow(res.partner_shares, "export"), check_dtype=False
    )


def test_export_only_table_has_export_markets_only(tmp_path: Path) -> None:
    res = run_trade(_export_only(tmp_path))
    assert res.partner_shares is not None and set(res.partner_shares["flow"]) == {"export"}
    assert res.record["conventions"]["import_markets"].startswith("none")


CODES = "country_code,country_iso3\n1,AAA\n2,BBB\n3,CCC\n"
# exports: A->B 30, A->C 10, B->A 20, C->A 60, C->B 20 (BACI v in thousand USD)
BACI = "t,i,j,k,v,q\n2020,1,2,010121,30,1\n2020,1,3,847130,10,1\n2020,2,1,010121,20,1\n"
BACI += "2020,3,1,847130,60,1\n2020,3,2,010121,20,1\n"


def test_baci_imports_are_mirrored_exports(tmp_path: Path) -> None:
    (tmp_path / "codes.csv").write_text(CODES, encoding="utf-8")
    (tmp_path / "baci.csv").write_text(BACI, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "skip_complexity: true\ndata: {path: baci.csv, format: baci, country_codes: codes.csv}\n",
        encoding="utf-8",
    )
    res = run_trade(tmp_path / "b.yaml")
    shares = res.partner_shares
    assert shares is not None
    scale = shares.loc[(shares["flow"] == "export") & (shares["partner"] == "BBB"), "value"]
    unit = float(scale.iloc[0]) / 30.0  # the reader's BACI scale
    got = {
        (loc, flow): {p: (v / unit, s) for p, (v, s) in _shares(shares, flow, loc).items()}
        for loc in ("AAA", "BBB", "CCC")
        for flow in ("export", "import")
    }
    assert _flat(got[("AAA", "export")]) == pytest.approx(
        _flat({"BBB": (30, 0.75), "CCC": (10, 0.25)})
    )
    # A imports what B and C export to it: 20 and 60 of 80
    assert _flat(got[("AAA", "import")]) == pytest.approx(
        _flat({"BBB": (20, 0.25), "CCC": (60, 0.75)})
    )
    assert _flat(got[("BBB", "import")]) == pytest.approx(
        _flat({"AAA": (30, 0.6), "CCC": (20, 0.4)})
    )
    assert _flat(got[("CCC", "import")]) == pytest.approx(_flat({"AAA": (10, 1.0)}))
    partners = res.partners
    assert partners is not None
    a_imp = partners[(partners["location"] == "AAA") & (partners["flow"] == "import")].iloc[0]
    assert a_imp["partner_hhi"] == pytest.approx(0.25**2 + 0.75**2, rel=1e-12)
    assert res.record["conventions"]["import_markets"].startswith("mirror")


def test_flow_rules_and_tables_written_before_the_flow_column() -> None:
    assert partner_flows("long", {"export"}) == [("export", False)]
    assert partner_flows("comtrade", {"export", "import"}) == [("export", False), ("import", False)]
    assert partner_flows("baci", {"export"}) == [("export", False), ("import", True)]
    assert import_markets_rule("long", {"export"}).startswith("none")
    old = pd.DataFrame({"year": [2020], "location": ["gz"], "partner": ["usa"], "share": [1.0]})
    assert of_flow(old, "export") is old
    assert len(of_flow(old, "import")) == 0  # type: ignore[arg-type]
    assert of_flow(None) is None


def test_partner_hhi_indicator_stays_on_exports_and_import_measures(tmp_path: Path) -> None:
    config = _long(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + "indicators: {partner_hhi: market_hhi, import_partner_hhi: supplier_hhi, "
        "import_partners_above_floor: suppliers}\n",
        encoding="utf-8",
    )
    res = run_trade(config)
    assert res.indicators is not None
    got = res.indicators.set_index("indicator")["value"]
    # exports: 0.6^2 + 0.3^2 + 0.1^2; imports: 0.5^2 + 0.5^2, both suppliers above 0.2
    assert got.to_dict() == pytest.approx({"market_hhi": 0.46, "supplier_hhi": 0.5, "suppliers": 2})
    json.dumps(res.record)


def test_import_measure_without_imports_is_refused(tmp_path: Path) -> None:
    config = _long(tmp_path)
    (tmp_path / "gz.csv").write_text(
        "\n".join(line for line in LONG.splitlines() if not line.endswith("import")) + "\n",
        encoding="utf-8",
    )
    config.write_text(
        config.read_text(encoding="utf-8") + "indicators: {import_partner_hhi: supplier_hhi}\n",
        encoding="utf-8",
    )
    with pytest.raises(KaifangError, match="import_partner_hhi needs the partners table"):
        run_trade(config)


rows = st.lists(
    st.tuples(
        st.sampled_from(["gz", "yn", "sc"]),
        st.sampled_from(["usa", "jpn", "deu", "vnm"]),
        st.sampled_from(["0101", "8471"]),
        st.sampled_from(["export", "import"]),
        st.floats(0.5, 1e6),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_partner_tables_equal_the_numpy_kernels_for_both_flows(data: list[tuple]) -> None:  # type: ignore[type-arg]
    frame = pd.DataFrame(data, columns=["location", "partner", "product", "flow", "value"])
    table = pa.Table.from_pandas(
        frame.assign(year=2023)[["year", "location", "partner", "product", "flow", "value"]],
        preserve_index=False,
    ).cast(
        pa.schema(
            [
                ("year", pa.int32()),
                ("location", pa.string()),
                ("partner", pa.string()),
                ("product", pa.string()),
                ("flow", pa.string()),
                ("value", pa.float64()),
            ]
        )
    )
    config = TradeConfig.model_validate(
        {"data": {"path": "x.csv"}, "skip_complexity": True, "partner_floor": 0.2}
    )
    engine = DuckDBEngine()
    try:
        res = compute_trade(config, table, engine)
    finally:
        engine.close()
    assert res.partner_shares is not None and res.partners is not None
    for (location, flow), part in frame.groupby(["location", "flow"]):
        values = part.groupby("partner")["value"].sum()
        shares = res.partner_shares
        mine = shares[(shares["location"] == location) & (shares["flow"] == flow)]
        got = mine.set_index("partner")["share"].sort_index()
        np.testing.assert_allclose(got.to_numpy(), ts.shares(values.sort_index()), rtol=1e-12)
        summary = res.partners
        row = summary[(summary["location"] == location) & (summary["flow"] == flow)].iloc[0]
        assert row["partner_hhi"] == pytest.approx(float(ts.hhi(values)), rel=1e-12)
        assert row["partners_above_floor"] == int(ts.partners_above(values, 0.2))
        assert row["partners"] == len(values)
    # the export rows come first, as before the import side existed
    flows = res.partner_shares["flow"].tolist()
    assert flows == sorted(flows, key=lambda f: f != "export")


partner_rows = st.lists(
    st.tuples(
        st.sampled_from(["gz", "yn"]),
        st.sampled_from(["usa", "jpn", "deu"]),
        st.sampled_from(["export", "import"]),
        st.floats(0.0, 1.0),
    ),
    max_size=12,
)


@given(partner_rows)
def test_the_files_of_a_partner_table_join_back_into_it(data: list[tuple]) -> None:  # type: ignore[type-arg]
    columns = ["location", "partner", "flow", "share"]
    frame = pd.DataFrame(data, columns=columns).astype({"share": float})
    # exports first, as the pipeline holds them
    table = frame.sort_values("flow", kind="stable").reset_index(drop=True)
    files = flow_files("partner_shares.csv", table)
    assert set(files["partner_shares.csv"]["flow"]) <= {"export"}
    assert ("import_partner_shares.csv" in files) == ("import" in set(table["flow"]))
    joined = joined_flows(files["partner_shares.csv"], files.get("import_partner_shares.csv"))
    assert joined is not None
    pd.testing.assert_frame_equal(joined, table, check_dtype=False)
