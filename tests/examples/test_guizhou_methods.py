"""Every method of every step runs through the pipeline on the Guizhou example (51 indicators,
9 prefectures, 9 years) and gives finite scores, proper ranks and weights that sum to 1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kaifang

CONFIG = Path(__file__).parent.parent.parent / "examples" / "guizhou" / "assessment.yaml"


@pytest.fixture(scope="module")
def base() -> kaifang.Assessment:
    return kaifang.load(CONFIG)


def check(res: kaifang.Results) -> None:
    s = res.scores
    root = s[s["node"] == res.framework.root_id]
    assert np.isfinite(root["score"]).all()
    for _, year in root.groupby("year"):
        ranks = year["rank"].astype(int)
        assert ranks.min() == 1 and ranks.max() <= 9
    w = res.weights.set_index("node")
    leaves = w.loc[res.framework.indicators, "effective_weight"]
    assert leaves.sum() == pytest.approx(1.0)
    assert (leaves >= 0).all()


@pytest.mark.parametrize(
    "params",
    [
        {"method": "minmax", "range": [0, 100]},
        {"method": "minmax", "range": [0, 1], "reference": "pooled"},
        {"method": "minmax", "range": [0, 100], "reference": "base_year", "base_year": 2016},
        {"method": "zscore", "mean": 10, "sd": 2},
        {"method": "rank"},
        {"method": "percentile_rank"},
        {"method": "borda"},
        {"method": "distance_to_max"},
        {"method": "minmax", "overrides": {"trade_total": {"method": "fraction_of_max"}}},
        {
            "method": "minmax",
            "overrides": {
                "env_single_window_rate": {"method": "goalposts"},
                "env_satisfaction": {"method": "goalposts"},
                "env_startup_days": {"method": "distance_to_target"},
                "ch_logistics_cost": {"method": "distance_to_target"},
            },
        },
    ],
)
def test_normalise_methods(base: kaifang.Assessment, params: dict[str, object]) -> None:
    check(base.with_step("normalise", **params).run())


@pytest.mark.parametrize(
    "params",
    [
        {"method": "framework"},
        {"method": "equal"},
        {"method": "entropy"},
        {"method": "entropy", "delta": 0.01, "mode": "latest_year"},
        {"method": "critic"},
        {"method": "sd"},
        {"method": "cv"},
        {"method": "pca"},
        {"method": "ahp"},
        {"method": "combine", "subjective": "ahp", "objective": "entropy", "alpha": 0.5},
        {
            "method": "combine",
            "subjective": "framework",
            "objective": "critic",
            "combination": "multiplicative",
        },
    ],
)
def test_weight_methods(base: kaifang.Assessment, params: dict[str, object]) -> None:
    res = base.with_step("weight", **params).run()
    check(res)
    if params["method"] in ("entropy", "critic", "sd", "cv", "pca"):
        # objective weights differ from the framework's
        assert not np.allclose(
            res.weights["effective_weight"], base.run().weights["effective_weight"]
        )


def test_ahp_consistency_recorded(base: kaifang.Assessment) -> None:
    res = base.with_step("weight", method="ahp").run()
    step = next(s for s in res.record["steps"] if s["step"] == "weight")
    cr = step["result"]["ahp"]["open_channels"]["consistency_ratio"]
    assert 0 <= cr < 0.1


@pytest.mark.parametrize(
    "params",
    [
        {"method": "arithmetic"},
        {"method": "geometric"},
        {"method": "harmonic"},
        {"method": "power", "p": 0.5},
        {"method": "topsis"},
        {"method": "topsis", "topsis_normalisation": "minmax"},
        {"method": "vikor"},
        {"method": "grey"},
        {"method": "copeland"},
        {"method": "arithmetic", "levels": {0: "geometric"}},
        {"method": "arithmetic", "nodes": {"open_economy": "topsis"}},
    ],
)
def test_aggregate_methods(base: kaifang.Assessment, params: dict[str, object]) -> None:
    # geometric and harmonic means need positive values: normalise to [1, 100]
    a = base.with_step("normalise", method="minmax", range=[1, 100])
    res = a.with_step("aggregate", **params).run()
    check(res)
    used = next(s for s in res.record["steps"] if s["step"] == "aggregate")["method_by_node"]
    expected_root = (
        params.get("nodes", {}).get("open_economy")
        or params.get("levels", {}).get(0)
        or params["method"]
    )  # type: ignore[union-attr]
    assert used["open_economy"] == expected_root


@pytest.mark.parametrize(
    "params",
    [
        {"method": "mean"},
        {"method": "median"},
        {"method": "group_mean", "by": "group"},
        {"method": "group_median", "by": "group"},
        {"method": "linear_time"},
        {"method": "locf", "then": "nocb"},
        {"method": "linear_time", "then": "group_mean", "by": "group", "reference": "pooled"},
    ],
)
def test_impute_methods(base: kaifang.Assessment, params: dict[str, object]) -> None:
    res = base.with_step("impute", **params).run()
    check(res)
    assert len(res.imputed) > 0
    assert set(res.imputed["method"]) <= {params["method"], params.get("then")}


@pytest.mark.parametrize(
    "params",
    [
        {"method": "winsorise", "reference": "pooled"},
        {"method": "winsorise", "winmax": 1},
        {"method": "log_ct"},
        {"method": "none", "overrides": {"rc_gd_investment": {"method": "winsorise"}}},
    ],
)
def test_treat_methods(base: kaifang.Assessment, params: dict[str, object]) -> None:
    check(base.with_step("treat", **params).run())


def test_simulated_label_everywhere(tmp_path: Path, base: kaifang.Assessment) -> None:
    from kaifang.output import write_results

    res = base.run()
    assert res.record["simulated"] is True
    assert "SIMULATED" in res.record["config"]["title"]["en"]
    out = write_results(res, tmp_path / "gz", lang="zh")
    assert "SIMULATED" in (out / "SIMULATED_DATA.txt").read_text(encoding="utf-8")
    import openpyxl

    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    first = book[book.sheetnames[0]]
    assert "模拟数据" in str(next(first.iter_rows(max_row=1, values_only=True))[0])


def test_fraction_of_max_refuses_cost_indicator(base: kaifang.Assessment) -> None:
    from kaifang.errors import KaifangError

    with pytest.raises(KaifangError, match="indicator 'ch_logistics_cost'"):
        base.with_step("normalise", method="fraction_of_max").run()
