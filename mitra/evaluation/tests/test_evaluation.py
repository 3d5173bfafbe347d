"""The evaluation worksheet: the command's JSON, the demo's evidence links and the official history on the demo's
2017 worksheet (golden tests); loading and versions, answers by role, evidence, checks, exports and the pages'
query counts on worksheets the tests load themselves, for years of their own (2030 onwards)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mitra.core.models import AuditEntry, User
from mitra.core.tests.factories import (
    AdminFactory,
    DirectorateFactory,
    LeadershipFactory,
    ReaderFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.evaluation import demo as evaluation_demo
from mitra.evaluation import selectors, services, workbook
from mitra.evaluation.evidence import Finder
from mitra.evaluation.models import Answer, Criterion, Evidence, Worksheet
from mitra.performance.tests.factories import PerformanceYearFactory, QuarterReportFactory, StrategicPlanFactory

pytestmark = pytest.mark.django_db
BANDS = [(90, "AA"), (80, "A"), (70, "BB"), (60, "B"), (50, "CC"), (30, "C")]


def result(year: int = 2017) -> dict:
    out = io.StringIO()
    call_command("sakip-evaluation", "--year", str(year), stdout=out)
    return json.loads(out.getvalue())


def small_workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "LKE"
    sheet.append(workbook.HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SMALL: list[list[Any]] = [
    ["komponen", "1", "Perencanaan", 30],
    ["pemenuhan", "1.a", "Pemenuhan", 20],
    ["kriteria", "1.a.1", "Renstra ada", None, "Y/T", "", "renstra", "n"],
    ["kriteria", "1.a.2", "PK ada", None, "Y/T", "", "pk", "n"],
    ["kriteria", "1.a.3", "Rencana aksi ada", None, "Y/T", "", "", "n"],
    ["kualitas", "1.b", "Kualitas", 30],
    ["kriteria", "1.b.1", "Renstra berkualitas", None, "A-E", "1.a.1", "", "n"],
    ["kriteria", "1.b.2", "PK berkualitas", None, "A-E", "1.a.2", "", "n"],
    ["pemanfaatan", "1.c", "Pemanfaatan", 50],
    ["kriteria", "1.c.1", "a", None, "A-E", "", "", "n"],
    ["kriteria", "1.c.2", "b", None, "A-E", "", "", "n"],
    ["kriteria", "1.c.3", "c", None, "A-E", "", "", "n"],
    ["kriteria", "1.c.4", "d", None, "A-E", "", "", "n"],
    ["komponen", "2", "Sisanya", 70],
    ["pemenuhan", "2.a", "Semua", 100],
    ["kriteria", "2.a.1", "e", None, "Y/T", "", "", "n"],
]


def test_the_command_prints_the_demo_worksheet_result(demo):
    data = result()
    assert [c["weight"] for c in data["components"]] == [30, 30, 15, 25]
    assert [c["code"] for c in data["components"]] == ["1", "2", "3", "4"]
    assert all(c["name"] and 0 <= c["score"] <= c["weight"] for c in data["components"])
    assert Decimal(str(data["total"])) == sum(Decimal(str(c["score"])) for c in data["components"])
    assert data["estimate"] is True
    total = Decimal(str(data["total"]))
    assert data["grade"] == next((g for floor, g in BANDS if total > floor), "D")
    assert data["criteria"] == data["answered"] == len(demo_criteria())


def demo_criteria() -> list[Criterion]:
    return list(Criterion.objects.filter(worksheet=selectors.current(2017)))


def test_the_command_refuses_a_year_without_worksheet(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        result(1999)


def test_the_demo_links_evidence_to_every_criterion_mitra_holds_evidence_for(demo):
    sheet = selectors.current(2017)
    assert sheet is not None
    finder = Finder()
    holds = [
        c
        for c in demo_criteria()
        if finder.for_criterion(c.evidence_kinds, sheet.year, c.evidence_year) and c.evidence_kinds
    ]
    linked = {e.criterion_id for e in Evidence.objects.filter(criterion__worksheet=sheet)}
    assert holds and {c.pk for c in holds} == linked
    assert len(linked) == result()["with_evidence"]
    kinds = {e.kind for e in Evidence.objects.filter(criterion__worksheet=sheet)}
    assert {"renstra", "pk", "iku", "triwulan"} <= kinds


def test_the_demo_loader_adds_nothing_when_run_again(demo):
    entries = AuditEntry.objects.count()
    assert evaluation_demo.load_evaluation() == {
        "lke_worksheets": 0,
        "lke_answers": 0,
        "lke_evidence": 0,
        "lhe_reports": 0,
        "lhe_recommendations": 0,
        "scorecards": 0,
    }
    assert AuditEntry.objects.count() == entries


@pytest.fixture
def admin(db: None) -> User:
    return AdminFactory.create()


def test_a_small_worksheet_scores_as_computed_by_hand(admin):
    sheet = services.load_worksheet(actor=admin, year=2030, content=small_workbook(SMALL), source_name="kecil.xlsx")
    answers = {"1.a.1": "Y", "1.a.2": "Y", "1.a.3": "T", "1.b.1": "B", "1.b.2": "C", "1.c.1": "A", "1.c.2": "D"}
    answers |= {"1.c.3": "E", "2.a.1": "Y"}  # 1.c.4 unanswered
    for criterion in Criterion.objects.filter(worksheet=sheet):
        if criterion.code in answers:
            services.save_answer(
                actor=admin, criterion=criterion, data={"own_answer": answers[criterion.code]}, expected_version=0
            )
    data = selectors.sheet_data(sheet)
    first, second = data.components
    # 6 × 2/3 = 4; 9 × (0.75 + 0.5)/2 = 5.625; 15 × (1 + 0.25 + 0 + 0)/4 = 4.6875 → 14.3125, shown 14.31.
    assert [s.score for s in first.subs] == [4, Decimal("5.625"), Decimal("4.6875")]
    assert first.score == Decimal("14.3125") and first.shown == Decimal("14.31")
    assert second.score == 70
    assert data.total == Decimal("84.31") and data.grade == "A"
    # The evaluator's answer counts where given: 2.a.1 T → 0, total 14.31 (D).
    services.save_answer(
        actor=admin,
        criterion=Criterion.objects.get(worksheet=sheet, code="2.a.1"),
        data={"evaluator_answer": "T"},
        expected_version=None,
        evaluator=True,
    )
    data = selectors.sheet_data(sheet)
    assert data.total == Decimal("14.31") and data.grade == "D"
    # Quality 1.b.1 rests on 1.a.1: answering 1.a.1 T makes 1.b.1's B exceed it.
    criterion = Criterion.objects.get(worksheet=sheet, code="1.a.1")
    services.save_answer(actor=admin, criterion=criterion, data={"own_answer": "T"}, expected_version=None)
    warnings = selectors.sheet_data(sheet).warnings
    assert any(w.startswith("1.b.1") for w in warnings)
    assert any(w.startswith("1:") for w in warnings)  # quality 41,67 % above fulfilment 33,33 %


def test_loading_again_makes_a_new_version_and_answers_stay_with_theirs(admin):
    first = services.load_worksheet(actor=admin, year=2031, content=small_workbook(SMALL))
    criterion = Criterion.objects.get(worksheet=first, code="1.a.1")
    services.save_answer(actor=admin, criterion=criterion, data={"own_answer": "Y"}, expected_version=0)
    second = services.load_worksheet(actor=admin, year=2031, content=small_workbook(SMALL))
    assert (first.number, second.number) == (1, 2)
    assert selectors.current(2031) == second
    assert Answer.objects.get(criterion=criterion).own_answer == "Y"
    assert not Answer.objects.filter(criterion__worksheet=second).exists()
    # The earlier version is kept as it was: its criteria take no new answers from the pages.
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(admin)
    response = client.post(reverse("evaluation:answer", args=[criterion.pk]), {f"own-{criterion.pk}-answer": "T"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "rows,message",
    [
        (
            [["komponen", "1", "A", 60], ["pemenuhan", "1.a", "P", 100], ["kriteria", "1.a.1", "x", None, "Y/T"]],
            "bobot komponen harus 100",
        ),
        ([*SMALL[:2], ["kriteria", "1.a.1", "x", None, "Y/N"]], "Baris 4: skala"),
        ([*SMALL[:2], ["kriteria", "1.a.1", "x", None, "Y/T", "", "lakip"]], "jenis bukti lakip tidak dikenal"),
        ([*SMALL[:2], ["kriteria", "1.a.1", "x", None, "Y/T", "9.9.9"]], "9.9.9"),
        ([["kriteria", "1.a.1", "x", None, "Y/T"]], "Baris 2"),
    ],
)
def test_a_bad_worksheet_is_refused_with_its_row_and_nothing_is_loaded(admin, rows, message):
    # The messages are in Indonesian, the default language (English in locale/en).
    count = Worksheet.objects.count()
    with pytest.raises(ValidationError) as error:
        services.load_worksheet(actor=admin, year=2032, content=small_workbook(rows))
    assert any(message in m for m in error.value.messages), error.value.messages
    assert Worksheet.objects.count() == count


def test_only_administrators_load_a_worksheet(admin):
    for user in (LeadershipFactory.create(), UserFactory.create(), ReaderFactory.create(unit=bureau())):
        with pytest.raises(PermissionDenied):
            services.load_worksheet(actor=user, year=2033, content=small_workbook(SMALL))
    assert not Worksheet.objects.filter(year=2033).exists()
    assert services.load_worksheet(actor=admin, year=2033, content=small_workbook(SMALL)).year == 2033


def test_the_load_page_previews_then_loads(admin):
    client = logged_in(admin)
    upload = io.BytesIO(workbook.template_workbook())
    upload.name = "lke.xlsx"
    response = client.post(reverse("evaluation:load"), {"year": 2034, "file": upload, "preview": "1"})
    assert response.status_code == 200 and not Worksheet.objects.filter(year=2034).exists()
    assert response.context["parsed"].criteria_count == 62
    staged = response.context["staged"]
    response = client.post(reverse("evaluation:load"), {"year": 2034, "staged": staged, "confirm": "1"})
    assert response.status_code == 302
    assert Criterion.objects.filter(worksheet__year=2034).count() == 62
    # A damaged staged file is an error at the field.
    response = client.post(reverse("evaluation:load"), {"year": 2034, "staged": staged + "x", "confirm": "1"})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client.post(reverse("evaluation:load"), {"year": 2034, "file": bad, "preview": "1"})
    assert "Excel" in str(response.context["form"].errors["file"]) or "xlsx" in str(
        response.context["form"].errors["file"]
    )


YEAR = 2035  # the shipped worksheet, loaded by the tests for a year of their own


@pytest.fixture
def sheet(admin: User) -> Worksheet:
    """The shipped worksheet structure (62 criteria) loaded for YEAR, with 1.a.2 and 1.a.8 answered Y (1 point
    each) by an administrator, and a strategic plan covering the year (the evidence of a Renstra)."""
    loaded = services.load_worksheet(actor=admin, year=YEAR, content=evaluation_demo.TEMPLATE.read_bytes())
    for code in ("1.a.2", "1.a.8"):
        services.save_answer(actor=admin, criterion=criterion(code), data={"own_answer": "Y"}, expected_version=0)
    StrategicPlanFactory.create(start_year=YEAR - 2, end_year=YEAR + 2)
    return loaded


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(worksheet=selectors.current(YEAR), code=code)


def test_bureau_staff_answer_and_only_leadership_evaluates(sheet):
    c = criterion("1.a.8")
    before = AuditEntry.objects.count()
    version = Answer.objects.get(criterion=c).version
    staff = logged_in(UserFactory.create())
    response = staff.post(
        reverse("evaluation:answer", args=[c.pk]),
        {f"own-{c.pk}-answer": "T", f"own-{c.pk}-note": "Belum ada", f"own-{c.pk}-expected_version": version},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(criterion=c)
    assert (answer.own_answer, answer.own_note) == ("T", "Belum ada")
    assert AuditEntry.objects.count() > before
    assert staff.post(reverse("evaluation:evaluate", args=[c.pk]), {f"evaluator-{c.pk}-answer": "Y"}).status_code == 403
    assert (
        logged_in(ReaderFactory.create(unit=bureau())).post(reverse("evaluation:answer", args=[c.pk]), {}).status_code
        == 403
    )
    outside = logged_in(UserFactory.create(unit=DirectorateFactory.create()))  # staff outside the bureau
    assert outside.get(reverse("evaluation:overview", args=[YEAR])).status_code == 403
    leader = logged_in(LeadershipFactory.create())
    response = leader.post(
        reverse("evaluation:evaluate", args=[c.pk]),
        {f"evaluator-{c.pk}-answer": "Y", f"evaluator-{c.pk}-expected_version": answer.version},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.own_answer, answer.evaluator_answer) == ("T", "Y")


def test_a_bad_or_stale_answer_is_shown_at_the_form(sheet):
    c = criterion("1.a.8")
    client = logged_in(UserFactory.create())
    response = client.post(reverse("evaluation:answer", args=[c.pk]), {f"own-{c.pk}-answer": "Z"})
    assert response.status_code == 200
    assert response.context["data"].components[0].component.code == "1"
    assert b"is-invalid" in response.content
    assert Answer.objects.get(criterion=c).own_answer == "Y"
    response = client.post(
        reverse("evaluation:answer", args=[c.pk]),
        {f"own-{c.pk}-answer": "T", f"own-{c.pk}-expected_version": 0},
    )
    assert (response.status_code == 200 and b"meanwhile" in response.content) or b"sementara" in response.content
    assert Answer.objects.get(criterion=c).own_answer == "Y"


def test_evidence_is_linked_by_hand_and_removed(sheet):
    c = criterion("1.a.8")
    client = logged_in(UserFactory.create())
    key = Finder().of("renstra", YEAR)[0].key
    assert (
        client.post(reverse("evaluation:evidence-add", args=[c.pk]), {f"evidence-{c.pk}-candidate": key}).status_code
        == 302
    )
    evidence = Evidence.objects.get(criterion=c)
    assert evidence.kind == "renstra" and not evidence.suggested
    response = client.post(
        reverse("evaluation:evidence-add", args=[c.pk]), {f"evidence-{c.pk}-candidate": "renstra:1:1990"}
    )
    assert response.status_code == 200 and Evidence.objects.filter(criterion=c).count() == 1
    assert client.post(reverse("evaluation:evidence-remove", args=[evidence.pk])).status_code == 302
    assert not Evidence.objects.filter(criterion=c).exists()


def test_a_logical_warning_shows_on_the_pages(sheet, admin):
    # Quality 1.b.1 (A) rests on 1.a.2: answering 1.a.2 T makes 1.b.1 exceed it.
    services.save_answer(actor=admin, criterion=criterion("1.b.1"), data={"own_answer": "A"}, expected_version=0)
    page = logged_in(admin).get(reverse("evaluation:component", args=[YEAR, "1"]))
    assert b'data-testid="warning"' not in page.content
    basis = criterion("1.a.2")
    admin = logged_in(admin)
    admin.post(
        reverse("evaluation:answer", args=[basis.pk]),
        {
            f"own-{basis.pk}-answer": "T",
            f"own-{basis.pk}-expected_version": Answer.objects.get(criterion=basis).version,
        },
    )
    page = admin.get(reverse("evaluation:component", args=[YEAR, "1"]))
    assert page.status_code == 200
    assert b'data-testid="warning"' in page.content and b"1.a.2" in page.content
    overview = admin.get(reverse("evaluation:overview", args=[YEAR]))
    assert b'data-testid="warnings"' in overview.content
    assert "Perkiraan, bukan hasil resmi" in overview.content.decode() or b"estimate-label" in overview.content


def test_the_export_has_the_worksheet_layout_with_answers(sheet, admin):
    renstra = Finder().of("renstra", YEAR)[0]
    services.add_evidence(actor=admin, criterion=criterion("1.a.2"), candidate=renstra)
    response = logged_in(ReaderFactory.create(unit=bureau())).get(reverse("evaluation:export", args=[YEAR]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))["LKE"]
    rows = list(book.iter_rows(values_only=True))
    assert list(rows[0][:8]) == workbook.HEADER
    by_code = {r[1]: r for r in rows[1:] if r and r[0] == "kriteria"}
    assert len(by_code) == 62
    assert by_code["1.a.2"][8] == "Y" and by_code["1.a.2"][12] == 1
    assert renstra.label in str(by_code["1.a.2"][13])  # the linked Renstra
    assert by_code["1.a.3"][8] is None and not by_code["1.a.3"][13]
    total = next(r for r in rows if r and r[0] == "total")
    # 1.a.2 and 1.a.8 are two of the eight fulfilment criteria of 1.a (20 % of component 1's 30): 6 × 2/8 = 1.5.
    assert Decimal(str(total[12])) == Decimal("1.5") == Decimal(str(result(YEAR)["total"]))


def test_the_template_download_is_the_shipped_structure(db):
    response = logged_in(ReaderFactory.create(unit=bureau())).get(reverse("evaluation:template"))
    parsed = workbook.parse(response.content)
    assert not parsed.errors
    assert [(c.code, c.weight) for c in parsed.components] == [("1", 30), ("2", 30), ("3", 15), ("4", 25)]
    assert all([s.share_pct for s in c.subs] == [20, 30, 50] for c in parsed.components)
    assert 40 <= parsed.criteria_count <= 76
    shipped = workbook.parse(evaluation_demo.TEMPLATE.read_bytes())
    assert [(c.code, [len(s.criteria) for s in c.subs]) for c in shipped.components] == [
        (c.code, [len(s.criteria) for s in c.subs]) for c in parsed.components
    ]


# On the factory worksheet below (the demo's 2017 pages, with its documents, take 14 and 33).
PAGES = {"evaluation:overview": 14, "evaluation:component": 34}


@pytest.mark.parametrize("url_name", list(PAGES))
def test_page_query_counts_are_pinned_and_do_not_grow_with_the_data(sheet, admin, url_name):
    # As in the demo's 2017: quarterly reports of the year and the year before, an official score the year before.
    for year in (YEAR, YEAR - 1):
        QuarterReportFactory.create(year=year, quarter=4)
    PerformanceYearFactory.create(year=YEAR - 1, sakip_score=Decimal("69.84"))
    args = [YEAR] if url_name == "evaluation:overview" else [YEAR, "1"]
    client = logged_in(AdminFactory.create(unit=bureau()))  # an administrator of the bureau, as the demo's
    url = reverse(url_name, args=args)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    StrategicPlanFactory.create(start_year=YEAR - 4, end_year=YEAR)  # a second Renstra covering the year
    candidates = Finder().all_of(YEAR)
    assert len(candidates) >= 3
    for c in Criterion.objects.filter(worksheet=sheet):
        for candidate in candidates[:3]:
            services.add_evidence(actor=admin, criterion=c, candidate=candidate)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == PAGES[url_name], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_overview_shows_the_estimate_beside_the_official_history(client_for):
    response = client_for("kepala.biro").get(reverse("evaluation:overview", args=[2017]))
    assert response.status_code == 200
    history = {year: (score, grade) for year, score, grade in response.context["history"]}
    assert history[2017] == (Decimal("71.74"), "BB")
    assert history[2016] == (Decimal("69.84"), "B")
    assert history[2015] == (Decimal("62.57"), "B")
    assert "Perkiraan, bukan hasil resmi" in response.content.decode()
    assert response.context["data"].total == Decimal(str(result()["total"]))


def test_the_pdf_summary_names_the_components_and_the_estimate(client_for):
    from pypdf import PdfReader

    response = client_for("pembaca").get(reverse("evaluation:summary-pdf", args=[2017]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Perkiraan, bukan hasil resmi" in text
    assert "Pelaporan Kinerja" in text and "71,74" in text


def test_the_command_loads_a_worksheet_file_as_a_new_version(sheet, tmp_path):
    from django.core.management.base import CommandError

    assert result(YEAR)["answered"] == 2
    out = io.StringIO()
    call_command("sakip-evaluation", "load", str(evaluation_demo.TEMPLATE), "--year", str(YEAR), stdout=out)
    latest = selectors.current(YEAR)
    assert latest is not None and latest.number == 2
    assert Criterion.objects.filter(worksheet=latest).count() == 62
    assert result(YEAR)["answered"] == 0  # the answers stay with version 1
    assert Answer.objects.filter(criterion__worksheet=sheet).count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(small_workbook([["komponen", "1", "A", 60]]))
    with pytest.raises(CommandError, match="100"):
        call_command("sakip-evaluation", "load", str(bad), "--year", str(YEAR))
    assert selectors.current(YEAR) == latest
