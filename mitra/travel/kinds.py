"""The editable fields of travel records, declared once: the forms (forms.py), the services' whitelists
(services.py) and the API serializers (mitra/api/v1/travel.py) take them from here."""

from __future__ import annotations

# A travel request, in the order its form shows them. REQUEST_LATER_FIELDS appear once the request exists.
REQUEST_FIELDS: tuple[str, ...] = (
    "requesting_unit",
    "meeting",
    "purpose",
    "destination_city",
    "destination_country",
    "departure_date",
    "return_date",
    "needs_visa",
    "delegation_kind",
    "urgency",
    "cost_benefit",
    "follow_up_plan",
    "invitation",
    "mission_correspondence",
    "funding_source",
    "sub_activity",
    "partner",
    "sponsors",
    "estimated_cost",
    "realised_cost",
    "realised_visa_cost",
    "realised_cancellation_cost",
    "trip_report_sent_on",
    "notes",
)
REQUEST_TEXT_FIELDS: tuple[str, ...] = (
    "urgency",
    "cost_benefit",
    "follow_up_plan",
    "invitation",
    "mission_correspondence",
    "sponsors",
)
# Shown once the request exists (costs realised and the report sent come after the trip).
REQUEST_LATER_FIELDS: tuple[str, ...] = (
    "realised_cost",
    "realised_visa_cost",
    "realised_cancellation_cost",
    "trip_report_sent_on",
)
# Set by the demo loader through the services, never offered to people (it marks made-up records).
REQUEST_LOADER_FIELDS: tuple[str, ...] = ("is_illustrative",)
# What may still change once the bureau works the request (the trip itself is fixed; cancel and ask again).
# The application's narrative (terms of reference, invitation, correspondence, sponsors) is completed while the
# bureau prepares the package for the State Secretariat.
REQUEST_PROCESSING_FIELDS: frozenset[str] = frozenset(
    {
        "realised_cost",
        "realised_visa_cost",
        "realised_cancellation_cost",
        "trip_report_sent_on",
        "notes",
        "needs_visa",
        "estimated_cost",
        "urgency",
        "cost_benefit",
        "follow_up_plan",
        "invitation",
        "mission_correspondence",
        "sponsors",
    }
)

# A traveller: who, and the passport (which may change while the bureau works the request).
TRAVELLER_FIELDS: tuple[str, ...] = ("staff_member", "role", "passport_number", "passport_expires_on")
TRAVELLER_CHANGE_FIELDS: tuple[str, ...] = ("role", "passport_number", "passport_expires_on")

# A document step, as the bureau works it.
STEP_FIELDS: tuple[str, ...] = ("requested_on", "completed_on", "reference", "notes")
