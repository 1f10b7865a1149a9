// The trade pages: ECI path, margins and concentration; product space; opportunity scatter;
// market map (ECharts map of the world geometry served by this app) and treemap. Every number
// drawn here is also in the table beside the chart; every name reaching a tooltip goes
// through esc (the names come from the user's files).
import {
  PALETTE, SEQUENTIAL, baseOption, chart, el, esc, fmt, messages as m, pageData,
} from "./common.js";

const { section, data } = pageData();

// choosing a location or a year shows it (the form also works with its button, without script)
for (const id of ["location", "market-year"]) {
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

// YlGnBu in five classes, as the report's SVG map
const YLGNBU = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// Five quantile classes: market shares are skewed, equal-width classes would paint alike
function classes(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return { breaks: [], colour: () => "#e6e6e6" };
  const breaks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((q) => quantile(sorted, q));
  const colour = (v) => {
    for (let i = breaks.length - 2; i >= 0; i -= 1) if (v >= breaks[i]) return YLGNBU[i];
    return YLGNBU[0];
  };
  return { breaks, colour };
}

function legend(id, breaks, format) {
  const box = document.getElementById(id);
  if (!box || !breaks.length) return;
  box.replaceChildren(...YLGNBU.map((c, i) => {
    const item = el("span", { class: "legend-item" });
    item.append(el("span", { class: "legend-swatch", style: `background:${c}` }));
    item.append(document.createTextNode(`${format(breaks[i])} – ${format(breaks[i + 1])}`));
    return item;
  }));
}

// A world choropleth: shapes by iso3 (geo regions), small countries as dots
function worldOption(items, dots, title, format) {
  const { breaks, colour } = classes([...items, ...dots].map((d) => d.value));
  const byIso = Object.fromEntries(items.map((d) => [d.iso3, d]));
  const tip = (p) => {
    if (p.componentType === "geo") {
      const d = byIso[p.name];
      return d ? `${esc(d.label)}<br>${esc(title)}: ${format(d.value)}` : "";
    }
    return `${esc(p.data.label)}<br>${esc(title)}: ${format(p.value[2])}`;
  };
  return {
    option: {
      ...baseOption,
      tooltip: { trigger: "item", formatter: tip },
      geo: {
        map: "world", roam: false, nameProperty: "iso3", left: 4, right: 4, top: 4, bottom: 4,
        tooltip: { show: true, formatter: tip },
        label: { show: false },
        itemStyle: { areaColor: "#e6e6e6", borderColor: "#ffffff", borderWidth: 0.4 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#f6c667" } },
        regions: items.map((d) => ({ name: d.iso3, itemStyle: { areaColor: colour(d.value) } })),
      },
      series: [{
        type: "scatter", coordinateSystem: "geo", symbolSize: 8,
        data: dots.map((d) => ({
          name: d.iso3, label: d.label, value: [d.lon, d.lat, d.value],
          itemStyle: { color: colour(d.value), borderColor: "#1f2937", borderWidth: 0.7 },
        })),
      }],
    },
    breaks,
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
    const imports = Object.fromEntries(data.import_partners.map((r) => [String(r.year), r]));
    const series = [
      { type: "line", name: m.hhi, data: data.concentration.map((r) => r.hhi) },
      { type: "line", name: m.partner_hhi, data: cy.map((y) => partners[y]?.partner_hhi ?? null) },
    ];
    if (data.import_partners.length) {
      series.push({ type: "line", name: m.import_partner_hhi,
        data: cy.map((y) => imports[y]?.partner_hhi ?? null) });
    }
    chart("concentration-chart").setOption(lineOption(cy, series));
  }
  if (data.world.length) {
    await worldMap();
    const items = data.world.filter((r) => r.iso3)
      .map((r) => ({ iso3: r.iso3, value: r.eci, label: r.name }));
    const { option, breaks } = worldOption(items, [], m.eci, (v) => fmt(v, 2));
    chart("world-eci-map").setOption(option);
    legend("world-eci-legend", breaks, (v) => fmt(v, 2));
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

const METRICS = {
  share: { title: () => m.share, format: pct },
  value: { title: () => (data.flow === "import" ? m.imports : m.exports), format: (v) => fmt(v, 0) },
  growth: { title: () => m.growth, format: (v) => (v > 0 ? "+" : "") + pct(v) },
};

function drawMarketMap(mapChart, metric) {
  const { title, format } = METRICS[metric];
  // a market without the measure (growth of a new market) stays grey
  const rows = data.rows.filter((r) => r.iso3 && r[metric] !== null);
  const items = rows.filter((r) => !r.dot)
    .map((r) => ({ iso3: r.iso3, value: r[metric], label: r.name }));
  const dots = rows.filter((r) => r.dot).map((r) => ({
    iso3: r.iso3, value: r[metric], label: r.name,
    lon: data.dots[r.partner][0], lat: data.dots[r.partner][1],
  }));
  const { option, breaks } = worldOption(items, dots, title(), format);
  mapChart.setOption(option, true);
  legend("market-legend", breaks, format);
}

async function markets() {
  await worldMap();
  const mapChart = chart("market-map");
  const metric = document.getElementById("market-metric");
  drawMarketMap(mapChart, metric.value);
  metric.addEventListener("change", () => drawMarketMap(mapChart, metric.value));
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
