"""ISO 3166-1 countries with Indonesian and English names, from pycountry and its translations.

Used by the data migration and by the demo loader (so a database emptied by a test gets them back); idempotent.
"""

from __future__ import annotations

import gettext
from typing import Any

# Names as Indonesian government documents write them, where the ISO translation differs.
INDONESIAN_NAMES = {
    "TL": "Timor Leste",
    "KR": "Korea Selatan",
    "KP": "Korea Utara",
    "US": "Amerika Serikat",
    "GB": "Inggris",
    "NL": "Belanda",
    "CH": "Swiss",
    "CN": "Tiongkok",
    "TW": "Taiwan",
    "IR": "Iran",
    "RU": "Rusia",
    "VN": "Vietnam",
    "LA": "Laos",
    "BN": "Brunei Darussalam",
}
ENGLISH_NAMES = {"TW": "Taiwan", "KR": "South Korea", "KP": "North Korea", "IR": "Iran", "RU": "Russia"}


def load_countries(country_model: Any) -> int:
    """Insert the countries that are missing; returns how many were added."""
    import pycountry

    try:
        indonesian: gettext.NullTranslations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    except OSError:
        indonesian = gettext.NullTranslations()
    existing = set(country_model.objects.values_list("code", flat=True))
    rows = []
    for c in pycountry.countries:
        if c.alpha_2 in existing:
            continue
        english = ENGLISH_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        rows.append(
            country_model(
                code=c.alpha_2,
                code3=c.alpha_3,
                numeric=c.numeric,
                name_en=english,
                name_id=INDONESIAN_NAMES.get(c.alpha_2) or indonesian.gettext(c.name),
            )
        )
    country_model.objects.bulk_create(rows)
    return len(rows)
