import { baseOption, chart, fmt, messages as m, pageData } from "./common.js";

const { chosen, lang } = pageData();

if (chosen) {
  // best baseline rank at the top: the category axis runs bottom-up
  const rows = [...chosen.rows].reverse();
  const c = chart("scenario-chart");
  c.setOption({
    ...baseOption,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => fmt(v) },
    xAxis: { type: "value", name: m.score, nameLocation: "middle", nameGap: 26, splitLine: { lineStyle: { color: "#eef0f3" } } },
    yAxis: { type: "category", data: rows.map((r) => r.name[lang]), axisTick: { show: false } },
    series: [
      { name: m.baseline, type: "bar", data: rows.map((r) => r.score_baseline), itemStyle: { color: "#c9ced6" } },
      { name: chosen.name[lang], type: "bar", data: rows.map((r) => r.score_scenario), itemStyle: { color: "#1f5f8b" } },
    ],
  });
}
document.body.dataset.ready = "1";
