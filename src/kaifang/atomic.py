"""Writing a folder of results all or nothing: into a temporary sibling, then renamed into place.

A run that fails leaves nothing half-written, and the previous results stay until the new ones
are complete.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(outdir: Path | str) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``outdir``, on error it is removed."""
    outdir = Path(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        yield tmp
        if outdir.exists():
            old = outdir.with_name(f".{outdir.name}.old")
            if old.exists():
                shutil.rmtree(old)
            outdir.rename(old)
            tmp.rename(outdir)
            shutil.rmtree(old)
        else:
            tmp.rename(outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


SIMULATED_NOTE = (
    "These results are computed from SIMULATED data (a seeded generator), not official "
    "statistics.\n本结果基于模拟数据（固定随机种子生成），并非官方统计数据。\n"
)


def write_simulated_note(folder: Path) -> None:
    """``SIMULATED_DATA.txt`` in an output folder of results from simulated data."""
    (folder / "SIMULATED_DATA.txt").write_text(SIMULATED_NOTE, encoding="utf-8")
