import {
  chart, el, fill, fmt, mapOption, messages as m, pageData, rankingOption, registerMap,
  setLabel, signed, unitNames,
} from "./common.js";

const data = pageData();
const barChart = chart("whatif-bars");
const mapChart = data.has_map ? chart("map") : null;
const yearSelect = document.getElementById("year-select");
const timing = document.getElementById("timing");
let rows = data.rows.map((r) => ({ ...r, base_score: r.score, base_rank: r.rank }));
let inFlight = false;
let pending = null;  // time of the newest change not yet sent
let updates = 0;

function weights() {
  const out = {};
  // the number boxes hold the exact weights (the sliders stop at their max)
  for (const input of document.querySelectorAll(".w-number")) out[input.dataset.node] = Number(input.value);
  return out;
}

function render() {
  const year = Number(yearSelect.value);
  const shown = rows.filter((r) => r.year === year);
  document.getElementById("year-label").textContent = year;
  barChart.setOption(rankingOption(shown, data.index), true);
  setLabel("whatif-bars", fill(m.chart_alt_whatif, { year, index: data.index }));
  if (mapChart) {
    // a small map: names in the tooltip and the table, not on the map
    mapChart.setOption(mapOption(shown, data.index, false), true);
    setLabel("map", fill(m.chart_alt_map, { year, index: data.index }));
  }
  const body = document.querySelector("#whatif-table tbody");
  body.replaceChildren(...[...shown].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9)).map((r) => {
    const tr = el("tr", { "data-unit": r.unit });
    const moved = r.rank !== null && r.base_rank !== null ? r.base_rank - r.rank : null;
    tr.append(el("td", {}, r.rank ?? "–"), el("td", {}, unitNames[r.unit] ?? r.unit),
      el("td", { class: "num" }, fmt(r.score)), el("td", { class: "num" }, r.base_rank ?? "–"),
      el("td", { class: "num" }, fmt(r.base_score)),
      el("td", { class: `num ${moved > 0 ? "good" : moved < 0 ? "bad" : ""}` }, signed(moved)));
    return tr;
  }));
}

async function send(startedAt) {
  inFlight = true;
  const t0 = performance.now();
  let result;
  try {
    const resp = await fetch("/api/whatif", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ weights: weights() }),
    });
    result = await resp.json();
    if (!resp.ok) throw new Error(result.detail ?? `HTTP ${resp.status}`);
  } catch (err) {
    timing.textContent = String(err.message ?? err);
    inFlight = false;
    return;
  }
  const roundTrip = performance.now() - t0;
  rows = result.rows;
  for (const [node, share] of Object.entries(result.weights)) {
    const cell = document.querySelector(`[data-share="${node}"]`);
    if (cell) cell.textContent = `${(100 * share).toFixed(1)}%`;
  }
  render();
  const total = performance.now() - startedAt;
  updates += 1;
  // measured by the browser test: server compute, request round trip, change-to-redrawn page
  Object.assign(document.body.dataset, {
    updates: String(updates), serverMs: result.elapsed_ms.toFixed(1),
    roundTripMs: roundTrip.toFixed(1), updateMs: total.toFixed(1),
  });
  timing.textContent = `${m.response_time} ${fmt(result.elapsed_ms, 0)} ${m.ms}` +
    `${result.cached ? ` ${m.cached}` : ""} · ${fmt(total, 0)} ${m.ms}`;
  inFlight = false;
  if (pending !== null) {
    const next = pending;
    pending = null;
    send(next);
  }
}

function changed() {
  const now = performance.now();
  if (inFlight) pending = now;
  else send(now);
}

for (const range of document.querySelectorAll(".w-range")) {
  const number = document.querySelector(`.w-number[data-node="${range.dataset.node}"]`);
  range.addEventListener("input", () => { number.value = Number(range.value).toFixed(1); changed(); });
  number.addEventListener("change", () => {
    const v = Number(number.value);
    if (!(v > 0)) { number.value = range.value; return; }
    range.value = String(Math.min(v, Number(range.max)));
    changed();
  });
}
document.getElementById("reset").addEventListener("click", () => {
  for (const range of document.querySelectorAll(".w-range")) {
    range.value = range.dataset.base;
    document.querySelector(`.w-number[data-node="${range.dataset.node}"]`).value = range.dataset.base;
  }
  changed();
});
yearSelect.addEventListener("change", render);
if (mapChart) await registerMap();
render();
document.body.dataset.ready = "1";
