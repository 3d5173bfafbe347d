"""The dump round-trip: dump the demo, empty the database, restore, dump again — every row identical, and the
audit chain still verifies (with one more entry recording the restore)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection

from mitra.core import audit
from mitra.core.models import AuditAction, AuditEntry
from mitra.exchange import dump

pytestmark = pytest.mark.django_db


def empty_database() -> None:
    tables = set()
    for model in dump.dumped_models():
        tables.add(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            assert through is not None
            tables.add(through._meta.db_table)
    statements = connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=True)
    # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending (rows made in this test).
    connection.check_constraints()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_round_trip_is_lossless(demo, tmp_path):
    before = json.loads(dump.dumps())
    assert before["tables"]["core.auditentry"] and before["tables"]["cooperation.cooperation"]
    path = tmp_path / "mitra.json"
    call_command("export-dump", str(path))
    empty_database()
    assert not AuditEntry.objects.exists()
    call_command("import-dump", str(path))
    after = json.loads(dump.dumps())
    restore_entry = after["tables"]["core.auditentry"].pop()
    assert restore_entry["fields"]["action"] == AuditAction.RESTORE
    after["tables"]["core.auditchainhead"] = before["tables"]["core.auditchainhead"]
    for label, rows in before["tables"].items():
        assert after["tables"][label] == rows, label
    assert after["files"] == before["files"]
    assert audit.verify().ok


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path):
    path = tmp_path / "mitra.json"
    path.write_text(dump.dumps())
    count = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("import-dump", str(path))
    assert AuditEntry.objects.count() == count


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": "other"}', '{"format": "mitra-dump", "version": 9}'])
def test_restore_refuses_what_is_not_a_dump(demo, text):
    with pytest.raises(dump.DumpError):
        dump.restore(text)


def empty_search_index() -> None:
    from mitra.search.models import SearchEntry, SearchFacet

    SearchFacet.objects.all().delete()
    SearchEntry.objects.all().delete()


def test_restore_steps_of_the_readme(demo, tmp_path, user_of):
    """README, "Backup and restore": a checkpoint and export-dump, a fresh database with the same audit key,
    import-dump, audit verify against the checkpoint; search finds what it found before, without a rebuild."""
    from mitra.search import selectors
    from mitra.search.models import SearchEntry

    def mou_hits() -> int:
        return selectors.search("MoU", user=user_of("admin"), facets=False).total

    before_mou, before_entries = mou_hits(), SearchEntry.objects.count()
    assert before_mou > 10
    backup, checkpoint = tmp_path / "mitra-backup.json", tmp_path / "audit-checkpoint.json"
    call_command("audit", "checkpoint", str(checkpoint), stdout=StringIO())
    call_command("export-dump", str(backup))
    # A fresh database: nothing in it, the search index included.
    empty_database()
    empty_search_index()
    out = StringIO()
    call_command("import-dump", str(backup), stdout=out)
    assert "search index rebuilt" in out.getvalue()
    out = StringIO()
    call_command("audit", "verify", "--checkpoint", str(checkpoint), stdout=out)
    assert "intact" in out.getvalue()
    assert SearchEntry.objects.count() == before_entries
    assert mou_hits() == before_mou


def test_restore_without_the_audit_key_is_refused(demo, tmp_path, settings):
    backup = tmp_path / "mitra-backup.json"
    call_command("export-dump", str(backup))
    empty_database()
    settings.MITRA_AUDIT_KEY = "a-different-installation-key-0123456789abcdef"
    with pytest.raises(CommandError, match="no key"):
        call_command("import-dump", str(backup))
    assert not AuditEntry.objects.exists()  # nothing restored


def test_a_dump_made_before_a_derived_field_restores_it_derived():
    """A dump of before cooperation 0017 has no follow-up's other_cooperation: the restore derives it again, so
    the profiles still show the follow-ups of their meetings filed under another cooperation."""
    from mitra.cooperation.models import FollowUp
    from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory, MeetingFactory
    from mitra.core.tests.factories import UnitFactory

    unit = UnitFactory.create()
    first, second = (CooperationFactory.create(responsible_unit=unit) for _ in range(2))
    meeting = MeetingFactory.create(cooperation=first, responsible_unit=unit)
    expected = {
        FollowUpFactory.create(meeting=meeting, cooperation=second).pk: first.pk,
        FollowUpFactory.create(meeting=meeting, cooperation=None).pk: first.pk,
        FollowUpFactory.create(meeting=meeting, cooperation=first).pk: None,
    }
    data = json.loads(dump.dumps())
    for row in data["tables"]["cooperation.followup"]:
        del row["fields"]["other_cooperation"]
    empty_database()
    dump.restore(json.dumps(data), audit_restore=False)
    assert dict(FollowUp.all_objects.filter(pk__in=expected).values_list("pk", "other_cooperation_id")) == expected
