"""kaifang (开放): measure and steer the high-quality development of an open economy."""

__version__ = "0.1.0"

from kaifang.assessment import Assessment, Results, load

__all__ = ["Assessment", "Results", "__version__", "load"]
