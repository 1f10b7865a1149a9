"""Economic complexity on a location x product matrix: RCA, Mcp, ECI/PCI, proximity, density,
complexity outlook.

Shapes: ``x`` (exports), ``rca`` and ``m`` are (C, P) arrays, locations in rows, products in
columns, one year. Every default reproduces the Harvard Growth Lab's Stata ``ecomplexity``
(Hausmann, Hidalgo et al., *The Atlas of Economic Complexity*, 2014; the ado files of
github.com/cid-harvard/ecomplexity): strict threshold ``RCA > 1``, PCI standardised with ECI's
mean and standard deviation, the sample standard deviation taken over the location x product rows
of the year, eigenvector sign set by its correlation with diversity. Other conventions are named
options (:data:`CONVENTIONS`).

The eigenvector is taken from the symmetric location-side matrix
``S = D^-1/2 M U^-1 M' D^-1/2`` (D = diag(diversity), U = diag(ubiquity)) with LAPACK's
symmetric solver for its two leading eigenpairs (``scipy.linalg.eigh``): it has the eigenvalues
of ``M_cc = D^-1 M U^-1 M'`` and, being symmetric and of the small side, is both faster and
more accurate than a general eigen-solver on the product side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg
from scipy.linalg import blas

from kaifang.errors import MethodError

__all__ = [
    "CONVENTIONS",
    "ComplexityIndexes",
    "Convention",
    "balassa_rca",
    "complexity_outlook",
    "complexity_outlook_gain",
    "complexity_outlook_index",
    "density",
    "diversity",
    "eci_pci",
    "feasible_products",
    "knn_neighbours",
    "presence",
    "proximity_continuous",
    "proximity_discrete",
    "rca_per_capita",
    "subnational_eci",
    "ubiquity",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

SdRule = Literal["stata", "population", "sample"]
PciScale = Literal["eci", "own"]


@dataclass(frozen=True)
class Convention:
    """How ECI and PCI are standardised.

    ``sd``: ``stata`` = sample SD over the C x P location x product rows of the year (each
    location's value repeated once per product, as Stata's ``sum eci`` sees the long data);
    ``population`` = population SD over the C locations (py-ecomplexity, NumPy's ``std``);
    ``sample`` = sample SD over the C locations (R's ``sd``).
    ``pci_scale``: ``eci`` = PCI uses ECI's mean and SD (Stata, py-ecomplexity);
    ``own`` = PCI standardised with its own mean and SD over products (R economiccomplexity, OEC).
    """

    sd: SdRule = "stata"
    pci_scale: PciScale = "eci"


#: Named conventions: Stata ``ecomplexity`` (default), PyPI ``ecomplexity``, R
#: ``economiccomplexity`` (eigenvalues method) and the OEC's published z-scores.
CONVENTIONS: dict[str, Convention] = {
    "stata": Convention("stata", "eci"),
    "python": Convention("population", "eci"),
    "r": Convention("sample", "own"),
    "oec": Convention("population", "own"),
}


def _matrix(x: ArrayLike, who: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or 0 in a.shape:
        raise MethodError(
            f"{who}: expected a non-empty 2-D array (locations x products); got {a.shape}"
        )
    return a


def balassa_rca(x: ArrayLike) -> FloatArray:
    r"""Balassa's revealed comparative advantage.

    .. math:: RCA_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}{\sum_{c'} x_{c'p} / \sum_{c'p'} x_{c'p'}}

    Reference: Balassa, B. (1965), Trade liberalisation and "revealed" comparative advantage,
    *The Manchester School* 33(2), 99-123. A location or product with zero total gives NaN.
    """
    a = _matrix(x, "balassa_rca")
    if (a < 0).any():
        raise MethodError("balassa_rca: export values must be non-negative")
    row = a.sum(axis=1, keepdims=True)
    col = a.sum(axis=0, keepdims=True)
    total = a.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (a / row) / (col / total)
    return out


def rca_per_capita(x: ArrayLike, population: ArrayLike) -> FloatArray:
    r"""Revealed per-capita advantage (Stata ``rpop``).

    .. math:: RPOP_{cp} = \frac{x_{cp} / \sum_{c'} x_{c'p}}{pop_c / \sum_{c'} pop_{c'}}

    Reference: Hausmann et al. (2014), *The Atlas of Economic Complexity*, technical box on
    presence by population; Stata ``complexity_rpop.ado``.
    """
    a = _matrix(x, "rca_per_capita")
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    if pop.shape[0] != a.shape[0]:
        raise MethodError("rca_per_capita: one population per location (row) is needed")
    if (pop <= 0).any() or not np.isfinite(pop).all():
        raise MethodError("rca_per_capita: populations must be positive")
    col = a.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (a / col) / (pop[:, None] / pop.sum())
    return out


def presence(rca: ArrayLike, threshold: float = 1.0, strict: bool = True) -> FloatArray:
    r"""Binary presence :math:`M_{cp} = [RCA_{cp} > t]` (strict, Stata's rule) or ``>=``.

    Returns 0/1 floats; NaN stays 0. Reference: Hidalgo & Hausmann (2009), The building blocks
    of economic complexity, *PNAS* 106(26), 10570-10575.
    """
    a = np.asarray(rca, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        hit = a > threshold if strict else a >= threshold
    return hit.astype(np.float64)


def diversity(m: ArrayLike) -> FloatArray:
    r"""Diversity :math:`k_{c,0} = \sum_p M_{cp}` (Hidalgo & Hausmann 2009)."""
    out: FloatArray = _matrix(m, "diversity").sum(axis=1)
    return out


def ubiquity(m: ArrayLike) -> FloatArray:
    r"""Ubiquity :math:`k_{p,0} = \sum_c M_{cp}` (Hidalgo & Hausmann 2009)."""
    out: FloatArray = _matrix(m, "ubiquity").sum(axis=0)
    return out


@dataclass(frozen=True)
class ComplexityIndexes:
    """ECI and PCI with the raw eigenvectors and the constants used to standardise them.

    ``kc`` (C,) and ``kp`` (P,) are the sign-corrected eigenvectors with ``kc = D^-1 M kp``;
    ``mean`` and ``sd`` standardise ECI (and PCI when ``pci_scale='eci'``), and scale COG.
    """

    eci: FloatArray
    pci: FloatArray
    kc: FloatArray
    kp: FloatArray
    mean: float
    sd: float
    eigenvalue: float
    second_eigenvalue_gap: float


def _spread(values: FloatArray, weight_rows: int, rule: SdRule) -> tuple[float, float]:
    mean = float(values.mean())
    ss = float(((values - mean) ** 2).sum())
    n = values.shape[0]
    if rule == "stata":
        # every location appears once per product in the long data Stata summarises
        var = ss * weight_rows / (n * weight_rows - 1)
    elif rule == "population":
        var = ss / n
    else:
        var = ss / (n - 1)
    return mean, float(np.sqrt(var))


def eci_pci(
    m: ArrayLike,
    convention: Convention | str = "stata",
    disconnected_tol: float = 1e-9,
) -> ComplexityIndexes:
    r"""Economic and product complexity indexes (eigenvector method).

    With :math:`D=\mathrm{diag}(k_{c,0})`, :math:`U=\mathrm{diag}(k_{p,0})`:

    .. math::
        S = D^{-1/2} M U^{-1} M^\top D^{-1/2},\quad S v = \lambda_2 v,\quad
        k_c = D^{-1/2} v,\quad k_p = U^{-1} M^\top k_c / \lambda_2

    so that :math:`k_p` is the second eigenvector of :math:`\tilde M_{pp} = U^{-1} M^\top D^{-1} M`
    and :math:`k_c = D^{-1} M k_p` (Stata's ``ecipci.ado``). The sign makes
    :math:`\mathrm{corr}(k_c, k_{c,0}) > 0`; then
    :math:`ECI = (k_c - \bar k_c)/s`, :math:`PCI = (k_p - \bar k_c)/s` (Stata) or each with its
    own mean and SD (``pci_scale='own'``).

    A disconnected location-product graph has a second eigenvalue of 1 and no meaningful ECI:
    :class:`MethodError` then. Locations and products with no presence must be removed first.

    References: Hidalgo & Hausmann (2009), *PNAS* 106(26); Hausmann et al. (2014), *The Atlas
    of Economic Complexity*, MIT Press; Mealy, Farmer & Teytelboym (2019), Interpreting
    economic complexity, *Science Advances* 5(1).
    """
    conv = CONVENTIONS[convention] if isinstance(convention, str) else convention
    mat = _matrix(m, "eci_pci")
    div = mat.sum(axis=1)
    ubi = mat.sum(axis=0)
    if (div <= 0).any() or (ubi <= 0).any():
        raise MethodError(
            "eci_pci: every location needs diversity > 0 and every product ubiquity > 0 "
            f"({int((div <= 0).sum())} locations and {int((ubi <= 0).sum())} products have none)"
        )
    n_loc, n_prod = mat.shape
    if n_loc < 3:
        raise MethodError("eci_pci: at least 3 locations are needed")
    # S = A A' with A = D^-1/2 M U^-1/2: a symmetric rank-k product (half a GEMM), and only
    # the two leading eigenpairs (MRRR, a fraction of a full decomposition)
    a = mat / np.sqrt(div)[:, None]
    a /= np.sqrt(ubi)[None, :]
    sym = blas.dsyrk(1.0, a.T, trans=1)  # A'^T A' on the Fortran view: no copy of A
    values, vectors = linalg.eigh(
        sym,
        lower=False,
        subset_by_index=[n_loc - 2, n_loc - 1],
        driver="evr",
        overwrite_a=True,
        check_finite=False,
    )
    lam1, lam2 = float(values[-1]), float(values[-2])
    if lam2 >= lam1 - disconnected_tol or lam2 >= 1.0 - disconnected_tol:
        raise MethodError(
            "eci_pci: the location-product network is disconnected (second eigenvalue "
            f"{lam2:.12f} is 1): split it into connected parts or drop isolated locations"
        )
    kc = vectors[:, 0] / np.sqrt(div)
    kp = (mat.T @ kc) / ubi / lam2
    # Stata's rule: flip unless corr(diversity, kc) > 0
    if np.corrcoef(div, kc)[0, 1] <= 0:
        kc, kp = -kc, -kp
    mean, sd = _spread(kc, n_prod, conv.sd)
    eci = (kc - mean) / sd
    if conv.pci_scale == "eci":
        pci = (kp - mean) / sd
    else:
        rule: SdRule = "sample" if conv.sd == "sample" else "population"
        if conv.sd == "stata":
            rule = "stata"
        pmean, psd = _spread(kp, n_loc, rule)
        pci = (kp - pmean) / psd
    return ComplexityIndexes(eci, pci, kc, kp, mean, sd, lam2, lam1 - lam2)


def proximity_discrete(m: ArrayLike, asymmetric: bool = False) -> FloatArray:
    r"""Product proximity from co-occurrence of presence, diagonal 0.

    .. math::
        \phi_{pp'} = \frac{\sum_c M_{cp} M_{cp'}}{\max(k_{p,0}, k_{p',0})}
        \quad\text{(symmetric)},\qquad
        \phi_{pp'} = \frac{\sum_c M_{cp} M_{cp'}}{k_{p,0}}\quad\text{(asymmetric, } P(p'\mid p))

    Reference: Hidalgo, Klinger, Barabási & Hausmann (2007), The product space conditions the
    development of nations, *Science* 317(5837), 482-487; Stata ``proxdiscrete.ado``.
    A product of ubiquity 0 gives NaN in its row (and column when symmetric).
    """
    mat = _matrix(m, "proximity_discrete")
    # co-occurrence counts are integers (< 2**24): exact in float32, at half the cost
    small = mat.astype(np.float32)
    co = (small.T @ small).astype(np.float64)
    ubi = np.diag(co).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        if asymmetric:
            np.divide(co, ubi[:, None], out=co)
        else:
            # c / max(u, u') equals min(c / u, c / u') exactly: division is monotonic
            u32 = ubi.astype(np.float32)
            np.divide(co, np.maximum.outer(u32, u32), out=co)
    np.fill_diagonal(co, 0.0)
    out: FloatArray = co
    return out


def proximity_continuous(levels: ArrayLike) -> FloatArray:
    r"""Continuous proximity: :math:`\phi_{pp'} = (1 + \rho_{pp'})/2`, diagonal 0, with
    :math:`\rho` the Pearson correlation of the products' RCA (or RPOP) columns across locations.

    Reference: Stata ``proxcontinous.ado`` (Growth Lab); Hausmann et al. (2014).
    """
    mat = _matrix(levels, "proximity_continuous")
    centred = mat - mat.mean(axis=0, keepdims=True)
    norm = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = centred / norm[None, :]
    phi = z.T @ z
    np.clip(phi, -1.0, 1.0, out=phi)
    phi += 1.0
    phi *= 0.5
    np.fill_diagonal(phi, 0.0)
    out: FloatArray = phi
    return out


def knn_neighbours(proximity: ArrayLike, k: int, floor: float = -1.0) -> BoolArray:
    r"""Each product's k nearest neighbours as Stata's ``calculate_density`` picks them.

    Row p keeps every p' with :math:`\phi_{pp'} \ge c_p`, where :math:`a_p` is the k-th largest
    value of row p (diagonal 0 included) and the cut-off is Stata's floored maximum
    :math:`c_p = (a_p + f + |a_p - f|)/2` with the floor ``f`` (Stata's ``knnt``, default -1).
    That expression equals :math:`\max(a_p, f)` in exact arithmetic but, evaluated in doubles as
    Stata does, can land one unit in the last place above :math:`a_p`; the k-th neighbour is then
    dropped. Reproducing the arithmetic reproduces Stata's neighbour counts (k or k-1; ties at the
    cut-off are all kept, so possibly more than k).
    """
    phi = _matrix(proximity, "knn_neighbours")
    if not 1 <= k <= phi.shape[1]:
        raise MethodError(f"knn_neighbours: k must be between 1 and {phi.shape[1]}; got {k}")
    kth = -np.partition(-phi, k - 1, axis=1)[:, k - 1]
    cut = (kth + floor + np.abs(kth - floor)) / 2.0
    out: BoolArray = phi >= cut[:, None]
    return out


def density(
    levels: ArrayLike,
    proximity: ArrayLike,
    knn: int | None = None,
    neighbours: ArrayLike | None = None,
) -> FloatArray:
    r"""Density of each product around each location.

    .. math:: \omega_{cp} = \frac{\sum_{p'} L_{cp'}\, \phi_{pp'}}{\sum_{p'} \phi_{pp'}}

    with :math:`L = M` (discrete proximity) or RCA/RPOP (continuous proximity, as Stata), the
    sums over all p' or over p's k nearest neighbours (:func:`knn_neighbours`, or an explicit
    boolean ``neighbours`` mask). A product whose kept proximities sum to 0 gets density 0.

    Reference: Hidalgo et al. (2007), *Science* 317(5837); Stata ``calculate_density.ado``.
    """
    lev = _matrix(levels, "density")
    phi = _matrix(proximity, "density")
    if neighbours is not None:
        phi = np.where(np.asarray(neighbours, dtype=bool), phi, 0.0)
    elif knn is not None:
        phi = np.where(knn_neighbours(phi, knn), phi, 0.0)
    weight_sum = phi.sum(axis=1)
    # (L phi') / row sums: the normalised weights are never formed (P x P); divided in place
    out: FloatArray = lev @ phi.T
    empty = weight_sum == 0
    np.divide(out, np.where(empty, 1.0, weight_sum), out=out)
    if empty.any():
        out[:, empty] = 0.0
    return out


def complexity_outlook(
    m: ArrayLike,
    density_cp: ArrayLike,
    proximity: ArrayLike,
    kp: ArrayLike,
    sd: float,
    n_rows_per_location: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    r"""Complexity outlook index (COI) and complexity outlook gain (COG), Stata's form.

    .. math::
        COI_c^{raw} = \sum_p \omega_{cp} (1 - M_{cp})\, k_p,\qquad
        COG_{cp} = \frac{1 - M_{cp}}{s} \sum_{p'} (1 - M_{cp'})\,
                   \frac{\phi_{p'p}}{\sum_{p''} \phi_{p'p''}}\, k_{p'}

    with :math:`k_p` the raw PCI eigenvector and :math:`s` ECI's SD; COI is then standardised
    over the location x product rows (sample SD, each location repeated
    ``n_rows_per_location`` times, default P) as Stata does. The two halves are
    :func:`complexity_outlook_index` and :func:`complexity_outlook_gain`.

    Reference: Hausmann et al. (2014), *The Atlas of Economic Complexity*, ch. 4 and technical
    box 5.1; Stata ``coicog.ado``.
    """
    coi = complexity_outlook_index(m, density_cp, kp, n_rows_per_location)
    cog = complexity_outlook_gain(m, proximity, kp, sd)
    return coi, cog


def complexity_outlook_index(
    m: ArrayLike, density_cp: ArrayLike, kp: ArrayLike, n_rows_per_location: int | None = None
) -> FloatArray:
    r"""Complexity outlook index, Stata's form (see :func:`complexity_outlook`).

    .. math:: COI_c^{raw} = \sum_p \omega_{cp} (1 - M_{cp})\, k_p

    standardised over the location x product rows (sample SD, each location repeated
    ``n_rows_per_location`` times, default P). Reference: Hausmann et al. (2014); Stata
    ``coicog.ado``.
    """
    mat = _matrix(m, "complexity_outlook")
    dens = _matrix(density_cp, "complexity_outlook")
    k = np.asarray(kp, dtype=np.float64).reshape(-1)
    coi_raw = (dens * (1.0 - mat)) @ k
    reps = mat.shape[1] if n_rows_per_location is None else n_rows_per_location
    mean, spread = _spread(coi_raw, reps, "stata")
    coi: FloatArray = (coi_raw - mean) / spread if spread > 0 else np.zeros_like(coi_raw)
    return coi


def complexity_outlook_gain(
    m: ArrayLike, proximity: ArrayLike, kp: ArrayLike, sd: float
) -> FloatArray:
    r"""Complexity outlook gain, Stata's form (see :func:`complexity_outlook`).

    .. math:: COG_{cp} = \frac{1 - M_{cp}}{s} \sum_{p'} (1 - M_{cp'})\,
                   \frac{\phi_{p'p}}{\sum_{p''} \phi_{p'p''}}\, k_{p'}

    Reference: Hausmann et al. (2014), technical box 5.1; Stata ``coicog.ado``.
    """
    mat = _matrix(m, "complexity_outlook")
    phi = _matrix(proximity, "complexity_outlook")
    k = np.asarray(kp, dtype=np.float64).reshape(-1)
    absent = 1.0 - mat
    row_sum = phi.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = k / row_sum
    # sum_p' (1 - M_cp') k_p' / r_p' phi_p'p without forming the scaled P x P matrix
    cog: FloatArray = (absent * weight[None, :]) @ phi
    cog *= absent
    cog /= sd
    return cog


def subnational_eci(m_region: ArrayLike, pci: ArrayLike) -> FloatArray:
    r"""ECI of regions from the world's PCI: :math:`ECI_r = \frac{1}{k_{r,0}} \sum_p M_{rp} PCI_p`.

    The regions' presence ``m_region`` (R, P) is taken against world totals; since
    :math:`k_c = D^{-1} M k_p`, this is the world ECI formula applied to the region, on the scale
    of the world's ECI (as the OEC computes subnational complexity). A region with no presence
    gets NaN.

    Reference: Hausmann et al. (2014); OEC, "Economic complexity: methods" (subnational ECI).
    """
    mat = np.asarray(m_region, dtype=np.float64)
    if mat.ndim == 1:
        mat = mat[None, :]
    p = np.asarray(pci, dtype=np.float64).reshape(-1)
    if mat.shape[1] != p.shape[0]:
        raise MethodError("subnational_eci: one PCI per product column is needed")
    div = mat.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (mat @ p) / div
    return out


def feasible_products(
    m_row: ArrayLike, density_row: ArrayLike, pci: ArrayLike, top: int = 20
) -> NDArray[np.intp]:
    r"""Column indexes of the most feasible new products of one location, best first.

    Candidates are products not yet exported competitively (:math:`M_p = 0`); they are ranked by
    :math:`z(\omega_p) + z(PCI_p)`, the sum of density and PCI standardised over the candidates:
    near the current capabilities and complex (the "strategic bets" quadrant of
    Hausmann et al., 2014, *The Atlas of Economic Complexity*, ch. 5).
    """
    mrow = np.asarray(m_row, dtype=np.float64).reshape(-1)
    dens = np.asarray(density_row, dtype=np.float64).reshape(-1)
    p = np.asarray(pci, dtype=np.float64).reshape(-1)
    candidates = np.nonzero((mrow == 0) & np.isfinite(dens) & np.isfinite(p))[0]
    if candidates.size == 0:
        return candidates

    def z(v: FloatArray) -> FloatArray:
        sd = v.std()
        return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)

    score = z(dens[candidates]) + z(p[candidates])
    order = np.lexsort((candidates, -score))
    best: NDArray[np.intp] = candidates[order[:top]]
    return best
