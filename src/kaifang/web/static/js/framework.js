import { baseOption, chart, pageData } from "./common.js";

const { nodes, lang } = pageData();
const byId = new Map(nodes.map((n) => [n.id, n]));

function toTree(id) {
  const n = byId.get(id);
  const share = n.weight === null ? "" : ` · ${(100 * n.weight).toFixed(0)}%`;
  return {
    name: `${n.name[lang]}${n.parent ? share : ""}`,
    children: n.children.map(toTree),
    // pillars start folded: the full tree is in the table below
    collapsed: n.level >= 1 && !n.is_indicator,
    itemStyle: { color: n.is_indicator ? "#3a9d5d" : n.level === 0 ? "#0d3658" : "#1f5f8b" },
  };
}

chart("tree").setOption({
  ...baseOption,
  tooltip: { trigger: "item" },
  series: [{
    type: "tree", data: [toTree(nodes[0].id)], orient: "LR", roam: false,
    left: "18%", right: "30%", top: 16, bottom: 16, symbolSize: 9,
    expandAndCollapse: true, initialTreeDepth: 1,
    label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
    leaves: { label: { position: "right", align: "left" } },
    lineStyle: { color: "#c9ced6", width: 1.2 },
  }],
});
document.body.dataset.ready = "1";
