"""kaifang (开放): measure and steer the high-quality development of an open economy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaifang.assessment import Assessment, Results, load

__all__ = ["Assessment", "Results", "__version__", "load"]


def __getattr__(name: str) -> Any:
    # The pipeline (pandas, scipy) is imported on first use, so that `kaifang --help` and the
    # modules that need none of it (errors, atomic writes) start in a blink.
    if name in ("Assessment", "Results", "load"):
        import kaifang.assessment

        return getattr(kaifang.assessment, name)
    # The version is the installed package's (pyproject.toml's `version`), recorded in run.json;
    # importing importlib.metadata costs tens of milliseconds that `--help` should not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("kaifang")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'kaifang' has no attribute {name!r}")
