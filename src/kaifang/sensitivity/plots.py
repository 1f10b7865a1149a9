"""Pictures of the audit and the sensitivity analysis: rank intervals, Sobol indices and a
correlation heat map, each written as PNG and SVG with zh or en labels.

matplotlib runs on the Agg canvas (no display, no pyplot global state). Chinese labels need a CJK
font (Debian package ``fonts-noto-cjk``); asking for zh without one raises :class:`PlotError`
instead of drawing empty boxes. SVG keeps text as text (``svg.fonttype: none``) so labels stay
searchable and selectable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kaifang.errors import KaifangError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "PlotError",
    "cjk_font",
    "correlation_heatmap",
    "rank_interval_plot",
    "sobol_bar_chart",
]

# Noto Sans CJK covers simplified Chinese in every regional variant; SC first for its glyph forms.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR")


class PlotError(KaifangError):
    """A picture cannot be drawn as asked (e.g. zh labels without a CJK font)."""


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    return None


@contextmanager
def _style(lang: str) -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg")
    rc: dict[Any, Any] = {"svg.fonttype": "none", "axes.unicode_minus": False}
    if lang == "zh":
        font = cjk_font()
        if font is None:
            raise PlotError(
                "zh labels need a CJK font and none is installed (looked for "
                + ", ".join(CJK_FONTS)
                + "); install the Debian package fonts-noto-cjk "
                "(apt-get install -y fonts-noto-cjk) or draw with --lang en"
            )
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    elif lang != "en":
        raise PlotError(f"lang must be 'zh' or 'en'; got {lang!r}")
    with matplotlib.rc_context(rc):
        yield


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _title(title: str | None, lang: str, simulated: bool) -> str:
    text = title or ""
    if simulated:
        mark = "模拟数据 SIMULATED" if lang == "zh" else "SIMULATED DATA"
        text = f"[{mark}] {text}".strip()
    return text


def _save(fig: Figure, path: Path | str) -> list[Path]:
    """``path`` without suffix (or with .png/.svg): writes both <stem>.png and <stem>.svg."""
    p = Path(path)
    stem = p.with_suffix("") if p.suffix.lower() in (".png", ".svg") else p
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")
    fig.savefig(png, dpi=150)
    fig.savefig(svg)
    return [png, svg]


def _need(table: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise PlotError(
            f"{what} needs the columns {columns}; missing {missing} (found {list(table.columns)})"
        )


def _label(code: object, names: Mapping[str, str] | None) -> str:
    return str(names.get(str(code), code)) if names else str(code)


def rank_interval_plot(
    table: pd.DataFrame,
    path: Path | str,
    *,
    lang: str = "en",
    title: str | None = None,
    simulated: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Units sorted by nominal rank, each with its 5-95 % rank interval and median rank.

    Parameters
    ----------
    table : DataFrame
        Columns ``unit, nominal, median, q05, q95`` (ranks, 1 = best), one row per unit.
    path : path
        Output stem; ``<stem>.png`` and ``<stem>.svg`` are written.
    names : mapping, optional
        Unit code -> label in ``lang`` (e.g. ``results.record["unit_names"][code][lang]``).

    Returns
    -------
    list of Path
        The PNG and the SVG.
    """
    _need(table, ["unit", "nominal", "median", "q05", "q95"], "rank_interval_plot")
    t = table.sort_values("nominal", kind="stable").reset_index(drop=True)
    n = len(t)
    zh = lang == "zh"
    with _style(lang):
        fig = _figure(7.5, max(4.0, 0.2 * n + 1.6))
        ax = fig.add_subplot()
        y = np.arange(n)
        lo = t["q05"].to_numpy(dtype=float)
        hi = t["q95"].to_numpy(dtype=float)
        ax.hlines(y, lo, hi, color="#7fa7d0", linewidth=3, label="5–95 %")
        ax.plot(
            t["median"].to_numpy(dtype=float),
            y,
            "o",
            color="#1f4e79",
            markersize=4,
            label="中位排名" if zh else "median rank",
        )
        ax.plot(
            t["nominal"].to_numpy(dtype=float),
            y,
            "x",
            color="#c0392b",
            markersize=5,
            label="名义排名" if zh else "nominal rank",
        )
        ax.set_yticks(y)
        if n <= 150:
            ax.set_yticklabels([_label(u, names) for u in t["unit"]], fontsize=7)
        else:
            ax.set_yticklabels([])
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlabel("排名（1 = 最好）" if zh else "rank (1 = best)")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)  # rank 1 sits top left
        ax.set_title(_title(title or ("排名区间" if zh else "Rank intervals"), lang, simulated))
        return _save(fig, path)


