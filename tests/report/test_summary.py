"""The main findings, year-on-year and pillar rank trend sections, checked against the scores
and analyses they are written from (zh and en)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kaifang.report.data import from_folder
from kaifang.report.summary import summary_sections


@pytest.fixture(scope="module")
def scores(guizhou_out: Path) -> pd.DataFrame:
    return pd.read_csv(guizhou_out / "scores.csv", dtype={"unit": str})


def test_findings_name_leader_laggard_movers_and_extremes(
    guizhou_out: Path, scores: pd.DataFrame
) -> None:
    data = from_folder(guizhou_out)
    names = {u: data.unit_name(u, "zh") for u in data.units}
    out = summary_sections(data, "zh", "总指数")["summary"]
    text = "".join(out["lines"])
    latest = scores[(scores["year"] == 2024) & (scores["node"] == "open_economy")]
    leader = latest.loc[latest["rank"].idxmin()]
    laggard = latest.loc[latest["rank"].idxmax()]
    assert f"排名第一的是{names[leader['unit']]}（{leader['score']:.1f}分）" in text
    assert f"排名末位的是{names[laggard['unit']]}（{laggard['score']:.1f}分）" in text
    # the largest score gain since 2023
    before = scores[(scores["year"] == 2023) & (scores["node"] == "open_economy")]
    gain = latest.set_index("unit")["score"] - before.set_index("unit")["score"]
    assert f"上升最多的是{names[gain.idxmax()]}（{gain.max():+.1f}分）" in text
    # each pillar's best and worst unit
    pillars = data.framework[data.framework.root_id].children
    assert len(out["pillar_lines"]) == len(pillars)
    talent = scores[(scores["year"] == 2024) & (scores["node"] == "talent")].set_index("unit")
    line = next(x for x in out["pillar_lines"] if x.startswith("人才支撑"))
    assert f"最低{names[talent['score'].idxmin()]}（{talent['score'].min():.1f}分）" in line
    # targets at risk: the prefectures, not the total row
    targets = data.analyses.targets
    assert targets is not None
    bad = targets[(targets["unit"] != "total") & (targets["status"] != "on_track")]
    assert f"{len(bad)}个地区进度存在风险或明显滞后" in text
    # allocation extremes
    alloc = data.analyses.allocation
    assert alloc is not None
    units = alloc[alloc["unit"] != "TOTAL"]
    top = units.loc[units["final"].idxmax()]
    assert f"最多{names[top['unit']]}（{top['final']:,.0f}元" in text
    # it says what it is, and that the data are simulated
    assert "自动生成" in out["note"] and "不含政策建议" in out["note"]
    assert "模拟数据" in out["simulated"]
    en = summary_sections(data, "en", "Open index")["summary"]
    assert "Written automatically" in en["note"]
    assert f"{data.unit_name(leader['unit'], 'en')} leads the Open index" in en["lines"][0]


def test_year_on_year_and_rank_trends(guizhou_out: Path, scores: pd.DataFrame) -> None:
    data = from_folder(guizhou_out)
    out = summary_sections(data, "zh", "总指数")
    yoy, trends = out["yoy"], out["rank_trends"]
    s = scores.set_index(["unit", "year", "node"])
    for row in yoy["rows"]:
        u = row["code"]
        d = s.loc[(u, 2024, "open_economy"), "score"] - s.loc[(u, 2023, "open_economy"), "score"]
        assert row["cells"][0]["text"] == f"{d:+.1f}"
        d = s.loc[(u, 2024, "talent"), "score"] - s.loc[(u, 2023, "talent"), "score"]
        assert row["cells"][5]["text"] == f"{d:+.1f}"  # talent is the fifth pillar
    pillars = list(data.framework[data.framework.root_id].children)
    for row in trends["rows"]:
        for p, cell in zip(pillars, row["cells"], strict=True):
            r0 = int(s.loc[(row["code"], 2016, p), "rank"])
            r1 = int(s.loc[(row["code"], 2024, p), "rank"])
            assert (cell["from"], cell["to"], cell["change"]) == (r0, r1, r0 - r1)
    assert any(c["change"] for r in trends["rows"] for c in r["cells"])
