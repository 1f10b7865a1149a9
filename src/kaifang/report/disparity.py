"""Report sections of the regional disparity analysis (``kaifang disparity``), zh and en: each
chart drawn as inline SVG with its table beside it, built from the output folder's CSV tables
alone, so the page can be rebuilt from the folder and the dashboard shows the same sections.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kaifang.csvfiles import read_csv, write_csv
from kaifang.report.disparity_charts import (
    LISA_COLOURS,
    category_map,
    line_chart,
    ridge_plot,
    stacked_bars,
)

# key -> (en, zh)
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Regional disparity and dynamics", "区域差异与动态演进"),
    "simulated": ("SIMULATED DATA: not official statistics", "模拟数据：非官方统计"),
    "notes": ("Notes", "说明"),
    "dagum": ("Dagum Gini decomposition", "Dagum基尼系数及其分解"),
    "dagum_caption": (
        "Overall Gini split into within-group, net between-group and transvariation parts "
        "(they add up to the Gini).",
        "总体基尼系数分解为组内差异、组间净差异和超变密度三部分（三者之和等于总体基尼系数）。",
    ),
    "year": ("Year", "年份"),
    "gini": ("Gini", "基尼系数"),
    "within": ("Within", "组内差异"),
    "between": ("Net between", "组间净差异"),
    "transvariation": ("Transvariation", "超变密度"),
    "group": ("Group", "分组"),
    "mean": ("Mean", "均值"),
    "dispersion": ("Dispersion and σ-convergence", "差异程度与σ收敛"),
    "dispersion_caption": (
        "Theil T, coefficient of variation and SD of logs per year: a falling line is "
        "σ-convergence.",
        "各年泰尔指数、变异系数与对数标准差：曲线下降即存在σ收敛。",
    ),
    "theil_t": ("Theil T", "泰尔指数T"),
    "theil_between": ("Theil between", "泰尔组间"),
    "theil_within": ("Theil within", "泰尔组内"),
    "cv": ("CV", "变异系数"),
    "sd_log": ("SD of logs", "对数标准差"),
    "williamson_cv": ("Williamson CV", "威廉森系数"),
    "beta": ("β-convergence", "β收敛"),
    "beta_caption": (
        "β < 0 means lower values grow faster; λ is the speed per year, the half-life the years "
        "to close half the gap.",
        "β<0表示低值地区增长更快；λ为年收敛速度，半生命周期为差距缩小一半所需年数。",
    ),
    "model": ("Model", "模型"),
    "se": ("SE", "标准误"),
    "p_value": ("p", "p值"),
    "lambda": ("λ", "收敛速度λ"),
    "half_life": ("Half-life", "半生命周期"),
    "n_obs": ("N", "样本数"),
    "direct": ("Direct", "直接效应"),
    "indirect": ("Indirect", "间接效应"),
    "kde": ("Distribution over time (kernel density)", "分布动态（核密度估计）"),
    "kde_caption": ("One curve per year, earliest at the back.", "每年一条曲线，较早年份在后。"),
    "bandwidth": ("Bandwidth", "带宽"),
    "peak": ("Peak at", "峰值位置"),
    "markov": ("Markov transition matrix", "马尔可夫转移概率矩阵"),
    "markov_caption": (
        "Probability of moving from the class of the row to the class of the column in one year "
        "(class 1 = lowest); the last column is the long-run (steady-state) share.",
        "地区一年内由行所在类别转移到列所在类别的概率（1为最低类），最后一列为稳态分布。",
    ),
    "from_class": ("From class", "期初类别"),
    "n": ("n", "观测数"),
    "steady": ("Steady state", "稳态分布"),
    "moran": ("Spatial autocorrelation (Moran's I)", "空间自相关（莫兰指数）"),
    "moran_caption": (
        "Global Moran's I per year; filled points: permutation p ≤ 0.05. The map shows the LISA "
        "clusters of the latest year.",
        "各年全局莫兰指数，实心点表示置换检验p≤0.05；地图为最新年份的局部莫兰（LISA）集聚。",
    ),
    "i": ("I", "莫兰指数"),
    "expected_i": ("E[I]", "期望值"),
    "z": ("z", "z值"),
    "p_sim": ("p (permutation)", "置换p值"),
    "coupling": ("Coupling coordination", "耦合协调度"),
    "coupling_caption": (
        "C: coupling degree, T: comprehensive development, D = √(C·T) and its grade, latest year.",
        "C为耦合度，T为综合发展指数，D=√(C·T)为耦合协调度及其等级（最新年份）。",
    ),
    "unit": ("Unit", "地区"),
    "grade": ("Grade", "协调等级"),
    "obstacle": ("Obstacle degree", "障碍度"),
    "obstacle_caption": (
        "Share of each pillar in the unit's gap to the top score, latest year; the table lists "
        "the three indicators that hold each unit back most.",
        "最新年份各准则层在地区与满分差距中所占的份额；表中列出制约各地区最大的三个指标。",
    ),
    "top3": ("Main obstacles", "主要障碍因子"),
    "other": ("Other pillars", "其他准则层"),
    "cluster": ("Cluster", "集聚类型"),
    "cross_section": ("Absolute β, cross-section", "绝对β收敛（截面）"),
    "panel_pooled": ("Absolute β, panel (pooled)", "绝对β收敛（面板混合回归）"),
    "panel_fe_unit": ("Conditional β, unit fixed effects", "条件β收敛（地区固定效应）"),
    "panel_fe_unit_year": (
        "Conditional β, unit and year fixed effects",
        "条件β收敛（地区与年份双向固定效应）",
    ),
    "spatial_sar": ("Spatial β, spatial lag model (SAR)", "空间β收敛（空间滞后模型SAR）"),
    "spatial_sem": ("Spatial β, spatial error model (SEM)", "空间β收敛（空间误差模型SEM）"),
}


def t(key: str, lang: str) -> str:
    en, zh = TEXT[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    caption: str
    chart: str  # inline SVG (already escaped)
    head: list[str]
    rows: list[list[str]]
    extra: str = ""  # a second figure (the LISA map)
    numeric: bool = True  # right-align the columns after the first


@dataclass(frozen=True)
class DisparityPage:
    title: str
    simulated: bool
    notes: list[str]
    sections: list[Section] = field(default_factory=list)


def _num(v: Any, digits: int = 3) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "—"
    return "—" if not math.isfinite(f) else f"{f:.{digits}f}"


Tables = Mapping[str, pd.DataFrame]
TEXT_COLUMNS = {"unit": str, "group": str, "group_a": str, "group_b": str}


def _read(tables: Tables, name: str) -> pd.DataFrame | None:
    table = tables.get(name)
    return None if table is None or table.empty else table


def read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The CSV tables of a ``kaifang disparity`` output folder and its run.json."""
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    tables = {
        path.stem: read_csv(path, dtype=TEXT_COLUMNS) for path in sorted(folder.glob("*.csv"))
    }
    return tables, record


