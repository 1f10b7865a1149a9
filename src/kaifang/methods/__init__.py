"""Pure numeric methods on numpy arrays (layer 1 in architecture.md#layers).

One module per verb of the pipeline, each function with its formula and a reference:

- ``impute``: mean / median (optionally within groups), linear in time, LOCF / NOCB
- ``treat``: COINr/JRC winsorisation, log, log1p, Box-Cox, COINr's log_CT
- ``normalise``: min-max, z-score, goalposts, rank, percentile rank, Borda, distance to max/target,
  fraction of max
- ``weights``: entropy (熵权法), CRITIC, sd, cv, PCA, AHP, combined (组合赋权)
- ``aggregate``: arithmetic, geometric, harmonic and power means (batched over weight stacks)
- ``mcda``: TOPSIS, VIKOR, grey relational grade, Copeland
- ``ranking``: ranks with ties sharing the best rank
- ``stats``: skewness and kurtosis as COINr computes them
- ``disparity``: Gini with Dagum's decomposition, Theil T/L (between/within), CV, Williamson's CV
- ``density``: kernel density estimates (Gaussian, Epanechnikov; Scott, Silverman or a value)
- ``convergence``: σ-convergence, absolute and conditional β-convergence (speed, half-life)
- ``markov``: quantile classes, transition matrices, steady state, first passage times,
  homogeneity test, spatial Markov chains
- ``spatial``: contiguity / k-nearest / distance weights, global Moran's I, local Moran (LISA)
- ``coupling``: coupling coordination degree (classical and Wang et al.'s modified C), grades
- ``obstacle``: obstacle degree per indicator and per pillar

Nothing here reads files, uses pandas or imports other kaifang packages.
"""
