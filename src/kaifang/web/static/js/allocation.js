import { baseOption, chart, fmt, messages as m, pageData } from "./common.js";

const { data, lang } = pageData();

if (data) {
  // largest amount at the top: the category axis runs bottom-up
  const rows = [...data.rows].sort((a, b) => a.final - b.final);
  const parts = [
    ["base", m.part_base, "#1f5f8b"],
    ["performance", m.part_performance, "#e07b39"],
    ["improvement", m.part_improvement, "#3a9d5d"],
    ["floor_cap_adjustment", m.part_floor_cap, "#7a5ea8"],
    ["rounding_adjustment", m.part_rounding, "#8c6d3f"],
  ];
  const c = chart("allocation-chart");
  c.setOption({
    ...baseOption,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${fmt(v, 0)} ${m.yuan}` },
    // axis in 10,000 yuan (万元) in Chinese, million yuan in English
    xAxis: { type: "value", name: lang === "zh" ? "万元" : "million yuan", nameLocation: "middle",
      nameGap: 26, axisLabel: { formatter: (v) => (lang === "zh" ? fmt(v / 1e4, 0) : fmt(v / 1e6, 0)) } },
    yAxis: { type: "category", data: rows.map((r) => r.name[lang]), axisTick: { show: false } },
    series: parts.map(([key, name, color]) => ({
      name, type: "bar", stack: "amount", data: rows.map((r) => r[key]), itemStyle: { color },
      barMaxWidth: 26,
    })),
  });
}
document.body.dataset.ready = "1";
