"""Write the bad-input corpus in tests/data/bad/ (run: python tests/data/make_bad_corpus.py).

Every file is small and broken in one documented way (see test_bad_corpus.py for what each must
report). CSV bytes are written exactly; workbooks get fixed document timestamps so that
re-running the script reproduces the committed files.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl

BAD = Path(__file__).parent / "bad"
FIXED_TIME = dt.datetime(2024, 1, 1)


def _gbk(text: str) -> bytes:
    """GBK bytes with CRLF line ends, as data.stats.gov.cn writes its exports."""
    return text.replace("\n", "\r\n").encode("gb18030")


NBS_HEAD = (
    "数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近3年\n地区,2024年,2023年,2022年\n"
)
NBS_TAIL = "注：示例。\n数据来源：国家统计局\n"

CSV_FILES: dict[str, bytes] = {
    # --- controls: these must read without any problem
    "ok_year_nian.csv": (
        'unit,year,gdp,trade\n贵阳市,2024年,5154.8,-12.5\n遵义,"2023",4401.2,NA\n'
        '黔东南州,2022.0,—,..\nGuiyang,2023,"4,000.5",－\n'
    ).encode(),
    # --- encodings
    "enc_latin1.csv": b"unit,year,gdp\n520100,2020,1\nCaf\xe9,2021,2\n",
    "enc_utf8_broken.csv": "unit,year,gdp\n贵阳市,2020,1\n遵义市,2021,2\n".encode()
    + b"\xff\xfe,2022,3\n",
    "enc_utf16.csv": "unit,year,gdp\n520100,2020,1\n".encode("utf-16"),
    # --- structure
    "empty.csv": b"",
    "blank_lines_only.csv": b"\n  \n,,\n",
    "header_only.csv": b"unit,year,gdp\n",
    "header_multirow.csv": b"unit,year,trade,,gdp\n,,exports,imports,\n520100,2020,1,2,3\n",
    "header_duplicated.csv": b"unit,year,gdp,trade,gdp\n520100,2020,1,2,3\n",
    "missing_column_long.csv": b"unit,year,indicator\n520100,2020,gdp\n",
    "missing_column_wide.csv": b"unit,gdp\n520100,1\n",
    "semicolons.csv": b"unit;year;gdp\n520100;2020;1\n",
    "unquoted_thousands.csv": b"unit,year,gdp\n520100,2020,1,234.5\n520200,2020,7\n",
    # --- cells
    "text_in_number.csv": b"unit,year,indicator,value\n520100,2020,gdp,1.5\n520200,2020,gdp,abc\n",
    "stray_chars.csv": b'unit,year,gdp\n520100,2020,"1,234.5"\n520200,2020,"12,3a"\n',
    "decimal_comma.csv": b'unit,year,gdp\n520100,2020,"12,3"\n',
    "infinite_value.csv": b"unit,year,gdp\n520100,2020,inf\n",
    "year_not_year.csv": b"unit,year,gdp\n520100,20x4,1\n520200,2024-01,2\n520300,,3\n",
    "three_problems.csv": (
        "unit,year,gdp\n火星市,2020,1\n520200,二〇二〇,2\n520300,2020,n.a.\n"
    ).encode(),
    # --- units and indicators
    "unknown_unit.csv": "unit,year,gdp\n520100,2020,1\n火星市,2020,2\n".encode(),
    "unknown_units_several.csv": (
        "unit,year,gdp\n火星市,2020,1\n月球县,2020,2\n520100,2020,3\n火星市,2021,4\nAtlantis,2020,5\n"
    ).encode(),
    "unknown_indicator_long.csv": b"unit,year,indicator,value\n520100,2020,gpd,1\n",
    "unknown_indicator_wide.csv": b"unit,year,gdp,gpd,tarde\n520100,2020,1,2,3\n",
    "ambiguous_units.csv": (
        "code,name_en,name_zh,level,parent,group\n220000,Jilin,吉林省,province,,\n"
        "220200,Jilin City,吉林市,prefecture,220000,\n"
    ).encode(),
    "ambiguous_data.csv": "unit,year,gdp\n吉林,2020,1\n吉林省,2020,2\n".encode(),
    # --- duplicates
    # 贵阳市 is 520100 again: the same unit, year and indicator given twice.
    "duplicate_rows.csv": (
        "unit,year,indicator,value\n520100,2020,gdp,1\n520200,2020,gdp,2\n贵阳市,2020,gdp,3\n"
    ).encode(),
    "dup_across_a.csv": b"unit,year,gdp\n520100,2020,1\n520200,2020,2\n",
    "dup_across_b.csv": b"unit,year,indicator,value\n520300,2020,gdp,5\n520200,2020,gdp,2\n",
    # --- NBS exports (GBK, CRLF)
    "nbs_garbled_meta.csv": _gbk(
        "数据库：分省年度数据\n指标地区生产总值(亿元)\n时间：最近3年\n地区,2024年,2023年,2022年\n"
        "北京市,1,2,3\n" + NBS_TAIL
    ),
    "nbs_unknown_region.csv": _gbk(NBS_HEAD + "北京市,1,2,3\n火星省,4,5,6\n" + NBS_TAIL),
    "nbs_text_in_cell.csv": _gbk(NBS_HEAD + "北京市,1,暂无,3\n天津市,4,5,6\n" + NBS_TAIL),
    "nbs_row_after_table.csv": _gbk(NBS_HEAD + "北京市,1,2,3\n\n天津市,4,5,6\n" + NBS_TAIL),
    "nbs_bad_year_header.csv": _gbk(
        "数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近3年\n地区,2024年,去年,2022年\n"
        "北京市,1,2,3\n" + NBS_TAIL
    ),
    # --- units tables
    "units_duplicate_codes.csv": (
        "code,name_en,name_zh,level,parent\n520000,Guizhou,贵州省,province,\n"
        "520100,Guiyang,贵阳市,prefecture,520000\n520100,Zunyi,遵义市,prefecture,520000\n"
    ).encode(),
    "units_missing_name_zh.csv": b"code,name_en,level\n520000,Guizhou,province\n",
    "units_unknown_parent.csv": (
        "code,name_en,name_zh,level,parent\n520000,Guizhou,贵州省,province,\n"
        "520100,Guiyang,贵阳市,prefecture,999999\n"
    ).encode(),
    "units_empty_name.csv": (
        "code,name_en,name_zh,level\n520000,Guizhou,贵州省,province\n520100,,贵阳市,prefecture\n"
    ).encode(),
    # --- COINr tables
    "coinr_meta_unknown_parent.csv": (
        b'"Level","iCode","iName","Direction","Weight","Unit","Target","Denominator","Parent","Type"\n'
        b'1,"LPI","Logistics",1,1,"Score",,,"Physical","Indicator"\n'
        b'1,"Ship","Shipping",1,1,"Score",,,"Nowhere","Indicator"\n'
        b'2,"Physical","Physical",1,1,"Score",,,"Index","Aggregate"\n'
        b'3,"Index","Index",1,1,"Score",,,,"Aggregate"\n'
    ),
    "coinr_meta_bad_direction.csv": (
        b'"Level","iCode","iName","Direction","Weight","Unit","Target","Denominator","Parent","Type"\n'
        b'1,"LPI","Logistics",up,1,"Score",,"Popn","Index","Indicator"\n'
        b'2,"Index","Index",1,1,"Score",,,,"Aggregate"\n'
    ),
    "coinr_data_missing_ucode.csv": b'"uName","Time","LPI"\n"Austria",2018,4.1\n',
    "coinr_data_text.csv": (
        b'"uName","uCode","EurAsia_group","Time","LPI"\n"Austria","AUT","Europe",2018,4.1\n'
        b'"Belgium","BEL","Europe",2018,"four"\n'
    ),
}


def _book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def _excel_text_in_number(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.title = "data"
    for row in (["unit", "year", "gdp"], [520100, 2020, 1.5], [520200, 2020, "n.a."]):
        ws.append(row)
    book.save(path)


def _excel_merged_header(path: Path) -> None:
    book = _book()
    ws = book.active
    ws.append(["unit", "year", "trade", None])
    ws.append([None, None, "exports", "imports"])
    ws.append([520100, 2020, 1, 2])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    book.save(path)


def _excel_empty_sheet(path: Path) -> None:
    book = _book()
    book.active.title = "empty"
    ws = book.create_sheet("data")
    ws.append(["unit", "year", "gdp"])
    ws.append([520100, 2020, 1])
    book.save(path)


def _excel_good_named_sheet(path: Path) -> None:
    book = _book()
    book.active.title = "notes"
    book.active.append(["This workbook's data are on the sheet 'data'."])
    ws = book.create_sheet("data")
    ws.append(["unit", "year", "gdp", "trade"])
    ws.append(["贵阳", "2024年", 5154.8, -3.5])
    ws.append([520300.0, 2024, 4861.0, None])
    book.save(path)


XLSX_FILES = {
    "excel_text_in_number.xlsx": _excel_text_in_number,
    "excel_merged_header.xlsx": _excel_merged_header,
    "excel_empty_sheet.xlsx": _excel_empty_sheet,
    "ok_excel_named_sheet.xlsx": _excel_good_named_sheet,
}


def write_corpus(target: Path = BAD) -> list[Path]:
    """Write every corpus file into ``target``; return the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in CSV_FILES.items():
        (target / name).write_bytes(data)
        written.append(target / name)
    for name, build in XLSX_FILES.items():
        build(target / name)
        written.append(target / name)
    return written


if __name__ == "__main__":
    for p in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else BAD):
        print(p)
