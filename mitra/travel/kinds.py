"""The editable fields of travel records, declared once: the forms (forms.py), the services' whitelists
(services.py) and the API serializers (mitra/api/v1/travel.py) take them from here."""

from __future__ import annotations

# A travel request, in the order its form shows them. `realised_cost` appears once the request exists.
REQUEST_FIELDS: tuple[str, ...] = (
    "requesting_unit",
    "meeting",
    "purpose",
    "destination_city",
    "destination_country",
    "departure_date",
    "return_date",
    "needs_visa",
    "funding_source",
    "sub_activity",
    "partner",
    "estimated_cost",
    "realised_cost",
    "notes",
)
# Set by the demo loader through the services, never offered to people (it marks made-up records).
REQUEST_LOADER_FIELDS: tuple[str, ...] = ("is_illustrative",)
# What may still change once the bureau works the request (the trip itself is fixed; cancel and ask again).
REQUEST_PROCESSING_FIELDS: frozenset[str] = frozenset({"realised_cost", "notes", "needs_visa", "estimated_cost"})

# A traveller: who, and the passport (which may change while the bureau works the request).
TRAVELLER_FIELDS: tuple[str, ...] = ("staff_member", "passport_number", "passport_expires_on")
TRAVELLER_CHANGE_FIELDS: tuple[str, ...] = ("passport_number", "passport_expires_on")

# A document step, as the bureau works it.
STEP_FIELDS: tuple[str, ...] = ("requested_on", "completed_on", "reference", "notes")
