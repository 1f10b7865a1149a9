"""Sampling designs: which option of every uncertain input each run uses.

Every input is sampled as a coordinate :math:`u \\in [0, 1)` mapped to one of its L levels by
:math:`c = \\lfloor u L \\rfloor` (uniform over the options, COINr's discrete inputs). The level
of a weight-noise input is the index of one draw in a pool of noisy weight sets drawn once.

- Monte Carlo (uncertainty analysis): R independent runs; a weight-noise input gets a fresh
  draw per run (pool of size R, run r uses draw r).
- Saltelli (variance-based sensitivity analysis): the matrices A, B and the cross matrices
  :math:`A_B^{(i)}` and :math:`B_A^{(i)}` of Saltelli (2002) and Saltelli et al. (2010), from
  SALib's scrambled Sobol' sequence: :math:`N (2d + 2)` runs in SALib's row order
  (for each base row: A, AB_1..AB_d, BA_1..BA_d, B).

References
----------
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
Computer Physics Communications 145, 280-297.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. Computer Physics Communications 181, 259-270.
Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. Journal of Open Source Software 2(9).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = ["Design", "monte_carlo", "saltelli", "to_codes"]


@dataclass(frozen=True)
class Design:
    """Runs x inputs: the coordinates ``u`` and the level ``codes`` they map to."""

    u: FloatArray  # (R, d) in [0, 1)
    codes: IntArray  # (R, d)
    n_levels: tuple[int, ...]
    kind: Literal["monte_carlo", "saltelli"]
    base: int  # R for Monte Carlo, N for Saltelli

    @property
    def runs(self) -> int:
        return int(self.codes.shape[0])


def to_codes(u: FloatArray, n_levels: tuple[int, ...] | list[int]) -> IntArray:
    """Level of every coordinate: :math:`c = \\min(\\lfloor u L \\rfloor, L - 1)`."""
    levels = np.asarray(n_levels, dtype=np.int64)
    codes = np.floor(np.asarray(u, dtype=np.float64) * levels[None, :]).astype(np.int64)
    return np.clip(codes, 0, levels[None, :] - 1)


def monte_carlo(
    n_levels: list[int], runs: int, seed: int, fresh: list[bool] | None = None
) -> Design:
    """Independent uniform runs. Inputs marked ``fresh`` (weight noise) use draw r in run r,
    so their level count must equal ``runs``."""
    rng = np.random.default_rng(seed)
    u = rng.random((runs, len(n_levels)))
    codes = to_codes(u, n_levels)
    for i, is_fresh in enumerate(fresh or []):
        if is_fresh:
            if n_levels[i] != runs:
                raise ValueError("a fresh-draw input needs as many levels as runs")
            codes[:, i] = np.arange(runs)
            u[:, i] = (np.arange(runs) + 0.5) / runs
    return Design(u, codes, tuple(n_levels), "monte_carlo", runs)


def saltelli(n_levels: list[int], base: int, seed: int) -> Design:
    """Saltelli's design with second-order cross matrices: ``base * (2d + 2)`` runs."""
    from SALib.sample import sobol as sobol_sample

    d = len(n_levels)
    problem = {
        "num_vars": d,
        "names": [f"x{i}" for i in range(d)],
        "bounds": [[0.0, 1.0]] * d,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        u = sobol_sample.sample(problem, base, calc_second_order=True, seed=seed)
    for w in caught:
        # SALib warns when N is not a power of 2 (the Sobol' sequence's balance property);
        # the estimators stay valid, so the note goes to the log, not the user's terminal
        log.info("SALib: %s", w.message)
    u = np.asarray(u, dtype=np.float64)
    return Design(u, to_codes(u, n_levels), tuple(n_levels), "saltelli", base)
