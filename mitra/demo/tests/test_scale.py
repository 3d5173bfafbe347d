"""The scale generator (`mitra demo --scale N`): synthetic travel requests on top of the demo, consistent with what
the travel services would have left, and page query counts that stay the same at N=1 and N=10."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import StaffMember
from mitra.demo.scale import MARK, PER_N, generate
from mitra.search import services as search
from mitra.search.tests.test_search import SEARCH_PAGE_QUERIES
from mitra.travel import selectors as travel
from mitra.travel.models import StepTiming, Traveller, TravelRequest, TravelStatus, TravelStep
from mitra.travel.tests.test_views import PAGE_QUERIES as TRAVEL_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def test_generate_adds_travel_requests_with_travellers_and_dated_steps(demo):
    demo_requests = TravelRequest.all_objects.count()
    created = generate(1)
    assert created["travel requests"] == PER_N["travel_requests"] == 160
    assert created["staff"] == PER_N["staff"]
    requests = TravelRequest.all_objects.filter(notes__startswith=MARK)
    assert requests.count() == 160 and TravelRequest.all_objects.count() == demo_requests + 160
    assert not requests.filter(is_illustrative=False).exists()
    assert StaffMember.objects.filter(notes__startswith=MARK, is_illustrative=True).count() == PER_N["staff"]

    travellers = Counter(Traveller.objects.filter(request__in=requests).values_list("request_id", flat=True))
    assert set(travellers.values()) <= {1, 2, 3} and len(travellers) == 160

    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses[TravelStatus.COMPLETED] > 130 and statuses[TravelStatus.SUBMITTED] >= 1
    for request in requests.prefetch_related("steps__kind"):
        request.clean()
        steps = list(request.steps.all())
        before = [s for s in steps if s.kind.timing == StepTiming.BEFORE_DEPARTURE]
        for step in steps:
            step.clean()  # requested before completed, completed only once requested
        if request.status == TravelStatus.DRAFT:
            assert not steps and request.submitted_on is None
        elif request.status in (TravelStatus.DOCUMENTS_READY, TravelStatus.COMPLETED):
            done = [s.completed_on for s in before if s.completed_on]
            assert len(done) == len(before) and request.documents_completed_on == max(done)
        elif request.status == TravelStatus.SUBMITTED:
            assert request.documents_completed_on is None and not all(s.completed_on for s in before)
        if request.status == TravelStatus.COMPLETED:
            assert all(s.completed_on for s in steps)
            assert request.completed_on is not None and request.completed_on >= request.return_date
            assert request.realised_cost is not None
        if request.status != TravelStatus.DRAFT and not (request.status == TravelStatus.CANCELLED and not steps):
            assert request.submitted_on is not None and request.submitted_on < request.departure_date
            assert {s.kind.only_with_visa for s in steps} <= ({True, False} if request.needs_visa else {False})
    assert TravelStep.objects.filter(request__in=requests, requested_on__isnull=False).count() > 600
    # The on-time figure counts them with the demo's, and stays near the report's 95 %.
    result = travel.on_time(2017)
    assert result.measured > 161 and 85 < result.pct < 100  # type: ignore[operator]

    with pytest.raises(RuntimeError):
        generate(1)  # once per database


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm-up: the session, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _reports_queries(client: Client, url: str) -> tuple[int, int]:
    """The reports page's queries with the year's findings cached, and when it builds them (the cache emptied: the
    synthetic data is not audited, so it does not change the data version the findings are kept under)."""
    cached = _queries(client, url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return cached, len(ctx.captured_queries)


TRAVEL_PAGES = {
    "queue": lambda: reverse("travel:queue"),
    "on_time": lambda: reverse("travel:on-time", args=[2017]),
    "trips": lambda: reverse("travel:trips", args=[2017]),
    "calendar": lambda: reverse("travel:calendar") + "?bulan=2017-06",
}


@pytest.mark.parametrize("n", [1, 10])
def test_page_query_counts_stay_the_same_at_scale(demo, client_for, user_of, n):
    """The pinned counts of the travel pages (mitra/travel/tests/test_views.py) and of the search page
    (mitra/search/tests/test_search.py) hold on the demo and with N=1 and N=10 of synthetic data on top."""
    staff, admin = client_for("staf.oi"), client_for("admin")
    search_url = reverse("search:results") + "?q=kerjasama"
    before = {name: _queries(staff, url()) for name, url in TRAVEL_PAGES.items()}
    before["search"] = _queries(admin, search_url)
    reports_url = reverse("reports:year", args=[2017])
    reports_before = _reports_queries(admin, reports_url)
    june = (dt.date(2017, 6, 1), dt.date(2017, 6, 30))
    trips_in_june = len(travel.travelling_between(user_of("staf.oi"), *june))

    generate(n)
    search.rebuild()  # as `mitra demo --scale N` does
    after = {name: _queries(staff, url()) for name, url in TRAVEL_PAGES.items()}
    after["search"] = _queries(admin, search_url)
    reports_after = _reports_queries(admin, reports_url)

    assert after == before
    # The reports page: the same with its findings cached; building them, never more (at N=10 Table 6 counts the
    # developments by scope instead of listing them, so its rows and their marks are not read).
    assert reports_after[0] == reports_before[0]
    assert reports_after[1] <= reports_before[1]
    assert after == {**{name: TRAVEL_PAGE_QUERIES[name] for name in TRAVEL_PAGES}, "search": SEARCH_PAGE_QUERIES}
    # The pages really had more to show: late steps in the queue, synthetic trips in June 2017, more hits.
    queue = travel.queue(user_of("staf.oi"))
    assert queue.late and queue.counts[TravelStatus.SUBMITTED] >= 1
    assert len(travel.travelling_between(user_of("staf.oi"), *june)) > trips_in_june
    assert admin.get(search_url).context["result"].total > 85 + 30 * n
