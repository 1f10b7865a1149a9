"""Writing results to files (docs/en/architecture.md#output-folder): an edge of the system,
nothing imports it but the CLI."""

from kaifang.output.files import write_results

__all__ = ["write_results"]
