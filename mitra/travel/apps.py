from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TravelConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.travel"
    label = "travel"
    verbose_name = _("Official foreign travel")

    def ready(self) -> None:
        from mitra.performance import sources

        from . import rules  # noqa: F401  (registers the permissions)
        from .attachments import register_attachable

        register_attachable()

        from mitra.partners.activity import provide_trips

        from .selectors import trips_for_partner

        provide_trips(trips_for_partner)

        # Forms type a travel request with suggestions (a bounded datalist) instead of a select of every request.
        from mitra.core.suggest import Suggestable
        from mitra.core.suggest import register as register_typed

        from .models import TravelRequest

        register_typed(
            Suggestable(
                "travelrequest",
                TravelRequest,
                ("purpose", "destination_city", "meeting__title"),
                ("-departure_date",),
                related=("meeting",),
                visible_to=_visible_requests,
            )
        )

        from mitra.tasks import schedule

        schedule.register("travel-reminders", "mitra.travel.tasks.send_travel_reminders", daily=True)
        from .indicators import on_time_source

        # The figure also depends on today's date: a request still open counts (late) once its deadline passed.
        sources.register(
            "travel.on_time_pct",
            _("Travel documents completed on time (%)"),
            on_time_source,
            reads={
                "travel.travelrequest": "departure_date__year",
                "travel.travelstep": "request__departure_date__year",
            },
            date_dependent=True,
        )

        from mitra.core import work as core_work

        from . import work

        core_work.register("travel.steps", work.steps_due, area="travel", heading=_("Official travel"))
        core_work.register("travel.requests", work.my_requests, area="travel", heading=_("Official travel"))
        core_work.register("travel.trip-reports", work.trip_reports_due, area="travel", heading=_("Official travel"))


def _visible_requests(user: Any) -> Any:
    from .selectors import visible_requests

    return visible_requests(user)
