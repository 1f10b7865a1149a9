"""What a run.json records about the software that made it: versions of the packages it used.

Shared by every verb that writes a run.json (the assessment, ``kaifang trade``,
``kaifang disparity``), so that their records read the same.
"""

from __future__ import annotations

from collections.abc import Iterable


def package_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each package in ``names``; ``"absent"`` for one not installed
    (an optional engine such as pyspark)."""
    import importlib.metadata as md

    versions: dict[str, str] = {}
    for name in names:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "absent"
    return versions
