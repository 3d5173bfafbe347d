"""Fixtures shared by every test: the demo organisation and its users."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

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


# Under pytest-xdist on in-memory SQLite, the first worker to start migrates the test database and loads the demo,
# then writes that database to a file (the template) that the other workers copy with the backup API instead of
# migrating and loading again (each of those is 30-40 CPU seconds on 2 cores). The file is this run's only: in a
# directory named after the run (xdist's testrunuid), removed by the controller when the run ends.
_template: dict[str, Any] = {}


def _template_dir(testrunuid: str) -> Path:
    return Path(tempfile.gettempdir()) / f"mitra-test-db-{testrunuid}"


def _sqlite_in_memory_settings() -> bool:
    from django.db import connections

    settings = connections["default"].settings_dict
    return settings["ENGINE"] == "django.db.backends.sqlite3" and not settings["TEST"].get("NAME")


def _postgresql_settings() -> bool:
    from django.db import connections

    return connections["default"].vendor == "postgresql"


# On PostgreSQL the template is a database of the same cluster, named after the run; the file
# `demo.postgresql` in the run's directory holds its name once it is made. A worker that finds it creates its test
# database as a copy of it (CREATE DATABASE ... TEMPLATE, Django's TEST["TEMPLATE"]; its migrations are then all
# recorded as applied) instead of migrating and loading the demo again (about a minute of CPU on 2 loaded cores).
def _postgresql_template_name(test_database: str, testrunuid: str) -> str:
    return f"{re.sub(r'_gw[0-9]+$', '', test_database)}_demo_{testrunuid[:12]}"[-63:]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):  # type: ignore[no-untyped-def]
    """A worker that finds this run's template creates its database from it (on SQLite: only the tables, no
    migrations, which the template's rows then replace); the first worker takes the lock and builds the template
    (the others wait for it here)."""
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:
        return
    if _sqlite_in_memory_settings():
        path = _template_dir(workerinput["testrunuid"]) / "demo.sqlite3"
    elif _postgresql_settings():
        path = _template_dir(workerinput["testrunuid"]) / "demo.postgresql"
    else:
        return
    path.parent.mkdir(exist_ok=True)
    lock = open(path.with_suffix(".lock"), "w")  # noqa: SIM115  (held until the template is written)
    fcntl.flock(lock, fcntl.LOCK_EX)
    if path.exists():
        lock.close()
        from django.db import connections

        if path.suffix == ".postgresql":
            connections["default"].settings_dict["TEST"]["TEMPLATE"] = path.read_text()
        else:
            connections["default"].settings_dict["TEST"]["MIGRATE"] = False
        _template["restore"] = path
    else:
        _template["build"] = (path, lock)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """In the xdist controller: note the run's id, to remove the template's directory at the end."""
    node.config._mitra_testrunuid = node.workerinput["testrunuid"]


def pytest_unconfigure(config: pytest.Config) -> None:
    testrunuid = getattr(config, "_mitra_testrunuid", None)
    if testrunuid and not hasattr(config, "workerinput"):
        if (_template_dir(testrunuid) / "demo.postgresql").exists():
            _drop_postgresql_template(config, (_template_dir(testrunuid) / "demo.postgresql").read_text())
        shutil.rmtree(_template_dir(testrunuid), ignore_errors=True)


def _drop_postgresql_template(config: pytest.Config, name: str) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock(), connection._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _make_postgresql_template(path: Path) -> None:
    """Copy this worker's test database (migrated, the demo loaded) to this run's template database, and the demo's
    attached files beside it."""
    from django.conf import settings
    from django.db import connection

    shutil.copytree(settings.MEDIA_ROOT, path.with_suffix(".media"), dirs_exist_ok=True)
    testrunuid = path.parent.name.removeprefix("mitra-test-db-")
    source = connection.settings_dict["NAME"]
    name = _postgresql_template_name(source, testrunuid)
    connection.close()  # PostgreSQL copies a database only while nobody is connected to it
    with connection._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    partial = path.with_suffix(".partial")
    partial.write_text(name)
    os.replace(partial, path)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the demo once per test database (or copy it from this run's template, see above); each test then runs
    in a transaction that is rolled back."""
    from django.conf import settings
    from django.db import connection

    with django_db_blocker.unblock():
        if "restore" in _template and _template["restore"].suffix == ".postgresql":
            # The database was created as a copy of the template (see django_db_modify_db_settings).
            shutil.copytree(_template["restore"].with_suffix(".media"), settings.MEDIA_ROOT, dirs_exist_ok=True)
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
        elif "restore" in _template:
            connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(_template["restore"])) as source:
                source.backup(connection.connection)
            # The demo's attached files, which the builder stored under its own MEDIA_ROOT.
            shutil.copytree(_template["restore"].with_suffix(".media"), settings.MEDIA_ROOT, dirs_exist_ok=True)
            # The content types this worker cached while creating its own tables may have other ids than the
            # template's.
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
        else:
            try:
                load_all()
                if "build" in _template and _template["build"][0].suffix == ".postgresql":
                    _make_postgresql_template(_template["build"][0])
                elif "build" in _template:
                    path = _template["build"][0]
                    partial = path.with_suffix(".partial")
                    with contextlib.closing(sqlite3.connect(partial)) as target:
                        connection.connection.backup(target)
                    shutil.copytree(settings.MEDIA_ROOT, path.with_suffix(".media"), dirs_exist_ok=True)
                    os.replace(partial, path)
            finally:
                if "build" in _template:
                    _template["build"][1].close()  # releases the lock: the other workers go on
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


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the default language (Indonesian). A request activates its user's language for the
    rest of the thread (core.middleware.UserLanguageMiddleware, as Django's LocaleMiddleware does), so without this
    a test run after an English user's request would get English messages, depending on the order of the tests."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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
