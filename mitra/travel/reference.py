"""The step kinds a fresh installation starts with; administrators edit them afterwards (Django admin).

Service levels are illustrative working-day figures; the 2017 report names the steps but not their durations.
"""

from __future__ import annotations

from typing import Any

# (code, Indonesian name, English name, order, timing, SLA working days, by default, only with visa, passports)
STEP_KINDS: list[tuple[str, str, str, int, str, int, bool, bool, bool]] = [
    ("surat-tugas", "Surat tugas", "Assignment letter", 1, "before", 2, True, False, False),
    (
        "setneg",
        "Persetujuan Kementerian Sekretariat Negara",
        "State Secretariat approval",
        2,
        "before",
        5,
        True,
        False,
        False,
    ),
    (
        "political-clearance",
        "Political clearance / izin keluar Kementerian Luar Negeri",
        "Foreign ministry political clearance / exit permit",
        3,
        "before",
        3,
        True,
        False,
        False,
    ),
    ("paspor-dinas", "Paspor dinas", "Service passport", 4, "before", 4, True, False, True),
    ("visa", "Visa", "Visa", 5, "before", 5, True, True, False),
    (
        "laporan",
        "Laporan perjalanan dinas (back-to-office report)",
        "Back-to-office report",
        6,
        "after",
        5,
        True,
        False,
        False,
    ),
]


def ensure_step_kinds(model: Any = None) -> int:
    """Create the step kinds that do not exist yet (by code); leaves edited ones alone. Returns how many it made."""
    if model is None:
        from .models import StepKind as model
    made = 0
    for code, name, name_en, order, timing, sla, default, visa, passport in STEP_KINDS:
        _obj, created = model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "order": order,
                "timing": timing,
                "sla_working_days": sla,
                "applies_by_default": default,
                "only_with_visa": visa,
                "checks_passport": passport,
            },
        )
        made += created
    return made
