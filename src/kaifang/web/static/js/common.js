// Shared helpers for the dashboard's page modules. ECharts is the vendored UMD build loaded by a
// classic <script defer> before these modules run; everything is fetched from this app only.

export const messages = JSON.parse(document.getElementById("messages").textContent);
export const unitNames = JSON.parse(document.getElementById("unit-names").textContent);
export const pageData = () => JSON.parse(document.getElementById("page-data").textContent);
export const lang = document.body.dataset.lang;

export const PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#b5473a", "#7a5ea8", "#8c6d3f",
  "#c75b9b", "#5f6b73", "#a3a73b", "#2aa3b5"];
export const SEQUENTIAL = ["#eef4f8", "#c6dbe9", "#8fb8d4", "#4f8fbf", "#1f5f8b", "#0d3658"];
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", ' +
  '"Microsoft YaHei", system-ui, sans-serif';

// Every name that reaches HTML (chart tooltips) goes through esc: unit, node and index names
// come from the user's files and may hold markup.
export function esc(value) {
  return echarts.format.encodeHTML(String(value ?? ""));
}

export function fmt(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
}

export function signed(value) {
  if (value === null || value === undefined) return "–";
  return value > 0 ? `+${value}` : `${value}`;
}

const charts = [];

export function chart(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  // SVG keeps text crisp and selectable; the container holds the accessible label
  const c = echarts.init(el, null, { renderer: "svg" });
  charts.push(c);
  return c;
}

window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

export const baseOption = {
  textStyle: { fontFamily: FONT },
  color: PALETTE,
  animationDuration: 300,
  animationDurationUpdate: 250,
};

let mapRegistered = null;

export async function registerMap() {
  if (!mapRegistered) {
    mapRegistered = fetch("/api/geojson").then((r) => {
      if (!r.ok) throw new Error(`map geometry: HTTP ${r.status}`);
      return r.json();
    }).then((geo) => { echarts.registerMap("units", geo); return true; });
  }
  return mapRegistered;
}

export function mapOption(rows, title, labels = true) {
  const values = rows.map((r) => r.score).filter((v) => v !== null);
  return {
    ...baseOption,
    tooltip: {
      trigger: "item",
      formatter: (p) => `${esc(unitNames[p.name] ?? p.name)}<br>${esc(title)}: ${fmt(p.value)}`,
    },
    visualMap: {
      min: Math.floor(Math.min(...values)), max: Math.ceil(Math.max(...values)),
      text: [fmt(Math.ceil(Math.max(...values)), 0), fmt(Math.floor(Math.min(...values)), 0)],
      left: 8, bottom: 8, calculable: false, itemHeight: 120, itemWidth: 14,
      inRange: { color: SEQUENTIAL }, textStyle: { fontFamily: FONT },
    },
    series: [{
      type: "map", map: "units", nameProperty: "kaifang_unit", roam: false, layoutSize: "92%",
      layoutCenter: ["55%", "50%"],
      // a white halo keeps the names legible on the darkest fills
      label: { show: labels, fontSize: 11, color: "#1d2733", textBorderColor: "#ffffff",
        textBorderWidth: 2.5, formatter: (p) => unitNames[p.name] ?? p.name },
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#f6c667" } },
      itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
      data: rows.map((r) => ({ name: r.unit, value: r.score })),
    }],
  };
}

export function rankingOption(rows, title) {
  // best at the top: ECharts' category axis runs bottom-up, so sort ascending by score
  const sorted = rows.filter((r) => r.score !== null).sort((a, b) => a.score - b.score);
  return {
    ...baseOption,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", name: title, nameLocation: "middle", nameGap: 24, show: false },
    yAxis: { type: "category", data: sorted.map((r) => unitNames[r.unit] ?? r.unit),
      axisTick: { show: false } },
    series: [{
      type: "bar", data: sorted.map((r) => r.score), barMaxWidth: 22,
      itemStyle: { color: "#1f5f8b", borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: "right", formatter: (p) => fmt(p.value, 1) },
    }],
  };
}

export function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

export function setLabel(id, text) {
  const node = document.getElementById(id);
  if (node) node.setAttribute("aria-label", text);
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
}

// Set one query parameter of a link (e.g. the year of a table's download)
export function setLinkParam(link, key, value) {
  const target = new URL(link.href);
  target.searchParams.set(key, value);
  link.href = target.toString();
}

// Keep a page state (e.g. the year) in the URL, in the language switch's link and in the
// download links, so a reload, a shared link, a change of language or a download shows the same
// view.
export function keepInUrl(key, value) {
  const url = new URL(window.location);
  url.searchParams.set(key, value);
  history.replaceState(null, "", url);
  for (const link of document.querySelectorAll("[data-testid=lang-switch], a[data-download]")) {
    setLinkParam(link, key, value);
  }
}
