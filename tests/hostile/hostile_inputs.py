"""Hostile input files, built on demand, and a runner that confines a CLI run to 1 GB.

Shared by the hostile tests and ``benchmarks/bench_hostile.py``; every builder writes into a
folder it is given and returns the path of what it wrote.
"""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

MEMORY_LIMIT = 1 << 30  # address space of a confined run: a regression fails, the machine lives

FRAMEWORK = """\
id: idx
name: {en: Index, zh: 指数}
children:
  - id: gdp
    name: {en: GDP, zh: 地区生产总值}
    unit: 100 million CNY
    direction: 1
  - id: trade
    name: {en: Trade, zh: 进出口}
    unit: 100 million CNY
    direction: 1
"""

UNITS = (
    "code,name_en,name_zh,level\n"
    "520100,Guiyang,贵阳市,prefecture\n"
    "520200,Liupanshui,六盘水市,prefecture\n"
)

GOOD_DATA = "unit,year,gdp,trade\n520100,2024,5000,300\n520200,2024,2000,80\n"


def project(folder: Path, data: str = "data.csv", config_text: str | None = None) -> Path:
    """A small valid project whose config reads ``data`` (a path, possibly hostile)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    if data == "data.csv" and not (folder / "data.csv").exists():
        (folder / "data.csv").write_text(GOOD_DATA, encoding="utf-8")
    config = folder / "assessment.yaml"
    config.write_text(
        config_text
        or (
            "title: {en: Hostile, zh: 恶意输入}\n"
            "framework: framework.yaml\n"
            "units: units.csv\n"
            f"data: {data}\n"
            "steps:\n"
            "  normalise: {method: minmax}\n"
            "  aggregate: {method: arithmetic}\n"
        ),
        encoding="utf-8",
    )
    return config


# ------------------------------------------------------------------------------- YAML


def yaml_bomb(folder: Path, levels: int = 9) -> Path:
    """A "billion laughs" config: each level repeats the one before nine times."""
    lines = ["title: {en: Bomb, zh: 炸弹}", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels + 1):
        refs = ", ".join([f"*l{k - 1}"] * 9)
        lines.append(f"l{k}: &l{k} [{refs}]")
    lines += ["framework: framework.yaml", "units: units.csv", "data: data.csv"]
    path = folder / "assessment.yaml"
    project(folder, config_text="\n".join(lines) + "\n")
    return path


def yaml_deep(folder: Path, depth: int = 100_000) -> Path:
    """A config nested a hundred thousand brackets deep (crashes a recursive tree builder)."""
    path = project(folder)
    path.write_text("title: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- workbooks

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_SHARED_STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def _workbook(path: Path, sheet_parts: list[bytes], shared_strings: str | None = None) -> Path:
    types, rels = _CONTENT_TYPES, _WORKBOOK_RELS
    if shared_strings is not None:
        types = types.replace("</Types>", _SHARED_STRINGS_TYPE)
        rels = rels.replace("</Relationships>", _SHARED_STRINGS_REL)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", types)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", rels)
        if shared_strings is not None:
            book.writestr("xl/sharedStrings.xml", shared_strings)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part)
    return path


def xlsx_far_cell(folder: Path, cell: str = "XFD1048576") -> Path:
    """A few-KB workbook whose only cell is at the last cell of a sheet."""
    row = "".join(ch for ch in cell if ch.isdigit())
    body = (
        f'{_SHEET_HEAD}<dimension ref="A1:{cell}"/><sheetData>'
        f'<row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData></worksheet>'
    )
    return _workbook(folder / "far_cell.xlsx", [body.encode()])


def xlsx_shared_strings_count(folder: Path, count: int = 4_000_000_000) -> Path:
    """A workbook of one text cell whose shared-strings table claims ``count`` entries (the
    Excel reader reserves room for them all before reading one)."""
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{count}" uniqueCount="{count}"><si><t>unit</t></si></sst>'
    )
    body = (
        f'{_SHEET_HEAD}<dimension ref="A1"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    return _workbook(folder / "shared_strings.xlsx", [body.encode()], strings)


def xlsx_unpacks_big(folder: Path, megabytes: int = 1300) -> Path:
    """A small workbook whose sheet XML unpacks to ``megabytes`` MB (blank padding)."""
    chunk = b" " * (1 << 20)
    parts = [f'{_SHEET_HEAD}<dimension ref="A1:B2"/><sheetData>'.encode()]
    parts += [chunk] * megabytes
    parts.append(b'<row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    return _workbook(folder / "unpacks_big.xlsx", parts)


def xlsx_lying_sizes(folder: Path, megabytes: int = 600) -> Path:
    """A workbook whose sheet claims to unpack to 1 KB but unpacks to ``megabytes`` MB."""
    path = xlsx_unpacks_big(folder, megabytes)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    # the sizes are in the zip64 extra field (force_zip64); the fixed fields read 0xFFFFFFFF
    local = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[local + 26 : local + 30])
    extra = local + 30 + name_len
    _patch_zip64(data, extra, extra_len)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len, extra_len = struct.unpack("<HH", data[central + 28 : central + 32])
        name = bytes(data[central + 46 : central + 46 + name_len])
        if name == b"xl/worksheets/sheet1.xml":
            if data[central + 24 : central + 28] == b"\xff\xff\xff\xff":
                _patch_zip64(data, central + 46 + name_len, extra_len)
            else:  # small enough for the directory's 32-bit field
                data[central + 24 : central + 28] = struct.pack("<I", 1024)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    lying = folder / "lying_sizes.xlsx"
    lying.write_bytes(bytes(data))
    path.unlink()
    return lying


def _patch_zip64(data: bytearray, start: int, length: int) -> None:
    pos = start
    while pos < start + length:
        tag, size = struct.unpack("<HH", data[pos : pos + 4])
        if tag == 1:  # zip64: uncompressed size first
            data[pos + 4 : pos + 12] = struct.pack("<Q", 1024)
            return
        pos += 4 + size


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="data">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        book.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL, zipfile.ZIP_DEFLATED)
        book.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(value: str, repeated: int = 1) -> str:
    kind = 'office:value-type="string"'
    if value.replace(".", "").isdigit():
        kind = f'office:value-type="float" office:value="{value}"'
    repeat = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-cell {kind}{repeat}><text:p>{value}</text:p></table:table-cell>"


def ods_repeated_value(folder: Path, rows: int = 9000, columns: int = 10000) -> Path:
    """An OpenDocument sheet of one row, repeated, of one cell with a value, repeated: 1 KB on
    disk, 90 million cells once expanded (below the reader's own cap of 100 million)."""
    row = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f"{_ods_cell('1', columns)}</table:table-row>"
    )
    return _ods(folder / "repeated.ods", row)


