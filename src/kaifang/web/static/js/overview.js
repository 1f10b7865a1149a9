import {
  chart, el, fill, keepInUrl, fmt, mapOption, messages as m, pageData, rankingOption, registerMap,
  setLabel, signed, unitNames, lang,
} from "./common.js";

const data = pageData();
const slider = document.getElementById("year");
const out = document.getElementById("year-out");
const rankChart = chart("ranking");
const mapChart = data.has_map ? chart("map") : null;

function rowsOf(year) {
  return data.rows.filter((r) => r.year === year);
}

function renderTable(year, rows) {
  document.getElementById("ranking-caption").textContent = fill(m.table_caption_ranking, { year });
  const body = document.querySelector("#ranking-table tbody");
  body.replaceChildren(...[...rows].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9)).map((r) => {
    const tr = el("tr");
    tr.append(el("td", {}, r.rank ?? "–"));
    const td = el("td");
    td.append(el("a", { href: `/unit/${r.unit}?lang=${lang}&year=${year}` }, unitNames[r.unit] ?? r.unit));
    tr.append(td);
    tr.append(el("td", { class: "num" }, r.score === null ? m.missing : fmt(r.score)));
    tr.append(el("td", { class: "num" }, signed(r.change)));
    return tr;
  }));
}

function render(year) {
  const rows = rowsOf(year);
  out.textContent = year;
  slider.setAttribute("aria-valuetext", String(year));
  rankChart.setOption(rankingOption(rows, data.index), true);
  setLabel("ranking", fill(m.chart_alt_ranking, { year, index: data.index }));
  if (mapChart) {
    mapChart.setOption(mapOption(rows, data.index), true);
    setLabel("map", fill(m.chart_alt_map, { year, index: data.index }));
  }
  renderTable(year, rows);
  keepInUrl("year", year);
}

slider.addEventListener("input", () => render(Number(slider.value)));
if (mapChart) await registerMap();
render(data.year);
document.body.dataset.ready = "1";
