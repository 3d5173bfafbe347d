"""The copy of the demo that transactional tests get back (conftest.restore_demo) is the demo as first loaded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import restore_demo
from mitra.cooperation.models import Cooperation
from mitra.core.models import OrganisationUnit, User
from mitra.travel.models import TravelRequest


def _state() -> dict[str, list[tuple[object, ...]]]:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "unit_id", "password")),
        "units": list(OrganisationUnit.objects.order_by("pk").values_list("pk", "name")),
        "cooperations": list(Cooperation.all_objects.order_by("pk").values_list("pk", "title", "version")),
        "trips": list(TravelRequest.all_objects.order_by("pk").values_list("pk", "status", "notes")),
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the copy is taken on in-memory SQLite only")
def test_an_emptied_database_gets_the_same_demo_back(demo_back_afterwards, transactional_db):  # type: ignore[no-untyped-def]
    before = _state()
    assert len(before["users"]) >= 9 and before["cooperations"] and before["trips"]
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not Cooperation.all_objects.exists()
    restore_demo()
    assert _state() == before
    # The restored database is usable: a write after it gets the next id, not one already taken.
    last_id = User.objects.order_by("pk").values_list("pk", flat=True).last()
    assert last_id is not None and User.objects.create(username="setelah.pemulihan").pk > last_id


def test_the_demo_is_complete_in_this_process(demo) -> None:  # type: ignore[no-untyped-def]
    """Whether this process loaded the demo or copied the template another test worker built (conftest): every
    migration is recorded as applied, and every file the demo's documents name is in this process's storage."""
    from django.core.files.storage import default_storage
    from django.db.migrations.loader import MigrationLoader

    from mitra.documents.models import Document

    loader = MigrationLoader(connection)
    assert set(loader.disk_migrations) <= loader.applied_migrations.keys()
    names = list(Document.all_objects.values_list("file", flat=True))
    assert names
    assert [name for name in names if not default_storage.exists(name)] == []