def ods_padded(folder: Path) -> Path:
    """A valid OpenDocument sheet padded as LibreOffice writes it: empty cells and rows repeated
    to the sheet's last cell, which span nothing."""
    lines = [["unit", "year", "gdp", "trade"], ["520100", "2024", "5000", "300"]]
    lines.append(["520200", "2024", "2000", "80"])
    rows = "".join(
        "<table:table-row>"
        + "".join(_ods_cell(v) for v in line)
        + '<table:table-cell table:number-columns-repeated="16380"/></table:table-row>'
        for line in lines
    )
    rows += (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return _ods(folder / "padded.ods", rows)


# ------------------------------------------------------------------------------- CSV


def csv_wide(folder: Path, columns: int = 1_000_000) -> Path:
    """A CSV whose header has a million columns (2 MB on disk)."""
    path = folder / "wide.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("unit,year," + ",".join(f"c{i}" for i in range(columns)) + "\n")
        out.write("520100,2024" + ",1" * columns + "\n")
    return path


def csv_wide_row(folder: Path, columns: int = 1_000_000) -> Path:
    """A CSV with a normal header and one data line of a million fields."""
    path = folder / "wide_row.csv"
    path.write_text("unit,year,gdp,trade\n520100,2024" + ",1" * columns + "\n", encoding="utf-8")
    return path


def csv_long(folder: Path, rows: int = 1_200_000) -> Path:
    """A CSV of more rows than the default limit."""
    path = folder / "long.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("unit,year,gdp,trade\n")
        out.write("520100,2024,1,1\n" * rows)
    return path


# ------------------------------------------------------------------------------- running


_MAIN = "import sys; from kaifang.cli import main; sys.argv[0] = 'kaifang'; main()"


def _confine() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_confined(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``kaifang <args>`` in a subprocess limited to 1 GB of address space."""
    full_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "200", **(env or {})}
    src = Path(__file__).resolve().parents[2] / "src"
    full_env["PYTHONPATH"] = os.pathsep.join(
        [str(src), *filter(None, [full_env.get("PYTHONPATH")])]
    )
    return subprocess.run(
        [sys.executable, "-c", _MAIN, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_confine,
        check=False,
    )
