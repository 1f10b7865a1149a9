"""The audit: ASEM against COINr's get_cronbach / get_corr / get_PCA (reference numbers made by
tests/fixtures/asem_coinr/make_audit_reference.R), the tiny assessment by hand, and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

import kaifang
import kaifang.cli.audit_cmd  # registers `kaifang audit` until cli/__init__ imports it
from kaifang.cli import app
from kaifang.errors import KaifangError
from kaifang.framework import build_framework
from kaifang.sensitivity import plots
from kaifang.sensitivity.audit import AuditResult, audit, write_audit
from kaifang.sensitivity.audit_loo import framework_without

REPO = Path(__file__).parent.parent.parent
ASEM = REPO / "examples" / "asem" / "assessment.yaml"
REF = REPO / "tests" / "fixtures" / "asem_coinr"
TINY = REPO / "tests" / "fixtures" / "tiny" / "assessment.yaml"
# COINr numbers levels from the indicators (1) up; ours from the root (0)
COINR_LEVEL = {4: 0, 3: 1, 2: 2, 1: 3}


@pytest.fixture(scope="module")
def asem() -> tuple[kaifang.Assessment, AuditResult]:
    assessment = kaifang.load(ASEM)
    return assessment, audit(assessment)


def test_cronbach_matches_coinr(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    ref = pd.read_csv(REF / "audit_cronbach.csv")
    ours = asem[1].cronbach.set_index("node")["alpha"]
    assert len(ref) == len(ours) == 11
    for row in ref.itertuples():
        assert ours[row.node] == pytest.approx(row.alpha, rel=1e-8), row.node


def test_correlations_match_coinr(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    ref = pd.read_csv(REF / "audit_correlations.csv").set_index(["var2", "var1"])
    cor = asem[1].correlations
    assert len(cor) == 49 * 3 + 8 * 2 + 2  # every node against each of its ancestors
    results = asem[0].run()
    for row in cor.itertuples():
        pearson, spearman = ref.loc[(row.node, row.against)]
        assert row.pearson == pytest.approx(pearson, abs=1e-9)
        if row.node == "TolMin":
            # Two TolMin values that are equal in our numbers differ by float noise (~1e-12) in
            # COINr's, so COINr ranks them apart: Spearman there is checked against scipy on
            # our values instead.
            x = results.node_scores[:, results.node_ids.index(row.node)]
            y = results.node_scores[:, results.node_ids.index(row.against)]
            assert row.spearman == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
            continue
        assert row.spearman == pytest.approx(spearman, abs=1e-9)
    # the COINr user's first look: the index against its two sub-indices
    top = cor[cor["against"] == "Index"].set_index("node")
    assert top.loc["Conn", "pearson"] == pytest.approx(0.9398, abs=1e-4)
    assert top.loc["Sust", "pearson"] == pytest.approx(0.8383, abs=1e-4)


def test_pca_matches_coinr(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    ref = pd.read_csv(REF / "audit_pca.csv")
    var = asem[1].pca_variance.set_index(["node", "component"])["eigenvalue"]
    for row in ref.itertuples():
        assert var[(row.node, row.component)] == pytest.approx(row.eigenvalue, rel=1e-8)
    load = asem[1].pca_loadings.set_index(["node", "child"])["pc1"]
    for row in ref.itertuples():
        assert abs(load[(row.node, row.pc1_abs_loading_child)]) == pytest.approx(
            row.pc1_abs_loading, rel=1e-7
        )


def test_flags_follow_the_tables(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    res = asem[1]
    parent = res.correlations[res.correlations["relation"] == "parent"].set_index("node")
    flags = res.flags
    negative = set(flags.loc[flags["flag"] == "negative", "node"])
    assert negative == set(parent.index[parent["pearson"] < 0])
    assert "TBTs" in negative  # technical barriers to trade vs. the institutional pillar
    insignificant = set(flags.loc[flags["flag"] == "insignificant", "node"])
    assert insignificant == set(parent.index[parent["pearson_p"] > 0.05])
    # recomputed with scipy: Ship against Physical
    pv = res.correlations
    ship = pv[(pv["node"] == "Ship") & (pv["against"] == "Physical")].iloc[0]
    assert ship["pearson_p"] > 0.05
    low = set(flags.loc[flags["flag"] == "low_alpha", "node"])
    assert low == set(res.cronbach.loc[res.cronbach["alpha"] < 0.7, "node"])


def test_collinear_threshold(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    assessment = asem[0]
    results = assessment.run()
    res = audit(results, collinear=0.7, loo=False)
    assert "leave-one-out" not in " ".join(res.notes)  # loo=False asks for none
    pairs = res.collinear
    assert len(pairs) > 0 and (pairs["pearson"].abs() >= 0.7).all()
    # every sibling pair at or above the threshold is listed: check one node by numpy
    fw = results.framework
    cols = [results.node_ids.index(c) for c in fw["P2P"].children]
    r = np.corrcoef(results.node_scores[:, cols], rowvar=False)
    expected = int((np.abs(r[np.triu_indices(len(cols), 1)]) >= 0.7).sum())
    assert (pairs["parent"] == "P2P").sum() == expected
    assert set(res.flags.loc[res.flags["flag"] == "collinear", "node"]) == set(pairs["node_a"])


def test_importance_next_to_weights(asem: tuple[kaifang.Assessment, AuditResult]) -> None:
    imp = asem[1].importance
    index = imp[imp["relation"] == "index"]
    assert len(index) == 49
    assert index["weight_share"].sum() == pytest.approx(1.0)
    assert index["s_share"].sum() == pytest.approx(1.0)
    # effective weight of an indicator of Physical (8 indicators, 5 pillars, 2 sub-indices)
    lpi = index.set_index("node").loc["LPI"]
    assert lpi["weight"] == pytest.approx(1 / 8 * 1 / 5 * 1 / 2)
    assert lpi["ratio"] == pytest.approx(lpi["s_share"] / lpi["weight_share"])
    assert (index["s"].between(0, 1.05)).all()
    # a near-uncorrelated indicator matters little: Ship's S_i is below its r^2 bound + noise
    assert index.set_index("node").loc["Ship", "s"] < 0.05


def test_results_only_skips_leave_one_out(tmp_path: Path) -> None:
    res = audit(kaifang.load(TINY).run())
    assert res.loo_summary.empty
    assert any("leave-one-out" in n for n in res.notes)


def test_tiny_leave_one_out_by_hand() -> None:
    # 2020, normalised (min-max 0-100, x2 reversed): x1 = 0, 50, 100; x2 = 0, 100, 50;
    # x3/pop = 10, 10, 15 -> 0, 0, 100; x4 = 0, 100, 50. p1 = (x1+x2)/2 = 0, 75, 75;
    # p2 = 0, 50, 75; idx = (2 p1 + p2)/3 = 0, 66.7, 75 -> ranks U1 3, U2 2, U3 1.
    # Without x1: p1 = x2, idx = 0, 83.3, 58.3 -> ranks 3, 1, 2: shifts 0, -1, +1.
    # Without x3: p2 = x4, idx = 0, 83.3, 66.7 -> shifts 0, -1, +1.
    # Without x4: p2 = x3, idx = 0, 50, 83.3 -> no shift. Without p1: idx = p2 -> no shift.
    res = audit(kaifang.load(TINY), years=[2020])
    shifts = res.loo_shifts.set_index("unit")
    assert shifts["nominal_rank"].tolist() == [3, 2, 1]
    assert shifts["x1"].tolist() == [0, -1, 1]
    assert shifts["x3"].tolist() == [0, -1, 1]
    assert shifts["x4"].tolist() == [0, 0, 0]
    assert shifts["p1"].tolist() == [0, 0, 0]
    summary = res.loo_summary.set_index("removed")
    assert summary.loc["x1", "mean_abs_shift"] == pytest.approx(2 / 3)
    assert summary.loc["x1", "max_abs_shift"] == 1
    assert summary.loc["p1", "kind"] == "pillar"
    # Cronbach of p1 in 2020: var x1 = var x2 = 2500, cov = 2500 / 2 = 1250;
    # alpha = 2 (1 - 5000 / 7500) = 2/3
    alpha = res.cronbach.set_index("node").loc["p1", "alpha"]
    assert alpha == pytest.approx(2 / 3)


def test_all_years_audits_each_cross_section() -> None:
    res = audit(kaifang.load(TINY), years="all", loo=False)
    assert res.years == [2020, 2021]
    assert set(res.correlations["year"]) == {2020, 2021}
    # 2021 has constant indicators: their correlations are undefined and flagged
    c21 = res.correlations[(res.correlations["year"] == 2021) & (res.correlations["node"] == "x2")]
    assert c21["pearson"].isna().all() and c21["insignificant"].all()
    assert any("PCA" in n for n in res.notes)
    with pytest.raises(KaifangError, match="not assessed"):
        audit(kaifang.load(TINY), years=[1999])


def test_framework_without_keeps_denominators_and_empties() -> None:
    tree = {
        "id": "idx",
        "name": {"en": "I", "zh": "指数"},
        "children": [
            {
                "id": "p",
                "name": {"en": "P", "zh": "甲"},
                "children": [
                    {"id": "a", "name": {"en": "A", "zh": "甲一"}, "unit": "t", "direction": 1},
                    {
                        "id": "b",
                        "name": {"en": "B", "zh": "甲二"},
                        "direction": 1,
                        "denominator": "a",
                    },
                ],
            },
            {
                "id": "q",
                "name": {"en": "Q", "zh": "乙"},
                "children": [
                    {"id": "c", "name": {"en": "C", "zh": "乙一"}, "direction": -1},
                ],
            },
        ],
    }
    fw = build_framework(tree, "f.yaml")
    without_a = framework_without(fw, "a")
    assert without_a.indicators == ["b", "c"]
    assert "a" in without_a.auxiliary  # b is still divided by a
    without_c = framework_without(fw, "c")  # q would be left empty: it goes too
    assert without_c.branches == ["idx", "p"]
    with pytest.raises(KaifangError, match="root"):
        framework_without(fw, "idx")


def test_write_audit_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = audit(kaifang.load(TINY), loo=False)
    out = tmp_path / "audit"
    write_audit(res, out, lang="en")
    written = {p.name for p in out.iterdir()}
    assert {f"{t}.csv" for t in AuditResult.TABLES} <= written
    assert {"correlation_heatmap.png", "correlation_heatmap.svg", "audit.json"} <= written
    before = sorted(p.name for p in out.iterdir())
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.raises(plots.PlotError, match="fonts-noto-cjk"):
        write_audit(res, out, lang="zh")
    assert sorted(p.name for p in out.iterdir()) == before  # the old audit is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["audit"]  # no temporary folder left


def test_cli_audit_asem(tmp_path: Path) -> None:
    out = tmp_path / "asem_audit"
    result = CliRunner().invoke(app, ["audit", str(ASEM), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Audit flags" in result.output and "Technical barriers" in result.output
    loo = pd.read_csv(out / "loo_summary.csv")
    assert len(loo) == 49 + 8 + 2
    shifts = pd.read_csv(out / "loo_shifts.csv")
    assert shifts.shape == (51, 3 + 59)
    # a unit's shift without the Conn sub-index, recomputed from the nominal scores: the index
    # becomes the Sust score (arithmetic mean of one child)
    results = kaifang.load(ASEM).run()
    sust = results.node_scores[:, results.node_ids.index("Sust")]
    expected = stats.rankdata(-sust, method="min") - shifts["nominal_rank"].to_numpy()
    np.testing.assert_array_equal(shifts["Conn"].to_numpy(), expected)


def test_cli_audit_zh_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", str(TINY), "-o", str(tmp_path / "a"), "--no-loo"])
    assert ok.exit_code == 0, ok.output
    assert "审计警示" in ok.output
    svg = (tmp_path / "a" / "correlation_heatmap.svg").read_text(encoding="utf-8")
    assert "指标一" in svg and "支柱一" in svg
    bad = runner.invoke(app, ["audit", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "b")])
    assert bad.exit_code == 1
    assert "Traceback" not in bad.output
    usage = runner.invoke(app, ["audit", str(TINY), "--years", "latest-ish"])
    assert usage.exit_code == 2
    usage = runner.invoke(app, ["audit", str(TINY), "--p-threshold", "3"])
    assert usage.exit_code == 2
    helped = runner.invoke(app, ["audit", "--help"])
    assert "kaifang audit examples/asem/assessment.yaml -o out/asem_audit" in helped.output
