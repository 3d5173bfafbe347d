"""The 2017 cascade: the bureau's indicators down to its divisions (and one division's sub-divisions), their
action plans per quarter with what was realised, and each division head's PK — loaded through the services.

The 2017 report gives the bureau's targets (31 cooperation documents, 31 effective cooperations) and its PK with
the head of the bureau; it does not give the divisions' shares, their action plans, their realisation per quarter
or their PKs. Those are illustrative (marked so), derived from the bureau's targets: the divisions' targets add up
to the bureau's, and the sub-divisions' to their division's. The second party of the divisions' PKs is the first
party of the bureau's 2017 PK (appendix 3 of the report).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mitra.core.models import OrganisationUnit
from mitra.performance import metrics, selectors, services
from mitra.performance.models import (
    ActionPlan,
    Indicator,
    QuarterReport,
    ReportStatus,
    StrategicPlan,
    UnitAgreement,
    UnitIndicator,
    UnitIndicatorTarget,
)

from .lookup import existing

YEAR = 2017
ILLUSTRATIVE = "Illustrative: the 2017 report does not give the divisions' share of the bureau's targets."

# (bureau indicator code, unit code, the unit indicator it cascades from or None, code, name, unit of measure, target)
CASCADE: list[tuple[str, str, str | None, str, str, str, int]] = [
    ("iku", "ksln-bm", None, "dok-bm", "Jumlah dokumen kerjasama bilateral dan multilateral", "dokumen", 12),
    ("iku", "ksln-reg", None, "dok-reg", "Jumlah dokumen kerjasama regional", "dokumen", 10),
    ("iku", "ksln-oi", None, "dok-oi", "Jumlah dokumen kerjasama organisasi internasional", "dokumen", 9),
    (
        "efektif",
        "ksln-bm",
        None,
        "efektif-bm",
        "Jumlah kerjasama bilateral dan multilateral yang efektif",
        "kerjasama",
        12,
    ),
    ("efektif", "ksln-reg", None, "efektif-reg", "Jumlah kerjasama regional yang efektif", "kerjasama", 10),
    (
        "efektif",
        "ksln-oi",
        None,
        "efektif-oi",
        "Jumlah kerjasama organisasi internasional yang efektif",
        "kerjasama",
        9,
    ),
    ("iku", "ksln-bm-bilateral", "dok-bm", "dok-bilateral", "Jumlah dokumen kerjasama bilateral", "dokumen", 7),
    (
        "iku",
        "ksln-bm-multilateral",
        "dok-bm",
        "dok-multilateral",
        "Jumlah dokumen kerjasama multilateral",
        "dokumen",
        5,
    ),
]

# How each unit spreads its year target over the quarters (plan) and what it realised (share of the target per
# quarter). The Organisasi Internasional division is behind in quarters I–III and catches up in IV; the
# multilateral sub-division ends the year one document short.
PLAN_WEIGHTS = (20, 25, 25, 30)
REALISED_WEIGHTS: dict[str, tuple[int, ...]] = {
    "ksln-bm": (20, 25, 25, 30),
    "ksln-reg": (20, 30, 25, 25),
    "ksln-oi": (10, 10, 30, 50),
    "ksln-bm-bilateral": (20, 30, 20, 30),
    "ksln-bm-multilateral": (20, 20, 20, 20),
}

ACTIONS = {
    1: "Menginventarisasi rencana kerjasama tahun berjalan bersama unit teknis\nMenyusun jadwal pertemuan",
    2: "Menyusun draf dokumen dan kertas posisi\nMengikuti pertemuan dengan mitra",
    3: "Membahas draf kesepakatan dengan mitra dan unit teknis\nMengikuti pertemuan dengan mitra",
    4: "Menyelesaikan penandatanganan dokumen kerjasama\nMenyusun laporan kerjasama tahun berjalan",
}
NOTES = {
    1: "Inventarisasi selesai; jadwal pertemuan disusun bersama unit teknis.",
    2: "Draf dokumen dibahas dalam pertemuan dengan mitra.",
    3: "Pembahasan draf berlanjut; sebagian dokumen disepakati.",
    4: "Dokumen ditandatangani; laporan tahunan disusun.",
}

SECOND_PARTY = ("Achmad Gozali H.M.", "Kepala Biro Kerjasama Luar Negeri")
PROGRAMME = "Program Dukungan Manajemen dan Pelaksanaan Tugas Teknis Lainnya Badan POM"
ACTIVITY = "Peningkatan Penyelenggaraan Hubungan dan Kerjasama Luar Negeri"
AMENDED = ("ksln-reg", "Tanggal penandatanganan dikoreksi sesuai dokumen yang ditandatangani (ilustratif).")


def load_cascade(
    add: Any, plan: StrategicPlan, indicators: dict[str, Indicator], units: dict[str, OrganisationUnit]
) -> None:
    """Add what is missing: unit indicators, their 2017 targets, action plans (with realisation while the unit's
    quarter is still a draft) and the divisions' PKs. A record that exists is left exactly as it is."""
    made: dict[str, UnitIndicator] = {}
    for bureau_code, unit_code, parent_code, code, name, uom, target in CASCADE:
        if unit_code not in units or bureau_code not in indicators:
            continue
        unit = units[unit_code]
        ui = existing(UnitIndicator, unit=unit, code=code)
        add("unit_indicators", ui is None)
        if ui is None:
            parent = made.get(parent_code) if parent_code else None
            ui = services.unit_indicator_create(
                actor=None,
                data={
                    "indicator": indicators[bureau_code],
                    "parent": parent,
                    "unit": unit,
                    "code": code,
                    "name": name,
                    "unit_of_measure": uom,
                    "is_illustrative": True,
                    "notes": ILLUSTRATIVE,
                },
                system=True,
            )
        made[code] = ui
        missing = not UnitIndicatorTarget.objects.filter(unit_indicator=ui, year=YEAR).exists()
        add("unit_indicator_targets", missing)
        if missing:
            services.unit_target_set(
                actor=None,
                unit_indicator=ui,
                year=YEAR,
                target=Decimal(target),
                target_label=f"{target} {uom}",
                is_illustrative=True,
                system=True,
            )
        _action_plans(add, ui, unit_code, target)
    _agreements(add, units)


