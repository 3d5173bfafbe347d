"""The evaluation worksheet on the demo: the command's JSON, loading and versions, answers by role, evidence,
checks, exports, and the pages' query counts."""

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

from mitra.core.models import AuditEntry
from mitra.evaluation import demo as evaluation_demo
from mitra.evaluation import selectors, services, workbook
from mitra.evaluation.evidence import Finder
from mitra.evaluation.models import Answer, Criterion, Evidence, Worksheet

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


def test_the_command_refuses_a_year_without_worksheet(demo):
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


def test_a_small_worksheet_scores_as_computed_by_hand(user_of):
    admin = user_of("admin")
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


def test_loading_again_makes_a_new_version_and_answers_stay_with_theirs(user_of):
    admin = user_of("admin")
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
def test_a_bad_worksheet_is_refused_with_its_row_and_nothing_is_loaded(user_of, rows, message):
    # The messages are in Indonesian, the default language (English in locale/en).
    count = Worksheet.objects.count()
    with pytest.raises(ValidationError) as error:
        services.load_worksheet(actor=user_of("admin"), year=2032, content=small_workbook(rows))
    assert any(message in m for m in error.value.messages), error.value.messages
    assert Worksheet.objects.count() == count


def test_only_administrators_load_a_worksheet(user_of):
    for username in ("kepala.biro", "staf.bilateral", "pembaca"):
        with pytest.raises(PermissionDenied):
            services.load_worksheet(actor=user_of(username), year=2033, content=small_workbook(SMALL))


def test_the_load_page_previews_then_loads(client_for):
    client = client_for("admin")
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


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(worksheet=selectors.current(2017), code=code)


def test_bureau_staff_answer_and_only_leadership_evaluates(client_for):
    c = criterion("1.a.8")
    before = AuditEntry.objects.count()
    version = Answer.objects.get(criterion=c).version
    staff = client_for("staf.bilateral")
    response = staff.post(
        reverse("evaluation:answer", args=[c.pk]),
        {f"own-{c.pk}-answer": "T", f"own-{c.pk}-note": "Belum ada", f"own-{c.pk}-expected_version": version},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(criterion=c)
    assert (answer.own_answer, answer.own_note) == ("T", "Belum ada")
    assert AuditEntry.objects.count() > before
    assert staff.post(reverse("evaluation:evaluate", args=[c.pk]), {f"evaluator-{c.pk}-answer": "Y"}).status_code == 403
    assert client_for("pembaca").post(reverse("evaluation:answer", args=[c.pk]), {}).status_code == 403
    assert client_for("staf.registrasi").get(reverse("evaluation:overview", args=[2017])).status_code == 403
    leader = client_for("kepala.biro")
    response = leader.post(
        reverse("evaluation:evaluate", args=[c.pk]),
        {f"evaluator-{c.pk}-answer": "Y", f"evaluator-{c.pk}-expected_version": answer.version},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.own_answer, answer.evaluator_answer) == ("T", "Y")


def test_a_bad_or_stale_answer_is_shown_at_the_form(client_for):
    c = criterion("1.a.8")
    client = client_for("staf.bilateral")
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


def test_evidence_is_linked_by_hand_and_removed(client_for):
    c = criterion("1.a.8")
    client = client_for("staf.bilateral")
    key = Finder().of("renstra", 2017)[0].key
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


def test_a_logical_warning_shows_on_the_pages(client_for):
    admin = client_for("admin")
    basis = criterion("1.a.2")
    admin.post(
        reverse("evaluation:answer", args=[basis.pk]),
        {
            f"own-{basis.pk}-answer": "T",
            f"own-{basis.pk}-expected_version": Answer.objects.get(criterion=basis).version,
        },
    )
    page = admin.get(reverse("evaluation:component", args=[2017, "1"]))
    assert page.status_code == 200
    assert b'data-testid="warning"' in page.content and b"1.a.2" in page.content
    overview = admin.get(reverse("evaluation:overview", args=[2017]))
    assert b'data-testid="warnings"' in overview.content
    assert "Perkiraan, bukan hasil resmi" in overview.content.decode() or b"estimate-label" in overview.content


def test_the_export_has_the_worksheet_layout_with_answers(client_for):
    response = client_for("pembaca").get(reverse("evaluation:export", args=[2017]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["LKE"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:8]) == workbook.HEADER
    by_code = {r[1]: r for r in rows[1:] if r and r[0] == "kriteria"}
    assert len(by_code) == 62
    assert by_code["1.a.2"][8] == "Y" and by_code["1.a.2"][12] == 1
    assert by_code["1.a.2"][13]  # the linked Renstra
    total = next(r for r in rows if r and r[0] == "total")
    assert Decimal(str(total[12])) == Decimal(str(result()["total"]))


def test_the_template_download_is_the_shipped_structure(client_for):
    response = client_for("pembaca").get(reverse("evaluation:template"))
    parsed = workbook.parse(response.content)
    assert not parsed.errors
    assert [(c.code, c.weight) for c in parsed.components] == [("1", 30), ("2", 30), ("3", 15), ("4", 25)]
    assert all([s.share_pct for s in c.subs] == [20, 30, 50] for c in parsed.components)
    assert 40 <= parsed.criteria_count <= 76
    shipped = workbook.parse(evaluation_demo.TEMPLATE.read_bytes())
    assert [(c.code, [len(s.criteria) for s in c.subs]) for c in shipped.components] == [
        (c.code, [len(s.criteria) for s in c.subs]) for c in parsed.components
    ]


PAGES = {"evaluation:overview": 14, "evaluation:component": 33}


@pytest.mark.parametrize("url_name", list(PAGES))
def test_page_query_counts_are_pinned_and_do_not_grow_with_the_data(client_for, user_of, url_name):
    args = [2017] if url_name == "evaluation:overview" else [2017, "1"]
    client = client_for("admin")
    url = reverse(url_name, args=args)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    admin = user_of("admin")
    candidates = Finder().all_of(2017)
    for c in demo_criteria():
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


def test_the_command_loads_a_worksheet_file_as_a_new_version(demo, tmp_path):
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("sakip-evaluation", "load", str(evaluation_demo.TEMPLATE), "--year", "2017", stdout=out)
    latest = selectors.current(2017)
    assert latest is not None and latest.number == 2
    assert Criterion.objects.filter(worksheet=latest).count() == 62
    assert result()["answered"] == 0  # the answers stay with version 1
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(small_workbook([["komponen", "1", "A", 60]]))
    with pytest.raises(CommandError, match="100"):
        call_command("sakip-evaluation", "load", str(bad), "--year", "2017")
    assert selectors.current(2017) == latest
