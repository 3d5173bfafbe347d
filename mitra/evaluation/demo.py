"""The 2017 demo worksheet: the shipped template loaded for 2017, the bureau's own answers and the evidence Mitra
holds, linked. Only adds: when a 2017 worksheet exists (loaded by the demo or by someone), nothing is written, so
answers and links a user changed or removed stay as they are."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from . import services
from .models import Criterion, Worksheet
from .template_data import DEMO_ANSWERS

TEMPLATE = Path(__file__).resolve().parent / "data" / "lke-template.xlsx"
DEMO_YEAR = 2017
NOTE = "Jawaban unit (demo): penilaian mandiri Biro KSLN sebelum evaluasi."


@transaction.atomic
def load_evaluation() -> dict[str, int]:
    created = {"lke_worksheets": 0, "lke_answers": 0, "lke_evidence": 0}
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
