"""Analyses of an assessment's results: regional disparity and dynamics (Dagum Gini, Theil,
convergence, Markov chains, Moran's I, coupling coordination, obstacle degree).

The numbers come from the pure kernels of :mod:`kaifang.methods`; this package picks the data
out of an assessment, runs the ``disparity:`` block and returns tables (no files written here).
"""

from kaifang.analysis.disparity import DisparityReport, load_block, run_disparity

__all__ = ["DisparityReport", "load_block", "run_disparity"]
