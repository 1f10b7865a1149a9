import { baseOption, chart, fmt, lang, messages as m, pageData } from "./common.js";

const { chosen, interval } = pageData();

// choosing a target or a unit shows it (the form also works with its button, without script)
for (const id of ["target-select", "unit-select"]) {
  const select = document.getElementById(id);
  if (!select) continue;
  select.addEventListener("change", () => {
    if (id === "target-select") document.getElementById("unit-select").disabled = true;
    select.form.requestSubmit();
  });
}

if (chosen) {
  const { target, unit, path } = chosen;
  const years = path.map((p) => p.year);
  const at = (year, value) => years.map((y) => (y === year ? value : null));
  const level = Math.round(100 * interval);
  // the projection runs from the latest value to the target year; its band is drawn as a
  // stacked area (transparent lower part + the width of the interval)
  const proj = years.map(() => null);
  const lower = years.map(() => null);
  const width = years.map(() => null);
  if (unit.projection !== null && unit.latest_year !== null) {
    const i0 = years.indexOf(unit.latest_year);
    const i1 = years.indexOf(target.target_year);
    if (i0 >= 0 && i1 >= 0) {
      proj[i0] = unit.latest_value; proj[i1] = unit.projection;
      lower[i0] = unit.latest_value; width[i0] = 0;
      lower[i1] = unit.projection_lower; width[i1] = unit.projection_upper - unit.projection_lower;
    }
  }
  const c = chart("target-chart");
  c.setOption({
    ...baseOption,
    legend: { top: 0, data: [m.actual, m.straight_path, m.projection, m.projection_band.replace("{level}", level)] },
    // room on the right for the target pin's label above the last year
    grid: { left: 8, right: 56, top: 56, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
    xAxis: { type: "category", data: years, boundaryGap: false },
    yAxis: { type: "value", name: target.measure_unit_name?.[lang] ?? target.measure_unit ?? "", splitLine: { lineStyle: { color: "#eef0f3" } } },
    series: [
      { name: m.actual, type: "line", data: path.map((p) => p.actual), symbolSize: 7,
        lineStyle: { width: 3 }, itemStyle: { color: "#1f5f8b" } },
      { name: m.straight_path, type: "line", data: path.map((p) => p.expected), connectNulls: false,
        lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#5f6b73" }, symbol: "emptyCircle" },
      { name: "lower", type: "line", data: lower, stack: "band", connectNulls: true, symbol: "none",
        lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
      { name: m.projection_band.replace("{level}", level), type: "line", data: width, stack: "band",
        connectNulls: true, symbol: "none", lineStyle: { opacity: 0 },
        areaStyle: { color: "rgba(224,123,57,0.25)" }, itemStyle: { color: "rgba(224,123,57,0.5)" },
        tooltip: { show: false } },
      { name: m.projection, type: "line", data: proj, connectNulls: true, symbol: "diamond",
        symbolSize: 9, lineStyle: { type: "dotted", width: 2.5 }, itemStyle: { color: "#e07b39" } },
      { name: m.target_value, type: "line", data: at(target.target_year, unit.target_value),
        symbol: "pin", symbolSize: 26, itemStyle: { color: "#b5473a" },
        label: { show: true, position: "top", formatter: () => m.target_value } },
    ],
  });
}
document.body.dataset.ready = "1";
