"""The 2017 demo worksheet: the shipped template loaded for 2017, the bureau's own answers and the evidence Mitra
holds, linked. Only adds: when a 2017 worksheet exists (loaded by the demo or by someone), nothing is written, so
answers and links a user changed or removed stay as they are.

The 2017 evaluation report (LHE) with its recommendations, likewise added only when the year has none. The value and
grade (71,74, BB) are the 2017 report's (chapter III); the report's number, date and evaluator are illustrative (the
report does not give them), and so are the recommendations' wording, owners, plans and dates: they are drawn from
the weaknesses the 2017 report states itself (chapter III: activity components planned by similarity across all
divisions, so monitoring cannot name the unit behind plan; accountability "still sufficient" at 71,74 against the
target A; the information system on foreign cooperation planned for 2017)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from mitra.core.models import OrganisationUnit, User

from . import services
from .models import Criterion, EvaluationReport, RecommendationStatus, Scorecard, Worksheet
from .template_data import DEMO_ANSWERS

TEMPLATE = Path(__file__).resolve().parent / "data" / "lke-template.xlsx"
DEMO_YEAR = 2017
NOTE = "Jawaban unit (demo): penilaian mandiri Biro KSLN sebelum evaluasi."


LHE = {
    "year": DEMO_YEAR,
    "number": "LHE-SAKIP/2017/KSLN (ilustratif)",
    "issued_on": dt.date(2018, 3, 29),
    "evaluator": "Inspektorat Utama Badan POM (ilustratif)",
    "score": Decimal("71.74"),
    "grade": "BB",
    "notes": "Nilai dan predikat dari LAKIP 2017 Biro KSLN (bab III); nomor, tanggal dan evaluator ilustratif.",
}
# (order, text, responsible unit, person responsible or "", action plan, due date, status)
RECOMMENDATIONS: list[tuple[int, str, str, str, str, dt.date, str]] = [
    (
        1,
        "Susun komponen kegiatan berdasarkan unit (bagian/subbagian), bukan berdasarkan kesamaan kegiatan di seluruh "
        "bagian, agar pada monitoring triwulanan unit yang belum sesuai rencana dapat diidentifikasi.",
        "ksln",
        "kabag.bilateral",
        "Menyusun ulang komponen kegiatan RKT dan PK 2018 per bagian; memantau capaian setiap unit pada rapat "
        "evaluasi triwulanan.",
        dt.date(2018, 6, 30),
        RecommendationStatus.IN_PROGRESS,
    ),
    (
        2,
        "Tingkatkan capaian sistem akuntabilitas kinerja (nilai SAKIP 71,74, predikat BB) menuju target A (nilai "
        "minimal 80): lengkapi bukti dukung setiap kriteria LKE dan rencana aksi per indikator.",
        "ksln-bm",
        "staf.bilateral",
        "Menghimpun bukti dukung LKE 2018 di Mitra dan menyusun rencana aksi triwulanan per IKU.",
        dt.date(2018, 9, 30),
        RecommendationStatus.OPEN,
    ),
    (
        3,
        "Selesaikan sistem informasi hubungan dan kerja sama luar negeri Badan POM agar data kerja sama tersaji "
        "komprehensif, akurat dan terkini sebagai bukti kinerja.",
        "ksln-oi",
        "",
        "",
        dt.date(2018, 12, 31),
        RecommendationStatus.OPEN,
    ),
]


def load_report() -> dict[str, int]:
    """The 2017 LHE and its recommendations, when the year has no report yet."""
    created = {"lhe_reports": 0, "lhe_recommendations": 0}
    if EvaluationReport.objects.filter(year=DEMO_YEAR).exists():
        return created
    report = services.save_report(actor=None, data=LHE | {"is_illustrative": True}, system=True)
    created["lhe_reports"] = 1
    units = {u.code: u for u in OrganisationUnit.objects.filter(code__in={r[2] for r in RECOMMENDATIONS})}
    users = {u.username: u for u in User.objects.filter(username__in={r[3] for r in RECOMMENDATIONS if r[3]})}
    for order, text, unit, owner, plan, due, status in RECOMMENDATIONS:
        if unit not in units:
            continue
        services.add_recommendation(
            actor=None,
            report=report,
            data={
                "order": order,
                "text": text,
                "owner_unit": units[unit],
                "owner": users.get(owner),
                "action_plan": plan,
                "due_date": due,
                "status": status,
                "is_illustrative": True,
            },
            system=True,
        )
        created["lhe_recommendations"] += 1
    return created


# The bureau's 2017 scorecard. The 2017 report gives the structure's outcome — the unit score in the e-performance
# system was 3,94, the stakeholder and process perspectives scored 4 (Baik), accountability 3 — but not the cap,
# the bands or the weights: those are illustrative (a 1–5 scale; weights chosen so that 4, 4, 4 and 3 give 3,94).
# The perspectives group the bureau's 2017 indicators as a balanced scorecard would.
SCORECARD_UNIT = "ksln"
SCORECARD_2017: dict[str, object] = {
    "cap_pct": 120,
    "illustrative": True,
    "notes": "Struktur dari LAKIP 2017 (skor unit e-performance 3,94; stakeholder dan proses 4, akuntabilitas 3); "
    "batas indeks, rentang dan bobot ilustratif.",
    "bands": [
        {"min_index": 120, "score": 5, "label": "Sangat baik"},
        {"min_index": 100, "score": 4, "label": "Baik"},
        {"min_index": 80, "score": 3, "label": "Cukup"},
        {"min_index": 60, "score": 2, "label": "Kurang"},
        {"min_index": 0, "score": 1, "label": "Sangat kurang"},
    ],
    "perspectives": [
        {
            "code": "stakeholder",
            "name": "Perspektif stakeholder",
            "weight": 47,
            "illustrative": True,
            "indicators": ["iku", "efektif", "sosialisasi"],
        },
        {
            "code": "proses",
            "name": "Perspektif proses internal",
            "weight": 30,
            "illustrative": True,
            "indicators": ["posisi", "pertemuan", "kajian", "perjalanan"],
        },
        {
            "code": "pembelajaran",
            "name": "Perspektif pembelajaran dan pertumbuhan",
            "weight": 17,
            "illustrative": True,
            "indicators": ["hcm-kinerja", "hcm-pelatihan", "iso"],
        },
        {
            "code": "akuntabilitas",
            "name": "Perspektif akuntabilitas",
            "weight": 6,
            "illustrative": True,
            "indicators": ["sakip"],
        },
    ],
}


def load_scorecard() -> dict[str, int]:
    """The bureau's 2017 scorecard, when it has none."""
    unit = OrganisationUnit.objects.filter(code=SCORECARD_UNIT).first()
    if unit is None or Scorecard.objects.filter(unit=unit, year=DEMO_YEAR).exists():
        return {"scorecards": 0}
    services.configure_scorecard(actor=None, unit=unit, year=DEMO_YEAR, config=SCORECARD_2017, system=True)
    return {"scorecards": 1}


@transaction.atomic
def load_evaluation() -> dict[str, int]:
    created = {"lke_worksheets": 0, "lke_answers": 0, "lke_evidence": 0} | load_report() | load_scorecard()
    if Worksheet.objects.filter(year=DEMO_YEAR).exists():
        return created
    sheet = services.load_worksheet(
        actor=None, year=DEMO_YEAR, content=TEMPLATE.read_bytes(), source_name=TEMPLATE.name, system=True
    )
    created["lke_worksheets"] = 1
    for criterion in Criterion.objects.filter(worksheet=sheet).order_by("order"):
        answer = DEMO_ANSWERS.get(criterion.code)
        if answer:
            services.save_answer(
                actor=None,
                criterion=criterion,
                data={"own_answer": answer, "own_note": NOTE},
                expected_version=None,
                system=True,
            )
            created["lke_answers"] += 1
    created["lke_evidence"] = services.suggest_evidence(actor=None, worksheet=sheet, system=True)
    return created
