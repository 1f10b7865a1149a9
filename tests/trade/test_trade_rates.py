"""The shipped NBS CNY/USD rates and the explicit conversion."""

from __future__ import annotations

import numpy as np
import pytest

from kaifang.errors import KaifangError
from kaifang.trade.rates import convert, nbs_cny_per_usd


def test_table_covers_2000_2024() -> None:
    rates = nbs_cny_per_usd()
    assert list(rates.index) == list(range(2000, 2025))
    assert rates.between(6.0, 8.5).all()


def test_convert_roundtrip_and_errors() -> None:
    cny = convert([100.0, 100.0], [2016, 2024], "USD", "CNY")
    np.testing.assert_allclose(cny, [664.23, 712.17])
    np.testing.assert_allclose(convert(cny, [2016, 2024], "CNY", "USD"), [100.0, 100.0])
    with pytest.raises(KaifangError, match="1999"):
        convert([1.0], [1999], "USD", "CNY")
