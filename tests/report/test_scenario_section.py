"""The report's scenario section says plainly when a scenario moves no rank, and describes each
change in the reader's language with ids as code."""

from __future__ import annotations

import pandas as pd

from kaifang.report.analyses import Analyses
from kaifang.report.sections import scenarios_section


def _analyses(moved: list[int]) -> Analyses:
    ids = [f"s{i}" for i in range(len(moved))]
    summary = pd.DataFrame(
        {
            "scenario": ids,
            "name_en": [f"Scenario {i}" for i in range(len(moved))],
            "name_zh": [f"情景{i}" for i in range(len(moved))],
            "changes": ["share.trade_* x2"] * len(moved),
            "changes_zh": ["编号匹配 trade_* 的 3 个指标在指数中的合计份额×2"] * len(moved),
            "changes_en": ["the 3 indicators matching trade_*: joint share of the index ×2"]
            * len(moved),
            "share_baseline": [0.2] * len(moved),
            "share_scenario": [0.4] * len(moved),
            "spearman_rho": [1.0 if m == 0 else 0.5 for m in moved],
            "units_moved": moved,
            "max_rank_move": [0 if m == 0 else 1 for m in moved],
        }
    )
    ranks = pd.DataFrame(
        [
            {"scenario": s, "unit": u, "rank_baseline": r, "rank_scenario": r, "rank_change": 0}
            for s in ids
            for u, r in (("a", 1), ("b", 2))
        ]
    )
    return Analyses(
        scenario_summary=summary, scenario_ranks=ranks, params={"scenarios": {"year": 2024}}
    )


def test_robust_ranking_is_stated() -> None:
    out = scenarios_section(_analyses([0, 0]), "zh", lambda u, lang: u, "指数")
    assert out is not None and "所有情景中均没有地区的排名发生变化" in out["robust"]
    out = scenarios_section(_analyses([0, 2]), "en", lambda u, lang: u, "index")
    assert out is not None and "Scenario 0" in out["robust"] and "Scenario 1" not in out["robust"]
    out = scenarios_section(_analyses([1, 2]), "zh", lambda u, lang: u, "指数")
    assert out is not None and out["robust"] == ""


def test_changes_in_words_with_ids_as_code() -> None:
    out = scenarios_section(_analyses([1]), "zh", lambda u, lang: u, "指数")
    assert out is not None
    assert out["heads"][0]["changes"] == (
        "编号匹配 <code>trade_*</code> 的 3 个指标在指数中的合计份额×2"
    )
