"""`mitra measurement --year 2017` on the demo data reproduces appendix 4 of the 2017 report (the golden tests,
on the demo); the edge cases (download, unknown year, precision) run on a factory year.

Expected figures are computed by hand from the appendix (ceiling, realised, output target and realisation per
sub-activity), not by the code under test. Sub-activity 11 follows the registry and the report's own text (3 of 3
editions) rather than the appendix's "2 edisi", which contradicted them (issue 14).
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mitra.core.tests.factories import ReaderFactory, Team, bureau, logged_in
from mitra.performance import metrics, selectors
from mitra.performance.tests.factories import budget_year

# number: (ceiling, realised, input %, output target, output realised, output %, IE, TE)
APPENDIX_4 = {
    1: (29_100_000, 28_873_750, "99.22", 3, 3, "100.00", "1.008", "0.008"),
    2: (31_500_000, 31_388_000, "99.64", 2, 2, "100.00", "1.004", "0.004"),
    3: (69_400_000, 69_397_650, "100.00", 13, 13, "100.00", "1.000", "0.000"),
    4: (2_075_336_000, 1_982_117_163, "95.51", 178, 171, "96.07", "1.006", "0.006"),
    5: (6_800_000, 6_774_750, "99.63", 2, 1, "50.00", "0.502", "-0.498"),
    6: (23_894_000, 23_855_500, "99.84", 2, 2, "100.00", "1.002", "0.002"),
    7: (41_000_000, 37_238_850, "90.83", 11, 11, "100.00", "1.101", "0.101"),
    8: (16_300_000, 14_991_200, "91.97", 2, 2, "100.00", "1.087", "0.087"),
    9: (475_195_000, 469_786_170, "98.86", 156, 157, "100.64", "1.018", "0.018"),
    10: (103_680_000, 90_610_500, "87.39", 3, 3, "100.00", "1.144", "0.144"),
    11: (166_680_000, 130_427_542, "78.25", 3, 3, "100.00", "1.278", "0.278"),
    12: (37_085_000, 22_283_100, "60.09", 3, 3, "100.00", "1.664", "0.664"),
    13: (51_000_000, 50_742_200, "99.49", 7, 7, "100.00", "1.005", "0.005"),
    14: (707_295_000, 620_723_049, "87.76", 100, 93, "93.00", "1.060", "0.060"),
    15: (127_350_000, 119_538_700, "93.87", 3, 3, "100.00", "1.065", "0.065"),
    16: (774_636_000, 758_636_205, "97.93", 1, 1, "100.00", "1.021", "0.021"),
    17: (20_150_000, 19_061_680, "94.60", 1, 1, "100.00", "1.057", "0.057"),
    18: (127_900_000, 127_690_500, "99.84", 54, 54, "100.00", "1.002", "0.002"),
    19: (17_000_000, 16_889_643, "99.35", 10, 10, "100.00", "1.007", "0.007"),
    20: (16_500_000, 16_496_200, "99.98", 2, 2, "100.00", "1.000", "0.000"),
    21: (268_800_000, 232_855_000, "86.63", 2, 2, "100.00", "1.154", "0.154"),
    22: (53_000_000, 47_491_893, "89.61", 8, 8, "100.00", "1.116", "0.116"),
}


def run(year: int) -> dict:
    out = StringIO()
    call_command("measurement", "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


def test_totals_and_outputs(perf):
    data = run(2017)
    assert data["year"] == 2017
    assert data["budget"] == {"ceiling": 5_239_601_000, "realized": 4_917_869_245, "absorption_pct": "93.86"}
    outputs = {o["code"]: (o["ceiling"], o["realized"], o["absorption_pct"]) for o in data["outputs"]}
    assert outputs == {
        "007": (4_917_801_000, 4_637_522_352, "94.30"),
        "996": (268_800_000, 232_855_000, "86.63"),
        "997": (53_000_000, 47_491_893, "89.61"),
    }


def test_every_sub_activity_matches_appendix_4(perf):
    subs = {s["number"]: s for s in run(2017)["sub_activities"]}
    assert sorted(subs) == list(range(1, 23))
    for number, (ceiling, realised, inp, target, achieved, outp, ie, te) in APPENDIX_4.items():
        s = subs[number]
        got = (
            s["ceiling"],
            s["realized"],
            s["input_pct"],
            s["output_target"],
            s["output_realized"],
            s["output_pct"],
            s["efficiency_index"],
            s["efficiency_level"],
        )
        assert got == (ceiling, realised, inp, target, achieved, outp, ie, te), number
        assert s["efficient"] == (number != 5), number
        assert isinstance(s["ceiling"], int) and isinstance(s["realized"], int)


def test_sakip_and_indicators(perf):
    data = run(2017)
    assert data["sakip"]["score"] == "71.74" and data["sakip"]["grade"] == "BB"
    assert data["sakip"]["target"] == "80.00" and data["sakip"]["achievement_pct"] == "89.68"
    history = {h["year"]: (h["score"], h["grade"]) for h in data["sakip"]["history"]}
    assert history == {2015: ("62.57", "B"), 2016: ("69.84", "B"), 2017: ("71.74", "BB")}
    assert next(h for h in data["sakip"]["history"] if h["year"] == 2016)["absorption_pct"] == "94.62"
    indicators = {i["code"]: i for i in data["indicators"]}
    assert indicators["iku"]["target"] == 31 and indicators["iku"]["source"] == "computed"
    assert indicators["perjalanan"]["achievement_pct"] == "100.03"
    assert indicators["sakip"]["realized"] == "71.74" and indicators["sakip"]["category"] == "Cukup"


def test_the_same_json_is_downloadable(team: Team):
    by = budget_year(team, realised_quarters=4)
    reader = logged_in(ReaderFactory.create(unit=bureau()))
    response = reader.get(f"/kinerja/{by.year}/pengukuran.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data == run(by.year)
    # Ceilings 40,000,000 + 12,000,000; realised 37,500,000 + 10,500,000.
    assert data["budget"] == {"ceiling": 52_000_000, "realized": 48_000_000, "absorption_pct": "92.31"}
    assert sorted(s["number"] for s in data["sub_activities"]) == sorted(s.number for s in by.subs)


def test_unknown_year_is_refused(db):
    with pytest.raises(CommandError):
        run(1999)


def test_performance_demo_is_idempotent(perf):
    from mitra.core.models import AuditEntry
    from mitra.demo.performance import load_performance

    before = AuditEntry.objects.count()
    created = load_performance()
    assert set(created.values()) == {0}
    assert AuditEntry.objects.count() == before


def test_monitoring_keeps_full_precision_and_only_its_json_rounds(team: Team):
    by = budget_year(team, realised_quarters=4)
    mon = selectors.monitoring(by.year, 4)
    values = [q[k] for q in mon.by_quarter for k in ("physical_plan", "physical", "financial_plan", "financial")]
    assert all(v is None or isinstance(v, Decimal) for v in values)
    # Q1 financial: 10,500,000 of 52,000,000 = 20.192307… %, not rounded on the way.
    assert mon.by_quarter[0]["financial"] == Decimal(10_500_000) * 100 / Decimal(52_000_000)
    assert any(v is not None and v != metrics.rounded(v, 2) for v in values)
    chart = selectors.monitoring_chart_data(mon)["by_quarter"]
    assert [q["quarter"] for q in chart] == [1, 2, 3, 4]
    assert chart[0]["financial"] == "20.19"
    for shown, q in zip(chart, mon.by_quarter, strict=True):
        assert shown["financial"] == (None if q["financial"] is None else str(metrics.rounded(q["financial"], 2)))
