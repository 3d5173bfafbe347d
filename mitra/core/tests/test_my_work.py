"""The home page's "my work": each role sees what waits for it, linked to where it is done, in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.cooperation import services as registry
from mitra.cooperation.models import FollowUp
from mitra.cooperation.tests.factories import CooperationFactory
from mitra.core import work
from mitra.core.models import User
from mitra.core.tests.factories import (
    AdminFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    UnitFactory,
    UserFactory,
    logged_in,
)
from mitra.performance import services as performance
from mitra.performance.models import QuarterReport
from mitra.performance.tests.factories import OutputFactory, SubActivityFactory, realise

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_open_quarter_travels_from_staff_to_head_to_leadership():
    # A division's Q4 2017 in draft (it has no sub-activities, so nothing to realise): its staff are asked to
    # fill in and submit it.
    unit = UnitFactory.create()
    staff, head_of_unit, leadership = (
        UserFactory.create(unit=unit),
        HeadFactory.create(unit=unit),
        LeadershipFactory.create(),
    )
    report = performance.quarter_report_for(year=2017, quarter=4, unit=unit)
    q4 = reverse("performance:quarter-report", args=[2017, 4, unit.code])
    page = _home(logged_in(staff))
    assert f'href="{q4}"' in page and "Isi dan ajukan" in page
    assert f'href="{q4}"' not in _home(logged_in(UserFactory.create()))  # another division's quarter

    report = performance.quarter_submit(actor=staff, report=report)
    assert f'href="{q4}"' not in _home(logged_in(staff))
    head = _home(logged_in(head_of_unit))
    assert f'href="{q4}"' in head and "Verifikasi" in head
    assert f'href="{q4}"' not in _home(logged_in(leadership))

    performance.quarter_verify(actor=head_of_unit, report=report)
    leader = _home(logged_in(leadership))
    assert f'href="{q4}"' in leader and "Setujui dan kunci" in leader
    assert f'href="{q4}"' not in _home(logged_in(head_of_unit))


def test_follow_ups_due_and_overdue_are_the_units_own():
    staff = UserFactory.create()
    cooperation = CooperationFactory.create(responsible_unit=staff.unit)
    today = dt.date.today()
    overdue = registry.create(
        actor=None,
        model=FollowUp,
        data={
            "description": "Kirim tanggapan draf MRA",
            "cooperation": cooperation,
            "responsible_unit": cooperation.responsible_unit,
            "due_date": today - dt.timedelta(days=3),
        },
        system=True,
    )
    page = _home(logged_in(staff))
    assert overdue.get_absolute_url() in page and "Kirim tanggapan draf MRA" in page and "terlambat sejak" in page
    assert overdue.get_absolute_url() not in _home(logged_in(UserFactory.create()))  # another division's


ROLES = {
    "administrator": AdminFactory.create,
    "leadership": LeadershipFactory.create,
    "head of a division": HeadFactory.create,
    "staff": UserFactory.create,
    "reader": ReaderFactory.create,
}


@pytest.mark.parametrize("role", list(ROLES))
def test_home_answers_in_a_fixed_number_of_queries(role):
    user: User = ROLES[role]()
    client = logged_in(user)
    client.get("/")  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for n in range(5):  # more of every kind of work must not add queries
        cooperation = (
            CooperationFactory.create(responsible_unit=user.unit) if user.unit else CooperationFactory.create()
        )
        performance.quarter_report_for(year=2017, quarter=n % 4 + 1, unit=cooperation.responsible_unit)
        registry.create(
            actor=None,
            model=FollowUp,
            data={
                "description": f"Tindak lanjut {n}",
                "cooperation": cooperation,
                "responsible_unit": cooperation.responsible_unit,
                "due_date": dt.date.today(),
            },
            system=True,
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    assert len(after.captured_queries) == len(before.captured_queries) <= HOME_QUERIES[role]
    if role in ("head of a division", "staff"):  # the added work is on the page (so the count covers it)
        assert "Tindak lanjut 4" in _home(client)


# Queries of the home page per role (the work sources keep to a fixed number whatever the data): session, user,
# unit, then one query per source of work — follow-ups, agreements, deliverables, reminders, agenda assignments,
# meeting reports, quarters, travel requests (drafts, in process), evaluation recommendations — plus Django's two
# permission lookups, the travel service unit (once per request) and the session's save.
HOME_QUERIES = {
    "administrator": 17,
    "leadership": 17,
    "head of a division": 19,
    "staff": 19,
    "reader": 17,
}


def _badges(page: str) -> dict[str, int]:
    return {url: int(n) for url, n in re.findall(r'data-testid="nav-badge" data-for="([^"]+)">(\d+)<', page)}


def test_the_menu_counts_my_work_on_every_page():
    unit = UnitFactory.create()
    staff = UserFactory.create(unit=unit)
    # A draft quarter of 2013 (a year the demo has no quarters in; "my work" lists only quarters already begun).
    performance.quarter_report_for(year=2013, quarter=4, unit=unit)
    cooperation = CooperationFactory.create(responsible_unit=unit)
    registry.create(
        actor=None,
        model=FollowUp,
        data={
            "description": "Kirim tanggapan",
            "cooperation": cooperation,
            "responsible_unit": unit,
            "due_date": dt.date.today(),
        },
        system=True,
    )
    page = logged_in(staff).get(reverse("partners:institution-list")).content.decode()  # not the home page
    counts = work.counts_of(work.work_for(staff, dt.date.today()))
    assert counts["quarters"] == 1 and sum(counts.values()) == 2  # the quarter and the follow-up
    badges = _badges(page)
    assert badges[reverse("core:home")] == 2
    assert badges[reverse("performance:home")] == 1


def test_the_badges_follow_my_changes_at_once_and_others_within_minutes():
    unit = UnitFactory.create()
    staff, head_of_unit = UserFactory.create(unit=unit), HeadFactory.create(unit=unit)
    head = logged_in(LeadershipFactory.create())
    performance_url = reverse("performance:home")
    before = _badges(head.get(reverse("partners:institution-list")).content.decode()).get(performance_url, 0)
    # Q4 2013 (begun, and not the demo's) of a division with a sub-activity (its page exists) realised in Q4.
    sub = SubActivityFactory.create(output=OutputFactory.create(activity__program__year=2013), owner_unit=unit)
    realise(sub, 4, 1, 1_000_000)
    report = performance.quarter_report_for(year=2013, quarter=4, unit=unit)
    performance.quarter_submit(actor=staff, report=report)
    performance.quarter_verify(actor=head_of_unit, report=report)
    # Someone else's change: the head's counts are kept in the session for a short while ...
    assert _badges(head.get(reverse("partners:institution-list")).content.decode()).get(performance_url, 0) == before
    # ... and counted afresh once they are older than BADGE_SECONDS.
    session = head.session
    stored = session[work.SESSION_KEY]
    stored["at"] -= work.BADGE_SECONDS + 1
    session[work.SESSION_KEY] = stored
    session.save()
    assert _badges(head.get(reverse("partners:institution-list")).content.decode())[performance_url] == before + 1

    # The head's own change (any POST) clears them: the next page counts again.
    head.post(reverse("performance:quarter-report", args=[2013, 4, unit.code]) + "setujui/", {"confirm": "yes"})
    assert QuarterReport.objects.get(pk=report.pk).status == "approved"
    assert _badges(head.get(reverse("partners:institution-list")).content.decode()).get(performance_url, 0) == before
