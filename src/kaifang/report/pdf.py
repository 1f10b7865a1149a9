"""``report.pdf``: the HTML report laid out on A4 pages by WeasyPrint (no JavaScript, no network).

The page is rendered without the inline font subset: WeasyPrint finds Noto Sans CJK (Debian's
``fonts-noto-cjk``) through fontconfig and embeds a subset of it, including the bold face.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from kaifang.errors import KaifangError
from kaifang.report.data import ReportData
from kaifang.report.fonts import find_cjk_font
from kaifang.report.html import render_html

log = logging.getLogger(__name__)


def _fetch_nothing(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    # the page is self-contained: any fetch would be a bug, and must never reach the network
    raise ValueError(f"report.pdf fetches nothing; refused {url[:60]}")


def write_pdf(data: ReportData, path: Path, lang: str = "zh", today: dt.date | None = None) -> None:
    """Render the report to ``path`` as PDF."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise KaifangError(
            "report.pdf needs WeasyPrint and pango: pip install weasyprint "
            f"(and apt-get install libpango-1.0-0); {exc}"
        ) from None
    if find_cjk_font() is None:
        raise KaifangError(
            "report.pdf needs a Chinese font: install Debian's fonts-noto-cjk "
            "(apt-get install fonts-noto-cjk)"
        )
    html = render_html(data, lang, embed_font=False, today=today)
    # WeasyPrint logs every CSS property it does not support; they are expected here
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(str(path))
