"""The evaluation report (LHE) and its recommendations as work: recorded by leadership, followed up by the
responsible unit, shown in the owners' "my work", suggested as evidence in the next year's worksheet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from mitra.core.models import AuditEntry
from mitra.core.tests.factories import (
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    SubdivisionFactory,
    UnitFactory,
    UserFactory,
    logged_in,
)
from mitra.evaluation import services, workbook
from mitra.evaluation.models import EvaluationReport, Evidence, Recommendation, RecommendationStatus
from mitra.evaluation.tests.factories import RecommendationFactory, ReportFactory

pytestmark = pytest.mark.django_db

LHE = {  # the demo holds the 2017 report: these tests record 2015's
    "year": 2015,
    "number": "LHE/01/2016",
    "issued_on": dt.date(2016, 3, 29),
    "evaluator": "Inspektorat Utama",
    "score": Decimal("71.74"),
    "grade": "BB",
}


def test_leadership_records_the_report_once_per_year_and_others_cannot():
    leadership, staff = LeadershipFactory.create(), UserFactory.create()
    with pytest.raises(PermissionDenied):
        services.save_report(actor=staff, data=LHE)
    report = services.save_report(actor=leadership, data=LHE)
    assert AuditEntry.objects.filter(record_type="evaluation.evaluationreport", record_id=str(report.pk)).exists()
    with pytest.raises(ValidationError) as again:
        services.save_report(actor=leadership, data=LHE | {"number": "other"})
    assert "year" in again.value.message_dict
    with pytest.raises(ValidationError) as bad:
        services.save_report(actor=leadership, data=LHE | {"year": 2014, "score": Decimal("101")})
    assert set(bad.value.message_dict) == {"score"}
    with pytest.raises(ValidationError) as early:
        services.save_report(actor=leadership, data=LHE | {"year": 2020})
    assert set(early.value.message_dict) == {"issued_on"}
    with pytest.raises(ValidationError):  # a field the form does not offer
        services.save_report(actor=leadership, report=report, data={"is_illustrative": True}, expected_version=None)


def test_the_responsible_unit_writes_its_follow_up_and_nothing_else():
    unit = UnitFactory.create()
    staff, outsider, leadership = UserFactory.create(unit=unit), UserFactory.create(), LeadershipFactory.create()
    rec = RecommendationFactory.create(owner_unit=unit, owner=staff)
    rec = services.update_recommendation(
        actor=staff,
        recommendation=rec,
        data={"action_plan": "Menyusun komponen per unit", "status": RecommendationStatus.IN_PROGRESS},
        expected_version=rec.version,
    )
    assert rec.status == RecommendationStatus.IN_PROGRESS and rec.action_plan == "Menyusun komponen per unit"
    with pytest.raises(ValidationError):
        services.update_recommendation(actor=staff, recommendation=rec, data={"text": "x"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        services.update_recommendation(
            actor=outsider, recommendation=rec, data={"status": "done"}, expected_version=None
        )
    with pytest.raises(ValidationError) as undated:
        services.update_recommendation(actor=staff, recommendation=rec, data={"status": "done"}, expected_version=None)
    assert set(undated.value.message_dict) == {"completed_on"}
    rec = services.update_recommendation(
        actor=leadership, recommendation=rec, data={"text": "Teks baru"}, expected_version=None
    )
    assert rec.text == "Teks baru"
    with pytest.raises(PermissionDenied):  # only leadership adds recommendations
        services.add_recommendation(
            actor=staff, report=rec.report, data={"text": "x", "owner_unit": unit, "due_date": dt.date(2018, 1, 1)}
        )


def test_the_person_responsible_belongs_to_the_responsible_unit():
    unit = UnitFactory.create()
    with pytest.raises(ValidationError) as wrong:
        RecommendationFactory.create(owner_unit=unit, owner=UserFactory.create())
    assert set(wrong.value.message_dict) == {"owner"}
    head_above = HeadFactory.create(unit=unit)
    sub = SubdivisionFactory.create(parent=unit)
    assert RecommendationFactory.create(owner_unit=unit, owner=UserFactory.create(unit=sub)).owner_unit == unit
    assert head_above.unit == unit


def _home(user) -> str:
    response = logged_in(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_open_recommendations_wait_in_their_owners_my_work():
    unit = UnitFactory.create()
    owner, colleague, other = UserFactory.create(unit=unit), UserFactory.create(unit=unit), UserFactory.create()
    named = RecommendationFactory.create(owner_unit=unit, owner=owner, text="Susun komponen kegiatan per unit")
    unit_wide = RecommendationFactory.create(owner_unit=unit, text="Lengkapi sistem informasi")
    page = _home(owner)
    assert named.get_absolute_url() in page and "Susun komponen kegiatan per unit" in page
    assert unit_wide.get_absolute_url() in page  # nobody named: the unit's people follow it up
    assert "Tindak lanjuti rekomendasi LHE" in page
    colleague_page = _home(colleague)
    assert named.get_absolute_url() not in colleague_page and unit_wide.get_absolute_url() in colleague_page
    assert unit_wide.get_absolute_url() not in _home(other)
    services.update_recommendation(
        actor=owner,
        recommendation=named,
        data={"status": RecommendationStatus.DONE, "completed_on": dt.date(2018, 5, 1)},
        expected_version=None,
    )
    assert named.get_absolute_url() not in _home(owner)


def _worksheet_file() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "LKE"
    sheet.append(workbook.HEADER)
    sheet.append(["komponen", "4", "Evaluasi", 100])
    sheet.append(["pemenuhan", "4.a", "Pemenuhan", 100])
    sheet.append(
        ["kriteria", "4.a.1", "Rekomendasi tahun lalu ditindaklanjuti", None, "Y/T", "", "rekomendasi_lhe", "n-1"]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_follow_up_counts_as_evidence_in_the_next_years_worksheet():
    report = ReportFactory.create(year=2020, issued_on=dt.date(2021, 3, 1))
    rec = RecommendationFactory.create(report=report, text="Susun komponen kegiatan per unit")
    ReportFactory.create(year=2021, issued_on=dt.date(2022, 3, 1))  # another year's report: not this evidence
    sheet = services.load_worksheet(actor=None, year=2021, content=_worksheet_file(), system=True)
    assert services.suggest_evidence(actor=None, worksheet=sheet, system=True) == 1
    evidence = Evidence.objects.get(criterion__worksheet=sheet)
    assert (evidence.kind, evidence.object_id, evidence.year) == ("rekomendasi_lhe", rec.pk, 2020)
    assert evidence.url == rec.get_absolute_url() and "Susun komponen" in evidence.label
    same_year = services.load_worksheet(actor=None, year=2020, content=_worksheet_file(), system=True)
    assert services.suggest_evidence(actor=None, worksheet=same_year, system=True) == 0  # n−1 is 2019: none


def test_the_pages_record_a_report_and_a_follow_up_with_errors_at_the_field():
    unit = UnitFactory.create()
    leadership, staff = LeadershipFactory.create(), UserFactory.create(unit=unit)
    boss = logged_in(leadership)
    response = boss.post(
        reverse("evaluation:report-create"),
        {**LHE, "issued_on": "2016-03-29", "score": "171", "expected_version": 0},
    )
    assert response.status_code == 200 and "Masukkan nilai antara 0 dan 100." in response.content.decode()
    response = boss.post(reverse("evaluation:report-create"), {**LHE, "issued_on": "2016-03-29", "expected_version": 0})
    report = EvaluationReport.objects.get(year=2015)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    response = boss.post(
        reverse("evaluation:recommendation-add", args=[2015]),
        {"order": 1, "text": "Susun komponen per unit", "owner_unit": unit.pk, "owner": staff.pk, "due_date": "x"},
    )
    assert response.status_code == 200 and 'id="error_1_id_due_date"' in response.content.decode()
    response = boss.post(
        reverse("evaluation:recommendation-add", args=[2015]),
        {
            "order": 1,
            "text": "Susun komponen per unit",
            "owner_unit": unit.pk,
            "owner": staff.pk,
            "due_date": "2018-06-30",
            "status": "open",
        },
    )
    assert response.status_code == 302
    rec = Recommendation.objects.get(report=report)
    page = boss.get(report.get_absolute_url()).content.decode()
    assert "Susun komponen per unit" in page and 'data-testid="attachments"' in page

    mine = logged_in(staff)
    page = mine.get(rec.get_absolute_url()).content.decode()
    assert 'name="status"' in page and 'name="text"' not in page  # the unit writes only its follow-up
    response = mine.post(rec.get_absolute_url(), {"status": "done", "expected_version": rec.version})
    assert response.status_code == 200 and "Isikan tanggal tindakan diselesaikan." in response.content.decode()
    response = mine.post(
        rec.get_absolute_url(),
        {"status": "done", "completed_on": "2018-05-02", "result": "Selesai", "expected_version": rec.version},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "done" and rec.result == "Selesai"
    response = logged_in(UserFactory.create()).post(rec.get_absolute_url(), {"status": "open"})
    assert response.status_code == 403
    assert logged_in(ReaderFactory.create()).get(report.get_absolute_url()).status_code == 403


PAGES = {"report": 14, "recommendation": 10}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_query_counts_are_pinned_and_do_not_grow_with_the_recommendations(page):
    leadership = LeadershipFactory.create()
    report = ReportFactory.create()
    first = RecommendationFactory.create(report=report, owner=leadership, owner_unit=leadership.unit)
    url = report.get_absolute_url() if page == "report" else first.get_absolute_url()
    client = logged_in(leadership)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _i in range(4):
        RecommendationFactory.create(report=report, owner=leadership, owner_unit=leadership.unit)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == PAGES[page], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_demo_holds_the_2017_report_with_recommendations_from_its_stated_weaknesses(client_for):
    report = EvaluationReport.objects.get(year=2017)
    assert (report.score, report.grade, report.is_illustrative) == (Decimal("71.74"), "BB", True)
    recs = list(report.recommendations.order_by("order"))
    assert len(recs) == 3 and all(r.is_illustrative for r in recs)
    assert "unit yang belum sesuai rencana" in recs[0].text  # the weakness the 2017 report states
    home = client_for("staf.bilateral").get("/").content.decode()
    assert recs[1].get_absolute_url() in home and recs[0].get_absolute_url() not in home
    overview = client_for("staf.bilateral").get(reverse("evaluation:overview", args=[2017])).content.decode()
    assert reverse("evaluation:report", args=[2017]) in overview  # beside the official score
    for year, score in ((2015, "62,57"), (2016, "69,84"), (2017, "71,74")):
        assert f'<th scope="row">{year}</th><td class="text-end">{score}</td>' in overview


def test_the_follow_up_takes_its_files_from_its_unit_and_the_report_from_leadership():
    from mitra.documents.tests.test_access import post_upload

    unit = UnitFactory.create()
    staff, outsider, leadership = UserFactory.create(unit=unit), UserFactory.create(), LeadershipFactory.create()
    rec = RecommendationFactory.create(owner_unit=unit)
    assert post_upload(logged_in(outsider), rec).status_code == 403
    assert post_upload(logged_in(staff), rec).status_code == 302
    assert post_upload(logged_in(staff), rec.report).status_code == 403  # the LHE's file is leadership's
    assert post_upload(logged_in(leadership), rec.report).status_code == 302
    page = logged_in(outsider).get(rec.get_absolute_url()).content.decode()
    assert "scan.pdf" in page and 'name="status"' not in page  # read, not followed up, by another unit


def test_a_recommendation_goes_only_to_a_unit_whose_staff_can_open_it():
    from mitra.core.tests.factories import DirectorateFactory

    leadership, directorate = LeadershipFactory.create(), DirectorateFactory.create()
    report = ReportFactory.create()
    due = report.issued_on + dt.timedelta(days=90)
    data = {"order": 9, "text": "Tindak lanjut", "owner_unit": directorate, "due_date": due}
    with pytest.raises(ValidationError) as outside:
        services.add_recommendation(actor=leadership, report=report, data=data)
    assert set(outside.value.message_dict) == {"owner_unit"}
    rec = services.add_recommendation(actor=leadership, report=report, data=data | {"owner_unit": UnitFactory.create()})
    with pytest.raises(ValidationError) as moved:
        services.update_recommendation(
            actor=leadership, recommendation=rec, data={"owner_unit": directorate}, expected_version=None
        )
    assert set(moved.value.message_dict) == {"owner_unit"}
    # The page shows it at the field.
    page = logged_in(leadership).post(
        reverse("evaluation:recommendation-add", args=[report.year]),
        {
            "order": "9",
            "text": "Tindak lanjut",
            "owner_unit": directorate.pk,
            "due_date": "2041-01-01",
            "status": "open",
        },
    )
    assert page.status_code == 200 and page.context["recommendation_form"].errors.keys() == {"owner_unit"}
