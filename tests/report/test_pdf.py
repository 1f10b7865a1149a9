"""report.pdf: WeasyPrint renders the report offline with correct Chinese text (Noto CJK SC
embedded, every Chinese string of the page present in the PDF's text)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from kaifang.report.build import build_reports


@pytest.fixture(scope="module")
def gz_pdf(guizhou_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    [path] = build_reports(guizhou_out, ["pdf"], lang="zh", outdir=out, today=dt.date(2025, 1, 2))
    return path


def fonts_of(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for ref in (fonts or {}).values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_pdf_has_the_chinese_text(gz_pdf: Path, guizhou_out: Path) -> None:
    reader = PdfReader(gz_pdf)
    assert len(reader.pages) >= 8
    text = "".join(page.extract_text() for page in reader.pages)
    record = json.loads((guizhou_out / "run.json").read_text(encoding="utf-8"))
    # the title, the banner, every unit name: all must come out of the PDF as text
    assert record["config"]["title"]["zh"] in text
    assert "模拟数据" in text
    for names in record["unit_names"].values():
        assert names["zh"] in text, names["zh"]
    for pillar in ("开放产业", "开放通道", "口岸与综合保税区", "外贸倍增"):
        assert pillar in text
    assert "\ufffd" not in text  # no character lost on the way


def test_pdf_embeds_simplified_chinese_fonts_only(gz_pdf: Path) -> None:
    fonts = fonts_of(PdfReader(gz_pdf))
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    # Japanese glyph shapes for Chinese text would be a silent error (a font fallback)
    assert not any("CJK-JP" in f or "CJK-KR" in f for f in fonts), fonts
