// The trade pages: ECI path, margins and concentration; product space; opportunity scatter;
// market map (ECharts map of the world geometry served by this app) and treemap. Every number
// drawn here is also in the table beside the chart; every name reaching a tooltip goes
// through esc (the names come from the user's files).
import {
  PALETTE, SEQUENTIAL, baseOption, chart, esc, fmt, messages as m, pageData,
} from "./common.js";

const { section, data } = pageData();

// choosing a location or a year shows it (the form also works with its button, without script)
for (const id of ["location", "year"]) {
  const select = document.getElementById(id);
  if (select) select.addEventListener("change", () => select.form.requestSubmit());
}

const pct = (v) => (v === null || v === undefined ? "–" : `${fmt(100 * v, 1)}%`);

async function worldMap() {
  const r = await fetch("/api/trade/world");
  if (!r.ok) throw new Error(`world map: HTTP ${r.status}`);
  echarts.registerMap("world", await r.json());
}

function lineOption(years, series, yName = "") {
  return {
    ...baseOption,
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 3) },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value", name: yName, scale: true },
    series,
  };
}

// A world choropleth: shapes by iso3, small countries as dots, quantile-free continuous scale
function worldOption(items, dots, title, format) {
  const values = items.map((d) => d.value).filter((v) => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const tip = (p) => {
    const v = Array.isArray(p.value) ? p.value[2] : p.value;
    const name = p.data?.label ?? p.name;
    return Number.isFinite(v) ? `${esc(name)}<br>${esc(title)}: ${format(v)}` : esc(name);
  };
  return {
    ...baseOption,
    tooltip: { trigger: "item", formatter: tip },
    // one scale for shapes and dots: the dots' value is their third dimension
    visualMap: [
      { min: lo, max: hi, text: [format(hi), format(lo)], left: 8, bottom: 8, calculable: false,
        itemHeight: 100, itemWidth: 12, inRange: { color: SEQUENTIAL }, seriesIndex: 0 },
      { show: false, min: lo, max: hi, dimension: 2, inRange: { color: SEQUENTIAL }, seriesIndex: 1 },
    ],
    geo: {
      map: "world", roam: false, nameProperty: "iso3", layoutCenter: ["50%", "50%"],
      layoutSize: "100%", itemStyle: { areaColor: "#e6e6e6", borderColor: "#ffffff", borderWidth: 0.4 },
      emphasis: { label: { show: false }, itemStyle: { areaColor: "#f6c667" } },
      tooltip: { show: false },
    },
    series: [
      { type: "map", geoIndex: 0, data: items.filter((d) => d.iso3).map((d) => ({
        name: d.iso3, value: d.value, label: d.label })) },
      { type: "scatter", coordinateSystem: "geo", symbolSize: 8,
        itemStyle: { borderColor: "#1f2937", borderWidth: 0.7 },
        data: dots.map((d) => ({ name: d.iso3, label: d.label, value: [d.lon, d.lat, d.value] })) },
    ],
  };
}

async function overview() {
  const years = data.eci_path.map((r) => String(r.year));
  if (years.length) {
    chart("eci-chart").setOption({
      ...lineOption(years, [
        { type: "line", name: m.eci, data: data.eci_path.map((r) => r.eci) },
        { type: "line", name: m.diversity, yAxisIndex: 1, data: data.eci_path.map((r) => r.diversity) },
      ]),
      yAxis: [{ type: "value", scale: true }, { type: "value", scale: true, splitLine: { show: false } }],
    });
  }
  if (data.margins.length) {
    const keys = ["intensive", "new_products", "new_markets"];
    chart("margins-chart").setOption({
      ...baseOption,
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 0) },
      xAxis: { type: "category", data: data.margins.map((r) => String(r.year)) },
      yAxis: { type: "value" },
      series: [
        ...keys.map((k) => ({ type: "bar", stack: "m", name: m[k], data: data.margins.map((r) => r[k]) })),
        { type: "bar", stack: "m", name: m.lost, data: data.margins.map((r) => (r.lost === null ? null : -r.lost)) },
        { type: "line", name: m.total_change, data: data.margins.map((r) => r.total) },
      ],
    });
  }
  const conc = document.getElementById("concentration-chart");
  if (conc) {
    const cy = data.concentration.map((r) => String(r.year));
    const partners = Object.fromEntries(data.partners.map((r) => [String(r.year), r]));
    chart("concentration-chart").setOption(lineOption(cy, [
      { type: "line", name: m.hhi, data: data.concentration.map((r) => r.hhi) },
      { type: "line", name: m.partner_hhi, data: cy.map((y) => partners[y]?.partner_hhi ?? null) },
    ]));
  }
  if (data.world.length) {
    await worldMap();
    const items = data.world.map((r) => ({ iso3: r.iso3, value: r.eci, label: r.name }));
    chart("world-eci-map").setOption(worldOption(items, [], m.eci, (v) => fmt(v, 2)));
  }
}

