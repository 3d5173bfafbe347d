"""One value everywhere (issue 14.3): the consistency check finds a quantity printed with two values anywhere in a
report, between its editions and against the measurement; the 2017 demo report gives no false positive.

The golden tests read the demo; each planted contradiction is one of the 2017 report's own, put back into a report
built from the demo (a planted model) or into the records (factories).
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.cooperation.tests.factories import PublicationFactory
from mitra.performance import metrics
from mitra.performance.models import IndicatorTarget
from mitra.reports import consistency, services
from mitra.reports.figures import YearData, year_data
from mitra.reports.lakip import LakipBuilder, narratives
from mitra.reports.model import Cell, Fig, Paragraph, Report, Table, plain
from mitra.reports.models import IssuedReport

pytestmark = pytest.mark.django_db


def build(data: YearData, texts: dict[str, str] | None = None, language: str = "id") -> Report:
    with translation.override(language):
        return LakipBuilder(data, narratives(data.year) if texts is None else texts, language).build()


def run(report: Report, data: YearData, texts: dict[str, str] | None = None) -> list[consistency.Finding]:
    with translation.override("en"):
        return consistency.check(report, data, narratives(data.year) if texts is None else texts)


def table(report: Report, key: str) -> Table:
    return next(t for t in report.tables() if t.key == key)


def section_text(report: Report, key: str) -> str:
    section = next(s for _level, s in report.walk() if s.key == key)
    return " ".join(plain(b.runs, report.language) for b in section.blocks if isinstance(b, Paragraph))


def error_text(findings: list[consistency.Finding]) -> str:
    return " | ".join(f"{f.where}: {f.message}" for f in consistency.errors(findings))


# --- the 2017 demo: no false positive, the listed contradictions gone ------------------------------------------


def test_the_2017_report_prints_every_quantity_with_one_value_in_both_languages(demo):
    data = year_data(2017)
    reports = [build(data, language=language) for language in ("id", "en")]
    for report in reports:
        findings = run(report, data)
        assert consistency.errors(findings) == [], error_text(findings)
        # No false warnings: a regulation's year is not a year mention; 125 % lies in the top band (≥ 120 %).
        messages = " ".join(f.message for f in findings)
        assert "2010" not in messages and "2014" not in messages
        assert "125" not in messages
    assert consistency.across_editions(reports, data.quantities) == []


def test_the_2017_sakip_target_and_row_agree(demo):
    data = year_data(2017)
    report = build(data)
    # Table 3's target "A (nilai minimal 80)" and the summary's "80 (A)": one grade, from the grade table.
    assert data.figures["sakip.target_grade"].value == "A"
    assert metrics.sakip_target_grade(Decimal(80)) == "A" and metrics.sakip_grade(Decimal(80)) == "BB"
    assert "target 80 (A)" in section_text(report, "summary")
    # Table 5 shows the SAKIP score once, with its achievement category from the band table.
    rows = [r for r in table(report, "table-5").rows if any(c.text("id") == "71,74" for c in r)]
    assert len(rows) == 1
    assert rows[0][-1].text("id") == "Cukup"


def test_the_2017_newsletter_and_position_papers_agree_with_the_registry(demo):
    data = year_data(2017)
    report = build(data)
    editions = next(r for r in data.reconciliations if r.key == "editions")
    assert (editions.subs, editions.reported, editions.recorded) == ((11,), Decimal(3), 3)
    assert "3 dari 3 edisi" in section_text(report, "activities")
    papers = next(r for r in data.reconciliations if r.key == "position_papers")
    assert (papers.subs, papers.reported, papers.recorded) == ((3, 7, 13), Decimal(31), 25)
    text = section_text(report, "activities")
    assert "3, 7 dan 13" in text and "31" in text and "25" in text and "6" in text


# --- each contradiction caught when planted ---------------------------------------------------------------------


def test_a_sakip_target_grade_other_than_table_3s_is_caught(demo):
    data = year_data(2017)
    data.figures["sakip.target_grade"] = Fig("sakip.target_grade", metrics.sakip_grade(Decimal(80)), "text")
    errors = error_text(run(build(data), data))
    assert "sakip.target_grade" in errors and "BB" in errors and "A" in errors


def test_a_typed_target_label_that_disagrees_with_the_target_is_caught(demo):
    target = IndicatorTarget.objects.get(indicator__code="sakip", year=2017)
    target.target_label = "A (nilai minimal 85)"
    target.save()
    data = year_data(2017)
    assert "sakip.target" in error_text(run(build(data), data))


def test_the_sakip_score_shown_twice_in_table_5_is_caught(demo):
    data = year_data(2017)
    report = build(data)
    t5 = table(report, "table-5")
    f = data.figures
    t5.rows.append([Cell(""), Cell("Nilai SAKIP"), *(Cell(f[n]) for n in ("sakip.target", "sakip.score")), Cell(None)])
    errors = error_text(run(report, data))
    assert "sakip.score" in errors and "2" in errors


def test_a_figure_printed_with_another_value_in_an_appendix_is_caught(demo):
    data = year_data(2017)
    report = build(data)
    appendix = table(report, "appendix-4")
    name = "sub.11.output_realized"
    for row in appendix.rows:
        for i, cell in enumerate(row):
            if isinstance(cell.value, Fig) and cell.value.name == name:
                row[i] = Cell(replace(data.figures[name], value=Decimal(2)))
    errors = error_text(run(report, data))
    assert "sub.11.output_realized" in errors and "2 (" in errors and "3 (" in errors


def test_a_report_that_differs_from_the_measurement_is_caught(demo):
    data = year_data(2017)
    data.figures["budget.absorption_pct"] = replace(data.figures["budget.absorption_pct"], value=Decimal("95.00"))
    errors = error_text(run(build(data), data))
    assert "budget.absorption_pct" in errors
    assert "93.86" in errors  # the measurement's value


def test_editions_that_print_a_figure_differently_are_caught(demo):
    data = year_data(2017)
    indonesian = build(data, language="id")
    data.figures["indicator.iku.realized"] = replace(data.figures["indicator.iku.realized"], value=Decimal(27))
    english = build(data, language="en")
    found = consistency.across_editions([indonesian, english], data.quantities)
    assert [f.where for f in found] == ["indicator.iku.realized"]


def test_registry_and_sub_activity_outputs_that_differ_must_be_explained(demo, monkeypatch):
    # A fourth 2017 edition in the registry: sub-activity 11 reports 3. The report states the difference…
    PublicationFactory.create(edition="Edisi khusus/2017", date=datetime.date(2017, 10, 2))
    data = year_data(2017)
    editions = next(r for r in data.reconciliations if r.key == "editions")
    assert (editions.reported, editions.recorded) == (Decimal(3), 4)
    findings = run(build(data), data)
    assert not any(f.where == "11" for f in consistency.errors(findings))
    assert any(f.where == "11" and f.level == "warning" for f in findings)
    assert "3 dari 4" not in section_text(build(data), "activities")  # the text gives the sub-activity's own target
    assert "4 edisi" in section_text(build(data), "activities")
    # …and a report without that statement (the 2017 original for its position papers) is refused.
    monkeypatch.setattr(LakipBuilder, "reconciliations", lambda self: [])
    errors = error_text(run(build(data), data))
    assert "11:" in errors and "3, 7, 13:" in errors


def test_issuing_is_refused_while_a_contradiction_is_found(demo, user_of, monkeypatch):
    monkeypatch.setattr(services, "ISSUE_FORMATS", ("html",))
    target = IndicatorTarget.objects.get(indicator__code="sakip", year=2017)
    target.target_label = "BB (nilai minimal 70)"
    target.save()
    with pytest.raises(ValidationError, match=r"consistency check|Pemeriksaan konsistensi"):
        services.report_issue(actor=user_of("kepala.biro"), year=2017, confirm_unapproved=True)
    assert not IssuedReport.objects.exists()


# --- years and bands: no false warnings, real ones kept --------------------------------------------------------


def test_regulation_citations_are_not_year_mentions_but_typed_years_are(demo):
    data = year_data(2017)
    texts = narratives(2017) | {
        "foreword": "Mengacu pada Permenpan RB Nomor 29 Tahun 2010, No. 53 of 2014 dan Nomor 12/2015. "
        "Pada tahun 2012 dimulai."
    }
    findings = run(build(data, texts), data, texts)
    years = [f.message for f in findings if "year" in f.message]
    assert len(years) == 1 and "2012" in years[0]


def test_achievement_warnings_follow_the_band_table(demo):
    data = year_data(2017)
    assert not any("band" in f.message for f in run(build(data), data))  # 125 % is "Sangat baik"
    data.measurement.settings.bands = [metrics.Band(Decimal(100), "Baik"), metrics.Band(Decimal(95), "Cukup")]
    flagged = {f.where for f in run(build(data), data) if "band" in f.message}
    # Below 95 %: the IKU (90,32 %), position papers (89,29 %); 125 % stays inside the open top band.
    assert any("pengembangan kerjasama" in w for w in flagged)
    assert not any("berkriteria baik" in w for w in flagged)


# --- scope and time of the staff figures (issue 14.5) ----------------------------------------------------------


def test_the_2017_lakip_counts_the_bureaus_staff_of_2017(demo, user_of):
    from mitra.core import services as core_services
    from mitra.core.models import OrganisationUnit

    assert year_data(2017).figures["staff.total"].value == 24
    staff = user_of("kabag.bilateral")  # heads of unit manage their staff
    directorate = OrganisationUnit.objects.get(code="dit-registrasi-obat")
    person = {"employment": "contract", "position": "staff", "education": "s1", "birth_year": 1990, "unit": staff.unit}
    # A traveller of another directorate, recorded by the bureau, and a person who joined the bureau in 2026.
    core_services.staff_member_create(
        actor=staff,
        data=person | {"full_name": "Tamu", "home_unit": directorate, "joined_on": datetime.date(2015, 2, 2)},
    )
    core_services.staff_member_create(
        actor=staff, data=person | {"full_name": "Baru", "joined_on": datetime.date(2026, 11, 2)}
    )
    data = year_data(2017)
    assert data.figures["staff.total"].value == 24
    assert "24 orang" in section_text(build(data), "staff")


# --- the monitoring report: one value per quantity, checked at its issue ---------------------------------------


def test_the_monitoring_report_prints_each_quantity_once_and_alike_in_both_languages(demo):
    from mitra.reports.monitoring import build_monitoring

    editions = [build_monitoring(2017, 4, None, language) for language in ("id", "en")]
    assert [f for e in editions for f in consistency.errors(consistency.one_value(e, {}))] == []
    assert consistency.across_editions(editions, {}) == []


def test_a_monitoring_report_printing_a_figure_twice_is_not_issued(demo, user_of, monkeypatch):
    from mitra.reports import monitoring

    real = monitoring.build_monitoring

    def planted(year: int, quarter: int, unit: str | None, language: str = "id", progress=None) -> Report:
        report = real(year, quarter, unit, language)
        name, fig = next((n, f) for n, f in report.figures.items() if isinstance(f.value, int) and f.value)
        table = report.tables()[0]
        table.rows.append([Cell(Fig(name, fig.value + 1, fig.kind))])  # the same quantity with another value
        return report

    monkeypatch.setattr(monitoring, "build_monitoring", planted)
    head = user_of("kepala.biro")
    services.report_review(
        actor=head,
        year=2017,
        kind="monitoring",
        quarter=4,
        reviewer="Inspektorat",
        reviewed_on=datetime.date(2018, 1, 20),
    )
    with pytest.raises(ValidationError, match=r"consistency check|Pemeriksaan konsistensi"):
        services.report_issue(actor=head, year=2017, kind="monitoring", quarter=4, confirm_unapproved=True)
    assert not IssuedReport.objects.exists()


def test_a_long_table_6_becomes_a_summary_by_scope_and_the_report_stays_consistent(demo, monkeypatch):
    from mitra.reports import lakip

    data = year_data(2017)
    full = table(build(data), "table-6")
    assert len(full.rows) == 28 + 1  # the 2017 report's 28 cooperations and the total
    monkeypatch.setattr(lakip, "TABLE_6_FULL_MAX", 27)  # the demo's 28 are now "too many to list"
    for language in ("id", "en"):
        report = build(data, language=language)
        summary = table(report, "table-6")
        if language == "id":
            assert summary.caption == full.caption  # still Table 6, same caption
        counts = [row[1].value for row in summary.rows[:-1]]
        assert sum(counts) == 28 and len(counts) == len(summary.rows) - 1 <= 3
        total = summary.rows[-1]
        assert [c.value.name for c in total[1:]] == [
            "developments.count",
            "developments.with_position",
            "developments.with_participation",
        ]
        assert [c.value.value for c in total[1:]] == [28, 25, 22]
        # The position and participation columns add up to the totals of the full table.
        assert sum(row[2].value for row in summary.rows[:-1]) == 25
        assert sum(row[3].value for row in summary.rows[:-1]) == 22
        assert "/kerjasama/indikator/cooperation.developments/2017/" in section_text(report, "analysis")
        findings = run(report, data)
        assert consistency.errors(findings) == [], error_text(findings)
