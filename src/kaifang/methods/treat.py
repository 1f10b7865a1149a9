"""Outlier treatment: COINr's winsorisation rule, log transforms, Box-Cox.

The default treatment follows COINr v1.1.14 ``Treat()`` (R/treat.R), the JRC rule: a column
*passes* when ``|skew| < 2`` OR ``kurtosis < 3.5`` (sample-adjusted skewness and excess kurtosis,
see :mod:`kaifang.methods.stats`); a failing column is winsorised one extreme at a time, up to 5
points; if it still fails, the winsorisation is discarded and COINr's ``log_CT`` is applied to
the original values instead.

References
----------
OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, section 3 (outliers);
JRC COIN (2019), *Ten step guide*, step 3; Becker, W. et al. (2022), COINr, *JOSS* 7(78), 4567.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kaifang.errors import MethodError
from kaifang.methods.stats import (
    RowSums,
    column_skew_kurt,
    kurtosis,
    row_central_sums,
    row_skew_kurt,
    skewness,
)

__all__ = [
    "TREATMENTS",
    "boxcox",
    "check_skew_kurt",
    "kurtosis",
    "log",
    "log1p",
    "log_ct",
    "log_ct_plus",
    "skewness",
    "winsorise",
    "winsorise_column",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
Info = dict[str, Any]


def _matrix(x: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"{name} expects x of shape (n, m); got shape {a.shape}")
    return a


def _vector(v: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(v, dtype=np.float64)
    if a.ndim != 1:
        raise MethodError(f"{name} expects a 1-D column; got shape {a.shape}")
    return a


def check_skew_kurt(
    v: ArrayLike, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> bool | None:
    """COINr's pass test ``check_SkewKurt``: ``|skew| < skew_thresh OR kurt < kurt_thresh``.

    NaN values are ignored. R's three-valued logic is kept: the result is ``True`` if either
    condition holds, ``None`` (R's ``NA``) if neither holds and one statistic is undefined (fewer
    than 3 or 4 values, or a constant column), ``False`` otherwise.

    References
    ----------
    COINr ``check_SkewKurt`` (R/treat.R).
    """
    a = _vector(v, "check_skew_kurt")
    return _check(a, skew_thresh, kurt_thresh)[0]


def _check(
    a: FloatArray, skew_thresh: float, kurt_thresh: float
) -> tuple[bool | None, float, float]:
    """COINr's pass test with R's NA logic, plus the skewness and kurtosis it used."""
    sks, kts = column_skew_kurt(a)
    sk, kt = float(sks[0]), float(kts[0])
    skew_ok = None if np.isnan(sk) else bool(abs(sk) < skew_thresh)
    kurt_ok = None if np.isnan(kt) else bool(kt < kurt_thresh)
    if skew_ok or kurt_ok:
        return True, sk, kt
    if skew_ok is None or kurt_ok is None:
        return None, sk, kt
    return False, sk, kt


def log_ct(x: ArrayLike) -> FloatArray:
    """COINr's "COIN Tool" log transform ``log_CT``, column by column, NaN ignored.

    .. math::

        y_{ij} = \\ln\\big(x_{ij} - \\min_k x_{kj} + 0.01\\,(\\max_k x_{kj} - \\min_k x_{kj})\\big)

    Works for any sign of ``x``; the column minimum maps to :math:`\\ln(0.01 \\cdot range)`.
    No correction for the sign of the skew (see :func:`log_ct_plus`).

    Parameters
    ----------
    x : array_like, shape (n, m) or (n,)

    Returns
    -------
    ndarray of float64, same shape

    Raises
    ------
    MethodError
        If a column with observed values is constant (the log of zero would be -Inf).

    References
    ----------
    COINr ``log_CT`` (R/treat.R).
    """
    a = np.asarray(x, dtype=np.float64)
    two = _matrix(a[:, None] if a.ndim == 1 else a, "log_ct")
    out = np.full(two.shape, np.nan)
    for j in range(two.shape[1]):
        col = two[:, j]
        obs = ~np.isnan(col)
        if not obs.any():
            continue
        mn, mx = col[obs].min(), col[obs].max()
        if mn == mx:
            raise MethodError(
                f"log_ct: column {j} is constant ({mn}); log(x - min + 0.01 * range) is undefined"
            )
        out[obs, j] = np.log(col[obs] - mn + 0.01 * (mx - mn))
    return out.reshape(a.shape)


def log_ct_plus(v: ArrayLike) -> tuple[FloatArray, str]:
    """COINr's skew-aware log ``log_CT_plus`` for one column, NaN ignored.

    .. math::

        y = \\begin{cases} \\ln(x - x_{min} + a) & G_1 > 0 \\\\
                           -\\ln(x_{max} + a - x) & \\text{otherwise} \\end{cases},
        \\qquad a = 0.01 (x_{max} - x_{min})

    Returns
    -------
    (ndarray, str)
        The transformed column and ``"log_CT"`` or ``"log_CT_neg"`` (the branch used).

    Raises
    ------
    MethodError
        If the column is constant or has no observed value.

    References
    ----------
    COINr ``log_CT_plus`` (R/treat.R).
    """
    a = _vector(v, "log_ct_plus")
    obs = ~np.isnan(a)
    if not obs.any() or a[obs].min() == a[obs].max():
        raise MethodError("log_ct_plus: the column is constant or empty; the log is undefined")
    mn, mx = a[obs].min(), a[obs].max()
    shift = 0.01 * (mx - mn)
    out = np.full(a.shape, np.nan)
    if skewness(a) > 0:
        out[obs] = np.log(a[obs] - mn + shift)
        return out, "log_CT"
    out[obs] = -np.log(mx + shift - a[obs])
    return out, "log_CT_neg"


def winsorise_column(
    v: ArrayLike,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    *,
    force: bool = False,
    f2: Literal["log_ct", "log_ct_plus"] | None = "log_ct",
) -> tuple[FloatArray, Info]:
    """COINr's default ``Treat()`` of one column: winsorise, else ``log_CT`` of the original.

    1. Pass test (:func:`check_skew_kurt`): ``|G1| < skew_thresh`` OR ``G2 < kurt_thresh``. A
       passing column is returned unchanged.
    2. Otherwise, while the column fails (or ``force``) and fewer than ``winmax`` points are
       winsorised: if :math:`G_1 \\ge 0` every cell equal to the current maximum is set to the
       largest other value (high side), else every cell equal to the minimum is set to the
       smallest other value (low side). The count of winsorised points is the number of cells at
       the current high extreme plus those at the low extreme (tied cells move together, so the
       count may pass ``winmax``), exactly as COINr's ``winsorise``.
    3. If the winsorised column still fails, it is discarded and ``f2`` is applied to the
       ORIGINAL values (COINr ``combine_treat = FALSE``, ``f2 = "log_CT"``; see :func:`log_ct`).
       The result is returned whether or not it passes (``info["passed"]`` says).

    NaN values are ignored by every statistic and stay NaN.

    Parameters
    ----------
    v : array_like, shape (n,)
        One indicator column.
    winmax : int or None
        Maximum number of winsorised points (default 5); ``None`` = no limit.
    skew_thresh, kurt_thresh : float
        Thresholds of the pass test (COINr defaults 2 and 3.5; kurtosis is excess kurtosis).
    force : bool
        COINr's ``force_win``: keep winsorising up to ``winmax`` points even once the column
        passes, and winsorise a column that passes from the start (as COINr's ``winsorise()``
        called directly; inside COINr's ``Treat()`` a passing column is never winsorised).
    f2 : {"log_ct", "log_ct_plus"} or None
        Second treatment for a column that still fails; ``None`` keeps the winsorised column.
        COINr's default ``log_CT`` ignores the sign of the skew (it does not fix a negatively
        skewed column); ``"log_ct_plus"`` mirrors the log for negative skew.

    Returns
    -------
    treated : ndarray of float64, shape (n,)
    info : dict
        ``n_winsorised`` (points changed in ``treated``), ``winsorised_high`` and
        ``winsorised_low`` (row indices), ``attempted_winsorised`` (points winsorised before a
        revert, else equal to ``n_winsorised``), ``transformed`` (``None``, ``"log_CT"`` or
        ``"log_CT_neg"``), ``skew_before``, ``kurt_before``, ``skew_after``, ``kurt_after``,
        ``passed`` (final pass test: ``True``, ``False`` or ``None`` if undefined) and
        ``note`` (why nothing was done, if so).

    Notes
    -----
    Two undefined cases, made explicit where COINr warns or stops: (a) if the initial test is
    undefined (fewer than 4 observed values and the skew test fails, or a constant column) the
    column is returned untreated, as ``Treat.numeric`` does; (b) if winsorising makes the column
    constant (the test becomes undefined), the loop stops and the ORIGINAL column is returned
    untreated (COINr's ``Treat.numeric`` does the same when the test returns NA after ``f1``;
    its ``winsorise`` loop would otherwise stop with an error).

    References
    ----------
    COINr ``Treat.numeric``, ``winsorise``, ``check_SkewKurt``, ``log_CT`` (R/treat.R, v1.1.14);
    OECD/JRC (2008) Handbook, section 3.
    """
    x0 = _vector(v, "winsorise_column")
    if winmax is not None and winmax < 0:
        raise MethodError(f"winmax must be >= 0 or None; got {winmax}")
    passing, sk, kt = _check(x0, skew_thresh, kurt_thresh)
    info: Info = {
        "n_winsorised": 0,
        "winsorised_high": [],
        "winsorised_low": [],
        "attempted_winsorised": 0,
        "transformed": None,
        "skew_before": sk,
        "kurt_before": kt,
        "passed": None,
        "note": None,
    }

    def finish(out: FloatArray, passed: bool | None) -> tuple[FloatArray, Info]:
        _, info["skew_after"], info["kurt_after"] = _check(out, skew_thresh, kurt_thresh)
        info["passed"] = passed
        return out, info

    if passing is None:
        info["note"] = "skew/kurtosis undefined (fewer than 4 values or constant): untreated"
        return finish(x0.copy(), None)
    if passing and not force:
        return finish(x0.copy(), True)

    x = x0.copy()
    imax = np.empty(0, dtype=np.intp)
    imin = np.empty(0, dtype=np.intp)
    nwin = 0
    while (not passing or force) and (winmax is None or nwin < winmax):
        obs = ~np.isnan(x)
        hi_val, lo_val = x[obs].max(), x[obs].min()
        if hi_val == lo_val or np.isnan(sk):
            passing = None
            break
        if sk >= 0:  # high outliers (COINr: skew >= 0 winsorises the top)
            imax = np.flatnonzero(x == hi_val)
            x[imax] = x[obs & (x != hi_val)].max()
        else:
            imin = np.flatnonzero(x == lo_val)
            x[imin] = x[obs & (x != lo_val)].min()
        nwin = imax.size + imin.size
        passing, sk, _ = _check(x, skew_thresh, kurt_thresh)
        if passing is None:
            break
    info["attempted_winsorised"] = nwin

    if passing is None:
        info["note"] = "winsorising made the column constant: reverted, untreated"
        return finish(x0.copy(), None)
    if passing or f2 is None:
        info["n_winsorised"] = nwin
        info["winsorised_high"] = imax.tolist()
        info["winsorised_low"] = imin.tolist()
        return finish(x, passing)

    if f2 == "log_ct":
        out = log_ct(x0)
        info["transformed"] = "log_CT"
    elif f2 == "log_ct_plus":
        out, info["transformed"] = log_ct_plus(x0)
    else:
        raise MethodError(f"f2 must be 'log_ct', 'log_ct_plus' or None; got {f2!r}")
    return finish(out, check_skew_kurt(out, skew_thresh, kurt_thresh))


def winsorise(
    x: ArrayLike,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    *,
    force: bool = False,
    f2: Literal["log_ct", "log_ct_plus"] | None = "log_ct",
) -> tuple[FloatArray, list[Info]]:
    """Apply :func:`winsorise_column` (COINr's default ``Treat``) to every column of ``x``.

    The result is exactly (bit for bit, info included) that of :func:`winsorise_column` on each
    column, computed for all columns at once: every round of the rule winsorises the current
    extreme of all still-failing columns together and re-tests them in one vectorised call
    (:func:`kaifang.methods.stats.row_skew_kurt`, which sums each column in the same order as
    the one-column function). A column that certainly still fails is recognised from power
    sums updated move by move, with a rounding-error bound, and skips the exact re-test (see
    ``_screen_fail``); every decision and reported statistic is still the exact one. A column
    leaves the rounds when it passes, reaches ``winmax`` points or becomes constant; the
    finishing rules are those of :func:`winsorise_column`. With ``force=True`` the columns are
    treated one by one.

    Parameters
    ----------
    x : array_like, shape (n, m)
    winmax, skew_thresh, kurt_thresh, force, f2
        See :func:`winsorise_column`.

    Returns
    -------
    treated : ndarray of float64, shape (n, m)
    infos : list of dict
        One info dict per column (see :func:`winsorise_column`), with ``"column"`` added.

    Raises
    ------
    MethodError
        If ``winmax`` is negative or ``f2`` is not one of the documented values.

    References
    ----------
    COINr ``Treat.data.frame`` defaults (R/treat.R).
    """
    a = _matrix(x, "winsorise")
    if winmax is not None and winmax < 0:
        raise MethodError(f"winmax must be >= 0 or None; got {winmax}")
    if f2 not in (None, "log_ct", "log_ct_plus"):
        raise MethodError(f"f2 must be 'log_ct', 'log_ct_plus' or None; got {f2!r}")
    out = a.copy()
    if force:
        infos: list[Info] = []
        for j in range(a.shape[1]):
            out[:, j], info = winsorise_column(
                a[:, j], winmax, skew_thresh, kurt_thresh, force=True, f2=f2
            )
            infos.append({"column": j, **info})
        return out, infos

    # Columns as contiguous rows: every statistic below sums a column as the 1-D case does.
    cols = np.ascontiguousarray(a.T)
    sums0 = row_central_sums(cols)
    sk0, kt0 = sums0.skew_kurt()
    status0 = _pass_status(sk0, kt0, skew_thresh, kurt_thresh)
    infos = [_info(j, float(sk0[j]), float(kt0[j])) for j in range(a.shape[1])]
    for j in np.flatnonzero(status0 != _FAIL).tolist():
        passed = _PASSED[int(status0[j])]
        infos[j].update(passed=passed, skew_after=infos[j]["skew_before"])
        infos[j]["kurt_after"] = infos[j]["kurt_before"]
        if passed is None:
            infos[j]["note"] = (
                "skew/kurtosis undefined (fewer than 4 values or constant): untreated"
            )

    failing = np.flatnonzero(status0 == _FAIL)
    rounds = _winsorise_rounds(
        cols[failing],
        RowSums(*(v[failing] for v in sums0)),
        winmax,
        skew_thresh,
        kurt_thresh,
        final_stats=f2 is None,
    )
    revert: list[int] = []
    for i, j in enumerate(failing.tolist()):
        info = infos[j]
        info["attempted_winsorised"] = int(rounds.nwin[i])
        status = int(rounds.status[i])
        if status == _NA:
            info.update(passed=None, skew_after=info["skew_before"])
            info["kurt_after"] = info["kurt_before"]
            info["note"] = "winsorising made the column constant: reverted, untreated"
        elif status == _PASS or f2 is None:
            out[:, j] = rounds.values[i]
            info["n_winsorised"] = int(rounds.nwin[i])
            info["winsorised_high"] = np.flatnonzero(rounds.high[i]).tolist()
            info["winsorised_low"] = np.flatnonzero(rounds.low[i]).tolist()
            info.update(passed=_PASSED[status], skew_after=float(rounds.skew[i]))
            info["kurt_after"] = float(rounds.kurt[i])
        else:
            revert.append(j)
    if revert and f2 is not None:
        _revert_and_log(a, cols, revert, out, infos, f2, skew_thresh, kurt_thresh)
    return out, infos


# Pass-test outcome codes of the vectorised rounds (R's TRUE, FALSE, NA) and their info values.
_PASS, _FAIL, _NA = 1, 0, -1
_PASSED: dict[int, bool | None] = {_PASS: True, _FAIL: False, _NA: None}


def _pass_status(
    sk: FloatArray, kt: FloatArray, skew_thresh: float, kurt_thresh: float
) -> NDArray[np.int8]:
    """:func:`_check`'s three-valued outcome per column: _PASS, _FAIL or _NA."""
    ok = (np.abs(sk) < skew_thresh) | (kt < kurt_thresh)  # NaN compares False
    undefined = np.isnan(sk) | np.isnan(kt)
    return np.where(ok, _PASS, np.where(undefined, _NA, _FAIL)).astype(np.int8)


def _info(j: int, sk: float, kt: float) -> Info:
    """A column's info dict before treatment, keys in :func:`winsorise_column`'s order."""
    return {
        "column": j,
        "n_winsorised": 0,
        "winsorised_high": [],
        "winsorised_low": [],
        "attempted_winsorised": 0,
        "transformed": None,
        "skew_before": sk,
        "kurt_before": kt,
        "passed": None,
        "note": None,
    }


class _Rounds(NamedTuple):
    """Outcome of the winsorising rounds, one row per failing column."""

    values: FloatArray  # (k, n) the columns after their last round
    status: NDArray[np.int8]  # last pass test: _PASS, _FAIL or _NA
    nwin: IntArray  # cells of the last high move + cells of the last low move (COINr's nwin)
    high: BoolArray  # (k, n) cells of the last high-side move
    low: BoolArray  # (k, n) cells of the last low-side move
    skew: FloatArray  # statistics of ``values`` (the last test)
    kurt: FloatArray


def _winsorise_rounds(
    w: FloatArray,
    sums: RowSums,
    winmax: int | None,
    skew_thresh: float,
    kurt_thresh: float,
    *,
    final_stats: bool,
) -> _Rounds:
    """:func:`winsorise_column`'s loop for many failing columns (the rows of ``w``) at once.

    Each round moves, in every column still running, all cells tied at the extreme on the side
    of the skew to the next value in (NaN ignored), then re-tests those columns together. A
    column stops when it passes, when its test is undefined (it became constant) or when
    ``nwin >= winmax``; its values, counts and statistics stay as of its last round.

    ``sums`` are the central sums of ``w`` (:func:`row_central_sums`). The re-test is screened
    (:func:`_screen_fail`): a column that certainly still fails, on a known side, is not
    re-computed; every other column gets the exact statistics of :func:`winsorise_column`, so
    every decision and every reported value is that of the one-column loop. The statistics of
    a column that stops failing at ``winmax`` are computed only if ``final_stats``; otherwise
    they are NaN (the caller reverts such columns).
    """
    k = w.shape[0]
    values = w.copy()
    status = np.full(k, _FAIL, dtype=np.int8)
    nwin = np.zeros(k, dtype=np.intp)
    skew, kurt = sums.skew_kurt()
    went_up, went_down = np.zeros(k, dtype=bool), np.zeros(k, dtype=bool)
    unknown = np.zeros(k, dtype=bool)  # stopped without exact statistics of the last round
    # State of the running columns, compacted as columns stop; `live` maps to rows of `w`.
    live = np.arange(k) if winmax is None or winmax > 0 else np.arange(0)
    cur, missing = values[live], np.isnan(values[live])
    with np.errstate(invalid="ignore"):  # (lo + spread need not round back to the maximum)
        hi: FloatArray = np.fmax.reduce(cur, axis=1, initial=-np.inf)
    lo: FloatArray = sums.lo[live]
    # Power sums of y = (x - lo0) / spread0 - mean0 (|y| <= 1) kept up to date move by move.
    base = RowSums(*(v[live] for v in sums))
    power = [np.zeros(live.size), base.s2.copy(), base.s3.copy(), base.s4.copy()]
    up = skew[live] >= 0  # COINr: skew >= 0 winsorises the top
    n_high, n_low = np.zeros(live.size, dtype=np.intp), np.zeros(live.size, dtype=np.intp)
    rnd = 0
    while live.size:
        rnd += 1
        # A running column failed a defined test, so it has two distinct values and a finite
        # skew: there is always a next value in (winsorise_column's "constant" exit before a
        # move cannot occur here).
        ext = np.where(up, hi, lo)
        at = cur == ext[:, None]
        rest = ~at  # NaN cells too: the NaN-ignoring reductions skip them
        with np.errstate(invalid="ignore"):
            if up.all():
                inward = np.fmax.reduce(cur, axis=1, where=rest, initial=-np.inf)
            elif not up.any():
                inward = np.fmin.reduce(cur, axis=1, where=rest, initial=np.inf)
            else:
                inward = np.where(
                    up,
                    np.fmax.reduce(cur, axis=1, where=rest, initial=-np.inf),
                    np.fmin.reduce(cur, axis=1, where=rest, initial=np.inf),
                )
        np.copyto(cur, inward[:, None], where=at)
        hi, lo = np.where(up, inward, hi), np.where(up, lo, inward)
        count = at.sum(axis=1)
        n_high, n_low = np.where(up, count, n_high), np.where(up, n_low, count)
        went_up[live[up]] = True
        went_down[live[~up]] = True
        y_old = (ext - base.lo) / base.spread - base.mean
        y_new = (inward - base.lo) / base.spread - base.mean
        for p in range(4):
            power[p] += count * (y_new ** (p + 1) - y_old ** (p + 1))

        fails, sure_up = _screen_fail(power, base.n, rnd, skew_thresh, kurt_thresh)
        cur_status = np.full(live.size, _FAIL, dtype=np.int8)
        cur_skew, cur_kurt = np.full(live.size, np.nan), np.full(live.size, np.nan)
        exact = ~fails
        if exact.any():
            sk_e, kt_e = row_skew_kurt(
                cur[exact], missing=missing[exact], lo=lo[exact], hi=hi[exact]
            )
            cur_skew[exact], cur_kurt[exact] = sk_e, kt_e
            cur_status[exact] = _pass_status(sk_e, kt_e, skew_thresh, kurt_thresh)
        up = np.where(exact, cur_skew >= 0, sure_up)
        stop = cur_status != _FAIL
        if winmax is not None:
            stop |= n_high + n_low >= winmax
        if stop.any():
            done = live[stop]
            values[done], status[done] = cur[stop], cur_status[stop]
            nwin[done] = n_high[stop] + n_low[stop]
            skew[done], kurt[done] = cur_skew[stop], cur_kurt[stop]
            unknown[done] = ~exact[stop]
            keep = ~stop
            live, cur, missing, hi, lo = live[keep], cur[keep], missing[keep], hi[keep], lo[keep]
            base = RowSums(*(v[keep] for v in base))
            power = [v[keep] for v in power]
            up, n_high, n_low = up[keep], n_high[keep], n_low[keep]
    if final_stats and unknown.any():
        skew[unknown], kurt[unknown] = row_skew_kurt(values[unknown])
    # The last high move took every cell then at the maximum, which holds all cells moved
    # before; those are exactly the cells whose original value exceeds the final maximum
    # (no original value lies between it and the maximum it replaced). Likewise for low.
    with np.errstate(invalid="ignore"):
        top = np.fmax.reduce(values, axis=1, initial=-np.inf)
        bottom = np.fmin.reduce(values, axis=1, initial=np.inf)
        high = (w > top[:, None]) & went_up[:, None]
        low = (w < bottom[:, None]) & went_down[:, None]
    return _Rounds(values, status, nwin, high, low, skew, kurt)


def _screen_fail(
    power: list[FloatArray],
    n: FloatArray,
    rounds: int,
    skew_thresh: float,
    kurt_thresh: float,
) -> tuple[BoolArray, BoolArray]:
    """Columns that certainly fail the pass test, and (for those) whether the skew is >= 0.

    ``power`` holds :math:`P_p = \\sum_i y_i^p` (p = 1..4) of the current values in fixed units
    with :math:`|y| \\le 1`. The central moments follow as
    :math:`M_2 = P_2 - n\\delta^2`, :math:`M_3 = P_3 - 3\\delta P_2 + 2n\\delta^3`,
    :math:`M_4 = P_4 - 4\\delta P_3 + 6\\delta^2 P_2 - 3n\\delta^4` with
    :math:`\\delta = P_1 / n`. Every :math:`P_p`, and the sums the exact one-column computation
    would form (expressed in the same units), lie within :math:`E = \\epsilon (n + 64 + 11r) n`
    of the true power sums (pairwise sums of at most n terms of size <= 1, r move updates); the
    moments are then within :math:`64E`. :math:`G_1` and :math:`G_2` are bounded by interval
    arithmetic over those ranges, widened by a relative 1e-9 for their own rounding. A column
    is declared failing only if the whole interval fails (``|G1| >= skew_thresh`` and
    ``G2 >= kurt_thresh``) and excludes a zero skew; anything else is left to the exact test.
    """
    p1, p2, p3, p4 = power
    delta = p1 / n
    m2 = p2 - n * delta**2
    m3 = p3 - 3.0 * delta * p2 + 2.0 * n * delta**3
    m4 = p4 - 4.0 * delta * p3 + 6.0 * delta**2 * p2 - 3.0 * n * delta**4
    err = 64.0 * np.finfo(np.float64).eps * (n + 64.0 + 11.0 * rounds) * n
    usable = m2 > 4.0 * err  # else cancellation may have eaten the variance: go exact
    m2_lo, m2_hi = np.where(usable, m2 - err, 1.0), np.where(usable, m2 + err, 1.0)
    c1 = np.sqrt(n) * np.sqrt(n * (n - 1.0)) / (n - 2.0)
    m3_lo, m3_hi = m3 - err, m3 + err
    sk_lo = c1 * m3_lo / np.where(m3_lo >= 0, m2_hi, m2_lo) ** 1.5
    sk_hi = c1 * m3_hi / np.where(m3_hi >= 0, m2_lo, m2_hi) ** 1.5
    m4_lo, m4_hi = m4 - err, m4 + err
    r_lo = n * m4_lo / np.where(m4_lo >= 0, m2_hi, m2_lo) ** 2
    r_hi = n * m4_hi / np.where(m4_hi >= 0, m2_lo, m2_hi) ** 2
    c2 = (n - 1.0) / ((n - 2.0) * (n - 3.0))
    kt_lo = ((n + 1.0) * (r_lo - 3.0) + 6.0) * c2
    sk_lo = sk_lo - 1e-9 * (1.0 + np.abs(sk_lo))
    sk_hi = sk_hi + 1e-9 * (1.0 + np.abs(sk_hi))
    kt_lo = kt_lo - 1e-9 * (1.0 + np.abs(kt_lo))
    del r_hi  # G2 only needs its lower bound: a failing G2 is one >= kurt_thresh
    sure_up, sure_down = sk_lo > 0, sk_hi < 0
    skew_fails = (sk_lo > skew_thresh) | (sk_hi < -skew_thresh)
    fails = usable & skew_fails & (kt_lo > kurt_thresh) & (sure_up | sure_down)
    return fails, sure_up


def _log_ct_rows(c: FloatArray) -> FloatArray:
    """:func:`log_ct` of columns stored as the rows of ``c`` (non-constant), same arithmetic."""
    mn = np.fmin.reduce(c, axis=1, initial=np.inf)
    mx = np.fmax.reduce(c, axis=1, initial=-np.inf)
    # log_ct evaluates x - min + 0.01 * (max - min) as (x - min) + (0.01 * (max - min))
    out: FloatArray = np.log((c - mn[:, None]) + (0.01 * (mx - mn))[:, None])
    return out


def _revert_and_log(
    a: FloatArray,
    cols: FloatArray,
    revert: list[int],
    out: FloatArray,
    infos: list[Info],
    f2: Literal["log_ct", "log_ct_plus"],
    skew_thresh: float,
    kurt_thresh: float,
) -> None:
    """Discard the winsorising of still-failing columns and apply ``f2`` to their originals."""
    if f2 == "log_ct":
        logged = _log_ct_rows(cols[revert])
        kinds = ["log_CT"] * len(revert)
    else:
        pairs = [log_ct_plus(a[:, j]) for j in revert]
        logged = np.array([p[0] for p in pairs])
        kinds = [p[1] for p in pairs]
    sk, kt = row_skew_kurt(logged)
    status = _pass_status(sk, kt, skew_thresh, kurt_thresh)
    out[:, revert] = logged.T
    for i, j in enumerate(revert):
        infos[j].update(transformed=kinds[i], passed=_PASSED[int(status[i])])
        infos[j].update(skew_after=float(sk[i]), kurt_after=float(kt[i]))


def _first_bad(a: FloatArray, bad: NDArray[np.bool_]) -> tuple[int, int, float]:
    r, c = np.argwhere(bad)[0]
    return int(r), int(c), float(a[r, c])


def log(x: ArrayLike) -> FloatArray:
    """Natural logarithm :math:`y = \\ln x`; every observed value must be positive.

    Raises
    ------
    MethodError
        Naming the first column and row with a value <= 0 and the value found.

    References
    ----------
    OECD/JRC (2008) Handbook, section 3 (transformations).
    """
    a = _matrix(x, "log")
    bad = a <= 0  # NaN compares False: missing stays missing
    if bad.any():
        r, c, val = _first_bad(a, bad)
        raise MethodError(
            f"log: column {c}, row {r} has value {val}; log needs positive values "
            f"({int(bad[:, c].sum())} such value(s) in that column). Use log1p or log_ct"
        )
    return np.log(a)


def log1p(x: ArrayLike) -> FloatArray:
    """:math:`y = \\ln(1 + x)`; every observed value must exceed -1.

    Raises
    ------
    MethodError
        Naming the first column and row with a value <= -1 and the value found.

    References
    ----------
    OECD/JRC (2008) Handbook, section 3 (transformations).
    """
    a = _matrix(x, "log1p")
    bad = a <= -1
    if bad.any():
        r, c, val = _first_bad(a, bad)
        raise MethodError(
            f"log1p: column {c}, row {r} has value {val}; log1p needs values > -1 "
            f"({int(bad[:, c].sum())} such value(s) in that column). Use log_ct"
        )
    return np.log1p(a)


def boxcox(v: ArrayLike, lmbda: float | None = None) -> tuple[FloatArray, float]:
    """Box-Cox transform of one column via ``scipy.stats.boxcox``, NaN ignored.

    .. math::

        y = \\frac{x^{\\lambda} - 1}{\\lambda}\\ (\\lambda \\ne 0),\\qquad
        y = \\ln x\\ (\\lambda = 0)

    With ``lmbda=None`` :math:`\\lambda` maximises the profile log-likelihood (scipy). Unlike
    COINr's ``boxcox(makepos = TRUE)`` no shift is applied: values must be positive.

    Returns
    -------
    (ndarray of float64, float)
        The transformed column and :math:`\\lambda`.

    Raises
    ------
    MethodError
        If a value is <= 0, or ``lmbda`` is None and the observed values are constant or fewer
        than 2.

    References
    ----------
    Box, G. E. P. and Cox, D. R. (1964), An analysis of transformations, *JRSS B* 26, 211-252.
    """
    a = _vector(v, "boxcox")
    obs = ~np.isnan(a)
    vals = a[obs]
    if (vals <= 0).any():
        r = int(np.flatnonzero(obs & (a <= 0))[0])
        raise MethodError(f"boxcox: row {r} has value {a[r]}; Box-Cox needs positive values")
    import scipy.stats  # 0.4 s to import: only when Box-Cox is used

    out = np.full(a.shape, np.nan)
    if lmbda is None:
        if vals.size < 2 or vals.min() == vals.max():
            raise MethodError("boxcox: cannot estimate lambda from constant or < 2 values")
        y, lam = scipy.stats.boxcox(vals)
        out[obs] = y
        return out, float(lam)
    out[obs] = scipy.stats.boxcox(vals, lmbda=float(lmbda))
    return out, float(lmbda)


# ---------------------------------------------------------------------------------- registry

Treatment = Callable[..., tuple[FloatArray, list[Info]]]


def _treat_none(x: ArrayLike) -> tuple[FloatArray, list[Info]]:
    a = _matrix(x, "none")
    return a.copy(), [{"column": j, "transformed": None} for j in range(a.shape[1])]


def _treat_log(x: ArrayLike) -> tuple[FloatArray, list[Info]]:
    a = _matrix(x, "log")
    return log(a), [{"column": j, "transformed": "log"} for j in range(a.shape[1])]


def _treat_log1p(x: ArrayLike) -> tuple[FloatArray, list[Info]]:
    a = _matrix(x, "log1p")
    return log1p(a), [{"column": j, "transformed": "log1p"} for j in range(a.shape[1])]


def _treat_log_ct(x: ArrayLike) -> tuple[FloatArray, list[Info]]:
    a = _matrix(x, "log_ct")
    return log_ct(a), [{"column": j, "transformed": "log_CT"} for j in range(a.shape[1])]


def _treat_boxcox(x: ArrayLike, lmbda: float | None = None) -> tuple[FloatArray, list[Info]]:
    a = _matrix(x, "boxcox")
    out = np.empty_like(a)
    infos: list[Info] = []
    for j in range(a.shape[1]):
        try:
            out[:, j], lam = boxcox(a[:, j], lmbda)
        except MethodError as e:
            raise MethodError(f"column {j}: {e}") from e
        infos.append({"column": j, "transformed": "boxcox", "lambda": lam})
    return out, infos


TREATMENTS: dict[str, Treatment] = {
    "winsorise": winsorise,
    "log": _treat_log,
    "log1p": _treat_log1p,
    "boxcox": _treat_boxcox,
    "log_ct": _treat_log_ct,
    "none": _treat_none,
}
"""Config name -> treatment of an (n, m) array returning ``(treated, per-column infos)``."""
