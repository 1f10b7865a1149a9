"""Trade structure: openness, concentration, similarity, intra-industry trade, growth margins.

Vectors hold the values of one exporter (products or partners) in one year; a 2-D input is a
stack of such rows (one per exporter or year) and every function works along the last axis.
Values are non-negative flows in one currency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = [
    "ExportMargins",
    "export_margins",
    "finger_kreinin",
    "growth_contributions",
    "grubel_lloyd",
    "grubel_lloyd_aggregate",
    "hhi",
    "hhi_normalised",
    "openness",
    "partners_above",
    "shares",
    "unctad_concentration",
    "unctad_diversification",
]

FloatArray = NDArray[np.float64]


def _nonnegative(x: ArrayLike, who: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] == 0:
        raise MethodError(f"{who}: expected at least one value")
    if (a < 0).any():
        raise MethodError(f"{who}: trade values must be non-negative")
    return a


def openness(
    exports: ArrayLike, imports: ArrayLike, gdp: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Trade openness, export dependence and import dependence.

    .. math:: O = \frac{X + M}{GDP},\qquad D_X = \frac{X}{GDP},\qquad D_M = \frac{M}{GDP}

    All three in the same currency (convert USD trade with an explicit exchange rate first).
    Reference: World Bank, World Development Indicators, NE.TRD.GNFS.ZS.
    """
    x = np.asarray(exports, dtype=np.float64)
    m = np.asarray(imports, dtype=np.float64)
    g = np.asarray(gdp, dtype=np.float64)
    if (g <= 0).any():
        raise MethodError("openness: GDP must be positive")
    return (x + m) / g, x / g, m / g


def shares(x: ArrayLike) -> FloatArray:
    """Shares along the last axis; an all-zero row gives NaN shares."""
    a = _nonnegative(x, "shares")
    total = a.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, a / np.where(total > 0, total, 1.0), np.nan)
    return out


def hhi(x: ArrayLike) -> FloatArray:
    r"""Herfindahl-Hirschman index :math:`H = \sum_i s_i^2` of the shares (0-1 scale).

    Reference: Hirschman, A. O. (1964), The paternity of an index, *American Economic Review*
    54(5), 761.
    """
    out: FloatArray = np.sum(shares(x) ** 2, axis=-1)
    return out


def hhi_normalised(x: ArrayLike, n: int | None = None) -> FloatArray:
    r"""Normalised HHI :math:`H^* = (H - 1/n)/(1 - 1/n)`, 0 for equal shares, 1 for one line.

    ``n`` is the number of possible lines (default: the length of the last axis).
    """
    a = _nonnegative(x, "hhi_normalised")
    count = a.shape[-1] if n is None else n
    if count < 2:
        raise MethodError("hhi_normalised: at least two possible lines are needed")
    out: FloatArray = (hhi(a) - 1.0 / count) / (1.0 - 1.0 / count)
    return out


def unctad_concentration(x: ArrayLike, n: int | None = None) -> FloatArray:
    r"""UNCTAD's concentration (Herfindahl-Hirschmann) index, normalised to [0, 1].

    .. math:: H_j = \frac{\sqrt{\sum_i (x_{ij}/X_j)^2} - \sqrt{1/n}}{1 - \sqrt{1/n}}

    with n the number of products (UNCTAD uses the 261 SITC 3-digit groups).
    Reference: UNCTAD, *Handbook of Statistics*, technical notes, "Concentration index".
    """
    a = _nonnegative(x, "unctad_concentration")
    count = a.shape[-1] if n is None else n
    if count < 2:
        raise MethodError("unctad_concentration: at least two products are needed")
    root = np.sqrt(1.0 / count)
    out: FloatArray = (np.sqrt(hhi(a)) - root) / (1.0 - root)
    return out


def unctad_diversification(x: ArrayLike, world: ArrayLike) -> FloatArray:
    r"""UNCTAD's diversification index: distance of the export structure from the world's.

    .. math:: S_j = \frac{1}{2} \sum_i |h_{ij} - h_i|

    with :math:`h_{ij}` product i's share in country j's exports and :math:`h_i` its share in
    world exports; 0 = the world's structure, 1 = entirely different.
    Reference: UNCTAD, *Handbook of Statistics*, technical notes, "Diversification index".
    """
    own = shares(x)
    ref = shares(world)
    if ref.shape[-1] != own.shape[-1]:
        raise MethodError("unctad_diversification: world needs one value per product")
    out: FloatArray = 0.5 * np.sum(np.abs(own - ref), axis=-1)
    return out


def finger_kreinin(a: ArrayLike, b: ArrayLike) -> FloatArray:
    r"""Finger-Kreinin export similarity :math:`FK = \sum_i \min(s_{ia}, s_{ib})`, in [0, 1].

    Reference: Finger, J. M. & Kreinin, M. E. (1979), A measure of 'export similarity' and its
    possible uses, *Economic Journal* 89(356), 905-912.
    """
    sa, sb = shares(a), shares(b)
    if sa.shape[-1] != sb.shape[-1]:
        raise MethodError("finger_kreinin: both need the same products")
    out: FloatArray = np.sum(np.minimum(sa, sb), axis=-1)
    return out


