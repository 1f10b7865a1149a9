"""Problems of ``kaifang trade`` inputs: populations for presence by RCA per capita."""

from __future__ import annotations

TRADE_MESSAGES: dict[str, dict[str, str]] = {
    "population_missing": {
        "zh": "{location} 在 {year} 年的人口缺失：按人均显示性优势（rpop）判定时，"
        "每个有出口的地区和年份都需要人口",
        "en": "population of {location!r} in {year} is missing: presence by RCA per capita "
        "(rpop) needs one for every location and year with exports",
    },
    "population_not_positive": {
        "zh": "人口 {found!r} 不是正数",
        "en": "population {found!r} is not a positive number",
    },
    "population_differs": {
        "zh": "{location} 在 {year} 年的人口各行不一致（{values}）：每个地区和年份只能有一个人口数",
        "en": "population of {location!r} in {year} differs between rows ({values}): one value per "
        "location and year",
    },
    "population_duplicate": {
        "zh": "{location} 在 {year} 年重复出现（第一次在第 {first} 行）",
        "en": "{location!r} in {year} appears again (first at row {first})",
    },
    "population_not_found": {
        "zh": "没有 {location} 在 {year} 年的人口（贸易数据中有其出口）；presence 为 {presence} 时"
        "需要",
        "en": "no population for {location!r} in {year} (the trade data have exports for it); "
        "presence {presence} needs it",
    },
    "v_rpop_needs_population": {
        "zh": "presence: {presence} 需要人口数据：在 data.columns 中给出 population 列，或给出 "
        "population: {{path: ...}} 文件",
        "en": "presence: {presence} needs populations: a column (data: columns: population) or a "
        "file (population: {{path: ...}})",
    },
    "v_population_twice": {
        "zh": "人口只能有一个来源：data.columns.population 或 population 文件，二选一",
        "en": "populations come from one place: data.columns.population or the population file, "
        "not both",
    },
    "v_population_column_format": {
        "zh": "data.columns.population 只适用于 long 格式；{format} 格式请用 "
        "population: {{path: ...}} 文件",
        "en": "data.columns.population works with the long format only; with {format} use a "
        "population file (population: {{path: ...}})",
    },
    "v_rpop_regions": {
        "zh": "presence: {presence} 与 regions 同用时需要各地区的人口："
        "在 population 文件中按地区代码给出，或给出 regions: {{population: {{path: ...}}}} 文件，"
        "或在 regions.data.columns 中给出 population 列",
        "en": "presence: {presence} with regions needs the regions' populations: rows keyed by "
        "region code in the population file, a file of their own (regions: {{population: "
        "{{path: ...}}}}) or a column (regions: data: columns: population)",
    },
    "region_population_not_found": {
        "zh": "没有地区 {location} 在 {year} 年的人口（regions 数据中有其出口）；presence 为 "
        "{presence} 时需要",
        "en": "no population for region {location!r} in {year} (the regions' data have exports "
        "for it); presence {presence} needs it",
    },
}
