"""The words of the dashboard's trade pages (zh and en), part of the one catalogue
(``kaifang.web.messages`` merges them)."""

from __future__ import annotations

TRADE_MESSAGES: dict[str, dict[str, str]] = {
    "nav_trade": {"zh": "贸易", "en": "Trade"},
    "trade_title": {"zh": "贸易结构与经济复杂度", "en": "Trade structure and economic complexity"},
    "trade_nav_label": {"zh": "贸易分页", "en": "Trade pages"},
    "trade_overview": {"zh": "总览", "en": "Overview"},
    "trade_space": {"zh": "产品空间", "en": "Product space"},
    "trade_opportunities": {"zh": "新产品机会", "en": "Opportunities"},
    "trade_markets": {"zh": "市场", "en": "Markets"},
    "trade_unavailable": {
        "zh": "本看板没有载入贸易结果。请在启动时加上 --trade，指向贸易配置文件或贸易结果文件夹，"
        "例如：kaifang serve assessment.yaml --trade trade.yaml",
        "en": "No trade results are loaded in this dashboard. Start it with --trade pointing to "
        "a trade config or a trade results folder, e.g. "
        "kaifang serve assessment.yaml --trade trade.yaml",
    },
    "trade_simulated": {
        "zh": "模拟数据：贸易结果不代表真实情况",
        "en": "SIMULATED DATA: the trade results do not describe the real economy",
    },
    "trade_location": {"zh": "地区", "en": "Location"},
    "trade_year": {"zh": "年份", "en": "Year"},
    "trade_show": {"zh": "显示", "en": "Show"},
    "eci": {"zh": "经济复杂度指数", "en": "ECI"},
    "diversity": {
        "zh": "多样性（具有比较优势的产品数）",
        "en": "Diversity (products with RCA > 1)",
    },
    "eci_path_title": {"zh": "{name}的经济复杂度", "en": "Economic complexity of {name}"},
    "eci_region_note": {
        "zh": "地区经济复杂度：以世界数据的产品复杂度，按该地区具有比较优势的产品计算（OEC方法）。",
        "en": "Subnational ECI: the world's PCI applied to the region's products with an RCA above "
        "1 (the OEC's method).",
    },
    "concentration_title": {"zh": "出口产品集中度", "en": "Export concentration"},
    "hhi": {"zh": "赫芬达尔指数", "en": "HHI"},
    "hhi_normalised": {"zh": "标准化赫芬达尔指数", "en": "Normalised HHI"},
    "unctad_concentration": {"zh": "贸发会议集中度指数", "en": "UNCTAD concentration"},
    "unctad_diversification": {"zh": "贸发会议多样化指数", "en": "UNCTAD diversification"},
    "partners_title": {"zh": "市场集中度", "en": "Market concentration"},
    "partners_count": {"zh": "出口市场数", "en": "Markets"},
    "partner_hhi": {"zh": "市场赫芬达尔指数", "en": "Market HHI"},
    "import_partner_hhi": {"zh": "进口来源市场赫芬达尔指数", "en": "Import market HHI"},
    "partners_above_floor": {"zh": "份额达到下限的市场数", "en": "Markets above the floor"},
    "margins_title": {
        "zh": "出口增长的集约边际与广延边际",
        "en": "Intensive and extensive margins of export growth",
    },
    "margins_note": {
        "zh": "出口变化 = 集约边际（已有产品与市场的增减） + 新产品 + 新市场 − 消失的产品与市场。",
        "en": "Change in exports = intensive margin (existing products and markets) + new products "
        "+ new markets - lost products and markets.",
    },
    "no_margins": {
        "zh": "这些贸易结果中没有该地区的边际分解（需要至少两年的数据）。",
        "en": "These trade results have no margins for this location (they need two years or "
        "more).",
    },
    "total_change": {"zh": "出口变化", "en": "Change in exports"},
    "intensive": {"zh": "集约边际", "en": "Intensive margin"},
    "new_products": {"zh": "新产品", "en": "New products"},
    "new_markets": {"zh": "新市场", "en": "New markets"},
    "lost": {"zh": "消失的产品与市场", "en": "Lost"},
    "world_eci_title": {
        "zh": "各经济体的经济复杂度（{year}年）",
        "en": "ECI of every economy ({year})",
    },
    "economy": {"zh": "经济体", "en": "Economy"},
    "space_title": {"zh": "产品空间（{year}年）", "en": "Product space ({year})"},
    "space_note": {
        "zh": "节点为世界贸易额最大的产品，颜色表示产品复杂度，"
        "大而描边的节点为{name}具有比较优势的产品；连线为邻近度的最大生成树与最强的联系。",
        "en": "Nodes: the products with the largest world trade, coloured by PCI; large outlined "
        "nodes: products in which {name} has an RCA above 1; lines: the maximum spanning tree of "
        "proximity and the strongest links.",
    },
    "space_table": {
        "zh": "{name}具有比较优势的产品（按产品复杂度排序）",
        "en": "Products in which {name} has an RCA above 1 (by PCI)",
    },
    "opportunities_title": {"zh": "新产品机会（{year}年）", "en": "Opportunities ({year})"},
    "opportunities_note": {
        "zh": "{name}尚无比较优势的产品：横轴为密度（与现有能力的接近程度），纵轴为产品复杂度；"
        "橙色为最可行的新产品（密度与复杂度标准化后之和最大）。",
        "en": "Products in which {name} has no RCA yet: density (closeness to current "
        "capabilities) against PCI; orange: the most feasible new products (largest sum of "
        "standardised density and PCI).",
    },
    "feasible_table": {"zh": "最可行的新产品", "en": "Most feasible new products"},
    "product": {"zh": "产品", "en": "Product"},
    "pci": {"zh": "产品复杂度", "en": "PCI"},
    "density": {"zh": "密度", "en": "Density"},
    "cog": {"zh": "复杂度前景收益", "en": "COG"},
    "other_products": {"zh": "其他产品", "en": "Other products"},
    "feasible": {"zh": "最可行", "en": "Most feasible"},
    "markets_title": {
        "zh": "{name}的出口市场（{year}年）",
        "en": "Export markets of {name} ({year})",
    },
    "market_map_note": {
        "zh": "颜色表示各市场的份额、出口额或同比增长（五个分位数组）；"
        "太小而无法在图上画出的国家或地区以圆点表示。",
        "en": "Colour: each market's share, exports or growth on a year (five quantile classes); "
        "countries too small for the map are dots.",
    },
    "map_shows": {"zh": "地图显示", "en": "The map shows"},
    "treemap_title": {"zh": "市场构成", "en": "Composition of markets"},
    "partner": {"zh": "市场", "en": "Market"},
    "exports": {"zh": "出口额", "en": "Exports"},
    "growth": {"zh": "同比增长", "en": "Growth on a year"},
    "map_boundaries": {
        "zh": "底图为公有领域的“自然地球”1:1.1亿世界地图，边界按实际控制线绘制，"
        "仅供分析和内部使用；政府部门在中国公开发布的地图必须使用审图号批准的标准地图。",
        "en": "Boundaries: Natural Earth 1:110m (public domain), drawn de facto, for analysis "
        "and internal use; a map published by a government body in China must use an approved "
        "standard map (审图号).",
    },
    "map_unmatched": {
        "zh": "未能在地图上画出（仍列入表中）：",
        "en": "Not on the map (still in the table):",
    },
    "reason_unknown": {"zh": "无法识别的代码", "en": "unknown code"},
    "reason_no_shape": {"zh": "地图上没有该国家或地区", "en": "no shape on this map"},
    "no_partner_data": {
        "zh": "这些贸易结果中没有按贸易伙伴汇总的出口，因此没有市场地图。",
        "en": "These trade results have no exports by partner, so there is no market map.",
    },
    "no_complexity": {
        "zh": "这些贸易结果中没有该地区的产品复杂度结果（例如只做了结构分析）。",
        "en": "These trade results have no complexity results for this location (e.g. a "
        "structure-only run).",
    },
    "import_markets_note": {
        "zh": "进口市场：这些贸易结果中没有该地区按贸易伙伴汇总的进口（数据只有出口），"
        "因此没有进口市场地图。",
        "en": "Import markets: these trade results have no imports by partner for this location "
        "(the data hold exports only), so there is no map of import markets.",
    },
    "import_mirror_note": {
        "zh": "进口按镜像数据计算：某国从各伙伴的进口即各伙伴对该国的出口（BACI世界贸易表）。",
        "en": "Imports are mirror flows: a country's imports from each partner are that "
        "partner's exports to it (the BACI world table).",
    },
    "import_partners_count": {"zh": "进口来源市场数", "en": "Markets"},
    "import_market_map_note": {
        "zh": "颜色表示各来源市场的份额、进口额或同比增长（五个分位数组）；"
        "太小而无法在图上画出的国家或地区以圆点表示。",
        "en": "Colour: each market's share, imports or growth on a year (five quantile classes); "
        "countries too small for the map are dots.",
    },
    "import_markets_title": {
        "zh": "{name}的进口来源市场（{year}年）",
        "en": "Import markets of {name} ({year})",
    },
    "market_flow_label": {"zh": "出口市场或进口市场", "en": "Export or import markets"},
    "flow_export": {"zh": "出口市场", "en": "Export markets"},
    "flow_import": {"zh": "进口市场", "en": "Import markets"},
    "imports": {"zh": "进口额", "en": "Imports"},
    "chart_alt_import_map": {
        "zh": "{name}进口来源市场世界地图（颜色表示份额）；数值见下表",
        "en": "World map of {name}'s import markets (colour: share); the numbers are in the table",
    },
    "chart_alt_import_treemap": {
        "zh": "{name}进口来源市场构成矩形树图；数值见下表",
        "en": "Treemap of {name}'s import markets; the numbers are in the table",
    },
    "chart_alt_eci_path": {
        "zh": "{name}历年经济复杂度指数与多样性折线图；数值见下表",
        "en": "Line chart of {name}'s ECI and diversity by year; the numbers are in the table",
    },
    "chart_alt_margins": {
        "zh": "{name}出口增长的边际分解柱状图；数值见下表",
        "en": "Bar chart of the margins of {name}'s export growth; the numbers are in the table",
    },
    "chart_alt_concentration": {
        "zh": "{name}出口产品与市场集中度折线图；数值见下表",
        "en": "Line chart of {name}'s export and market concentration; the numbers are in the "
        "table",
    },
    "chart_alt_world_eci": {
        "zh": "各经济体经济复杂度世界地图；数值见旁边的表格",
        "en": "World map of every economy's ECI; the numbers are in the table",
    },
    "chart_alt_space": {
        "zh": "产品空间网络图，{name}具有比较优势的产品突出显示；产品列表见旁边的表格",
        "en": "Network of the product space with {name}'s products highlighted; the products are "
        "in the table",
    },
    "chart_alt_opportunities": {
        "zh": "{name}新产品机会散点图（密度与产品复杂度）；最可行的产品见旁边的表格",
        "en": "Scatter of {name}'s opportunities (density against PCI); the most feasible are in "
        "the table",
    },
    "chart_alt_market_map": {
        "zh": "{name}出口市场世界地图（颜色表示份额）；数值见下表",
        "en": "World map of {name}'s export markets (colour: share); the numbers are in the table",
    },
    "chart_alt_treemap": {
        "zh": "{name}出口市场构成矩形树图；数值见下表",
        "en": "Treemap of {name}'s export markets; the numbers are in the table",
    },
}
