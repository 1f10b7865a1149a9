"""A period's form, generated from framework.yaml: every series that is entered (indicators and
auxiliary series such as GDP; series the framework derives, like growth rates, are computed, not
entered), with its pillar, bilingual name, unit and hard range."""

from __future__ import annotations

from dataclasses import dataclass

from kaifang.framework import Framework
from kaifang.platform.rules import FieldSpec, default_range


@dataclass(frozen=True)
class FieldDefinition:
    indicator: str
    group_zh: str
    group_en: str
    name_zh: str
    name_en: str
    unit: str
    low: float | None
    high: float | None
    positive: bool

    def spec(self) -> FieldSpec:
        return FieldSpec(self.indicator, self.low, self.high, self.positive)


def form_fields(framework: Framework) -> list[FieldDefinition]:
    """The form's fields in framework order; auxiliary series come last."""
    fields = []
    root = framework.root_id
    for indicator in framework.indicators:
        tree_node = framework[indicator]
        node = tree_node.node
        if node.derive is not None:
            continue
        # the pillar: the ancestor just below the root
        pillar = indicator
        parent = tree_node.parent
        while parent is not None and parent != root:
            pillar = parent
            parent = framework[parent].parent
        low, high = default_range(node.unit, node.transform)
        fields.append(
            FieldDefinition(
                indicator=indicator,
                group_zh=framework.name(pillar, "zh"),
                group_en=framework.name(pillar, "en"),
                name_zh=node.name.zh,
                name_en=node.name.en,
                unit=node.unit or "",
                low=low,
                high=high,
                positive=node.transform == "log",
            )
        )
    for aux_id, aux in framework.auxiliary.items():
        low, high = default_range(aux.unit, None)
        fields.append(
            FieldDefinition(
                indicator=aux_id,
                group_zh="基础数据",
                group_en="Base data",
                name_zh=aux.name.zh,
                name_en=aux.name.en,
                unit=aux.unit or "",
                low=low,
                high=high,
                # auxiliary series are denominators: a zero would divide by zero
                positive=True,
            )
        )
    return fields
