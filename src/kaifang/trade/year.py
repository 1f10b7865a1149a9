"""One year of economic complexity on a location x product matrix, Stata ``ecomplexity``'s way.

The steps and their order follow Stata's ``ecomplexity.ado`` (presence, proximity, density,
ECI/PCI, COI/COG); each numeric step is a pure kernel of :mod:`kaifang.methods.complexity`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kaifang.errors import MethodError
from kaifang.methods import complexity as cx
from kaifang.trade.options import ComplexityOptions

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class YearComplexity:
    """Results of one year; arrays cover every location (rows) and product (columns) given,
    NaN where a location or product was left out (``isolated: drop``)."""

    rca: FloatArray | None
    rpop: FloatArray | None
    m: FloatArray
    density: FloatArray
    cog: FloatArray
    eci: FloatArray
    coi: FloatArray
    diversity: FloatArray
    pci: FloatArray
    ubiquity: FloatArray
    proximity: FloatArray
    kp: FloatArray
    kc_mean: float
    kc_sd: float
    kept_locations: NDArray[np.bool_]
    kept_products: NDArray[np.bool_]


class DisconnectedError(MethodError):
    """The location-product network of a year cannot give an ECI (names what is isolated)."""

    def __init__(self, message: str, locations: list[int], products: list[int]) -> None:
        super().__init__(message)
        self.locations = locations
        self.products = products


def presence_matrix(
    values: FloatArray, options: ComplexityOptions, population: FloatArray | None = None
) -> tuple[FloatArray | None, FloatArray | None, FloatArray]:
    """RCA, RPOP (or None) and Mcp by the options' presence test."""
    if options.presence == "manual":
        return None, None, (values > 0).astype(np.float64)
    rca = cx.balassa_rca(values) if options.presence in ("rca", "both") else None
    rpop = None
    if options.presence in ("rpop", "both"):
        if population is None:
            raise MethodError("presence 'rpop' needs a population per location")
        rpop = cx.rca_per_capita(values, population)
    m = np.zeros(values.shape)
    if rca is not None:
        m = np.maximum(m, cx.presence(rca, options.threshold, options.strict))
    if rpop is not None:
        m = np.maximum(m, cx.presence(rpop, options.rpop_threshold, options.strict))
    return rca, rpop, m


def compute_year(
    values: FloatArray,
    options: ComplexityOptions | None = None,
    population: FloatArray | None = None,
) -> YearComplexity:
    """Every complexity result of one year from a dense (C, P) matrix of values (0 = no trade).

    Presence by NumPy (:func:`presence_matrix`); the SQL engines compute the same RCA and Mcp
    and call :func:`complexity_from_presence` directly.
    """
    opts = options or ComplexityOptions()
    x = np.asarray(values, dtype=np.float64)
    if opts.value_precision == "float32":
        x = x.astype(np.float32).astype(np.float64)
    pop = None if population is None else np.asarray(population, dtype=np.float64)
    if pop is not None and opts.value_precision == "float32":
        pop = pop.astype(np.float32).astype(np.float64)
    keep_c = x.sum(axis=1) > 0
    keep_p = x.sum(axis=0) > 0
    sub = x[np.ix_(keep_c, keep_p)]
    rca_k, rpop_k, m_k = presence_matrix(sub, opts, None if pop is None else pop[keep_c])

    def full(a: FloatArray | None) -> FloatArray | None:
        if a is None:
            return None
        out = np.full(x.shape, np.nan)
        out[np.ix_(keep_c, keep_p)] = a
        return out

    m_full = full(m_k)
    assert m_full is not None
    return complexity_from_presence(x, full(rca_k), full(rpop_k), np.nan_to_num(m_full), opts)


