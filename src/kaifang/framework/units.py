"""Chinese names of the units that frameworks write in English.

A framework may give a unit in both languages (``unit: {zh: 家, en: enterprises}``); a plain
English unit is translated with this table when a Chinese output shows it, and shown unchanged
when the table does not know it (a symbol such as ``%`` or ``km`` reads the same in both).
"""

from __future__ import annotations

UNIT_ZH: dict[str, str] = {
    "%": "%",
    "% of gdp": "占地区生产总值%",
    "percent": "%",
    "enterprises": "家",
    "firms": "家",
    "entities": "户",
    "10 thousand entities": "万户",
    "projects": "个",
    "platforms": "个",
    "sites": "个",
    "routes": "条",
    "trains": "列",
    "persons": "人",
    "people": "人",
    "person-times": "人次",
    "10 thousand persons": "万人",
    "10 thousand people": "万人",
    "yuan": "元",
    "cny": "元",
    "10 thousand cny": "万元",
    "10 thousand yuan": "万元",
    "100 million cny": "亿元",
    "100 million yuan": "亿元",
    "usd": "美元",
    "10 thousand usd": "万美元",
    "100 million usd": "亿美元",
    "usd per person": "美元/人",
    "cny per person": "元/人",
    "tonnes": "吨",
    "10 thousand tonnes": "万吨",
    "pieces": "件",
    "10 thousand pieces": "万件",
    "km": "公里",
    "km2": "平方公里",
    "hours": "小时",
    "days": "天",
    "working days": "个工作日",
    "score (0-100)": "分（0–100）",
    "score": "分",
    "index": "指数",
    "ratio": "比值",
}


def unit_zh(unit: str) -> str:
    """The Chinese form of an English unit (unchanged when the table does not know it)."""
    return UNIT_ZH.get(unit.strip().lower(), unit)
