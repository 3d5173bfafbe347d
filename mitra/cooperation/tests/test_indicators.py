"""The registry's indicators for 2017 on the demo data equal what Table 6 (and Table 5) of the report mark; how
they count (years, the effectiveness rule, the performance sources) is tested on factory records of 2033, a year
the demo has none of."""

import datetime as dt

import pytest
from django.urls import reverse

from mitra.cooperation import indicators
from mitra.cooperation.models import Cooperation, EffectivenessRule
from mitra.cooperation.tests.factories import (
    AgreementFactory,
    CooperationFactory,
    MeetingFactory,
    PositionPaperFactory,
)
from mitra.demo import registry_2017 as table

YEAR = 2033

POSITION_ROWS = {row[0] for row in table.TABLE_6 if row[7]}
PARTICIPATION_ROWS = {row[0] for row in table.TABLE_6 if row[8]}


def test_table_6_as_transcribed_marks_25_positions_and_22_participations():
    # Counted by hand from the seed's Table 6: rows 1–21 and 25–28 have a position document; rows 3, 10, 11, 12,
    # 20 and 27 have none in the participation column.
    assert len(table.TABLE_6) == 28
    assert set(range(1, 22)) | {25, 26, 27, 28} == POSITION_ROWS
    assert set(range(1, 29)) - {3, 10, 11, 12, 20, 27} == PARTICIPATION_ROWS


def test_key_indicator_is_the_union_of_positions_and_participations(demo):
    result = indicators.cooperation_developments(2017)
    assert result.count == 28
    marks = {row.record.notes.split("row ")[1].split(".")[0]: row.marks for row in result.rows}
    assert {int(r) for r, m in marks.items() if m["position"]} == POSITION_ROWS
    assert {int(r) for r, m in marks.items() if m["participation"]} == PARTICIPATION_ROWS
    both = sum(1 for m in marks.values() if m["position"] and m["participation"])
    assert both == 25 + 22 - 28  # the "overlap" the report speaks of


@pytest.mark.parametrize(
    "key,expected",
    [
        ("cooperation.position_papers", 25),
        ("cooperation.active_meetings", 22),
        ("cooperation.studies", 7),  # Table 5
        ("cooperation.outreach", 15),  # Table 5: socialisation/publication/workshop
        ("cooperation.editions", 3),  # chapter III: 3 newsletter editions
        ("cooperation.effective", 28),  # Table 5, with the 2017 rule as the report applied it
    ],
)
def test_2017_figures(demo, key, expected):
    assert indicators.INDICATORS[key](2017).count == expected


def active_meeting(cooperation: Cooperation, start: dt.date, active: bool = True) -> None:
    MeetingFactory.create(
        cooperation=cooperation,
        responsible_unit=cooperation.responsible_unit,
        start_date=start,
        end_date=start,
        active_participation=active,
    )


@pytest.fixture
def developments(db: None) -> dict[str, Cooperation]:
    """Cooperations of 2033 and around it: `paper` has a position paper of 2033, `meeting` an active meeting on
    its last day, `next_year` an active meeting on the first day of 2034, `passive` a meeting of 2033 without
    active participation."""
    assert indicators.cooperation_developments(YEAR).count == 0
    made = {name: CooperationFactory.create() for name in ("paper", "meeting", "next_year", "passive")}
    PositionPaperFactory.create(cooperation=made["paper"], responsible_unit=made["paper"].responsible_unit, year=YEAR)
    active_meeting(made["meeting"], dt.date(YEAR, 12, 31))
    active_meeting(made["next_year"], dt.date(YEAR + 1, 1, 1))
    active_meeting(made["passive"], dt.date(YEAR, 6, 1), active=False)
    return made


def test_other_years_are_empty(developments):
    result = indicators.cooperation_developments(YEAR)
    marks = {row.record.pk: row.marks for row in result.rows}
    assert marks == {
        developments["paper"].pk: {"position": True, "participation": False},
        developments["meeting"].pk: {"position": False, "participation": True},
    }
    assert indicators.cooperation_developments(YEAR - 1).count == 0
    assert [row.record.pk for row in indicators.cooperation_developments(YEAR + 1).rows] == [
        developments["next_year"].pk
    ]


def test_effective_rule_is_data_and_changes_the_count(db):
    # Three cooperations active in 2033: with an agreement in force all year, with none, with one that ended in 2022.
    in_force, without, expired = (CooperationFactory.create() for _ in range(3))
    AgreementFactory.create(
        cooperation=in_force,
        responsible_unit=in_force.responsible_unit,
        date_signed=dt.date(2025, 1, 10),
        duration_months=120,
    )
    AgreementFactory.create(
        cooperation=expired,
        responsible_unit=expired.responsible_unit,
        date_signed=dt.date(2020, 1, 10),
        duration_months=24,
    )
    for cooperation in (in_force, without, expired):
        active_meeting(cooperation, dt.date(YEAR, 4, 2))
    rule = EffectivenessRule.objects.create(year=YEAR, requires_agreement_in_force=False, counts_follow_ups=False)
    assert {row.record.pk for row in indicators.effective_cooperations(YEAR).rows} == {
        in_force.pk,
        without.pk,
        expired.pk,
    }
    assert "agreement in force" not in indicators.effective_cooperations(YEAR).rule
    rule.requires_agreement_in_force = True
    rule.save()
    effective = indicators.effective_cooperations(YEAR)
    # Only the cooperation with an agreement in force at some time in the year remains.
    assert [row.record.pk for row in effective.rows] == [in_force.pk]
    assert "agreement in force" in effective.rule
    # The rule is the year's data: switching meetings off leaves nothing that counts.
    rule.counts_meetings = False
    rule.save()
    assert indicators.effective_cooperations(YEAR).count == 0


def test_indicators_are_registered_as_performance_sources(developments):
    from mitra.performance import sources

    result = sources.get("cooperation.developments").compute(YEAR)
    assert result.value == 2
    assert {r.record_id for r in result.records} == {developments["paper"].pk, developments["meeting"].pk}
    assert all(
        r.url.startswith("/kerjasama/daftar/")
        and r.url == reverse("cooperation:cooperation-detail", args=[r.record_id])
        for r in result.records
    )
