"""The SVG line chart of the measure page: escaped text, broken lines where values are missing,
every point inside the drawing."""

from __future__ import annotations

import math
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kaifang.platform.web.ledger_charts import Line, line_chart


def _points(svg: str) -> list[tuple[float, float]]:
    found = []
    for points in re.findall(r'points="([^"]+)"', svg):
        for pair in points.split():
            x, y = pair.split(",")
            found.append((float(x), float(y)))
    found += [(float(x), float(y)) for x, y in re.findall(r'cx="([^"]+)" cy="([^"]+)"', svg)]
    return found


def test_text_is_escaped() -> None:
    svg = line_chart([2020, 2021], [Line("<b>'x'</b>", [1.0, 2.0], "#000")], '<script>"t"</script>')
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;&quot;t&quot;&lt;/script&gt;" in svg


def test_a_missing_value_breaks_the_line() -> None:
    nan = float("nan")
    svg = line_chart([1, 2, 3, 4, 5], [Line("a", [1.0, 2.0, nan, 4.0, 5.0], "#000")], "t")
    assert svg.count("<polyline") == 2  # 1-2 and 4-5, not bridged over year 3
    lonely = line_chart([1, 2, 3], [Line("a", [1.0, nan, 3.0], "#000")], "t")
    assert lonely.count("<polyline") == 0 and lonely.count("<circle") == 2


def test_nothing_to_draw() -> None:
    assert line_chart([], [], "t") == ""
    assert line_chart([2020], [Line("a", [float("nan")], "#000")], "t") == ""


def test_the_axis_holds_the_values_by_hand() -> None:
    # values 0..10: ticks from 0 to 10 in steps of 2.5 (height 190, top 10, bottom 40)
    svg = line_chart([2020, 2021], [Line("a", [0.0, 10.0], "#000")], "t")
    labels = re.findall(r'text-anchor="end">([^<]+)<', svg)
    assert labels == ["0.0", "2.5", "5.0", "7.5", "10.0"]
    (x0, y0), (x1, y1) = _points(svg)
    assert (y0, y1) == (150.0, 10.0)  # the lowest and highest tick lines: 190 - 40, 10
    assert (x0, x1) == (64.0, 400.0)  # 56 + 8 and 420 - 12 - 8


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.just(float("nan"))),
        min_size=1,
        max_size=12,
    )
)
@example([5e-324])  # one subnormal value: its span underflows to zero
def test_every_point_lies_inside_the_drawing(values: list[float]) -> None:
    years = list(range(2010, 2010 + len(values)))
    svg = line_chart(years, [Line("a", values, "#000")], "t")
    if all(math.isnan(v) for v in values):
        assert svg == ""
        return
    for x, y in _points(svg):
        assert 0 <= x <= 420 and 0 <= y <= 190