def build_page(
    tables: Tables,
    notes: Sequence[tuple[str, str]],
    simulated: bool,
    lang: str,
    geojson: Mapping[str, Any] | None = None,
    id_property: str = "adcode",
) -> DisparityPage:
    """The sections of the disparity tables (name -> table, as the CSV files), in ``lang``."""
    sections: list[Section] = []
    for builder in (_dagum, _dispersion, _beta, _kde, _markov, _moran, _coupling, _obstacle):
        section = builder(tables, lang, geojson, id_property)
        if section is not None:
            sections.append(section)
    chosen = [zh if lang == "zh" else en for en, zh in notes]
    return DisparityPage(t("title", lang), simulated, chosen, sections)


Builder = Callable[[Tables, str, Mapping[str, Any] | None, str], Section | None]


def _dagum(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    d = _read(folder, "dagum")
    if d is None or "within" not in d:
        return None
    years = d["year"].astype(int).tolist()
    keys = ("within", "between", "transvariation")
    chart = stacked_bars(
        [str(y) for y in years], {t(k, lang): d[k].tolist() for k in keys}, t("dagum", lang)
    )
    head = [t("year", lang), t("gini", lang)] + [t(k, lang) for k in keys]
    rows = [
        [str(y), *(_num(d[k].iloc[i], 4) for k in ("gini", *keys))] for i, y in enumerate(years)
    ]
    return Section("dagum", t("dagum", lang), t("dagum_caption", lang), chart, head, rows)


def _dispersion(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    sigma = _read(folder, "sigma")
    if sigma is None:
        return None
    theil = _read(folder, "theil")
    table = sigma.merge(theil, on="year", how="left") if theil is not None else sigma
    cols = [c for c in ("theil_t", "cv", "sd_log", "williamson_cv") if c in table]
    years = table["year"].astype(int).tolist()
    chart = line_chart(years, {t(c, lang): table[c].tolist() for c in cols}, t("dispersion", lang))
    head = [t("year", lang)] + [t(c, lang) for c in cols]
    rows = [[str(y)] + [_num(table[c].iloc[i], 4) for c in cols] for i, y in enumerate(years)]
    return Section(
        "dispersion", t("dispersion", lang), t("dispersion_caption", lang), chart, head, rows
    )


def _beta(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    b = _read(folder, "beta")
    if b is None:
        return None
    cols = ["beta", "se", "p_value", "lambda", "half_life", "n_obs"]
    cols += [c for c in ("direct", "indirect") if c in b]
    head = [t("model", lang), "β"] + [t(c, lang) for c in cols[1:]]
    rows = [
        [t(str(r["model"]), lang) if str(r["model"]) in TEXT else str(r["model"])]
        + [_num(r[c], 0 if c == "n_obs" else 4) for c in cols]
        for _, r in b.iterrows()
    ]
    return Section("beta", t("beta", lang), t("beta_caption", lang), "", head, rows)


def _kde(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    k = _read(folder, "kde")
    if k is None:
        return None
    head = [t("year", lang), t("bandwidth", lang), t("peak", lang)]
    rows = []
    for year, part in k.groupby("year"):
        peak = part["x"].iloc[int(part["density"].to_numpy().argmax())]
        rows.append([str(year), _num(part["bandwidth"].iloc[0], 3), _num(peak, 2)])
    return Section(
        "kde", t("kde", lang), t("kde_caption", lang), ridge_plot(k, t("kde", lang)), head, rows
    )


def _markov(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    m = _read(folder, "markov")
    if m is None:
        return None
    summary = _read(folder, "markov_summary")
    pcols = [c for c in m.columns if c.startswith("p_")]
    head = [t("from_class", lang), t("n", lang)] + [c.replace("p_", "→") for c in pcols]
    head.append(t("steady", lang))
    steady = summary["steady_state"].tolist() if summary is not None else []
    rows = []
    for i, (_, r) in enumerate(m.iterrows()):
        row = [str(r["from_class"]), str(r["n"])] + [_num(r[c], 3) for c in pcols]
        row.append(_num(steady[i], 3) if i < len(steady) else "—")
        rows.append(row)
    return Section("markov", t("markov", lang), t("markov_caption", lang), "", head, rows)


def _moran(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    m = _read(folder, "moran")
    if m is None:
        return None
    years = m["year"].astype(int).tolist()
    chart = line_chart(
        years,
        {t("i", lang): m["i"].tolist()},
        t("moran", lang),
        markers=(m["p_sim"] <= 0.05).tolist(),
    )
    cols = ["i", "expected_i", "z", "p_sim"]
    head = [t("year", lang)] + [t(c, lang) for c in cols]
    rows = [[str(int(r["year"]))] + [_num(r[c], 4) for c in cols] for _, r in m.iterrows()]
    extra = ""
    lisa = _read(folder, "lisa")
    if lisa is not None and geo is not None:
        last = lisa[lisa["year"] == lisa["year"].max()]
        from kaifang.methods.spatial import LISA_LABELS

        extra = category_map(
            geo,
            idp,
            dict(zip(last["unit"].astype(str), last["cluster"].astype(int), strict=True)),
            LISA_COLOURS,
            {k: (v[1] if lang == "zh" else v[0]) for k, v in LISA_LABELS.items()},
            t("cluster", lang),
        )
    return Section("moran", t("moran", lang), t("moran_caption", lang), chart, head, rows, extra)


def _coupling(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    c = _read(folder, "coupling")
    if c is None:
        return None
    last = c[c["year"] == c["year"].max()].sort_values("d", ascending=False)
    name = "name_zh" if lang == "zh" else "name_en"
    grade = "grade_zh" if lang == "zh" else "grade_en"
    ucols = [k for k in c.columns if k.startswith("u_")]
    head = (
        [t("unit", lang)]
        + [k.replace("u_", "U") for k in ucols]
        + ["C", "T", "D", t("grade", lang)]
    )
    rows = [
        [str(r[name])]
        + [_num(r[k], 3) for k in ucols]
        + [_num(r[k], 3) for k in ("c", "t", "d")]
        + [str(r[grade])]
        for _, r in last.iterrows()
    ]
    chart = stacked_bars(
        [str(v)[:6] for v in last[name]], {"D": last["d"].tolist()}, t("coupling", lang)
    )
    return Section("coupling", t("coupling", lang), t("coupling_caption", lang), chart, head, rows)


def _obstacle(folder: Tables, lang: str, geo: Any, idp: str) -> Section | None:
    o = _read(folder, "obstacle")
    p = _read(folder, "obstacle_pillars")
    if o is None:
        return None
    year = int(o["year"].max())
    unit_col = "unit_zh" if lang == "zh" else "unit_en"
    name_col = "name_zh" if lang == "zh" else "name_en"
    last = o[o["year"] == year]
    head = [t("unit", lang), t("top3", lang)]
    rows = []
    units = list(dict.fromkeys(last["unit"]))
    for u in units[:100]:
        part = last[last["unit"] == u].sort_values("rank").head(3)
        sep = "；" if lang == "zh" else "; "
        top = sep.join(
            f"{n} {v:.0%}" for n, v in zip(part[name_col], part["obstacle"], strict=True)
        )
        rows.append([str(part[unit_col].iloc[0]), top])
    if len(units) > 100:
        more = len(units) - 100
        rows.append(
            [
                "…",
                f"另有{more}个地区，见 obstacle.csv"
                if lang == "zh"
                else f"{more} more in obstacle.csv",
            ]
        )
    chart = ""
    if p is not None and len(units) <= 40:
        pl = p[p["year"] == year]
        pname = "pillar_zh" if lang == "zh" else "pillar_en"
        # the five pillars with the largest mean obstacle, the others summed, so bars reach 1
        order = pl.groupby("pillar")["obstacle"].mean().sort_values(ascending=False).index
        shown = list(order[:5])
        labels = [str(pl[pl["unit"] == u][unit_col].iloc[0])[:6] for u in units]
        wide = pl.pivot_table(index="unit", columns="pillar", values="obstacle", aggfunc="sum")
        wide = wide.reindex(index=units).fillna(0.0)
        parts = {str(pl[pl["pillar"] == k][pname].iloc[0]): wide[k].tolist() for k in shown}
        rest = [c for c in wide.columns if c not in shown]
        if rest:
            parts[t("other", lang)] = wide[rest].sum(axis=1).tolist()
        chart = stacked_bars(labels, parts, t("obstacle", lang), height=260)
    return Section(
        "obstacle", t("obstacle", lang), t("obstacle_caption", lang), chart, head, rows, "", False
    )


def render_page(page: DisparityPage, lang: str, fragment: bool = False) -> str:
    """The page as HTML (``fragment=True``: the sections only, for the dashboard)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kaifang.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("disparity.html.j2")
    return str(
        template.render(
            page=page,
            lang=lang,
            fragment=fragment,
            simulated_text=t("simulated", lang),
            notes_title=t("notes", lang),
        )
    )


def compute_for_report(assessment: Any, results: Any) -> tuple[dict[str, pd.DataFrame], Any]:
    """The disparity tables and their notes for the assessment's own report (``kaifang assess``
    with a ``disparity:`` block)."""
    from kaifang.analysis import run_disparity

    report = run_disparity(assessment, results)
    params = {"notes": [list(n) for n in report.notes], "simulated": report.simulated}
    return dict(report.tables), params


def write_tables(tables: Mapping[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir()
    for name, frame in tables.items():
        write_csv(frame, folder / f"{name}.csv")


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    if not folder.is_dir():
        return {}
    return {p.stem: read_csv(p, dtype=TEXT_COLUMNS) for p in sorted(folder.glob("*.csv"))}


def report_fragment(
    tables: Tables, params: Mapping[str, Any], lang: str, geo: Any, id_property: str
) -> str:
    """The disparity sections inside the assessment's report.html ('' without a disparity:
    block)."""
    if not tables:
        return ""
    notes = [(str(n[0]), str(n[1])) for n in params.get("notes", [])]
    page = build_page(tables, notes, False, lang, geo, id_property)
    return render_page(page, lang, fragment=True)


def map_of(params: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """The GeoJSON the spatial weights came from (recorded in the parameters), if still there."""
    spec = params.get("map") or {}
    path = Path(str(spec.get("geojson", "")))
    if not spec or not path.is_file():
        return None, "adcode"
    try:
        return json.loads(path.read_text(encoding="utf-8-sig")), str(spec.get("id_property"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "adcode"


def write_pages(folder: Path) -> list[str]:
    """``report_zh.html`` and ``report_en.html`` of a disparity output folder; returns the names."""
    tables, record = read_folder(folder)
    geo, idp = map_of(record.get("parameters") or {})
    notes = list(zip(record.get("notes_en") or [], record.get("notes_zh") or [], strict=False))
    names = []
    for lang in ("zh", "en"):
        page = build_page(tables, notes, bool(record.get("simulated")), lang, geo, idp)
        html = render_page(page, lang)
        (folder / f"report_{lang}.html").write_text(html, encoding="utf-8")
        names.append(f"report_{lang}.html")
    return names
