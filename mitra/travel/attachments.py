"""Travel papers: the files of a request, its travellers and its steps are read as the request is (and by the
travellers themselves), changed by the request's editors (the steps' by the travel service), and fixed once the
trip is completed or cancelled. Registered with documents.access from TravelConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.documents.access import Attachable, register

from .models import TravelStatus


def travel_request(record: Any) -> Any:
    return getattr(record, "request", record)


def travel_closed(record: Any) -> str | None:
    request = travel_request(record)
    if request.status == TravelStatus.COMPLETED:
        return _("This travel request is completed; its papers can no longer change.")
    if request.status == TravelStatus.CANCELLED:
        return _("This travel request was cancelled; its papers can no longer change.")
    return None


def is_traveller(user: Any, record: Any) -> bool:
    """The user is one of the travellers of the record's travel request (their staff profile is linked)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(travel_request(record).travellers.filter(staff_member__user_id=user.pk).exists())


def register_attachable() -> None:
    for label, edit_perm in (
        ("travel.travelrequest", "travel.edit_request"),
        ("travel.traveller", "travel.edit_request"),
        ("travel.travelstep", "travel.process"),  # the steps are the travel service's work
    ):
        register(
            label,
            Attachable(
                edit_perm,
                "travel.view_request",
                perm_object=travel_request,
                closed=travel_closed,
                also_readable_by=is_traveller,
            ),
        )
