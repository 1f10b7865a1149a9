"""kaifang (开放): measure and steer the high-quality development of an open economy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kaifang.assessment import Assessment, Results, load

__all__ = ["Assessment", "Results", "__version__", "load"]


def __getattr__(name: str) -> Any:
    # the pipeline (pandas, scipy) is imported on first use, so that `kaifang --help` and the
    # modules that need none of it (errors, atomic writes) start in a blink
    if name in ("Assessment", "Results", "load"):
        import kaifang.assessment

        return getattr(kaifang.assessment, name)
    raise AttributeError(f"module 'kaifang' has no attribute {name!r}")
