"""Tests for kaifang.methods.coupling, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kaifang.errors import MethodError
from kaifang.methods.coupling import (
    COORDINATION_GRADES,
    coordination_degree,
    coordination_grade,
    coupling_degree,
    coupling_degree_wang,
)


def test_two_subsystems_by_hand() -> None:
    # U = (0.4, 0.9): C = 2 sqrt(0.36) / 1.3 = 12/13; T = 0.65; D = sqrt(12/13 * 0.65) = sqrt(0.6)
    c, t, d = coordination_degree([[0.4, 0.9]])
    assert c[0] == pytest.approx(12 / 13)
    assert t[0] == pytest.approx(0.65)
    assert d[0] == pytest.approx(np.sqrt(0.6))
    assert COORDINATION_GRADES[coordination_grade(d)[0]] == (
        "intermediate coordination",
        "中级协调",
    )


def test_wang_modified_by_hand() -> None:
    # n = 2: sqrt((1 - |0.4 - 0.9|) * 0.4/0.9) = sqrt(0.5 * 4/9)
    assert coupling_degree_wang([[0.4, 0.9]])[0] == pytest.approx(np.sqrt(2 / 9))
    # n = 3, U = (0.2, 0.4, 0.8): mean pairwise gap (0.2 + 0.6 + 0.4)/3 = 0.4;
    # (0.25 * 0.5 * 1)^(1/2) = sqrt(0.125); C = sqrt(0.6 * sqrt(0.125))
    assert coupling_degree_wang([[0.2, 0.4, 0.8]])[0] == pytest.approx(
        np.sqrt(0.6 * np.sqrt(0.125))
    )
    # the classical C: 3 * (0.064)^(1/3) / 1.4 = 1.2 / 1.4
    assert coupling_degree([[0.2, 0.4, 0.8]])[0] == pytest.approx(1.2 / 1.4)


def test_weights_and_modified_option() -> None:
    c, t, d = coordination_degree([[0.4, 0.9]], alpha=[0.3, 0.7], modified=True)
    assert t[0] == pytest.approx(0.3 * 0.4 + 0.7 * 0.9)
    assert c[0] == pytest.approx(np.sqrt(2 / 9))
    assert d[0] == pytest.approx(np.sqrt(c[0] * t[0]))


def test_grades_bands() -> None:
    d = np.array([0.0, 0.05, 0.1, 0.3999, 0.5, 0.95, 1.0, np.nan])
    assert coordination_grade(d).tolist() == [0, 0, 1, 3, 5, 9, 9, -1]
    assert COORDINATION_GRADES[0][1] == "极度失调" and COORDINATION_GRADES[9][1] == "优质协调"
    assert len(COORDINATION_GRADES) == 10


def test_scores_outside_unit_interval_are_refused() -> None:
    with pytest.raises(MethodError, match=r"divide 0-100 scores by 100"):
        coupling_degree([[40.0, 90.0]])
    with pytest.raises(MethodError, match="alpha"):
        coordination_degree([[0.4, 0.9]], alpha=[0.5, 0.6])


def test_zero_system() -> None:
    assert np.isnan(coupling_degree([[0.0, 0.0]])[0])
    assert coupling_degree([[0.0, 0.5]])[0] == 0.0


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 10), st.integers(2, 5)), elements=st.floats(0.001, 1.0)
    )
)
def test_c_in_unit_interval_and_one_iff_equal(u: np.ndarray) -> None:
    for c in (coupling_degree(u), coupling_degree_wang(u)):
        assert np.all((c >= -1e-12) & (c <= 1 + 1e-12))
    equal = np.repeat(u[:, :1], u.shape[1], axis=1)
    np.testing.assert_allclose(coupling_degree(equal), 1.0)
    np.testing.assert_allclose(coupling_degree_wang(equal), 1.0)
    # both are scale-free in the sense that they only compare the subsystems with each other
    np.testing.assert_allclose(coupling_degree(u), coupling_degree(0.5 * u), rtol=1e-9)
