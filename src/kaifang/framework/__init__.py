"""The indicator framework: a bilingual tree of pillars and indicators
(docs/en/architecture.md#framework-yaml)."""

from kaifang.framework.model import AGGREGATION_METHODS, Auxiliary, FrameworkFile, Name, Node
from kaifang.framework.tree import Framework, TreeNode, build_framework, load_framework

__all__ = [
    "AGGREGATION_METHODS",
    "Auxiliary",
    "Framework",
    "FrameworkFile",
    "Name",
    "Node",
    "TreeNode",
    "build_framework",
    "load_framework",
]
