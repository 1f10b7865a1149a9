"""kaifang (开放): measure and steer the high-quality development of an open economy."""

from importlib.metadata import PackageNotFoundError, version

try:
    # one source of truth: the version in pyproject.toml, as installed (recorded in run.json)
    __version__ = version("kaifang")
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"

# imported after __version__: the pipeline records it in run.json
from kaifang.assessment import Assessment, Results, load

__all__ = ["Assessment", "Results", "__version__", "load"]
