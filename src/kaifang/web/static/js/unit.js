import { baseOption, chart, fmt, messages as m, pageData, unitNames } from "./common.js";

const { profile, lang, index } = pageData();

// choosing a unit navigates to its page (keyboard users can also use the form's button)
const select = document.getElementById("unit-select");
const form = document.getElementById("unit-form");
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const year = document.getElementById("year-select").value;
  window.location.href = `/unit/${select.value}?lang=${lang}&year=${year}`;
});
select.addEventListener("change", () => form.requestSubmit());
document.getElementById("year-select").addEventListener("change", () => form.requestSubmit());

const pillars = [...profile.pillars].reverse();  // category axis runs bottom-up
const bars = chart("pillars");
bars.setOption({
  ...baseOption,
  legend: { top: 0 },
  grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
  tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
  xAxis: { type: "value", max: 100, splitLine: { lineStyle: { color: "#eef0f3" } } },
  yAxis: { type: "category", data: pillars.map((p) => p.name[lang]), axisTick: { show: false },
    axisLabel: { width: 190, overflow: "truncate" } },
  series: [
    { name: profile.name[lang], type: "bar", data: pillars.map((p) => p.score), barGap: "10%",
      itemStyle: { color: "#1f5f8b" } },
    { name: m.median, type: "bar", data: pillars.map((p) => p.median),
      itemStyle: { color: "#c9ced6" } },
  ],
});

const trend = chart("trend");
trend.setOption({
  ...baseOption,
  grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
  legend: { top: 0, left: "center" },
  tooltip: { trigger: "axis" },
  xAxis: { type: "category", data: profile.trend.map((r) => r.year), boundaryGap: false },
  yAxis: [
    { type: "value", name: m.score, splitLine: { lineStyle: { color: "#eef0f3" } } },
    { type: "value", name: m.rank, inverse: true, min: 1, max: Object.keys(unitNames).length,
      minInterval: 1, splitLine: { show: false } },
  ],
  series: [
    { name: index.length > 18 ? m.score : index, type: "line", data: profile.trend.map((r) => r.score),
      symbolSize: 6, lineStyle: { width: 2.5 } },
    { name: m.rank, type: "line", yAxisIndex: 1, data: profile.trend.map((r) => r.rank),
      lineStyle: { type: "dashed" }, symbolSize: 5, itemStyle: { color: "#e07b39" },
      tooltip: { valueFormatter: (v) => fmt(v, 0) } },
  ],
});
document.body.dataset.ready = "1";
