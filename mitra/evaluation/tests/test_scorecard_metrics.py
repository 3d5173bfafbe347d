"""The unit scorecard's formulas (performance.metrics): properties, and a scorecard computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mitra.performance import metrics

BANDS = [
    metrics.ScoreBand(Decimal(120), Decimal(5), "Sangat baik"),
    metrics.ScoreBand(Decimal(100), Decimal(4), "Baik"),
    metrics.ScoreBand(Decimal(80), Decimal(3), "Cukup"),
    metrics.ScoreBand(Decimal(60), Decimal(2), "Kurang"),
    metrics.ScoreBand(Decimal(0), Decimal(1), "Sangat kurang"),
]
PCTS = st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=4)
WEIGHTS = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
SCORES = st.one_of(st.none(), st.decimals(min_value=Decimal(1), max_value=Decimal(5), places=2))


def score_of(pct: Decimal, cap: int | None = 120) -> Decimal | None:
    return metrics.scorecard_score(metrics.scorecard_index(pct, cap), BANDS)


def test_a_scorecard_computed_by_hand():
    # Stakeholder (weight 47): achievements 100 %, 125 % (capped at 120: index 120, score 5), 90 % (score 3)
    # → (4 + 5 + 3) / 3 = 4. Process (30): 100 % and 110 % → 4 and 4 → 4. Learning (17): 150 % capped → 5,
    # one indicator without a figure (left out) → 5. Accountability (6): 71,74 of 80 = 89,675 % → 3.
    assert metrics.scorecard_index(Decimal(125), 120) == 120
    assert metrics.scorecard_index(Decimal(125), None) == 125
    stakeholder = metrics.weighted_mean(
        [(1, score_of(Decimal(100))), (1, score_of(Decimal(125))), (1, score_of(Decimal(90)))]
    )
    process = metrics.weighted_mean([(1, score_of(Decimal(100))), (1, score_of(Decimal(110)))])
    learning = metrics.weighted_mean([(1, score_of(Decimal(150))), (1, None)])
    pct = metrics.achievement_pct(Decimal("71.74"), 80)
    assert pct == Decimal("89.675")
    accountability = metrics.weighted_mean([(1, score_of(pct))])
    assert (stakeholder, process, learning, accountability) == (4, 4, 5, 3)
    unit = metrics.weighted_mean([(47, stakeholder), (30, process), (17, learning), (6, accountability)])
    assert unit == Decimal("4.11")  # (188 + 120 + 85 + 18) / 100
    assert metrics.scorecard_label(unit, BANDS) == "Baik"
    # The 2017 report's figures: 4, 4, 4 and 3 with these weights give its unit score of 3,94.
    assert metrics.weighted_mean([(47, Decimal(4)), (30, Decimal(4)), (17, Decimal(4)), (6, Decimal(3))]) == Decimal(
        "3.94"
    )
    assert metrics.scorecard_label(Decimal("3.94"), BANDS) == "Baik"
    assert metrics.scorecard_label(Decimal("3.5"), BANDS) == "Baik"  # a tie goes to the higher band
    assert metrics.scorecard_label(Decimal("3.49"), BANDS) == "Cukup"


def test_missing_figures_and_bad_input():
    assert metrics.scorecard_index(None, 120) is None
    assert metrics.scorecard_score(None, BANDS) is None
    assert metrics.scorecard_score(Decimal(50), BANDS[:3]) is None  # below every band
    assert metrics.weighted_mean([(1, None), (2, None)]) is None
    assert metrics.weighted_mean([(0, Decimal(3))]) is None
    assert metrics.scorecard_label(None, BANDS) is None
    with pytest.raises(ValueError):
        metrics.scorecard_index(Decimal(-1), 120)
    with pytest.raises(ValueError):
        metrics.scorecard_index(Decimal(1), 0)
    with pytest.raises(ValueError):
        metrics.weighted_mean([(-1, Decimal(1))])


@given(PCTS, st.one_of(st.none(), st.integers(min_value=1, max_value=500)))
def test_the_index_never_exceeds_the_cap_and_keeps_what_is_below_it(pct, cap):
    index = metrics.scorecard_index(pct, cap)
    assert index is not None
    if cap is None or pct <= cap:
        assert index == pct
    else:
        assert index == cap


@given(PCTS, PCTS)
def test_a_higher_achievement_never_scores_lower(a, b):
    low, high = sorted([a, b])
    assert score_of(low) <= score_of(high)  # type: ignore[operator]


@given(st.lists(st.tuples(WEIGHTS, SCORES), max_size=8))
def test_the_weighted_mean_lies_between_the_scores_it_averages(pairs):
    mean = metrics.weighted_mean(pairs)
    counted = [v for w, v in pairs if v is not None and w > 0]
    if not counted:
        assert mean is None
    else:
        assert mean is not None and min(counted) - Decimal("1e-20") <= mean <= max(counted) + Decimal("1e-20")


@given(st.lists(SCORES, min_size=1, max_size=8))
def test_equal_weights_give_the_plain_mean_and_a_label_always_exists(scores):
    mean = metrics.weighted_mean([(1, s) for s in scores])
    known = [s for s in scores if s is not None]
    if known:
        assert mean is not None and abs(mean - sum(known, Decimal(0)) / len(known)) < Decimal("1e-20")
        assert metrics.scorecard_label(mean, BANDS) in {b.label for b in BANDS}
