"""A region against world trade: RCA, RCA per capita (RPOP) and presence, by hand and by
property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kaifang.errors import MethodError
from kaifang.methods import subnational as sx

# world exports by product 15, 25, 30 (total 70); the region exports 1, 25/16, 6 (total 8.5625)
# and holds a quarter of a world population of 1 (share 1/4 -> N / N_r = 4); below: 1/16
WORLD = np.array([15.0, 25.0, 30.0])
REGION = np.array([1.0, 1.5625, 6.0])


def test_rca_and_rpop_by_hand() -> None:
    total = REGION.sum()
    np.testing.assert_allclose(
        sx.region_rca(REGION, WORLD),
        [(1 / total) / (15 / 70), (1.5625 / total) / (25 / 70), (6 / total) / (30 / 70)],
        rtol=1e-15,
    )
    # RPOP = (x_p / X_p) / (N_r / N) with N_r / N = 1/16
    rpop = sx.region_rpop(REGION, WORLD, 0.25, 4.0)
    np.testing.assert_allclose(rpop, [16 / 15, 1.0, 3.2], rtol=1e-15)
    assert rpop[1] == 1.0  # exactly on the threshold


def test_presence_rules_by_hand() -> None:
    rca = sx.region_rca(REGION, WORLD)  # about 0.545, 0.511, 1.636
    rpop = sx.region_rpop(REGION, WORLD, 0.25, 4.0)  # 16/15, 1, 3.2
    assert sx.region_presence(rca, None, "rca").tolist() == [0, 0, 1]
    assert sx.region_presence(rca, rpop, "rpop").tolist() == [1, 0, 1]
    assert sx.region_presence(rca, rpop, "rpop", strict=False).tolist() == [1, 1, 1]
    assert sx.region_presence(rca, rpop, "rpop", rpop_threshold=2.0).tolist() == [0, 0, 1]
    assert sx.region_presence(rca, rpop, "both", threshold=0.52, rpop_threshold=2).tolist() == [
        1,
        0,
        1,
    ]


def test_product_without_world_trade_is_nan_and_not_present() -> None:
    rpop = sx.region_rpop([1.0, 0.0], [10.0, 0.0], 1.0, 10.0)
    assert rpop[0] == pytest.approx(1.0) and np.isnan(rpop[1])
    assert sx.region_presence([np.nan, np.nan], rpop, "both").tolist() == [0, 0]


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: sx.region_rpop([1.0], [1.0, 2.0], 1.0, 2.0), "one world total"),
        (lambda: sx.region_rpop([1.0], [1.0], 0.0, 2.0), "populations are positive"),
        (lambda: sx.region_rpop([1.0], [1.0], 1.0, np.nan), "world population"),
        (lambda: sx.region_rpop([-1.0], [1.0], 1.0, 1.0), "non-negative"),
        (lambda: sx.region_presence([1.0], None, "rpop"), "needs RPOP"),
        (lambda: sx.region_presence([1.0], [1.0], "manual"), "rca, rpop or both"),
        (lambda: sx.region_rpop(np.ones((2, 1)), [1.0], [1.0], 1.0), "one population per"),
    ],
)
def test_bad_input_is_a_method_error(call, says: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MethodError, match=says):
        call()


values = arrays(np.float64, 6, elements=st.floats(0.01, 1e6))


@settings(max_examples=60, deadline=None)
@given(values, values, st.floats(0.1, 1e6), st.floats(1e6, 1e10), st.floats(0.01, 100))
def test_rpop_is_rca_times_export_over_population_share(
    x: np.ndarray, world: np.ndarray, people: float, world_people: float, scale: float
) -> None:
    rca = sx.region_rca(x, world)
    rpop = sx.region_rpop(x, world, people, world_people)
    factor = (x.sum() / world.sum()) / (people / world_people)
    np.testing.assert_allclose(rpop, rca * factor, rtol=1e-12)
    # exports and people scaled alike (a region twice as big, as rich): RPOP unchanged
    np.testing.assert_allclose(
        sx.region_rpop(x * scale, world, people * scale, world_people), rpop, rtol=1e-12
    )
    # several regions at once equal one at a time
    both = sx.region_rpop(np.vstack([x, x * scale]), world, [people, people], world_people)
    np.testing.assert_allclose(both[1], rpop * scale, rtol=1e-12)
    union = sx.region_presence(rca, rpop, "both")
    rule_or = np.maximum(
        sx.region_presence(rca, None, "rca"), sx.region_presence(rca, rpop, "rpop")
    )
    np.testing.assert_array_equal(union, rule_or)
