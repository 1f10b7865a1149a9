"""ECI and PCI against the PyPI ``ecomplexity`` package (py-ecomplexity 0.5), the benchmark's
baseline: equal to 1e-12 in its convention (``RCA >= 1``, population SD over locations), and
to 1e-12 after rescaling from Stata's convention (sample SD over the location x product rows)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ecomplexity import ecomplexity

from kaifang.trade.pipeline import run_trade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ecomplexity"


def _synthetic(tmp_path: Path) -> pd.DataFrame:
    """A nested 40 x 120 export matrix (capabilities model), every product exported."""
    rng = np.random.default_rng(11)
    capability = rng.uniform(-1, 2, 40)
    complexity = rng.uniform(-1.5, 1.5, 120)
    p = 1 / (1 + np.exp(-3 * (capability[:, None] - complexity[None, :])))
    x = rng.lognormal(10, 1.5, p.shape) * (rng.random(p.shape) < np.maximum(p, 0.05))
    x[:, x.sum(axis=0) == 0] = 1.0
    loc, prod = np.nonzero(x)
    return pd.DataFrame(
        {
            "year": 2022,
            "origin": [f"c{i:02d}" for i in loc],
            "hs92": [f"{1000 + j:04d}" for j in prod],
            "export_val": x[loc, prod],
        }
    )


def _theirs(data: pd.DataFrame) -> pd.DataFrame:
    cols = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out: pd.DataFrame = ecomplexity(data, cols, check_logsupermodularity=False, verbose=False)
    return out


@pytest.mark.parametrize("source", ["stata_sample", "synthetic"])
def test_eci_pci_equal_pypi_ecomplexity(tmp_path: Path, source: str) -> None:
    if source == "stata_sample":
        data = pd.read_csv(FIXTURE / "trade_data_sample.csv", dtype={"hs92": str})
    else:
        data = _synthetic(tmp_path)
    data.to_csv(tmp_path / "trade.csv", index=False)
    theirs = _theirs(data)
    for convention in ("python", "stata"):
        config = tmp_path / f"{convention}.yaml"
        config.write_text(
            "data: {path: trade.csv, columns: {location: origin, product: hs92, year: year, "
            f"value: export_val}}}}\ncomplexity: {{strict: false, convention: {convention}}}\n"
            "structure: false\n",
            encoding="utf-8",
        )
        res = run_trade(config)
        for year, part in theirs.groupby("year"):
            n_loc, n_prod = part["origin"].nunique(), part["hs92"].nunique()
            # Stata's SD over the C x P rows vs theirs over the C locations
            scale = (
                1.0 if convention == "python" else np.sqrt(n_loc * n_prod / (n_loc * n_prod - 1))
            )
            eci = part.groupby("origin")["eci"].first()
            pci = part.groupby("hs92")["pci"].first()
            ours_eci = res.locations[res.locations["year"] == year].set_index("location")["eci"]
            ours_pci = res.products[res.products["year"] == year].set_index("product")["pci"]
            assert len(ours_eci) == n_loc and len(ours_pci) == n_prod
            np.testing.assert_allclose(
                ours_eci.reindex(eci.index) * scale, eci, rtol=0, atol=1e-12, err_msg=convention
            )
            np.testing.assert_allclose(
                ours_pci.reindex(pci.index) * scale, pci, rtol=0, atol=1e-12, err_msg=convention
            )
