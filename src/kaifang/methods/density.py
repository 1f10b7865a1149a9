"""Kernel density estimates of a cross-section, with the kernel and the bandwidth named.

Used to draw how the distribution of scores moves over the years (a ridge plot).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError

__all__ = ["KERNELS", "bandwidth", "kernel_density"]

FloatArray = NDArray[np.float64]
Kernel = Literal["gaussian", "epanechnikov"]
KERNELS = ("gaussian", "epanechnikov")


def bandwidth(y: ArrayLike, rule: str | float = "silverman") -> float:
    r"""Bandwidth ``h`` of a kernel density estimate.

    - ``"scott"``: :math:`h = 1.06\,\hat\sigma\,n^{-1/5}` (Scott 1992; optimal for a normal
      density with a Gaussian kernel);
    - ``"silverman"``: :math:`h = 0.9\,\min(\hat\sigma, \mathrm{IQR}/1.34)\,n^{-1/5}`
      (Silverman 1986, eq. 3.31; robust to skew and outliers);
    - a number > 0: that value, in the units of ``y``.

    :math:`\hat\sigma` is the sample standard deviation (``ddof=1``). A sample with no spread
    gets ``h = 1e-12`` times its scale so the estimate stays finite.

    References
    ----------
    Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis. Chapman & Hall.
    Scott, D. W. (1992). Multivariate Density Estimation. Wiley.
    """
    a = np.asarray(y, dtype=np.float64)
    a = a[np.isfinite(a)]
    if a.size < 2:
        raise MethodError("bandwidth: at least 2 finite values are needed")
    if not isinstance(rule, str):
        h = float(rule)
        if not h > 0:
            raise MethodError(f"bandwidth: a fixed bandwidth must be > 0; got {rule}")
        return h
    sd = float(a.std(ddof=1))
    if rule == "scott":
        h = 1.06 * sd * a.size ** (-0.2)
    elif rule == "silverman":
        q75, q25 = np.percentile(a, [75, 25])
        spread = min(sd, (q75 - q25) / 1.34) if q75 > q25 else sd
        h = 0.9 * spread * a.size ** (-0.2)
    else:
        raise MethodError(f"bandwidth: rule must be 'scott', 'silverman' or a number; got {rule!r}")
    return h if h > 0 else 1e-12 * max(1.0, float(np.abs(a).max()))


def kernel_density(
    y: ArrayLike, grid: ArrayLike, kernel: Kernel = "gaussian", h: str | float = "silverman"
) -> FloatArray:
    r"""Kernel density estimate :math:`\hat f(x) = \frac{1}{nh}\sum_i K\left(\frac{x-y_i}{h}\right)`
    at the points ``grid``.

    Kernels: Gaussian :math:`K(u) = e^{-u^2/2}/\sqrt{2\pi}`; Epanechnikov
    :math:`K(u) = \frac34 (1-u^2)` for :math:`|u| \le 1`, else 0. ``h`` is a rule name or a value
    (see :func:`bandwidth`). Missing values of ``y`` are left out. With a Gaussian kernel this
    equals ``scipy.stats.gaussian_kde(y, bw_method=h / y.std(ddof=1))``.

    References
    ----------
    Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis. Chapman & Hall,
    section 3.3.
    """
    a = np.asarray(y, dtype=np.float64)
    a = a[np.isfinite(a)]
    x = np.asarray(grid, dtype=np.float64)
    width = bandwidth(a, h)
    u = (x[:, None] - a[None, :]) / width
    if kernel == "gaussian":
        k = np.exp(-0.5 * u**2) / np.sqrt(2.0 * np.pi)
    elif kernel == "epanechnikov":
        k = np.where(np.abs(u) <= 1.0, 0.75 * (1.0 - u**2), 0.0)
    else:
        raise MethodError(f"kernel_density: kernel must be one of {KERNELS}; got {kernel!r}")
    out: FloatArray = k.sum(axis=1) / (a.size * width)
    return out
