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
from mitra.core.models import OrganisationUnit
from mitra.performance import services as performance
from mitra.performance.models import QuarterReport

pytestmark = pytest.mark.django_db

Q4 = reverse("performance:quarter-report", args=[2017, 4, "ksln-bm"])


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_open_quarter_travels_from_staff_to_head_to_leadership(client_for, user_of):
    # The demo leaves the bilateral division's Q4 2017 in draft: its staff are asked to fill in and submit it.
    page = _home(client_for("staf.bilateral"))
    assert f'href="{Q4}"' in page and "Isi dan ajukan" in page
    assert f'href="{Q4}"' not in _home(client_for("staf.regional"))  # another division's quarter

    report = QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm")
    report = performance.quarter_submit(actor=user_of("staf.bilateral"), report=report)
    assert f'href="{Q4}"' not in _home(client_for("staf.bilateral"))
    head = _home(client_for("kabag.bilateral"))
    assert f'href="{Q4}"' in head and "Verifikasi" in head
    assert f'href="{Q4}"' not in _home(client_for("kepala.biro"))

    performance.quarter_verify(actor=user_of("kabag.bilateral"), report=report)
    leader = _home(client_for("kepala.biro"))
    assert f'href="{Q4}"' in leader and "Setujui dan kunci" in leader
    assert f'href="{Q4}"' not in _home(client_for("kabag.bilateral"))


def test_follow_ups_due_and_overdue_are_the_units_own(client_for, user_of):
    cooperation = CooperationFactory(responsible_unit=OrganisationUnit.objects.get(code="ksln-reg"))
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
    page = _home(client_for("staf.regional"))
    assert overdue.get_absolute_url() in page and "Kirim tanggapan draf MRA" in page and "terlambat sejak" in page
    assert overdue.get_absolute_url() not in _home(client_for("staf.bilateral"))


@pytest.mark.parametrize(
    "username", ["admin", "kepala.biro", "kabag.bilateral", "staf.bilateral", "staf.oi", "pembaca"]
)
def test_home_answers_in_a_fixed_number_of_queries(client_for, username):
    client = client_for(username)
    client.get("/")  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for n in range(5):  # more of every kind of work must not add queries
        cooperation = CooperationFactory()
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
    assert len(after.captured_queries) == len(before.captured_queries) <= HOME_QUERIES[username]


# Queries of the home page per role (the work sources keep to a fixed number whatever the data).
HOME_QUERIES = {
    "admin": 16,
    "kepala.biro": 16,
    "kabag.bilateral": 16,
    "staf.bilateral": 16,
    "staf.oi": 16,
    "pembaca": 16,
}


def _badges(page: str) -> dict[str, int]:
    return {url: int(n) for url, n in re.findall(r'data-testid="nav-badge" data-for="([^"]+)">(\d+)<', page)}


def test_the_menu_counts_my_work_on_every_page(client_for, user_of):
    staff = client_for("staf.bilateral")
    page = staff.get(reverse("partners:institution-list")).content.decode()  # not the home page
    counts = work.counts_of(work.work_for(user_of("staf.bilateral"), dt.date.today()))
    assert counts.get("quarters", 0) >= 1  # the bilateral division's draft Q4 2017
    badges = _badges(page)
    assert badges[reverse("core:home")] == sum(counts.values())
    assert badges[reverse("performance:home")] == counts["quarters"]


def test_the_badges_follow_my_changes_at_once_and_others_within_minutes(client_for, user_of):
    head = client_for("kepala.biro")
    performance_url = reverse("performance:home")
    before = _badges(head.get(reverse("partners:institution-list")).content.decode()).get(performance_url, 0)
    report = QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm")
    performance.quarter_submit(actor=user_of("staf.bilateral"), report=report)
    performance.quarter_verify(actor=user_of("kabag.bilateral"), report=report)
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
    head.post(Q4 + "setujui/", {"confirm": "yes"})
    assert QuarterReport.objects.get(pk=report.pk).status == "approved"
    assert _badges(head.get(reverse("partners:institution-list")).content.decode()).get(performance_url, 0) == before