def sobol_bar_chart(
    table: pd.DataFrame,
    path: Path | str,
    *,
    lang: str = "en",
    title: str | None = None,
    simulated: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """First-order and total Sobol indices of each uncertain input, with confidence bars.

    Parameters
    ----------
    table : DataFrame
        Columns ``input, S1, ST`` and the confidence intervals as either half-widths
        ``S1_conf, ST_conf`` (SALib's convention) or bounds ``S1_lo, S1_hi, ST_lo, ST_hi``.
    names : mapping, optional
        Input id -> label in ``lang``.
    """
    _need(table, ["input", "S1", "ST"], "sobol_bar_chart")

    def errors(col: str) -> np.ndarray | None:
        v = table[col].to_numpy(dtype=float)
        if f"{col}_conf" in table.columns:
            half = table[f"{col}_conf"].to_numpy(dtype=float)
            return np.vstack([half, half])
        if f"{col}_lo" in table.columns and f"{col}_hi" in table.columns:
            lo = table[f"{col}_lo"].to_numpy(dtype=float)
            hi = table[f"{col}_hi"].to_numpy(dtype=float)
            return np.vstack([np.maximum(v - lo, 0), np.maximum(hi - v, 0)])
        return None

    zh = lang == "zh"
    k = len(table)
    with _style(lang):
        fig = _figure(max(5.0, 0.9 * k + 2.0), 4.2)
        ax = fig.add_subplot()
        x = np.arange(k)
        width = 0.38
        ax.bar(
            x - width / 2,
            table["S1"].to_numpy(dtype=float),
            width,
            yerr=errors("S1"),
            capsize=3,
            color="#2e86c1",
            label="一阶指数 S1" if zh else "first order S1",
        )
        ax.bar(
            x + width / 2,
            table["ST"].to_numpy(dtype=float),
            width,
            yerr=errors("ST"),
            capsize=3,
            color="#f39c12",
            label="总效应指数 ST" if zh else "total effect ST",
        )
        ax.set_xticks(x)
        ax.set_xticklabels([_label(i, names) for i in table["input"]], rotation=20, ha="right")
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylabel("敏感性指数" if zh else "sensitivity index")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(
            _title(title or ("Sobol 敏感性指数" if zh else "Sobol indices"), lang, simulated)
        )
        return _save(fig, path)


def correlation_heatmap(
    matrix: pd.DataFrame,
    path: Path | str,
    *,
    lang: str = "en",
    title: str | None = None,
    simulated: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Heat map of a correlation table (rows x columns, values in [-1, 1]; NaN left blank).

    Parameters
    ----------
    matrix : DataFrame
        Index: row ids (e.g. indicators); columns: column ids (e.g. pillars and the index).
    names : mapping, optional
        Id -> label in ``lang`` for rows and columns (framework node names).
    """
    values = matrix.to_numpy(dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise PlotError("correlation_heatmap needs a non-empty rows x columns table")
    rows, cols = values.shape
    zh = lang == "zh"
    with _style(lang):
        fig = _figure(max(5.0, 0.55 * cols + 3.5), max(4.0, 0.24 * rows + 2.0))
        ax = fig.add_subplot()
        image = ax.imshow(
            np.ma.masked_invalid(values),
            cmap="RdBu_r",
            vmin=-1,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_xticks(np.arange(cols))
        ax.set_xticklabels(
            [_label(c, names) for c in matrix.columns], rotation=45, ha="right", fontsize=8
        )
        ax.set_yticks(np.arange(rows))
        ax.set_yticklabels([_label(r, names) for r in matrix.index], fontsize=7)
        if rows * cols <= 900:
            for (i, j), v in np.ndenumerate(values):
                if np.isfinite(v):
                    ax.text(
                        j,
                        i,
                        f"{v:.2f}",
                        ha="center",
                        va="center",
                        fontsize=5.5,
                        color="white" if abs(v) > 0.6 else "black",
                    )
        fig.colorbar(image, ax=ax, shrink=0.6, label="相关系数 r" if zh else "correlation r")
        ax.set_title(_title(title or ("相关系数热图" if zh else "Correlations"), lang, simulated))
        return _save(fig, path)
