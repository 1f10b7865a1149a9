"""Uncertainty and variance-based sensitivity analysis of an assessment.

The uncertain inputs are declared in the ``sensitivity:`` block of the assessment config
(:mod:`kaifang.sensitivity.spec`); a design draws which option every run uses
(:mod:`~kaifang.sensitivity.design`); the batched evaluator computes every run's ranks without
rebuilding the pipeline (:mod:`~kaifang.sensitivity.evaluate`); the analyses summarise them:
rank and score intervals (:mod:`~kaifang.sensitivity.uncertainty`) and Sobol indices
(:mod:`~kaifang.sensitivity.sobol`).

>>> import kaifang
>>> from kaifang.sensitivity import uncertainty_analysis, sobol_analysis
>>> a = kaifang.load("examples/asem/assessment.yaml")
>>> table = uncertainty_analysis(a, n=500, seed=1)      # doctest: +SKIP
>>> indices = sobol_analysis(a, n=500, seed=1)          # doctest: +SKIP
"""

from kaifang.sensitivity.evaluate import Batch, Evaluator, SensitivityError
from kaifang.sensitivity.sobol import SobolResult, run_sobol, sobol_analysis, sobol_indices
from kaifang.sensitivity.spec import SensitivitySpec, load_spec
from kaifang.sensitivity.uncertainty import (
    UncertaintyResult,
    run_uncertainty,
    uncertainty_analysis,
)

__all__ = [
    "Batch",
    "Evaluator",
    "SensitivityError",
    "SensitivitySpec",
    "SobolResult",
    "UncertaintyResult",
    "load_spec",
    "run_sobol",
    "run_uncertainty",
    "sobol_analysis",
    "sobol_indices",
    "uncertainty_analysis",
]
