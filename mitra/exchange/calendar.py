"""A user's iCalendar feed: meetings, agreement deadlines (notice date, end), open follow-ups and official foreign
trips of the user's unit and the units beneath it, the meetings the user is in the delegation of and the trips the
user travels on (with the documents deadline of each trip still in process).

The feed is read at a secret URL (/pertukaran/kalender/<token>.ics): calendar programs cannot send a login, so
the token is the credential — 256 random bits, stored only as a SHA-256, revocable from the profile page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from mitra.core.models import User
from mitra.core.selectors import within_unit

WINDOW_PAST_DAYS = 365


def _scope(user: User, field: str = "responsible_unit") -> Q:
    if user.unit is None:
        return Q(pk__in=[])
    return within_unit(user.unit, field)


def _all_day(uid: str, summary: str, start: dt.date, end: dt.date | None = None, **extra: Any) -> Event:
    event = Event()
    event.add("uid", f"{uid}@mitra")
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", (end or start) + dt.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    for key, value in extra.items():
        if value:
            event.add(key, value)
    return event


def events(user: User, today: dt.date | None = None) -> list[Event]:
    from mitra.cooperation import selectors
    from mitra.cooperation.models import FollowUpStatus

    today = today or timezone.localdate()
    since = today - dt.timedelta(days=WINDOW_PAST_DAYS)
    found: list[Event] = []
    meetings = (
        selectors.meetings().filter(end_date__gte=since).filter(_scope(user) | Q(delegation__staff_member__user=user))
    )
    for meeting in meetings.distinct().order_by("start_date", "pk"):
        place = ", ".join(p for p in (meeting.city, meeting.country.name_en if meeting.country_id else "") if p)
        found.append(
            _all_day(f"meeting-{meeting.pk}", meeting.title, meeting.start_date, meeting.end_date, location=place)
        )
    for agreement in selectors.agreements().filter(_scope(user), expires_on__gte=since).order_by("expires_on", "pk"):
        notice = agreement.notice_date
        if notice and notice >= since:
            found.append(
                _all_day(f"agreement-notice-{agreement.pk}", _("Notice date: %(t)s") % {"t": agreement.title}, notice)
            )
        assert agreement.expires_on is not None
        found.append(
            _all_day(
                f"agreement-end-{agreement.pk}",
                _("Agreement ends: %(t)s") % {"t": agreement.title},
                agreement.expires_on,
            )
        )
    open_statuses = [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS]
    for follow_up in selectors.follow_ups().filter(_scope(user), status__in=open_statuses).order_by("due_date", "pk"):
        found.append(
            _all_day(
                f"follow-up-{follow_up.pk}",
                _("Follow-up due: %(t)s") % {"t": follow_up.description[:120]},
                follow_up.due_date,
            )
        )
    found.extend(_travel_events(user, since))
    return found


def _travel_events(user: User, since: dt.date) -> list[Event]:
    from mitra.travel import selectors as travel
    from mitra.travel.models import OPEN_STATUSES, TravelRequest, TravelStatus

    trips = (
        TravelRequest.objects.filter(return_date__gte=since)
        .exclude(status=TravelStatus.CANCELLED)
        .filter(_scope(user, "requesting_unit") | Q(travellers__staff_member__user=user))
        .select_related("destination_country", "meeting")
        .distinct()
        .order_by("departure_date", "pk")
    )
    found = []
    for trip in trips:
        place = f"{trip.destination_city}, {trip.destination_country.name_en}"
        found.append(
            _all_day(
                f"travel-{trip.pk}",
                _("Official trip: %(t)s") % {"t": trip.purpose_text[:120]},
                trip.departure_date,
                trip.return_date,
                location=place,
            )
        )
        if trip.status in OPEN_STATUSES and not trip.documents_completed_on:
            found.append(
                _all_day(
                    f"travel-documents-{trip.pk}",
                    _("Travel documents due: %(t)s") % {"t": trip.purpose_text[:120]},
                    travel.documents_deadline(trip.departure_date),
                )
            )
    return found


def render(user: User) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Mitra//Biro KSLN Badan POM//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Mitra · {user.get_full_name() or user.get_username()}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events(user):
        calendar.add_component(event)
    return calendar.to_ical()