def _action_plans(add: Any, ui: UnitIndicator, unit_code: str, target: int) -> None:
    planned = metrics.split(target, PLAN_WEIGHTS)
    realised = metrics.split(target, REALISED_WEIGHTS[unit_code])
    if unit_code == "ksln-bm-multilateral":  # one document short at the end of the year
        realised[3] -= 1
    for q in (1, 2, 3, 4):
        plan = existing(ActionPlan, unit_indicator=ui, year=YEAR, quarter=q)
        report = QuarterReport.objects.filter(year=YEAR, quarter=q, unit=ui.unit).first()
        # A quarter already submitted or locked takes no new plan: it could not be realised any more, and the unit
        # could not submit a quarter with a plan lacking its realisation. Such a quarter is left without one.
        closed = report is not None and report.status != ReportStatus.DRAFT
        add("action_plans", plan is None and not closed)
        if plan is not None or closed:
            continue
        plan = services.action_plan_set(
            actor=None,
            unit_indicator=ui,
            year=YEAR,
            quarter=q,
            target=Decimal(planned[q - 1]),
            actions=ACTIONS[q],
            is_illustrative=True,
            system=True,
        )
        services.action_plan_realise(
            actor=None,
            action_plan=plan,
            realised=Decimal(max(realised[q - 1], 0)),
            realisation_note=NOTES[q],
            system=True,
        )


def _agreements(add: Any, units: dict[str, OrganisationUnit]) -> None:
    for code in ("ksln-bm", "ksln-reg", "ksln-oi"):
        if code not in units:
            continue
        unit = units[code]
        found = UnitAgreement.objects.filter(unit=unit, year=YEAR).exists()
        add("unit_agreements", not found)
        if found:
            continue
        agreement = services.unit_agreement_create(
            actor=None,
            unit=unit,
            year=YEAR,
            data={
                "first_party_name": selectors.unit_head_name(unit) or f"Kepala {unit.name}",
                "first_party_position": f"Kepala {unit.name}",
                "second_party_name": SECOND_PARTY[0],
                "second_party_position": SECOND_PARTY[1],
                "programme": PROGRAMME,
                "activity": ACTIVITY,
                "budget": selectors.unit_budget(unit, YEAR),
                "place": "Jakarta",
                "signed_on": date(2017, 1, 16),
                "is_illustrative": True,
            },
            system=True,
        )
        if code == AMENDED[0]:
            agreement = services.unit_agreement_amend(
                actor=None, agreement=agreement, data={"signed_on": date(2017, 1, 23)}, reason=AMENDED[1], system=True
            )
        services.unit_agreement_approve(actor=None, agreement=agreement, system=True)
