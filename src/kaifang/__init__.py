"""kaifang (开放): measure and steer the high-quality development of an open economy."""

from kaifang.assessment import Assessment, Results, load

__all__ = ["Assessment", "Results", "__version__", "load"]


def __getattr__(name: str) -> str:
    # The version is the installed package's (pyproject.toml's `version`), recorded in run.json.
    # Read on first use: importing importlib.metadata costs tens of milliseconds that
    # `kaifang --help` should not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("kaifang")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'kaifang' has no attribute {name!r}")
