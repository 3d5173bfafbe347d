"""Fixtures shared by every test: the demo organisation and its users."""

from __future__ import annotations

import sqlite3

import pytest
from django.test import Client

from mitra.core.models import User
from mitra.core.tests.factories import Team, make_team
from mitra.demo import organisation as demo_org
from mitra.demo.loader import load_all

DEMO_PASSWORD = demo_org.DEMO_PASSWORD


# The demo as first loaded into an in-memory SQLite test database, copied with sqlite3's backup API: a test that
# empties the database (`transactional_db`) gets it back in well under a second instead of loading the demo again
# (20-30 s on 2 cores). One per process (each pytest-xdist worker has its own database). Not used on PostgreSQL.
_demo_snapshot: list[sqlite3.Connection] = []


def _in_memory_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and bool(connection.is_in_memory_db())  # type: ignore[attr-defined]


def restore_demo() -> None:
    """Put the whole demo back into the test database, e.g. after a transactional test emptied it: on in-memory
    SQLite, a copy of the database as it was after the demo's first load (the same rows, the same ids); elsewhere
    the demo loaded again (`load_all` only adds what is missing)."""
    from django.db import connection

    if _demo_snapshot and _in_memory_sqlite():
        connection.ensure_connection()
        _demo_snapshot[0].backup(connection.connection)
        return
    load_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the demo once per test database; each test then runs in a transaction that is rolled back."""
    from django.db import connection

    with django_db_blocker.unblock():
        load_all()
        if _in_memory_sqlite():
            snapshot = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshot)
            _demo_snapshot[:] = [snapshot]


@pytest.fixture
def demo_back_afterwards(django_db_blocker):  # type: ignore[no-untyped-def]
    """For a transactional test: request it before `transactional_db`, so that it is torn down after the flush that
    ends the test, and puts the demo back for the next tests (`restore_demo`)."""
    yield
    with django_db_blocker.unblock():
        restore_demo()


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
        restore_demo()


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
