"""Named trade formats: BACI, UN Comtrade bulk CSV, China customs provincial tables, Excel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kaifang.errors import InputError
from kaifang.trade.config import TradeDataSpec
from kaifang.trade.rates import nbs_cny_per_usd
from kaifang.trade.readers import read_trade

CODES = (
    "country_code,country_name,country_iso2,country_iso3\n40,Austria,AT,AUT\n276,Germany,DE,DEU\n"
)


def test_baci_pads_hs6_and_maps_codes(tmp_path: Path) -> None:
    (tmp_path / "codes.csv").write_text(CODES, encoding="utf-8")
    (tmp_path / "baci.csv").write_text(
        "t,i,j,k,v,q\n2022,40,276,10121,12.5,1\n2022,276,40,847130,3,NA\n", encoding="utf-8"
    )
    spec = TradeDataSpec(path="baci.csv", format="baci", country_codes="codes.csv")
    table = read_trade(spec, tmp_path).to_pandas().sort_values("location")
    assert table["product"].tolist() == ["010121", "847130"]
    assert table["location"].tolist() == ["AUT", "DEU"]
    assert table["partner"].tolist() == ["DEU", "AUT"]


def test_baci_unknown_country_code(tmp_path: Path) -> None:
    (tmp_path / "codes.csv").write_text(CODES, encoding="utf-8")
    (tmp_path / "baci.csv").write_text(
        "t,i,j,k,v,q\n2022,40,276,10121,12.5,1\n2022,999,40,847130,3,1\n", encoding="utf-8"
    )
    spec = TradeDataSpec(path="baci.csv", format="baci", country_codes="codes.csv")
    with pytest.raises(InputError) as info:
        read_trade(spec, tmp_path)
    text = str(info.value)
    assert "baci.csv, row 3, column 'i': unknown country code '999'" in text


def test_comtrade_bulk_new_headers(tmp_path: Path) -> None:
    (tmp_path / "ct.csv").write_text(
        "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n"
        "2023,CHN,USA,X,0901,100\n2023,CHN,W00,X,0901,999\n2023,CHN,USA,M,0901,40\n"
        "2023,CHN,USA,RX,0901,7\n2023,CHN,USA,X,TOTAL,1000\n",
        encoding="utf-8",
    )
    table = read_trade(TradeDataSpec(path="ct.csv", format="comtrade"), tmp_path).to_pandas()
    assert sorted(zip(table["flow"], table["value"], strict=True)) == [
        ("export", 100.0),
        ("import", 40.0),
    ]
    assert set(table["product"]) == {"0901"}


def test_china_customs_cny_converted_at_nbs_rate(tmp_path: Path) -> None:
    (tmp_path / "gz.csv").write_text(
        "地区,商品编码,年份,出口,进口\n贵州,2710,2024,712.17,0\n贵州,8541,2023,0,70.467\n",
        encoding="utf-8",
    )
    spec = TradeDataSpec(
        path="gz.csv",
        format="china_customs",
        currency="CNY",
        columns={
            "location": "地区",
            "product": "商品编码",
            "year": "年份",
            "exports": "出口",
            "imports": "进口",
        },
    )
    table = read_trade(spec, tmp_path).to_pandas()
    exports = table[(table["flow"] == "export") & (table["year"] == 2024)]["value"].iloc[0]
    assert exports == pytest.approx(712.17 / nbs_cny_per_usd()[2024])
    imports = table[(table["flow"] == "import") & (table["year"] == 2023)]["value"].iloc[0]
    assert imports == pytest.approx(10.0)


def test_excel_codes_stored_as_numbers_are_caught(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "c": ["a", "a", "b", "b", "c"],
            "p": [101, 8471, 8542, 9401, 2710],
            "y": 2020,
            "v": np.arange(1.0, 6.0),
        }
    )
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    spec = TradeDataSpec(
        path="t.xlsx", columns={"location": "c", "product": "p", "year": "y", "value": "v"}
    )
    with pytest.raises(InputError) as info:
        read_trade(spec, tmp_path)
    assert "t.xlsx, row 2, column 'p'" in str(info.value)


def test_parquet_long_form(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"c": ["a", "b"], "p": ["0101", "0202"], "y": [2020, 2020], "v": [1.0, 2.0]}
    )
    frame.to_parquet(tmp_path / "t.parquet")
    spec = TradeDataSpec(
        path="t.parquet", columns={"location": "c", "product": "p", "year": "y", "value": "v"}
    )
    table = read_trade(spec, tmp_path)
    assert table.num_rows == 2 and table.column("product").to_pylist() == ["0101", "0202"]


def test_missing_column_lists_headers(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="column\\(s\\) not found"):
        read_trade(TradeDataSpec(path="t.csv"), tmp_path)


def test_gbk_customs_table(tmp_path: Path) -> None:
    text = "地区,商品编码,年份,出口,进口\n贵州,0902,2024,10,2\n"
    (tmp_path / "gbk.csv").write_bytes(text.encode("gbk"))
    spec = TradeDataSpec(
        path="gbk.csv",
        format="china_customs",
        columns={
            "location": "地区",
            "product": "商品编码",
            "year": "年份",
            "exports": "出口",
            "imports": "进口",
        },
    )
    table = read_trade(spec, tmp_path).to_pandas()
    assert set(table["location"]) == {"贵州"} and set(table["product"]) == {"0902"}
