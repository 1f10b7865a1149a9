"""Rebuild report formats from a results folder (``kaifang report``), all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from kaifang.atomic import make_temp_folder, output_lock
from kaifang.errors import KaifangError
from kaifang.report.data import from_folder

FORMATS = ("html", "pdf", "xlsx")
FILE_NAMES = {"html": "report.html", "pdf": "report.pdf", "xlsx": "results.xlsx"}
# temporary folders of this module, and of its versions that named them with tempfile.mkdtemp
STALE = re.compile(r"^\.report\.(?:tmp-[0-9a-f]{8}|[a-z0-9_]{8})$")


def parse_formats(text: str) -> list[str]:
    """``"html,pdf"`` -> ``["html", "pdf"]``; an unknown name is a KaifangError naming it."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise KaifangError(
            f"unknown report format(s) {unknown or [text]}: use any of {', '.join(FORMATS)}"
        )
    return list(dict.fromkeys(formats))


def build_reports(
    folder: Path | str,
    formats: list[str],
    lang: str = "zh",
    outdir: Path | str | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Write the requested formats of the results in ``folder`` into ``outdir`` (default: the
    folder itself). Every file is first written to a temporary folder beside the target; only
    when all are written are they moved into place, so a failure leaves the old files as they
    were."""
    from kaifang.output.excel import write_workbook
    from kaifang.report.html import render_html
    from kaifang.report.pdf import write_pdf

    data = from_folder(folder)
    target = Path(outdir) if outdir is not None else Path(folder)
    if target.exists() and not target.is_dir():
        raise KaifangError(f"{target} exists and is not a folder")
    target.mkdir(parents=True, exist_ok=True)
    # the lock of the folder (the same that kaifang assess takes): no two writers at once, so a
    # temporary folder found inside is the leftover of a killed run
    with output_lock(target):
        for entry in os.scandir(target):
            if STALE.match(entry.name) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
        tmp = make_temp_folder(target, ".report.tmp-")
        try:
            for fmt in formats:
                path = tmp / FILE_NAMES[fmt]
                if fmt == "html":
                    path.write_text(render_html(data, lang, today=today), encoding="utf-8")
                elif fmt == "pdf":
                    write_pdf(data, path, lang, today=today)
                else:
                    write_workbook(data, path, lang)
            written = []
            for fmt in formats:
                final = target / FILE_NAMES[fmt]
                os.replace(tmp / FILE_NAMES[fmt], final)
                written.append(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return written
