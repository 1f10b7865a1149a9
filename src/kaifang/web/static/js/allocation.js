import { baseOption, chart, esc, fmt, messages as m, pageData } from "./common.js";

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
  // An amount cannot be below 0: the bars stack the parts that add to an amount, and a part
  // that takes away (a cap, a rounding down) is not drawn as a bar below 0; the diamond marks
  // the amount allocated, and the tooltip and the table list every part with its sign.
  const c = chart("allocation-chart");
  c.setOption({
    ...baseOption,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      formatter: (ps) => {
        const r = rows[ps[0].dataIndex];
        const lines = parts.map(([key, name]) => `${esc(name)}: ${fmt(r[key], 0)} ${esc(m.yuan)}`);
        return [`<strong>${esc(r.name[lang])}</strong>`, ...lines,
          `<strong>${esc(m.final_amount)}: ${fmt(r.final, 0)} ${esc(m.yuan)}</strong>`].join("<br>");
      },
    },
    // axis in 10,000 yuan (万元) in Chinese, million yuan in English
    xAxis: { type: "value", min: 0, name: m.axis_amount, nameLocation: "middle",
      nameGap: 26, axisLabel: { formatter: (v) => (lang === "zh" ? fmt(v / 1e4, 0) : fmt(v / 1e6, 0)) } },
    yAxis: { type: "category", data: rows.map((r) => r.name[lang]), axisTick: { show: false } },
    series: [
      ...parts.map(([key, name, color]) => ({
        name, type: "bar", stack: "amount", itemStyle: { color }, barMaxWidth: 26,
        data: rows.map((r) => Math.max(r[key], 0)),
      })),
      { name: m.final_amount, type: "scatter", symbol: "diamond", symbolSize: 13, z: 5,
        itemStyle: { color: "#1d2733" }, data: rows.map((r) => r.final) },
    ],
  });
}
document.body.dataset.ready = "1";
