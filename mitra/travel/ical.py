"""Trips as iCalendar (RFC 5545) all-day events, with the `icalendar` package."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from .models import TravelRequest


def calendar(trips: list[TravelRequest], base_url: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Badan POM//Mitra perjalanan dinas//ID")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Mitra: perjalanan dinas luar negeri")
    stamp = timezone.now()
    for trip in trips:
        names = ", ".join(str(t.staff_member) for t in trip.travellers.all())
        event = Event()
        event.add("uid", f"travel-{trip.pk}@mitra.pom.go.id")
        event.add("dtstamp", stamp)
        event.add("dtstart", trip.departure_date)
        event.add("dtend", trip.return_date + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", f"{names} → {trip.destination_city}, {trip.destination_country}")
        event.add("location", f"{trip.destination_city}, {trip.destination_country}")
        event.add("description", f"{trip.purpose_text}\n{base_url}{trip.get_absolute_url()}")
        event.add("url", f"{base_url}{trip.get_absolute_url()}")
        cal.add_component(event)
    return cal.to_ical()
