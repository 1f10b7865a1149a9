"""The trade_world example: real data, 226 countries x 785 SITC products."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from typer.testing import CliRunner

from kaifang.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trade_world"


def test_trade_world_ranks_and_opportunities(tmp_path: Path) -> None:
    out = tmp_path / "world"
    result = CliRunner().invoke(app, ["trade", str(EXAMPLE / "trade.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    spec = importlib.util.spec_from_file_location("analyse", EXAMPLE / "analyse.py")
    assert spec is not None and spec.loader is not None
    analyse = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(analyse)
    summary = analyse.summary(out, ["chn"])
    ranking = summary["ranking"]
    assert set(ranking["location"].head(6)) >= {"jpn", "deu", "gbr", "usa"}
    assert summary["n_fitness"] == 136
    assert summary["corr_log_gdp_pc"] > 0.45
    assert summary["spearman_r_fitness"] > 0.8
    chances = summary["opportunities_chn"]
    assert len(chances) == 10 and chances["pci"].iloc[:4].gt(3).all()
