import {
  chart, el, fill, fmt, mapOption, messages as m, pageData, rankingOption, registerMap,
  setLabel, setLinkParam, signed, unitNames,
} from "./common.js";

const data = pageData();
const barChart = chart("whatif-bars");
const mapChart = data.has_map ? chart("map") : null;
const yearSelect = document.getElementById("year-select");
const timing = document.getElementById("timing");
const message = document.getElementById("weight-message");
const pillarName = new Map(data.pillars.map((p) => [p.id, p.name]));
// A value is checked before it is sent; a refused value goes back to the last accepted one,
// and the page says why.
const accepted = new Map();
for (const input of document.querySelectorAll(".w-number")) accepted.set(input.dataset.node, Number(input.value));
let rows = data.rows.map((r) => ({ ...r, base_score: r.score, base_rank: r.rank }));
let inFlight = false;
let pending = null;  // time of the newest change not yet sent
let updates = 0;

// the weights sent are the accepted ones: a value being typed, or refused, is never sent
function weights() {
  return Object.fromEntries(accepted);
}

// the download of the table follows the weights and the year shown
function updateDownloads() {
  const spec = Object.entries(weights()).map(([node, w]) => `${node}:${w}`).join(",");
  for (const link of document.querySelectorAll("a[data-download=whatif]")) {
    setLinkParam(link, "weights", spec);
    setLinkParam(link, "year", yearSelect.value);
  }
}

function render() {
  const year = Number(yearSelect.value);
  updateDownloads();
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
    if (!resp.ok) throw new Error(typeof result.detail === "string" ? result.detail : `HTTP ${resp.status}`);
  } catch (err) {
    message.textContent = `${m.whatif_failed} ${String(err.message ?? err)}`;
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
  timing.textContent = `${fill(m.timing_server, { ms: fmt(result.elapsed_ms, 0) })}` +
    `${result.cached ? ` ${m.cached}` : ""} · ${fill(m.timing_total, { ms: fmt(total, 0) })}`;
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


function refusal(node, text) {
  const value = text.trim();
  const v = Number(value);
  const values = { node: pillarName.get(node) ?? node, value, previous: accepted.get(node), max: data.max_weight };
  if (value === "" || !Number.isFinite(v)) return fill(m.weight_not_number, values);
  if (v < 0) return fill(m.weight_negative, values);
  if (v > data.max_weight) return fill(m.weight_too_large, values);
  const others = [...accepted].filter(([n]) => n !== node).some(([, w]) => w > 0);
  if (v === 0 && !others) return fill(m.weight_all_zero, values);
  return null;
}

function commit(node, range, number, text) {
  const why = refusal(node, text);
  if (why !== null) {
    message.textContent = why;
    number.value = String(accepted.get(node));
    range.value = String(Math.min(accepted.get(node), Number(range.max)));
    return;
  }
  message.textContent = "";
  const v = Number(text);
  accepted.set(node, v);
  number.value = text.trim();
  range.value = String(Math.min(v, Number(range.max)));
  changed();
}

for (const range of document.querySelectorAll(".w-range")) {
  const node = range.dataset.node;
  const number = document.querySelector(`.w-number[data-node="${node}"]`);
  range.addEventListener("input", () => commit(node, range, number, Number(range.value).toFixed(1)));
  number.addEventListener("change", () => commit(node, range, number, number.value));
}
document.getElementById("weights-form").addEventListener("submit", (ev) => ev.preventDefault());
document.getElementById("reset").addEventListener("click", () => {
  for (const range of document.querySelectorAll(".w-range")) {
    range.value = range.dataset.base;
    document.querySelector(`.w-number[data-node="${range.dataset.node}"]`).value = range.dataset.base;
    accepted.set(range.dataset.node, Number(range.dataset.base));
  }
  message.textContent = "";
  changed();
});
yearSelect.addEventListener("change", render);
if (mapChart) await registerMap();
render();
document.body.dataset.ready = "1";
