from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """The Stata sample as a minimal trade config (Stata's float32 storage of values)."""
    (tmp_path / "trade.csv").write_bytes((FIXTURE / "trade_data_sample.csv").read_bytes())
    config = tmp_path / "trade.yaml"
    config.write_text(
        "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
        "value: export_val}}\ncomplexity: {value_precision: float32}\n",
        encoding="utf-8",
    )
    return config
