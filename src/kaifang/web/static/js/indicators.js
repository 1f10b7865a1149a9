import { baseOption, chart, fmt, pageData, unitNames } from "./common.js";

const { data, year } = pageData();

const form = document.getElementById("indicator-form");
for (const id of ["indicator-select", "stage-select", "year-select"]) {
  document.getElementById(id).addEventListener("change", () => form.requestSubmit());
}

const units = Object.keys(unitNames);
const years = [...new Set(data.values.map((r) => r.year))];
const value = new Map(data.values.map((r) => [`${r.unit}|${r.year}`, r.value]));

chart("boxes").setOption({
  ...baseOption,
  grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
  tooltip: { trigger: "item" },
  xAxis: { type: "category", data: data.boxes.map((b) => b.year) },
  yAxis: { type: "value", scale: true, splitLine: { lineStyle: { color: "#eef0f3" } } },
  series: [{
    type: "boxplot", data: data.boxes.map((b) => b.quartiles ?? [null, null, null, null, null]),
    itemStyle: { color: "#c6dbe9", borderColor: "#1f5f8b" },
  }],
});

const inYear = units.map((u) => ({ unit: u, v: value.get(`${u}|${year}`) }))
  .filter((r) => r.v !== null && r.v !== undefined).sort((a, b) => a.v - b.v);
chart("bars").setOption({
  ...baseOption,
  grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
  tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
  xAxis: { type: "value", show: false, scale: true },
  yAxis: { type: "category", data: inYear.map((r) => unitNames[r.unit]), axisTick: { show: false } },
  series: [{ type: "bar", data: inYear.map((r) => r.v), barMaxWidth: 20,
    itemStyle: { color: "#1f5f8b", borderRadius: [0, 3, 3, 0] },
    label: { show: true, position: "right", formatter: (p) => fmt(p.value) } }],
});

chart("lines").setOption({
  ...baseOption,
  legend: { type: "scroll", top: 0 },
  grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
  tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
  xAxis: { type: "category", data: years, boundaryGap: false },
  yAxis: { type: "value", scale: true, splitLine: { lineStyle: { color: "#eef0f3" } } },
  series: units.map((u) => ({
    name: unitNames[u], type: "line", symbolSize: 4, connectNulls: false,
    data: years.map((y) => value.get(`${u}|${y}`) ?? null),
  })),
});
document.body.dataset.ready = "1";