def complexity_from_presence(
    values: FloatArray,
    rca: FloatArray | None,
    rpop: FloatArray | None,
    m: FloatArray,
    options: ComplexityOptions,
    parallel: bool = False,
) -> YearComplexity:
    """Proximity, density, ECI/PCI and COI/COG from presence (Stata's order of steps).

    Locations and products with a zero total are left out first, as Stata does. A location or
    product without presence makes the network disconnected: :class:`DisconnectedError`, or
    with ``options.isolated == 'drop'`` it is left out too (RCA stays relative to all trade).
    """
    x = np.asarray(values, dtype=np.float64)
    n_loc, n_prod = x.shape
    keep_c = x.sum(axis=1) > 0
    keep_p = x.sum(axis=0) > 0
    m_all = np.where(np.isnan(m), 0.0, m)
    m_all[~keep_c] = 0.0
    m_all[:, ~keep_p] = 0.0
    no_c = np.nonzero(keep_c & (m_all.sum(axis=1) == 0))[0]
    no_p = np.nonzero(keep_p & (m_all.sum(axis=0) == 0))[0]
    if no_c.size or no_p.size:
        if options.isolated == "error":
            raise DisconnectedError(
                f"{no_c.size} location(s) and {no_p.size} product(s) have no presence "
                "(nothing above the threshold): the network is disconnected",
                no_c.tolist(),
                no_p.tolist(),
            )
        keep_c[no_c] = False
        keep_p[no_p] = False
    sel = np.ix_(keep_c, keep_p)
    # the usual case keeps every row and column: no copies in and out of the kept block
    whole = bool(keep_c.all() and keep_p.all())

    def kept(a: FloatArray) -> FloatArray:
        return a if whole else a[sel]

    m_k = kept(m_all)
    rca_k = None if rca is None else kept(rca)
    rpop_k = None if rpop is None else kept(rpop)
    conv = cx.CONVENTIONS[options.convention]
    if options.proximity == "continuous":
        levels = rca_k if rca_k is not None else rpop_k
        if levels is None:
            raise MethodError("continuous proximity needs RCA or RPOP, not a manual Mcp")
    else:
        levels = m_k
    # ECI/PCI and proximity are independent, and so are density and COG once they are known:
    # with ``parallel`` each pair runs on two threads (NumPy and LAPACK release the GIL), each
    # BLAS call on its own thread count
    with ThreadPoolExecutor(max_workers=1) if parallel else nullcontext() as pool:

        def start(step: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
            if pool is None:
                done = step(*args, **kwargs)
                return lambda: done
            return pool.submit(step, *args, **kwargs).result

        indexes = start(cx.eci_pci, m_k, conv)
        if options.proximity == "continuous":
            prox = cx.proximity_continuous(levels)
        else:
            prox = cx.proximity_discrete(m_k, asymmetric=options.proximity == "asymmetric")
        neighbours = (
            None if options.knn is None else cx.knn_neighbours(prox, options.knn, options.knn_floor)
        )
        idx: cx.ComplexityIndexes = indexes()
        densities = start(cx.density, levels, prox, neighbours=neighbours)
        cog = cx.complexity_outlook_gain(m_k, prox, idx.kp, idx.sd)
        dens: FloatArray = densities()
    coi = cx.complexity_outlook_index(m_k, dens, idx.kp)

    def cells(a: FloatArray) -> FloatArray:
        if whole:
            return a
        out = np.full((n_loc, n_prod), np.nan)
        out[sel] = a
        return out

    def rows(a: FloatArray) -> FloatArray:
        out = np.full(n_loc, np.nan)
        out[keep_c] = a
        return out

    def cols(a: FloatArray) -> FloatArray:
        out = np.full(n_prod, np.nan)
        out[keep_p] = a
        return out

    if keep_p.all():
        prox_full = prox
    else:
        prox_full = np.full((n_prod, n_prod), np.nan)
        prox_full[np.ix_(keep_p, keep_p)] = prox
    m_out = m_all if whole else np.where(keep_c[:, None] & keep_p[None, :], m_all, np.nan)
    return YearComplexity(
        rca=rca,
        rpop=rpop,
        m=m_out,
        density=cells(dens),
        cog=cells(cog),
        eci=rows(idx.eci),
        coi=rows(coi),
        diversity=rows(m_k.sum(axis=1)),
        pci=cols(idx.pci),
        ubiquity=cols(m_k.sum(axis=0)),
        proximity=prox_full,
        kp=cols(idx.kp),
        kc_mean=idx.mean,
        kc_sd=idx.sd,
        kept_locations=keep_c,
        kept_products=keep_p,
    )
