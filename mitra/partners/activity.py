"""What the partner pages show of the records of the apps above partners.

A partner's or a country's profile (its cooperations, agreements and timeline) and the meetings held in a country
are the registry's records. Partners sits below the registry and never imports it: the registry fills this in once,
from `CooperationConfig.ready()`, and the partner pages read it through `activity()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from .models import Country, Forum, Institution


@dataclass(frozen=True)
class Activity:
    institution_profile: Callable[[Institution], Any]
    forum_profile: Callable[[Forum], Any]
    country_profile: Callable[[Country], Any]
    meetings_in: Callable[[Country], QuerySet[Any]]  # the meetings held in a country, newest first
    meeting_model: type[Model]  # counted per country (its `country` field) on the country list


_provided: Activity | None = None


def provide(activity: Activity) -> None:
    global _provided
    _provided = activity


def activity() -> Activity:
    if _provided is None:
        raise ImproperlyConfigured("The partner pages need mitra.cooperation installed: it provides their activity.")
    return _provided


# --- Trips -------------------------------------------------------------------------------------------------------
# The official trips to a country or paid by a partner institution, for their pages. Travel sits above partners and
# fills this from TravelConfig.ready(): a function of (user, country=…, institution=…) returning how many trips the
# user may see and the newest of them. Without it the pages show no trips section.

TripsOf = Callable[..., tuple[int, list[Any]]]
_trips: TripsOf | None = None


def provide_trips(trips_of: TripsOf) -> None:
    global _trips
    _trips = trips_of


def trips(user: Any, *, country: Country | None = None, institution: Institution | None = None) -> dict[str, Any]:
    """{"count": how many, "rows": the newest} of the trips `user` may see, or {} when travel is not installed."""
    if _trips is None:
        return {}
    count, rows = _trips(user, country=country, institution=institution)
    return {"count": count, "rows": rows}