def grubel_lloyd(exports: ArrayLike, imports: ArrayLike) -> FloatArray:
    r"""Grubel-Lloyd intra-industry trade by product :math:`GL_i = 1 - |X_i - M_i|/(X_i + M_i)`.

    NaN where a product has no trade. Reference: Grubel, H. G. & Lloyd, P. J. (1975),
    *Intra-industry trade*, Macmillan.
    """
    x = _nonnegative(exports, "grubel_lloyd")
    m = _nonnegative(imports, "grubel_lloyd")
    total = x + m
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, 1.0 - np.abs(x - m) / total, np.nan)
    return out


def grubel_lloyd_aggregate(exports: ArrayLike, imports: ArrayLike) -> FloatArray:
    r"""Aggregate Grubel-Lloyd index :math:`GL = 1 - \sum_i |X_i - M_i| / \sum_i (X_i + M_i)`,
    the trade-weighted mean of the product indexes (Grubel & Lloyd 1975)."""
    x = _nonnegative(exports, "grubel_lloyd_aggregate")
    m = _nonnegative(imports, "grubel_lloyd_aggregate")
    total = np.sum(x + m, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, 1.0 - np.sum(np.abs(x - m), axis=-1) / total, np.nan)
    return out


def partners_above(x: ArrayLike, floor: float = 0.01) -> NDArray[np.int64]:
    """Number of partners (or products) whose share reaches ``floor`` (default 1 %)."""
    out: NDArray[np.int64] = np.sum(shares(x) >= floor, axis=-1).astype(np.int64)
    return out


def growth_contributions(before: ArrayLike, after: ArrayLike) -> FloatArray:
    r"""Contribution of each line (product or partner) to total growth, in growth points.

    .. math:: c_i = \frac{x_{i,1} - x_{i,0}}{\sum_j x_{j,0}},\qquad \sum_i c_i = g

    with g the growth rate of the total. Reference: the shift-share (additive) decomposition of
    growth, e.g. OECD (2001), *Measuring Productivity*, annex on contributions to growth.
    """
    a0 = _nonnegative(before, "growth_contributions")
    a1 = _nonnegative(after, "growth_contributions")
    base = a0.sum(axis=-1, keepdims=True)
    if (base <= 0).any():
        raise MethodError("growth_contributions: the base period total must be positive")
    out: FloatArray = (a1 - a0) / base
    return out


@dataclass(frozen=True)
class ExportMargins:
    """Decomposition of the change in exports between two periods (same currency).

    ``total = intensive + new_products + new_markets - lost``; each term is a value change.
    """

    total: float
    intensive: float
    new_products: float
    new_markets: float
    lost: float

    @property
    def extensive(self) -> float:
        """Net extensive margin: new products and new markets minus flows that stopped."""
        return self.new_products + self.new_markets - self.lost


def export_margins(before: ArrayLike, after: ArrayLike) -> ExportMargins:
    r"""Extensive versus intensive margins of export growth over a product x partner matrix.

    With flows :math:`x_{kj}` (product k to partner j) in periods 0 and 1:

    .. math::
        \Delta X = \underbrace{\sum_{x^0>0, x^1>0} (x^1 - x^0)}_{\text{intensive}}
        + \underbrace{\sum_{x^0=0, x^1>0,\ k \notin K^0} x^1}_{\text{new products}}
        + \underbrace{\sum_{x^0=0, x^1>0,\ k \in K^0} x^1}_{\text{new markets}}
        - \underbrace{\sum_{x^0>0, x^1=0} x^0}_{\text{lost flows}}

    where :math:`K^0` are the products exported to anyone in period 0.
    Reference: Amurgo-Pacheco, A. & Pierola, M. D. (2008), Patterns of export diversification
    in developing countries: intensive and extensive margins, World Bank Policy Research
    Working Paper 4473; Besedeš, T. & Prusa, T. J. (2011), The role of extensive and
    intensive margins and export growth, *Journal of Development Economics* 96(2), 371-379.
    """
    x0 = _nonnegative(before, "export_margins")
    x1 = _nonnegative(after, "export_margins")
    if x0.ndim != 2 or x0.shape != x1.shape:
        raise MethodError("export_margins: two (products x partners) matrices of one shape")
    both = (x0 > 0) & (x1 > 0)
    new = (x0 == 0) & (x1 > 0)
    gone = (x0 > 0) & (x1 == 0)
    old_product = (x0 > 0).any(axis=1, keepdims=True)
    return ExportMargins(
        total=float(x1.sum() - x0.sum()),
        intensive=float((x1 - x0)[both].sum()),
        new_products=float(x1[new & ~old_product].sum()),
        new_markets=float(x1[new & old_product].sum()),
        lost=float(x0[gone].sum()),
    )
