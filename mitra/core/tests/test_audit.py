import itertools
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from mitra.core import audit
from mitra.core.models import AuditAction, AuditEntry
from mitra.core.tests.factories import HeadFactory, StaffFactory

pytestmark = pytest.mark.django_db


def made_entries(count: int = 6) -> list[AuditEntry]:
    """Entries written by this test (one per factory-made staff member), oldest first."""
    newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for _ in range(count):
        StaffFactory.create()
    entries = list(AuditEntry.objects.filter(id__gt=newest).order_by("id"))
    assert len(entries) >= count
    return entries


def test_demo_chain_verifies(demo):
    """Golden: the whole demo's chain (thousands of entries from every loader) verifies."""
    result = audit.verify()
    assert result.ok
    assert result.checked == AuditEntry.objects.count() > 40
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_each_entry_links_to_the_one_before():
    mine = made_entries()
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == audit.GENESIS_HASH and entries[-len(mine) :] == mine
    for before, after in itertools.pairwise(entries):
        assert after.id == before.id + 1
        assert after.prev_hash == before.hash


def test_tampering_with_an_entry_breaks_the_chain():
    victim = made_entries()[2]
    assert audit.verify().ok
    # Bypass the model's append-only save, as someone with database access would.
    AuditEntry.objects.filter(pk=victim.pk).update(reason="nothing to see here")
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id
    with pytest.raises(CommandError, match=f"broken at entry {victim.id}"):
        call_command("audit", "verify")


def test_changed_content_with_recomputed_hash_breaks_the_next_link():
    victim = made_entries()[2]
    victim.changes = {"full_name": [None, "forged"]}
    AuditEntry.objects.filter(pk=victim.pk).update(changes=victim.changes, hash=audit.entry_hash(victim))
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id + 1


def test_a_removed_entry_is_detected():
    victim = made_entries()[2]
    AuditEntry.objects.filter(pk=victim.pk)._raw_delete(AuditEntry.objects.db)
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id
    assert "missing" in result.problem


def test_removing_the_newest_entries_is_detected():
    last = made_entries()[-1]
    assert audit.verify().ok
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
    result = audit.verify()
    assert not result.ok and result.broken_id == last.id


def test_entries_cannot_be_changed_or_deleted_through_the_model():
    entry = made_entries(1)[0]
    entry.reason = "edited"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "" and audit.verify().ok


def test_entry_records_who_what_and_before_after():
    from mitra.core import services

    head = HeadFactory.create()
    member = StaffFactory.create(unit=head.unit, education="s1")
    services.staff_member_update(
        actor=head, member=member, data={"education": "s2"}, expected_version=member.version, reason="new degree"
    )
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.action == AuditAction.UPDATE
    assert entry.actor == head and entry.actor_username == head.username
    assert entry.record_type == "core.staffmember" and entry.record_id == str(member.pk)
    assert entry.changes == {"education": ["s1", "s2"]}
    assert entry.reason == "new degree"
    assert audit.verify().ok
