"""The worksheet's formulas (performance.metrics): properties, and a sub-component computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mitra.performance import metrics

ANSWERS = st.sampled_from([None, *metrics.LKE_ANSWER_VALUES])
WEIGHTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2)
TINY = Decimal("1e-20")


def values(answers: list[str | None]) -> list[Decimal | None]:
    return [metrics.lke_answer_value(a) for a in answers]


def test_answer_values_follow_the_regulation():
    assert [metrics.lke_answer_value(a) for a in "YTABCDE"] == [
        1,
        0,
        1,
        Decimal("0.75"),
        Decimal("0.5"),
        Decimal("0.25"),
        0,
    ]
    assert metrics.lke_answer_value("") is None
    with pytest.raises(ValueError):
        metrics.lke_answer_value("Z")


def test_a_component_computed_by_hand():
    # Component weight 30: fulfilment 20 % = 6, quality 30 % = 9, use 50 % = 15.
    assert metrics.lke_sub_weight(30, 20) == 6
    assert metrics.lke_sub_weight(30, 30) == 9
    assert metrics.lke_sub_weight(30, 50) == 15
    # Fulfilment: Y, Y, T → 6 × 2/3 = 4.
    assert metrics.lke_sub_score(Decimal(6), values(["Y", "Y", "T"])) == 4
    # Quality: B, C → 9 × (0.75 + 0.5) / 2 = 5.625.
    assert metrics.lke_sub_score(Decimal(9), values(["B", "C"])) == Decimal("5.625")
    # Use: A, D, E, unanswered → each weighs 15 / 4 = 3.75; 3.75 × (1 + 0.25 + 0 + 0) = 4.6875.
    assert metrics.lke_criterion_weight(15, 4) == Decimal("3.75")
    assert metrics.lke_sub_score(Decimal(15), values(["A", "D", "E", None])) == Decimal("4.6875")
    # The component: 4 + 5.625 + 4.6875 = 14.3125, shown 14.31; with a second component of 52.006 → 66.32 (B).
    shown, total = metrics.lke_total([Decimal("14.3125"), Decimal("52.006")])
    assert shown == [Decimal("14.31"), Decimal("52.01")]
    assert total == Decimal("66.32")
    assert metrics.sakip_grade(total) == "B"
    assert metrics.lke_pct(Decimal("4.6875"), 15) == Decimal("31.25")


@given(WEIGHTS, st.lists(ANSWERS, min_size=1, max_size=30))
def test_a_sub_score_is_the_sum_of_each_criterion_value_times_its_weight(weight, answers):
    vals = values(answers)
    score = metrics.lke_sub_score(weight, vals)
    each = metrics.lke_criterion_weight(weight, len(vals))
    assert abs(score - sum((v or 0) * each for v in vals)) < TINY
    assert 0 <= score <= weight + TINY


@given(WEIGHTS, st.integers(min_value=1, max_value=30))
def test_all_top_answers_score_the_full_weight_and_none_score_zero(weight, n):
    assert metrics.lke_sub_score(weight, values(["A"] * n)) == weight
    assert metrics.lke_sub_score(weight, values(["Y"] * n)) == weight
    assert metrics.lke_sub_score(weight, [None] * n) == 0


@given(WEIGHTS, st.lists(ANSWERS, min_size=1, max_size=20), st.data())
def test_a_better_answer_never_lowers_the_score(weight, answers, data):
    i = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    vals = values(answers)
    better = list(vals)
    better[i] = metrics.LKE_ANSWER_VALUES["A"]
    assert metrics.lke_sub_score(weight, better) >= metrics.lke_sub_score(weight, vals)


@given(st.lists(st.decimals(min_value=0, max_value=25, places=6), min_size=1, max_size=4))
def test_the_total_is_the_sum_of_the_shown_component_scores(scores):
    shown, total = metrics.lke_total(scores)
    assert total == sum(shown)
    assert all(abs(s - r) <= Decimal("0.005") for s, r in zip(scores, shown, strict=True))
    assert all(s == s.quantize(Decimal("0.01")) for s in shown)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_the_estimated_grade_follows_the_bands(total):
    bands = [(90, "AA"), (80, "A"), (70, "BB"), (60, "B"), (50, "CC"), (30, "C")]
    expected = next((g for floor, g in bands if total > floor), "D")
    assert metrics.sakip_grade(total) == expected


@given(
    st.sampled_from([None, *metrics.LKE_ANSWER_VALUES.values()]),
    st.sampled_from([None, *metrics.LKE_ANSWER_VALUES.values()]),
)
def test_an_answer_exceeds_its_basis_only_when_it_is_higher(value, basis):
    assert metrics.lke_exceeds(value, basis) == (value is not None and value > (basis or 0))
