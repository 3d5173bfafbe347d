"""The fixed list of product sectors; used by the data migration and the demo loader (idempotent)."""

from __future__ import annotations

from typing import Any

SECTORS = [
    ("drugs", "Obat", "Drugs"),
    ("traditional_medicines", "Obat tradisional", "Traditional medicines"),
    ("cosmetics", "Kosmetik", "Cosmetics"),
    ("health_supplements", "Suplemen kesehatan", "Health supplements"),
    ("processed_food", "Pangan olahan", "Processed food"),
    ("narcotics", "Narkotika dan psikotropika", "Narcotics and psychotropics"),
]


def load_sectors(sector_model: Any) -> None:
    for order, (code, name_id, name_en) in enumerate(SECTORS):
        sector_model.objects.update_or_create(
            code=code, defaults={"name_id": name_id, "name_en": name_en, "order": order}
        )
