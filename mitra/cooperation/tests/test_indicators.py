"""The registry's indicators for 2017 on the demo data equal what Table 6 (and Table 5) of the report mark."""

import pytest

from mitra.cooperation import indicators
from mitra.cooperation.models import EffectivenessRule
from mitra.demo import registry_2017 as table

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


def test_other_years_are_empty(demo):
    assert indicators.cooperation_developments(2016).count == 0


def test_effective_rule_is_data_and_changes_the_count(demo):
    rule = EffectivenessRule.objects.get(year=2017)
    rule.requires_agreement_in_force = True
    rule.save()
    effective = indicators.effective_cooperations(2017)
    # Only cooperations with an agreement signed (in force) in 2017 and activity remain: Morocco, the US, WHO.
    titles = {row.record.title for row in effective.rows}
    assert titles == {"Kerjasama Maroko", "Kerjasama Amerika", "World Health Organization: WHA, MSM on SSFFC"}
    assert "agreement in force" in effective.rule


def test_indicators_are_registered_as_performance_sources(demo):
    from mitra.performance import sources

    result = sources.get("cooperation.developments").compute(2017)
    assert result.value == 28
    assert len(result.records) == 28 and all(r.url.startswith("/kerjasama/daftar/") for r in result.records)
