"""The routes of API version 1. Each area's viewsets live beside it: partners.py, cooperation.py,
performance.py, travel.py, search.py."""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..views import ApiDocsView, ApiSchemaView
from . import cooperation, partners, performance, travel

router = SimpleRouter()
router.register("countries", partners.CountryViewSet, basename="country")
router.register("partners", partners.PartnerViewSet, basename="partner")
router.register("forums", partners.ForumViewSet, basename="forum")
router.register("contacts", partners.ContactViewSet, basename="contact")
router.register("cooperations", cooperation.CooperationViewSet, basename="cooperation")
router.register("agreements", cooperation.AgreementViewSet, basename="agreement")
router.register("position-papers", cooperation.PositionPaperViewSet, basename="position-paper")
router.register("studies", cooperation.StudyViewSet, basename="study")
router.register("meetings", cooperation.MeetingViewSet, basename="meeting")
router.register("follow-ups", cooperation.FollowUpViewSet, basename="follow-up")
router.register("outreach", cooperation.OutreachEventViewSet, basename="outreach")
router.register("publications", cooperation.PublicationViewSet, basename="publication")
router.register("deliverables", cooperation.DeliverableViewSet, basename="deliverable")
router.register("agenda-items", cooperation.AgendaItemViewSet, basename="agenda-item")
router.register("performance/plans", performance.PlanViewSet, basename="plan")
router.register("performance/indicators", performance.IndicatorViewSet, basename="indicator")
router.register("performance/targets", performance.IndicatorTargetViewSet, basename="indicator-target")
router.register("performance/sub-activities", performance.SubActivityViewSet, basename="sub-activity")
router.register("performance/realisation", performance.RealisationViewSet, basename="realisation")
router.register("travel/requests", travel.TravelRequestViewSet, basename="travel-request")
router.register("travel/travellers", travel.TravellerViewSet, basename="traveller")
router.register("travel/steps", travel.StepViewSet, basename="travel-step")

app_name = "api-v1"
urlpatterns = [
    path("schema/", ApiSchemaView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-v1:schema"), name="docs"),
    path("performance/years/", performance.YearsView.as_view(), name="performance-years"),
    path("performance/measurement/<str:year>/", performance.MeasurementView.as_view(), name="measurement"),
    path("travel/on-time/<str:year>/", travel.OnTimeView.as_view(), name="travel-on-time"),
    path("", include(router.urls)),
]


def _search_available() -> bool:
    try:
        if find_spec("mitra.search.selectors") is None:
            return False
        from mitra.search import selectors  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    return callable(getattr(selectors, "search", None))


if _search_available():
    from .search import SearchView

    urlpatterns.insert(0, path("search/", SearchView.as_view(), name="search"))
