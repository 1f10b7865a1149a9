"""A region (province, prefecture) against world trade: its RCA, its RCA per capita (RPOP) and
its presence Mcp, with the world's product totals and population as the reference.

The region is not a location of the world table: it is compared with the world as one more,
small exporter, the way the world's own locations are compared with it. With the world's PCI,
its presence gives the subnational ECI (:func:`kaifang.methods.complexity.subnational_eci`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError
from kaifang.methods import complexity as cx

FloatArray = NDArray[np.float64]


def _vectors(x: ArrayLike, world: ArrayLike, name: str) -> tuple[FloatArray, FloatArray]:
    xs = np.asarray(x, dtype=np.float64)
    ws = np.asarray(world, dtype=np.float64)
    if xs.shape[-1:] != ws.shape or ws.ndim != 1:
        raise MethodError(f"{name}: one world total per product column is needed")
    if (xs < 0).any() or (ws < 0).any():
        raise MethodError(f"{name}: trade values are non-negative")
    return xs, ws


def region_rca(x: ArrayLike, world_product: ArrayLike) -> FloatArray:
    r"""Balassa RCA of a region's products against world totals.

    .. math:: RCA_{rp} = \frac{x_{rp} / \sum_{p'} x_{rp'}}{X_p / \sum_{p'} X_{p'}}

    ``x`` holds the region's exports by product (P,) or of several regions (R, P);
    ``world_product`` the world's exports :math:`X_p` (P,). NaN where :math:`X_p = 0` or the
    region exports nothing.

    Reference: Balassa, B. (1965), "Trade liberalisation and 'revealed' comparative
    advantage", *The Manchester School* 33(2), 99-123; OEC, "Economic complexity: methods"
    (subnational complexity against world trade).
    """
    xs, ws = _vectors(x, world_product, "region_rca")
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (xs / xs.sum(axis=-1, keepdims=True)) / (ws / ws.sum())
    return out


def region_rpop(
    x: ArrayLike,
    world_product: ArrayLike,
    population: ArrayLike,
    world_population: float,
) -> FloatArray:
    r"""RCA per capita (RPOP) of a region's products against the world.

    .. math:: RPOP_{rp} = \frac{x_{rp} / X_p}{N_r / N}

    the region's share of world exports of :math:`p` over its share of world population:
    exports per head of the region over the world's exports per head of the same product.
    ``population`` is :math:`N_r` (scalar, or (R,) for ``x`` of shape (R, P));
    ``world_population`` is :math:`N`, summed over the world's locations with exports in the
    year (as Stata's ``ecomplexity, rpop()`` sums it). NaN where :math:`X_p = 0`.

    Since :math:`RPOP_{rp} = RCA_{rp} \cdot (x_r / X) / (N_r / N)`, RPOP and RCA agree when the
    region's share of world exports equals its share of world population.

    Reference: Bustos, S. and Yildirim, M. A., ``ecomplexity`` (Stata package, Harvard Growth
    Lab), option ``rpop``; Hausmann, R. et al. (2014), *The Atlas of Economic Complexity*,
    MIT Press (presence of products in small exporters by exports per capita).
    """
    xs, ws = _vectors(x, world_product, "region_rpop")
    pop = np.asarray(population, dtype=np.float64)
    if xs.ndim == 2:
        pop = pop.reshape(-1, 1)
        if pop.shape[0] != xs.shape[0]:
            raise MethodError("region_rpop: one population per region row is needed")
    if not (np.all(np.isfinite(pop)) and (pop > 0).all()):
        raise MethodError("region_rpop: populations are positive numbers")
    total = float(world_population)
    if not (np.isfinite(total) and total > 0):
        raise MethodError("region_rpop: the world population is a positive number")
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (xs / ws) / (pop / total)
    return out


def region_presence(
    rca: ArrayLike,
    rpop: ArrayLike | None,
    presence: str,
    threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    strict: bool = True,
) -> FloatArray:
    r"""Mcp of a region by the world's presence rule (1.0 present, 0.0 not).

    ``'rca'``: :math:`RCA > t`; ``'rpop'``: :math:`RPOP > t_{pop}`; ``'both'``:
    :math:`RCA > t \lor RPOP > t_{pop}` (Stata's union); ``>=`` when not ``strict``. A NaN
    measure is not presence.

    Reference: Bustos, S. and Yildirim, M. A., ``ecomplexity`` (Stata package, Harvard Growth
    Lab), options ``rca()`` and ``rpop()``.
    """
    if presence not in ("rca", "rpop", "both"):
        raise MethodError(f"region_presence: presence {presence!r} is rca, rpop or both")
    r = np.asarray(rca, dtype=np.float64)
    if presence == "rca":
        return cx.presence(r, threshold, strict)
    if rpop is None:
        raise MethodError(f"region_presence: presence {presence!r} needs RPOP")
    p = np.asarray(rpop, dtype=np.float64)
    if p.shape != r.shape:
        raise MethodError("region_presence: RCA and RPOP of one shape are needed")
    m = cx.presence(p, rpop_threshold, strict)
    if presence == "both":
        m = np.maximum(m, cx.presence(r, threshold, strict))
    return m
