"""What a run.json records about the software that made it: versions of the packages it used.

Shared by every verb that writes a run.json (the assessment, ``kaifang trade``,
``kaifang disparity``), so that their records read the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache


def package_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each package in ``names``; ``"absent"`` for one not installed
    (an optional engine such as pyspark)."""
    return {name: _version(name) for name in names}


@cache
def _version(name: str) -> str:
    # reading a package's metadata parses its METADATA file (about 4 ms each): once a process
    import importlib.metadata as md

    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "absent"
