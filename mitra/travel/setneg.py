"""The State Secretariat's rules for official foreign travel (SE Mensesneg B-32/M/S/LN.00/12/2024; PP 45/2013 on
the implementation of the state budget for the costs): when the application must reach the State Secretariat, the
size of a dialogue or exploration delegation, the destinations that need the Foreign Ministry's recommendation, and
when the trip report is due. Every number is a setting (config/settings/base.py); these are warnings, shown on the
request and in the on-time table, not refusals: the bureau decides.

The application reaches the State Secretariat on the day the document step `MITRA_TRAVEL_SETNEG_STEP` (the State
Secretariat approval, "setneg") is requested."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from mitra.core import formatting

from .models import DelegationKind, TravelRequest, TravelStatus


def lead_days() -> int:
    return int(getattr(settings, "MITRA_TRAVEL_SETNEG_LEAD_DAYS", 7))


def step_code() -> str:
    return str(getattr(settings, "MITRA_TRAVEL_SETNEG_STEP", "setneg"))


def delegation_bounds() -> tuple[int, int]:
    return (
        int(getattr(settings, "MITRA_TRAVEL_DELEGATION_MIN", 3)),
        int(getattr(settings, "MITRA_TRAVEL_DELEGATION_MAX", 10)),
    )


def recommendation_countries() -> set[str]:
    """ISO alpha-2 codes of the destinations that need the Foreign Ministry's recommendation."""
    return {str(c).strip().upper() for c in getattr(settings, "MITRA_TRAVEL_MOFA_RECOMMENDATION_COUNTRIES", ())}


def report_days() -> int:
    return int(getattr(settings, "MITRA_TRAVEL_TRIP_REPORT_DAYS", 14))


def application_deadline(request: TravelRequest) -> dt.date:
    """The last day the application may reach the State Secretariat."""
    return request.departure_date - dt.timedelta(days=lead_days())


def application_sent_on(request: TravelRequest) -> dt.date | None:
    """The day the State Secretariat step was requested (uses the request's prefetched steps when there are)."""
    for step in request.steps.all():
        if step.kind.code == step_code():
            return step.requested_on
    return None


def application_needed(request: TravelRequest) -> bool:
    """Whether the trip goes through the State Secretariat: a request in process needs it unless its State
    Secretariat step was removed as not needed; a request without steps yet (a draft) is assumed to need it."""
    codes = {step.kind.code for step in request.steps.all()}
    return not codes or step_code() in codes


def application_late(request: TravelRequest, today: dt.date) -> bool:
    """Sent after the deadline, or not sent while the deadline has passed (for a trip not cancelled that goes
    through the State Secretariat)."""
    return application_late_if_sent(request, application_sent_on(request), today, needed=application_needed(request))


def application_late_if_sent(request: TravelRequest, sent: dt.date | None, today: dt.date, *, needed: bool) -> bool:
    """`application_late` with the day the application was sent and whether it is needed already read (a list
    reads both in its query)."""
    if request.status == TravelStatus.CANCELLED or not needed:
        return False
    deadline = application_deadline(request)
    return sent > deadline if sent is not None else today > deadline


def trip_report_due(request: TravelRequest) -> dt.date:
    return request.return_date + dt.timedelta(days=report_days())


def trip_report_pending(request: TravelRequest) -> bool:
    """The trip goes ahead (documents complete) and no report was recorded as sent; the bureau records the day it
    was sent before it completes the trip."""
    return request.status == TravelStatus.DOCUMENTS_READY and not request.trip_report_sent_on


@dataclass(frozen=True)
class Warning:
    code: str
    text: str


def warnings(request: TravelRequest, today: dt.date, travellers: int | None = None) -> list[Warning]:
    """What the State Secretariat's rules say about this request now."""
    found: list[Warning] = []
    deadline = application_deadline(request)
    if application_late(request, today):
        sent = application_sent_on(request)
        found.append(
            Warning(
                "application-late",
                _(
                    "The application must reach the State Secretariat at least %(days)s days before departure, by "
                    "%(deadline)s; %(sent)s."
                )
                % {
                    "days": lead_days(),
                    "deadline": formatting.date(deadline),
                    "sent": _("it was sent on %(date)s") % {"date": formatting.date(sent)}
                    if sent
                    else _("it has not been sent"),
                },
            )
        )
    if request.delegation_kind in (DelegationKind.DIALOGUE, DelegationKind.EXPLORATION):
        size = request.travellers.count() if travellers is None else travellers
        low, high = delegation_bounds()
        if not low <= size <= high:
            found.append(
                Warning(
                    "delegation-size",
                    _("A %(kind)s delegation has %(low)s to %(high)s people; this one has %(size)s.")
                    % {"kind": request.get_delegation_kind_display().lower(), "low": low, "high": high, "size": size},
                )
            )
    if request.destination_country_id in recommendation_countries():
        found.append(
            Warning(
                "mofa-recommendation",
                _("Travel to %(country)s needs the Foreign Ministry's recommendation; attach it to the application.")
                % {"country": request.destination_country},
            )
        )
    if trip_report_pending(request) and today >= request.return_date:
        due = trip_report_due(request)
        found.append(
            Warning(
                "trip-report",
                _("The trip report is due at the State Secretariat by %(date)s (%(days)s days after the return).")
                % {"date": formatting.date(due), "days": report_days()},
            )
        )
    return found
