"""Writing results to files (DESIGN 2.5): an edge of the system, nothing imports it but the CLI."""

from kaifang.output.files import write_results

__all__ = ["write_results"]
