"""The batched evaluator: scores and ranks of one node and year for a whole design at once.

Nothing is rebuilt per run. What a run's discrete upstream choices (imputation, treatment,
normalisation, weighting method) produce is computed once per distinct combination and cached:
one normalised matrix and one set of nominal weights each (at most a few dozen). Runs are then
grouped by (upstream combination, aggregation option, dropped indicator); inside a group the
weight vectors of every run form a stack (R, k) per node, noise multiplies them, and the tree is
aggregated bottom-up for the whole stack: the bottom level with ``kaifang.methods.aggregate``
(children shared by every run, weights (R, k)), upper levels with the same NaN-aware weighted
means on children that differ per run (R, n, k). Ranks of all runs come from one vectorised
argsort. Only the rows of the output year are aggregated (means work row by row; TOPSIS and
the other comparisons use that year's cross-section, as the pipeline does).

The fast path computes exactly what ``Assessment.with_step(...).run()`` computes with the same
choices (tests/sensitivity/test_evaluate.py checks this to 1e-9).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from kaifang.assessment import Assessment, Results
from kaifang.assessment.aggregation import MEANS, cross_section, node_method
from kaifang.assessment.config import AggregateStep, Steps
from kaifang.assessment.steps import impute, normalise, treat
from kaifang.assessment.weighting import compute_weights
from kaifang.errors import InputError, KaifangError, MethodError, Problem
from kaifang.methods import aggregate as agg
from kaifang.methods.ranking import rank_desc_along
from kaifang.sensitivity.spec import DropInput, SensitivitySpec, StepInput, WeightNoiseInput

log = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = ["Batch", "Evaluator", "SensitivityError"]

UPSTREAM = ("impute", "treat", "normalise", "weight")


class SensitivityError(KaifangError):
    """A combination of uncertain inputs cannot be evaluated (the message says which)."""


@dataclass(frozen=True)
class Batch:
    """Scores and ranks of the output node in the output year: (runs, units)."""

    scores: FloatArray
    ranks: FloatArray


@dataclass
class _Upstream:
    normalised: FloatArray  # output-year rows x indicators
    weights: FloatArray  # raw weight of every node relative to its siblings


@dataclass
class _Caches:
    imputed: dict[tuple[int, ...], FloatArray] = field(default_factory=dict)
    treated: dict[tuple[int, ...], FloatArray] = field(default_factory=dict)
    upstream: dict[tuple[int, ...], _Upstream] = field(default_factory=dict)
    steps: dict[tuple[int, ...], Steps] = field(default_factory=dict)


class Evaluator:
    """Evaluates designs of the uncertain inputs of ``spec`` on ``assessment``.

    Parameters
    ----------
    assessment : Assessment
        The nominal assessment; its ``run()`` gives the nominal ranks.
    spec : SensitivitySpec
        The uncertain inputs; ``spec.node`` / ``spec.year`` choose the output (default: the
        root in the latest year).
    """

    def __init__(self, assessment: Assessment, spec: SensitivitySpec) -> None:
        self.assessment = assessment
        self.spec = spec
        fw = assessment.framework
        self.framework = fw
        self.nominal: Results = assessment.run()
        grid = self.nominal.grid
        self.grid = grid
        problems: list[str] = []
        self.node = spec.node or fw.root_id
        if self.node not in fw.nodes or fw[self.node].is_indicator:
            problems.append(f"node {self.node!r} is not a branch node of the framework")
        self.year = int(spec.year if spec.year is not None else grid.years[-1])
        if self.year not in set(grid.years.tolist()):
            problems.append(f"year {self.year} is not assessed (years: {grid.years.tolist()})")
        self._check_inputs(problems)
        if problems:
            path = str(assessment.inputs.config_path)
            raise InputError([Problem(path, f"sensitivity: {p}") for p in problems])

        self.rows = grid.block(self.year)
        col = self.nominal.node_ids.index(self.node)
        self.nominal_scores: FloatArray = self.nominal.node_scores[self.rows, col].copy()
        self.nominal_ranks: FloatArray = self.nominal.node_ranks[self.rows, col].copy()
        self.units: list[str] = [str(u) for u in grid.units]
        self.node_ids: list[str] = list(fw.nodes)
        self._pos = {n: k for k, n in enumerate(self.node_ids)}
        self._ind_pos = {ind: j for j, ind in enumerate(fw.indicators)}
        stages = self.nominal.stages_wide
        if "denominated" in stages:
            self._start = stages["denominated"][0]
        else:
            raw, series = stages["raw"]
            self._start = raw[:, [series.index(i) for i in fw.indicators]].copy()
        self._has_transform = any(fw[i].node.transform for i in fw.indicators)
        self._branches = [
            tn for tn in fw.bottom_up() if tn.id == self.node or self._under(tn.id, self.node)
        ]
        self._caches = _Caches()

    # ------------------------------------------------------------------ inputs
    def _under(self, node: str, ancestor: str) -> bool:
        parent = self.framework[node].parent
        while parent is not None:
            if parent == ancestor:
                return True
            parent = self.framework[parent].parent
        return False

    def _check_inputs(self, problems: list[str]) -> None:
        fw = self.framework
        self.drop_options: dict[int, list[str | None]] = {}
        for i, inp in enumerate(self.spec.inputs):
            where = f"input {inp.label!r}"
            if isinstance(inp, StepInput):
                for k, variant in enumerate(inp.variants()):
                    try:
                        self._merge({inp.step: variant} if variant else {inp.step: None})
                    except ValidationError as exc:
                        msg = "; ".join(
                            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                            for e in exc.errors()
                        )
                        problems.append(f"{where}, option {k + 1}: {msg}")
            elif isinstance(inp, WeightNoiseInput):
                for level in inp.noise:
                    if level > fw.depth:
                        problems.append(
                            f"{where}: level {level} does not exist (levels 1..{fw.depth}; the "
                            "root is level 0)"
                        )
            else:
                assert isinstance(inp, DropInput)
                names = fw.indicators if inp.drop_indicator == "all" else inp.drop_indicator
                opts: list[str | None] = [None] if inp.keep_all else []
                for name in names:
                    if name not in fw.nodes or not fw[name].is_indicator:
                        problems.append(f"{where}: {name!r} is not an indicator")
                        continue
                    parent = fw[name].parent
                    assert parent is not None
                    if len(fw[parent].children) < 2:
                        problems.append(
                            f"{where}: {name!r} is the only indicator of {parent!r}; dropping it "
                            "would leave that node empty"
                        )
                        continue
                    opts.append(name)
                if not opts:
                    problems.append(f"{where}: no indicator to drop")
                self.drop_options[i] = opts

    def _merge(self, updates: dict[str, dict[str, Any] | None]) -> Steps:
        steps = self.assessment.config.steps.model_dump()
        for name, variant in updates.items():
            if variant is None:
                steps[name] = None
            else:
                steps[name] = {**(steps[name] or {}), **variant}
        return Steps.model_validate(steps)

    def n_levels(self, noise_pool: int | None = None) -> list[int]:
        """Number of levels of every input (options; or the pool size for weight noise:
        ``noise_pool`` if given, else the input's ``draws``)."""
        out = []
        for i, inp in enumerate(self.spec.inputs):
            if isinstance(inp, StepInput):
                out.append(len(inp.variants()))
            elif isinstance(inp, WeightNoiseInput):
                out.append(noise_pool if noise_pool is not None else inp.draws)
            else:
                out.append(len(self.drop_options[i]))
        return out

    def is_noise(self) -> list[bool]:
        return [isinstance(inp, WeightNoiseInput) for inp in self.spec.inputs]

    def option_label(self, i: int, code: int) -> str:
        inp = self.spec.inputs[i]
        if isinstance(inp, StepInput):
            return inp.option_labels()[code]
        if isinstance(inp, WeightNoiseInput):
            return f"draw {code}"
        option = self.drop_options[i][code]
        return option if option is not None else "none"

    def draw_noise(self, pool: int | None, seed: int) -> dict[int, FloatArray]:
        """Multipliers :math:`1 + U(-a, a)` for every node at a noisy level, drawn as whole
        stacks (pool, nodes); 1 elsewhere. One pool per weight-noise input."""
        rng = np.random.default_rng([seed, 1])
        levels = np.array([self.framework[n].level for n in self.node_ids])
        pools: dict[int, FloatArray] = {}
        for i, inp in enumerate(self.spec.inputs):
            if not isinstance(inp, WeightNoiseInput):
                continue
            size = pool if pool is not None else inp.draws
            mult = np.ones((size, len(self.node_ids)))
            for level, a in sorted(inp.noise.items()):
                cols = np.flatnonzero(levels == level)
                mult[:, cols] = 1.0 + rng.uniform(-a, a, size=(size, cols.size))
            pools[i] = mult
        return pools

    # ------------------------------------------------------------------ upstream
    def steps_for(self, codes: IntArray) -> Steps:
        """The pipeline steps of one run (``codes``: one level per input)."""
        key = tuple(
            int(codes[i]) for i, inp in enumerate(self.spec.inputs) if isinstance(inp, StepInput)
        )
        cached = self._caches.steps.get(key)
        if cached is not None:
            return cached
        steps = self.assessment.config.steps.model_dump()
        for i, inp in enumerate(self.spec.inputs):
            if isinstance(inp, StepInput):
                variant = inp.variants()[int(codes[i])]
                if variant is None:
                    steps[inp.step] = None
                else:
                    steps[inp.step] = {**(steps[inp.step] or {}), **variant}
        model = Steps.model_validate(steps)
        self._caches.steps[key] = model
        return model

    def _stage_key(self, codes: IntArray, stages: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(
            int(codes[i])
            for i, inp in enumerate(self.spec.inputs)
            if isinstance(inp, StepInput) and inp.step in stages
        )

    def _upstream(self, codes: IntArray) -> _Upstream:
        key = self._stage_key(codes, UPSTREAM)
        hit = self._caches.upstream.get(key)
        if hit is not None:
            return hit
        s = self.steps_for(codes)
        fw, grid, inputs = self.framework, self.grid, self.assessment.inputs
        k_imp = self._stage_key(codes, ("impute",))
        x = self._caches.imputed.get(k_imp)
        if x is None:
            x = self._start
            if s.impute is not None:
                x = impute(x, s.impute, grid, inputs.units, fw.indicators)[0]
            self._caches.imputed[k_imp] = x
        k_trt = self._stage_key(codes, ("impute", "treat"))
        treated = self._caches.treated.get(k_trt)
        if treated is None:
            treated = x
            if s.treat is not None or self._has_transform:
                treated = treat(x, s.treat, fw, grid)[0]
            self._caches.treated[k_trt] = treated
        normalised = treated
        if s.normalise is not None:
            normalised = normalise(treated, s.normalise, fw, grid)
        latest = grid.block(int(grid.years[-1]))
        weights = compute_weights(s.weight, fw, treated, normalised, latest)
        raw = np.array([weights.raw[n] for n in self.node_ids], dtype=np.float64)
        up = _Upstream(normalised[self.rows].copy(), raw)
        self._caches.upstream[key] = up
        log.debug("upstream combination %s computed", key)
        return up

    @property
    def upstream_combinations(self) -> int:
        """How many distinct normalised matrices have been computed so far."""
        return len(self._caches.upstream)

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, codes: IntArray, pools: dict[int, FloatArray] | None = None) -> Batch:
        """Scores and ranks of every run of ``codes`` (runs x inputs) at once."""
        codes = np.asarray(codes, dtype=np.int64)
        runs = codes.shape[0]
        pools = pools or {}
        noise_cols = [i for i, n in enumerate(self.is_noise()) if n]
        mult: FloatArray | None = None
        if noise_cols:
            mult = np.ones((runs, len(self.node_ids)))
            for i in noise_cols:
                mult *= pools[i][codes[:, i]]
        group_cols = [i for i in range(codes.shape[1]) if i not in noise_cols]
        scores = np.empty((runs, len(self.units)))
        if group_cols:
            keys, inverse = np.unique(codes[:, group_cols], axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
        else:
            keys, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(runs, dtype=np.int64)
        for g in range(keys.shape[0]):
            members = np.flatnonzero(inverse == g)
            first = codes[members[0]]
            scores[members] = self._evaluate_group(
                first, None if mult is None else mult[members], members.size
            )
        ranks = rank_desc_along(scores, axis=1)
        return Batch(scores, ranks)

    def iter_batches(
        self, codes: IntArray, pools: dict[int, FloatArray] | None = None, chunk: int | None = None
    ) -> Iterator[tuple[IntArray, Batch]]:
        """``evaluate`` chunk by chunk, so memory stays bounded whatever the number of runs.

        Runs are taken in the order of their discrete choices, so a chunk holds few groups and
        the work shared inside a group (the bottom level) is done once per chunk; each batch
        comes with the indices of its runs in ``codes``.
        """
        size = chunk or self.spec.chunk or self.default_chunk()
        noise = self.is_noise()
        keys = [codes[:, i] for i in reversed(range(codes.shape[1])) if not noise[i]]
        order = np.lexsort(keys) if keys else np.arange(codes.shape[0])
        for start in range(0, codes.shape[0], size):
            idx = order[start : start + size]
            yield idx, self.evaluate(codes[idx], pools)

    def default_chunk(self) -> int:
        """Runs per chunk: the largest (runs, units, children) block stays near 4e6 numbers
        (32 MB)."""
        kmax = max((len(tn.children) for tn in self._branches), default=1)
        return int(max(16, min(100_000, 4_000_000 // max(1, len(self.units) * kmax))))

    def _drop_of(self, codes: IntArray) -> str | None:
        for i, opts in self.drop_options.items():
            dropped = opts[int(codes[i])]
            if dropped is not None:
                return dropped
        return None

    def _evaluate_group(self, codes: IntArray, mult: FloatArray | None, runs: int) -> FloatArray:
        up = self._upstream(codes)
        steps = self.steps_for(codes)
        params = steps.resolved_aggregate()
        dropped = self._drop_of(codes)
        n = len(self.units)
        values: dict[str, FloatArray] = {}  # (n,) when shared by every run, else (runs, n)
        for ind, j in self._ind_pos.items():
            values[ind] = up.normalised[:, j]
        for tn in self._branches:
            children = [c for c in tn.children if c != dropped]
            method = node_method(params, self.framework, tn.id)
            pos = [self._pos[c] for c in children]
            base = up.weights[pos]
            if not np.any(base > 0):
                base = np.ones_like(base)  # the pipeline's rule for all-zero weights
            w: FloatArray = base
            if mult is not None:
                m = mult[:, pos]
                if np.any(m != 1.0):
                    w = base[None, :] * m
            try:
                values[tn.id] = self._combine(method, [values[c] for c in children], w, params)
            except MethodError as exc:
                raise SensitivityError(
                    f"node {tn.id!r} ({method}) fails for the choices {self.describe(codes)}: {exc}"
                ) from None
        out = values[self.node]
        return np.broadcast_to(out, (runs, n)) if out.ndim == 1 else out

    def rebuild(self, codes: IntArray, pools: dict[int, FloatArray] | None = None) -> Assessment:
        """The slow reference: one run's choices as a full assessment to ``run()``.

        The steps are the nominal ones edited by the run's options (``with_step``); a dropped
        indicator is removed from the framework; noisy weights are written into the framework
        (the nominal weights of the run's upstream choices times the run's multipliers) and
        read back by the ``framework`` weighting, which gives exactly those weights.
        """
        codes = np.asarray(codes, dtype=np.int64)
        steps = self.steps_for(codes)
        variant = self.assessment
        for name in ("impute", "treat", "normalise", "weight", "aggregate"):
            params = getattr(steps, name)
            if params is None:
                variant = variant.without_step(name)
            else:
                variant = variant.with_step(name, **params.model_dump())
        fw = self.framework
        nodes = dict(fw.nodes)
        noise_cols = [i for i, n in enumerate(self.is_noise()) if n]
        if noise_cols:
            mult = np.ones(len(self.node_ids))
            for i in noise_cols:
                mult *= (pools or {})[i][int(codes[i])]
            raw = self._upstream(codes).weights * mult
            for k, node_id in enumerate(self.node_ids):
                tn = nodes[node_id]
                nodes[node_id] = replace(tn, node=tn.node.model_copy(update={"weight": raw[k]}))
            variant = variant.with_step("weight", method="framework")
        dropped = self._drop_of(codes)
        if dropped is not None:
            parent = nodes[dropped].parent
            assert parent is not None
            tp = nodes[parent]
            nodes[parent] = replace(tp, children=tuple(c for c in tp.children if c != dropped))
            del nodes[dropped]
        if noise_cols or dropped is not None:
            new_fw = replace(fw, nodes=nodes)
            variant = Assessment(replace(variant.inputs, framework=new_fw))
        return variant

    def describe(self, codes: IntArray) -> str:
        parts = []
        for i, inp in enumerate(self.spec.inputs):
            if not isinstance(inp, WeightNoiseInput):
                parts.append(f"{inp.label} = {self.option_label(i, int(codes[i]))}")
        return ", ".join(parts) or "nominal"

    def _combine(
        self, method: str, children: list[FloatArray], w: FloatArray, params: AggregateStep
    ) -> FloatArray:
        shared = all(c.ndim == 1 for c in children)
        if shared:
            x = np.column_stack(children)
            if method in MEANS:
                if method == "power":
                    assert params.p is not None
                    return agg.power_mean(x, w, params.p, min_share=params.min_share)
                return agg.AGGREGATORS[method](x, w, min_share=params.min_share)
            return cross_section(method, x, w, params)
        runs = max(c.shape[0] for c in children if c.ndim == 2)
        stacked = np.stack([np.broadcast_to(c, (runs, c.shape[-1])) for c in children], axis=-1)
        if method in MEANS:
            return stacked_mean(method, stacked, w, params.min_share, params.p)
        ws = np.broadcast_to(w, (runs, w.shape[-1]))
        return np.stack(
            [cross_section(method, stacked[r], ws[r], params) for r in range(runs)], axis=0
        )


def stacked_mean(
    method: str, x: FloatArray, w: FloatArray, min_share: float = 0.0, p: float | None = None
) -> FloatArray:
    """Weighted means of children that differ per run: x (R, n, k), w (k,) or (R, k) -> (R, n).

    The same NaN-aware means as :mod:`kaifang.methods.aggregate` (weights rescaled over the
    children present in each row; NaN when none is present, when the present share is below
    ``min_share`` or when the present weights sum to 0):

    .. math::

        y_{rn} = g^{-1}\\Big(\\frac{\\sum_{j \\in P_{rn}} w_{rj}\\, g(x_{rnj})}
                               {\\sum_{j \\in P_{rn}} w_{rj}}\\Big)

    with :math:`g(x) = x` (arithmetic), :math:`\\ln x` (geometric), :math:`1/x` (harmonic),
    :math:`x^p` (power; computed on x divided by the row's largest (p > 0) or smallest (p < 0)
    present value and multiplied back, as ``power_mean`` does).

    Raises
    ------
    MethodError
        When a geometric, harmonic or negative-order power mean meets a value <= 0.

    References
    ----------
    OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 6.2; COINr
    ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean``.
    """
    present = ~np.isnan(x)
    k = x.shape[-1]
    count = present.sum(axis=-1)
    ok = (count > 0) & (count >= min_share * k)
    if method == "power" and p is not None and p in (0.0, 1.0):
        method = "geometric" if p == 0 else "arithmetic"
    if method in ("geometric", "harmonic") or (method == "power" and p is not None and p < 0):
        bad = present & (x <= 0)
        if bad.any():
            r, row, col = (int(v) for v in np.argwhere(bad)[0])
            raise MethodError(
                f"the {method} mean needs positive values, but child column {col} has "
                f"{float(x[r, row, col]):g} (row {row}); normalise to a positive range first, "
                "e.g. [1, 100]"
            )
    safe = np.where(present, x, 1.0)
    scale: FloatArray | None = None
    if method == "arithmetic":
        t = np.where(present, x, 0.0)
    elif method == "geometric":
        t = np.where(present, np.log(safe), 0.0)
    elif method == "harmonic":
        t = np.where(present, 1.0 / safe, 0.0)
    elif method == "power":
        assert p is not None
        if p > 0 and (present & (x < 0)).any():
            raise MethodError(f"the power mean with p = {p} needs non-negative values")
        if p > 0:
            sc = np.max(np.where(present, x, 0.0), axis=-1)
        else:
            sc = np.min(np.where(present, x, np.inf), axis=-1)
        scale = np.where(np.isfinite(sc) & (sc > 0), sc, 1.0)
        t = np.where(present, (safe / scale[..., None]) ** p, 0.0)
    else:
        raise MethodError(f"unknown mean {method!r}")
    wr = np.ascontiguousarray(np.broadcast_to(w, (x.shape[0], k)))
    num = np.matmul(t, wr[:, :, None])[..., 0]
    if present.all():
        den = np.broadcast_to(wr.sum(axis=1)[:, None], num.shape)
    else:
        den = np.matmul(present.astype(np.float64), wr[:, :, None])[..., 0]
    valid = ok & (den > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(valid, num / np.where(valid, den, 1.0), np.nan)
        if method == "geometric":
            out = np.exp(ratio)
        elif method == "harmonic":
            out = 1.0 / ratio
        elif method == "power":
            assert p is not None and scale is not None
            out = ratio ** (1.0 / p) * scale
        else:
            out = ratio
    result: FloatArray = np.where(valid, out, np.nan)
    return result