function space() {
  const c = chart("space-chart");
  const pcis = data.nodes.map((n) => n.pci).filter((v) => v !== null);
  c.setOption({
    ...baseOption,
    tooltip: {
      trigger: "item",
      formatter: (p) => (p.dataType === "node"
        ? `${esc(p.data.name)}<br>${esc(m.pci)}: ${fmt(p.data.value, 3)}` : ""),
    },
    visualMap: {
      min: Math.min(...pcis), max: Math.max(...pcis), dimension: 0, seriesIndex: 0,
      text: [m.pci, ""], left: 8, bottom: 8, itemHeight: 100, itemWidth: 12, calculable: false,
      inRange: { color: SEQUENTIAL },
    },
    series: [{
      type: "graph", layout: "none", roam: false, left: 24, right: 24, top: 24, bottom: 24,
      data: data.nodes.map((n) => ({
        name: n.product, x: n.x, y: n.y, value: n.pci, symbolSize: n.present ? 11 : 5,
        itemStyle: n.present ? { borderColor: "#1f2937", borderWidth: 2 } : { borderWidth: 0 },
      })),
      links: data.edges.map(([a, b]) => ({ source: a, target: b })),
      lineStyle: { color: "#cbd5e1", width: 0.8, opacity: 0.9 },
      emphasis: { focus: "adjacency", label: { show: true, formatter: "{b}" } },
    }],
  });
}

function opportunities() {
  const c = chart("opportunities-chart");
  const point = (p) => ({ name: p.product, value: [p.density, p.pci, p.cog] });
  c.setOption({
    ...baseOption,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p) => `${esc(p.name)}<br>${esc(m.density)}: ${fmt(p.value[0], 3)}<br>` +
        `${esc(m.pci)}: ${fmt(p.value[1], 3)}<br>${esc(m.cog)}: ${fmt(p.value[2], 3)}`,
    },
    xAxis: { type: "value", name: m.density, nameLocation: "middle", nameGap: 28, scale: true },
    yAxis: { type: "value", name: m.pci, nameLocation: "middle", nameGap: 36, scale: true },
    series: [
      { type: "scatter", name: m.other_products, symbolSize: 5, itemStyle: { color: PALETTE[0], opacity: 0.35 },
        data: data.points.filter((p) => !p.feasible).map(point) },
      { type: "scatter", name: m.feasible, symbolSize: 10, itemStyle: { color: "#ea580c" },
        label: { show: true, position: "right", formatter: "{b}", fontSize: 10 },
        data: data.points.filter((p) => p.feasible).map(point) },
    ],
  });
}

async function markets() {
  await worldMap();
  const items = data.rows.filter((r) => r.iso3 && !r.dot)
    .map((r) => ({ iso3: r.iso3, value: r.share, label: r.name }));
  const dots = data.rows.filter((r) => r.dot).map((r) => ({
    iso3: r.iso3, value: r.share, label: r.name,
    lon: data.dots[r.partner][0], lat: data.dots[r.partner][1],
  }));
  chart("market-map").setOption(worldOption(items, dots, m.share, pct));
  chart("market-treemap").setOption({
    ...baseOption,
    tooltip: { formatter: (p) => `${esc(p.name)}<br>${esc(m.share)}: ${pct(p.value)}` },
    series: [{
      type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false },
      width: "100%", height: "100%",
      label: { show: true, formatter: (p) => `${p.name} ${pct(p.value)}` },
      levels: [{ itemStyle: { borderColor: "#ffffff", borderWidth: 1, gapWidth: 1 } }],
      data: data.rows.map((r, i) => ({ name: r.name, value: r.share,
        itemStyle: { color: SEQUENTIAL[Math.max(1, SEQUENTIAL.length - 1 - Math.floor(i / 3))] } })),
    }],
  });
}

const draw = { overview, space, opportunities, markets }[section];
if (data) await draw();
document.body.dataset.ready = "1";
