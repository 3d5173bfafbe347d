"""The formulas of metrics.py, with examples from the 2017 report and properties over any input."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mitra.performance import metrics


def some(value):
    """The value, known not to be None here (mypy)."""
    assert value is not None
    return value


amounts = st.integers(min_value=0, max_value=10**15)
positive_amounts = st.integers(min_value=1, max_value=10**15)
volumes = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
positive_volumes = st.decimals(min_value=Decimal("0.01"), max_value=10**6, places=2, allow_nan=False)


def test_report_examples():
    assert metrics.rounded(metrics.input_pct(4_917_869_245, 5_239_601_000)) == Decimal("93.86")
    assert metrics.rounded(metrics.achievement_pct(Decimal("71.74"), 80)) == Decimal("89.68")
    ie = metrics.efficiency_index(Decimal(100), metrics.input_pct(22_283_100, 37_085_000))
    assert metrics.rounded(ie, 3) == Decimal("1.664")
    assert metrics.rounded(metrics.efficiency_level(ie), 3) == Decimal("0.664")
    assert metrics.is_efficient(ie) is True


@pytest.mark.parametrize(
    "score,grade",
    [
        (Decimal("90.01"), "AA"),
        (90, "A"),
        (Decimal("80.5"), "A"),
        (Decimal("71.74"), "BB"),
        (Decimal("69.84"), "B"),
        (Decimal("62.57"), "B"),
        (60, "CC"),
        (Decimal("50.01"), "CC"),
        (50, "C"),
        (31, "C"),
        (30, "D"),
        (0, "D"),
    ],
)
def test_sakip_grades(score, grade):
    assert metrics.sakip_grade(score) == grade


def test_sakip_score_outside_0_100_is_refused():
    with pytest.raises(ValueError):
        metrics.sakip_grade(101)


def test_zero_targets_are_explicit():
    assert metrics.achievement_pct(0, 0) == 100
    assert metrics.achievement_pct(5, 0) == 100
    assert metrics.achievement_pct(0, 0, metrics.LOWER) == 100
    assert metrics.achievement_pct(3, 0, metrics.LOWER) == 0
    assert metrics.achievement_pct(0, 5, metrics.LOWER) is None
    assert metrics.input_pct(10, 0) is None


def test_missing_values_give_none():
    assert metrics.achievement_pct(None, 5) is None
    assert metrics.achievement_pct(5, None) is None
    assert metrics.input_pct(None, 5) is None
    assert metrics.efficiency_index(None, Decimal(5)) is None
    assert metrics.efficiency_level(None) is None
    assert metrics.is_efficient(None) is None
    assert metrics.category(None, [metrics.Band(Decimal(0), "x")]) is None
    assert metrics.sakip_grade(None) is None
    assert metrics.change(None, 1) is None


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        metrics.achievement_pct(-1, 5)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        metrics.input_pct(1.5, 10)  # type: ignore[arg-type]


@given(volumes, volumes, positive_volumes)
def test_achievement_is_monotonic_in_realisation(a, b, target):
    low, high = sorted([a, b])
    assert some(metrics.achievement_pct(low, target)) <= some(metrics.achievement_pct(high, target))


@given(positive_volumes, positive_volumes, positive_volumes)
def test_lower_is_better_is_the_inverse_and_decreasing(a, b, target):
    low, high = sorted([a, b])
    assert some(metrics.achievement_pct(low, target, metrics.LOWER)) >= some(
        metrics.achievement_pct(high, target, metrics.LOWER)
    )
    assert metrics.achievement_pct(a, target, metrics.LOWER) == target / a * 100


@given(amounts, positive_amounts)
def test_input_pct_is_decimal_and_exact(realised, ceiling):
    pct = metrics.input_pct(realised, ceiling)
    assert isinstance(pct, Decimal)
    assert pct == Decimal(realised) / Decimal(ceiling) * 100


@given(st.lists(st.tuples(positive_amounts, amounts), min_size=1, max_size=30))
def test_absorption_sums_integers_and_matches_the_ratio(pairs):
    ceiling, realised, pct = metrics.absorption(pairs)
    assert isinstance(ceiling, int) and isinstance(realised, int)
    assert ceiling == sum(c for c, _ in pairs) and realised == sum(r for _, r in pairs)
    assert pct == metrics.input_pct(realised, ceiling)


@given(positive_volumes, positive_volumes, st.decimals(min_value=Decimal("0.1"), max_value=10, places=3))
def test_efficiency_level_sign_matches_efficiency(output_pct, input_pct, standard):
    index = metrics.efficiency_index(output_pct, input_pct)
    level = metrics.efficiency_level(index, standard)
    assert (some(level) >= 0) == metrics.is_efficient(index, standard)


@given(st.decimals(min_value=0, max_value=300, places=2), st.decimals(min_value=0, max_value=300, places=2))
def test_category_is_monotonic(a, b):
    bands = [
        metrics.Band(Decimal(0), "D"),
        metrics.Band(Decimal(60), "C"),
        metrics.Band(Decimal(80), "B"),
        metrics.Band(Decimal(100), "A"),
    ]
    order = ["D", "C", "B", "A"]
    low, high = sorted([a, b])
    assert order.index(some(metrics.category(low, bands))) <= order.index(some(metrics.category(high, bands)))


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_sakip_grade_is_monotonic(a, b):
    order = ["D", "C", "CC", "B", "BB", "A", "AA"]
    low, high = sorted([a, b])
    assert order.index(some(metrics.sakip_grade(low))) <= order.index(some(metrics.sakip_grade(high)))


@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6),
)
def test_split_sums_exactly(total, weights):
    parts = metrics.split(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)


@given(volumes, volumes, amounts, amounts)
def test_behind_plan(out_real, out_plan, bud_real, bud_plan):
    assume(bud_plan > 0)
    physical, financial = metrics.behind_plan(
        output_realised=out_real, output_planned=out_plan, budget_realised=bud_real, budget_planned=bud_plan
    )
    assert physical == (out_real < out_plan)
    assert financial == (Decimal(bud_real) < Decimal(bud_plan) * Decimal("0.9"))


@pytest.mark.parametrize(
    ("target", "grade"),
    [(Decimal(80), "A"), (Decimal(90), "AA"), (Decimal(70), "BB"), (Decimal(85), "A"), (None, None)],
)
def test_a_sakip_target_names_the_grade_whose_floor_it_is(target, grade):
    # "A (nilai minimal 80)": a target at a grade's floor aims at that grade; a score of 80 itself is BB.
    assert metrics.sakip_target_grade(target) == grade
    assert metrics.sakip_grade(Decimal(80)) == "BB"
