"""Fixtures shared by every test: the demo organisation and its users."""

from __future__ import annotations

import pytest
from django.test import Client

from mitra.core.models import User
from mitra.core.tests.factories import Team, make_team
from mitra.demo import organisation as demo_org
from mitra.demo.loader import load_all

DEMO_PASSWORD = demo_org.DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the demo once per test database; each test then runs in a transaction that is rolled back."""
    with django_db_blocker.unblock():
        load_all()


@pytest.fixture(autouse=True)
def _cold_content_types() -> None:
    """Every test starts with Django's per-process content-type cache empty, so the pinned query counts of a page
    do not depend on which test happened to run before it in the same worker."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def demo(db: None) -> None:
    """The whole demo dataset (the 2017 organisation, its staff and logins, and every later part).

    A test that used `transactional_db` empties the database when it ends; load the demo again then."""
    if not User.objects.filter(username="admin").exists():
        load_all()


@pytest.fixture
def team(db: None) -> Team:
    """A new division with its staff and head, the bureau's leader and two outsiders (see `make_team`)."""
    return make_team()


@pytest.fixture
def user_of(demo: None):
    def get(username: str) -> User:
        return User.objects.select_related("unit").get(username=username)

    return get


@pytest.fixture
def client_for(user_of):
    """A logged-in test client for a demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(user_of(username))
        return client

    return make
