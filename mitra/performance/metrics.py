"""The performance formulas of the LAKIP (chapter III), once, as pure functions over Decimal and int.

No ORM, no floats. Percentages are returned as full-precision Decimals (93.8597… not 93.86); pages and reports
round them for display only (core.formatting). A missing input gives None ("not measurable yet"), never 0.

Conventions chosen where the report is silent, stated here so they are decided once:
- Zero target, higher is better: any realisation ≥ 0 meets it, so achievement is 100 %.
- Zero target, lower is better: a realisation of 0 meets it (100 %), anything above misses it entirely (0 %).
- Lower is better with a realisation of 0 against a positive target: the inverse ratio is undefined; None.
- Input % with a zero ceiling: None (nothing was budgeted; the ratio means nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE = Decimal(1)

HIGHER = "higher"
LOWER = "lower"

Number = Decimal | int


def _dec(value: Number) -> Decimal:
    if isinstance(value, float):  # pragma: no cover - guarded by types; floats would lose rupiah
        raise TypeError("Floats are not accepted: use Decimal or int.")
    return Decimal(value)


def achievement_pct(realised: Number | None, target: Number | None, direction: str = HIGHER) -> Decimal | None:
    """% capaian = realised / target × 100; the inverse (target / realised × 100) when lower is better."""
    if realised is None or target is None:
        return None
    r, t = _dec(realised), _dec(target)
    if r < 0 or t < 0:
        raise ValueError("Targets and realisations are not negative.")
    if t == 0:
        if direction == LOWER:
            return HUNDRED if r == 0 else Decimal(0)
        return HUNDRED
    if direction == LOWER:
        return None if r == 0 else t / r * HUNDRED
    return r / t * HUNDRED


def input_pct(budget_realised: Number | None, ceiling: Number | None) -> Decimal | None:
    """% input = budget realised / ceiling × 100."""
    if budget_realised is None or ceiling is None or _dec(ceiling) == 0:
        return None
    return _dec(budget_realised) / _dec(ceiling) * HUNDRED


def absorption(pairs: Iterable[tuple[Number, Number | None]]) -> tuple[int, int, Decimal | None]:
    """Budget absorption over any subtree: (ceiling total, realised total, %). Pairs are (ceiling, realised)."""
    ceiling_total = 0
    realised_total = 0
    for ceiling, realised in pairs:
        ceiling_total += int(ceiling)
        realised_total += int(realised or 0)
    return ceiling_total, realised_total, input_pct(realised_total, ceiling_total)


def efficiency_index(output_pct: Decimal | None, input_pct_value: Decimal | None) -> Decimal | None:
    """IE = % output achieved / % input used."""
    if output_pct is None or input_pct_value is None or input_pct_value == 0:
        return None
    return output_pct / input_pct_value


def efficiency_level(index: Decimal | None, standard: Decimal = ONE) -> Decimal | None:
    """TE = (IE − SE) / SE."""
    if index is None:
        return None
    if standard <= 0:
        raise ValueError("The efficiency standard is positive.")
    return (index - standard) / standard


def is_efficient(index: Decimal | None, standard: Decimal = ONE) -> bool | None:
    """Efficient when IE ≥ SE."""
    return None if index is None else index >= standard


@dataclass(frozen=True)
class Band:
    """An achievement category: achievements at or above `min_pct` (and below the next band) fall in it."""

    min_pct: Decimal
    label: str


def category(pct: Decimal | None, bands: Sequence[Band]) -> str | None:
    """The band an achievement falls in: the highest band whose floor it reaches; None below every band."""
    if pct is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_pct, reverse=True):
        if pct >= band.min_pct:
            return band.label
    return None


# PermenPAN-RB: AA > 90, A > 80, BB > 70, B > 60, CC > 50, C > 30, D otherwise.
SAKIP_GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "AA"),
    (Decimal(80), "A"),
    (Decimal(70), "BB"),
    (Decimal(60), "B"),
    (Decimal(50), "CC"),
    (Decimal(30), "C"),
)


def sakip_grade(score: Number | None) -> str | None:
    if score is None:
        return None
    s = _dec(score)
    if not Decimal(0) <= s <= HUNDRED:
        raise ValueError("A SAKIP score lies between 0 and 100.")
    for floor, grade in SAKIP_GRADES:
        if s > floor:
            return grade
    return "D"


def sakip_target_grade(target: Number | None) -> str | None:
    """The grade a SAKIP target aims at. A target is stated as a grade's floor ("A (nilai minimal 80)"), so a target
    equal to a floor of SAKIP_GRADES names the grade above that floor; any other target names its own grade."""
    if target is None:
        return None
    t = _dec(target)
    for floor, grade in SAKIP_GRADES:
        if t == floor:
            return grade
    return sakip_grade(t)


def change(current: Number | None, previous: Number | None) -> Decimal | None:
    """Year-on-year difference (current − previous), e.g. in score points or percentage points."""
    if current is None or previous is None:
        return None
    return _dec(current) - _dec(previous)


def behind_plan(
    *,
    output_realised: Number,
    output_planned: Number,
    budget_realised: Number,
    budget_planned: Number,
    budget_tolerance_pct: Decimal = Decimal(10),
) -> tuple[bool, bool]:
    """(physically behind, financially behind) of cumulative realisation against cumulative plan.

    Physically behind when less output was realised than planned. Financially behind when less than
    (100 − tolerance) % of the planned budget was spent: late spending is what lowers the year's absorption.
    """
    physical = _dec(output_realised) < _dec(output_planned)
    planned = _dec(budget_planned)
    financial = planned > 0 and _dec(budget_realised) * HUNDRED < planned * (HUNDRED - budget_tolerance_pct)
    return physical, bool(financial)


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split a whole number over weights by largest remainder, so the parts sum exactly to `total`."""
    if total < 0 or not weights or sum(weights) <= 0:
        raise ValueError("Split a non-negative total over positive weights.")
    scale = sum(weights)
    parts = [total * w // scale for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % scale), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    """Half-up rounding for machine-readable output (measurement JSON); display uses core.formatting."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- the SAKIP evaluation worksheet (LKE, PermenPAN-RB 88/2021) ------------------------------------------------
# They live here with the other SAKIP formulas (sakip_grade included) so that every formula has one home; the
# evaluation app passes plain numbers and answers, no models.

# Y/T: 1/0; A–E: 1 / 0,75 / 0,5 / 0,25 / 0.
LKE_ANSWER_VALUES: dict[str, Decimal] = {
    "Y": ONE,
    "T": Decimal(0),
    "A": ONE,
    "B": Decimal("0.75"),
    "C": Decimal("0.5"),
    "D": Decimal("0.25"),
    "E": Decimal(0),
}


def lke_answer_value(answer: str | None) -> Decimal | None:
    """The value of one answer; None when unanswered. An unknown answer is an error, not a zero."""
    if not answer:
        return None
    try:
        return LKE_ANSWER_VALUES[answer]
    except KeyError:
        raise ValueError(f"Not an LKE answer: {answer!r}") from None


def lke_sub_weight(component_weight: Number, share_pct: Number) -> Decimal:
    """A sub-component's weight: its share (20 / 30 / 50 %) of its component's weight."""
    return _dec(component_weight) * _dec(share_pct) / HUNDRED


def lke_criterion_weight(sub_weight: Number, criteria: int) -> Decimal:
    """A criterion's weight: its sub-component's weight divided by the number of its criteria."""
    if criteria <= 0:
        raise ValueError("A sub-component has at least one criterion.")
    return _dec(sub_weight) / criteria


def lke_sub_score(sub_weight: Number, values: Sequence[Decimal | None]) -> Decimal:
    """Σ value × criterion weight over the sub-component's criteria; an unanswered criterion counts 0.

    Computed as weight × Σ values / n, which is the same sum with one division (no rounding per criterion)."""
    if not values:
        raise ValueError("A sub-component has at least one criterion.")
    total = sum((v for v in values if v is not None), Decimal(0))
    return _dec(sub_weight) * total / len(values)


def lke_pct(score: Decimal, weight: Number) -> Decimal | None:
    """A score as a percentage of its weight (how much of the sub-component or component is met)."""
    w = _dec(weight)
    return score / w * HUNDRED if w else None


def lke_total(component_scores: Iterable[Decimal]) -> tuple[list[Decimal], Decimal]:
    """The worksheet's total as the official worksheet writes it: each component's score rounded half-up to two
    places, the total their sum. Returns (the rounded component scores, the total)."""
    shown = [s.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for s in component_scores]
    return shown, sum(shown, Decimal(0))


def lke_exceeds(value: Decimal | None, basis: Decimal | None) -> bool:
    """The logical-framework check: an answer (or a quality score %) above what it rests on."""
    if value is None:
        return False
    return value > (basis if basis is not None else Decimal(0))


# --- The unit scorecard ------------------------------------------------------------------------------------------
#
# Per unit and year: each indicator's achievement index (its achievement %, capped), turned into a score on the
# scorecard's scale by bands (an index at or above a band's floor earns the band's score); a perspective's score is
# the weighted mean of its indicators' scores, the unit's score the weighted mean of its perspectives' scores. An
# indicator without a figure (no target or no realisation yet) is left out of the means, never counted as 0; a
# perspective without any figure is left out of the unit's score. The configuration (cap, bands, perspectives,
# weights) is data, passed in here as plain numbers.


@dataclass(frozen=True)
class ScoreBand:
    """An index at or above `min_index` (and below the next band's floor) earns `score`, named `label`."""

    min_index: Decimal
    score: Decimal
    label: str


def scorecard_index(pct: Decimal | None, cap: Number | None) -> Decimal | None:
    """The achievement index: the achievement %, capped at `cap` % (None: not capped)."""
    if pct is None:
        return None
    if pct < 0:
        raise ValueError("An achievement is not negative.")
    if cap is None:
        return pct
    c = _dec(cap)
    if c <= 0:
        raise ValueError("The cap is positive.")
    return min(pct, c)


def scorecard_score(index: Decimal | None, bands: Sequence[ScoreBand]) -> Decimal | None:
    """The score an index earns: the band with the highest floor the index reaches; None below every band."""
    if index is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_index, reverse=True):
        if index >= band.min_index:
            return band.score
    return None


def weighted_mean(pairs: Iterable[tuple[Number, Decimal | None]]) -> Decimal | None:
    """Σ weight × value / Σ weight over the pairs that have a value; None when none has (or their weights are 0)."""
    total = weights = Decimal(0)
    for weight, value in pairs:
        w = _dec(weight)
        if w < 0:
            raise ValueError("A weight is not negative.")
        if value is None:
            continue
        total += w * value
        weights += w
    return total / weights if weights else None


def scorecard_label(score: Decimal | None, bands: Sequence[ScoreBand]) -> str | None:
    """The name of a (mean) score: the label of the band whose score is nearest, the higher one on a tie — so 3,94
    reads as the band scored 4."""
    if score is None or not bands:
        return None
    best = min(bands, key=lambda b: (abs(b.score - score), -b.score))
    return best.label


def behind_action_plan(realised_cum: Number, planned_cum: Number, direction: str = HIGHER) -> bool:
    """A unit indicator is behind its action plan when, cumulatively to the quarter, it realised less than planned
    (more than planned for an indicator where lower is better). Nothing planned yet is never behind."""
    realised, planned = _dec(realised_cum), _dec(planned_cum)
    if direction == LOWER:
        return realised > planned
    return planned > 0 and realised < planned
