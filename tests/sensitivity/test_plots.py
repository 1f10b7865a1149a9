"""Pictures: PNG and SVG are written, labels in zh or en, SIMULATED marked, no CJK font -> error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image

from kaifang.sensitivity import plots

NAMES = {"U1": "贵阳市", "U2": "遵义市", "U3": "六盘水市"}


def rank_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["U2", "U1", "U3"],
            "nominal": [2, 1, 3],
            "median": [2.0, 1.0, 3.0],
            "q05": [1.0, 1.0, 2.0],
            "q95": [3.0, 2.0, 3.0],
        }
    )


def png_size(path: Path) -> tuple[int, int]:
    pixels = image.imread(path)
    return pixels.shape[1], pixels.shape[0]


@pytest.mark.skipif(plots.cjk_font() is None, reason="needs fonts-noto-cjk")
def test_rank_interval_plot_zh(tmp_path: Path) -> None:
    paths = plots.rank_interval_plot(
        rank_table(), tmp_path / "ranks", lang="zh", title="排名区间", simulated=True, names=NAMES
    )
    png, svg = paths
    assert png.name == "ranks.png" and svg.name == "ranks.svg"
    width, height = png_size(png)
    # 7.5 in at 150 dpi; at least 4 in tall
    assert width == 1125 and height >= 600
    text = svg.read_text(encoding="utf-8")
    for label in ("贵阳市", "遵义市", "六盘水市", "排名区间", "模拟数据 SIMULATED"):
        assert label in text


def test_rank_interval_plot_en_orders_by_nominal_rank(tmp_path: Path) -> None:
    names = {"U1": "Guiyang", "U2": "Zunyi", "U3": "Liupanshui"}
    _, svg = plots.rank_interval_plot(rank_table(), tmp_path / "r.svg", lang="en", names=names)
    text = svg.read_text(encoding="utf-8")
    assert "SIMULATED" not in text
    # labels are drawn top (rank 1) to bottom, in SVG document order
    assert text.index("Guiyang") < text.index("Zunyi") < text.index("Liupanshui")


def test_rank_interval_plot_needs_columns(tmp_path: Path) -> None:
    with pytest.raises(plots.PlotError, match="q95"):
        plots.rank_interval_plot(rank_table().drop(columns="q95"), tmp_path / "x")


@pytest.mark.parametrize("ci", ["conf", "bounds", "none"])
def test_sobol_bar_chart(tmp_path: Path, ci: str) -> None:
    table = pd.DataFrame({"input": ["weights", "aggregation"], "S1": [0.1, 0.6], "ST": [0.25, 0.8]})
    if ci == "conf":
        table["S1_conf"], table["ST_conf"] = [0.02, 0.05], [0.03, 0.04]
    elif ci == "bounds":
        table["S1_lo"], table["S1_hi"] = [0.08, 0.55], [0.12, 0.65]
        table["ST_lo"], table["ST_hi"] = [0.2, 0.75], [0.3, 0.85]
    names = {"weights": "权重扰动", "aggregation": "加总方法"}
    lang = "zh" if plots.cjk_font() is not None else "en"
    png, svg = plots.sobol_bar_chart(table, tmp_path / "sobol", lang=lang, names=names)
    width, height = png_size(png)
    assert width >= 700 and height == 630  # 4.2 in at 150 dpi
    text = svg.read_text(encoding="utf-8")
    assert "权重扰动" in text and "加总方法" in text


@pytest.mark.skipif(plots.cjk_font() is None, reason="needs fonts-noto-cjk")
def test_correlation_heatmap_zh(tmp_path: Path) -> None:
    matrix = pd.DataFrame([[0.9, np.nan], [-0.4, 0.2]], index=["x1", "x2"], columns=["p1", "idx"])
    names = {"x1": "进出口总额", "x2": "实际利用外资", "p1": "开放产业", "idx": "开放指数"}
    png, svg = plots.correlation_heatmap(matrix, tmp_path / "heat", lang="zh", names=names)
    text = svg.read_text(encoding="utf-8")
    for label in names.values():
        assert label in text
    assert "0.90" in text and "-0.40" in text  # cells annotated; the NaN cell left blank
    assert ">nan<" not in text.lower()
    assert min(png_size(png)) >= 600


def test_zh_without_cjk_font_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.raises(plots.PlotError, match="fonts-noto-cjk"):
        plots.rank_interval_plot(rank_table(), tmp_path / "r", lang="zh", names=NAMES)
    assert not (tmp_path / "r.png").exists()
    # English needs no CJK font
    plots.rank_interval_plot(rank_table(), tmp_path / "r", lang="en")
    assert (tmp_path / "r.png").exists()
