import { baseOption, chart, esc, fmt, messages as m, pageData } from "./common.js";

const { data, lang } = pageData();

if (data) {
  const rows = data.rows;  // sorted by nominal rank; the inverted axis puts rank 1 on top
  const n = rows.length;
  const c = chart("intervals");
  c.setOption({
    ...baseOption,
    legend: { top: 0, data: [m.rank_interval, m.median_rank, m.nominal_rank] },
    grid: { left: 8, right: 24, top: 40, bottom: 30, containLabel: true },
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      formatter: (ps) => {
        const r = rows[ps[0].dataIndex];
        return `${esc(r.name[lang])}<br>${esc(m.nominal_rank)}: ${fmt(r.nominal_rank, 0)}<br>` +
          `${esc(m.median_rank)}: ${fmt(r.median_rank, 1)}<br>${esc(m.rank_interval)}: ` +
          `${fmt(r.q05_rank, 0)}–${fmt(r.q95_rank, 0)}`;
      },
    },
    xAxis: { type: "value", name: m.rank, nameLocation: "middle", nameGap: 26, min: 0, max: n + 1, interval: 1,
      axisLabel: { formatter: (v) => (v >= 1 && v <= n ? String(v) : "") },
      splitLine: { lineStyle: { color: "#eef0f3" } } },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name[lang]),
      axisTick: { show: false } },
    series: [
      // the 5-95% bar: a transparent part up to the 5th percentile, then the interval; a
      // zero-width interval still shows as a short bar around its rank
      { name: "q05", type: "bar", stack: "interval", silent: true, barWidth: 10,
        itemStyle: { color: "transparent" }, data: rows.map((r) => r.q05_rank - 0.15) },
      { name: m.rank_interval, type: "bar", stack: "interval", barWidth: 10,
        itemStyle: { color: "rgba(31,95,139,0.35)", borderColor: "#1f5f8b", borderWidth: 1 },
        data: rows.map((r) => r.q95_rank - r.q05_rank + 0.3) },
      { name: m.median_rank, type: "scatter", symbol: "circle", symbolSize: 11,
        itemStyle: { color: "#1f5f8b" }, data: rows.map((r) => r.median_rank) },
      { name: m.nominal_rank, type: "scatter", symbol: "diamond", symbolSize: 12,
        itemStyle: { color: "#e07b39" }, data: rows.map((r) => r.nominal_rank) },
    ],
  });
}
document.body.dataset.ready = "1";
