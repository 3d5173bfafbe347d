import itertools
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from mitra.core import audit
from mitra.core.models import AuditAction, AuditEntry, StaffMember


def test_demo_chain_verifies(demo):
    result = audit.verify()
    assert result.ok
    assert result.checked == AuditEntry.objects.count() > 40
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_each_entry_links_to_the_one_before(demo):
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == audit.GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.id == before.id + 1
        assert after.prev_hash == before.hash


def test_tampering_with_an_entry_breaks_the_chain(demo):
    victim = AuditEntry.objects.order_by("id")[10]
    # Bypass the model's append-only save, as someone with database access would.
    AuditEntry.objects.filter(pk=victim.pk).update(reason="nothing to see here")
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id
    with pytest.raises(CommandError, match=f"broken at entry {victim.id}"):
        call_command("audit", "verify")


def test_changed_content_with_recomputed_hash_breaks_the_next_link(demo):
    victim = AuditEntry.objects.order_by("id")[5]
    victim.changes = {"full_name": [None, "forged"]}
    AuditEntry.objects.filter(pk=victim.pk).update(changes=victim.changes, hash=audit.entry_hash(victim))
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id + 1


def test_a_removed_entry_is_detected(demo):
    AuditEntry.objects.filter(pk=7)._raw_delete(AuditEntry.objects.db)
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == 7
    assert "missing" in result.problem


def test_removing_the_newest_entries_is_detected(demo):
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    AuditEntry.objects.filter(pk=last.pk)._raw_delete(AuditEntry.objects.db)
    assert not audit.verify().ok


def test_entries_cannot_be_changed_or_deleted_through_the_model(demo):
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.reason = "edited"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_entry_records_who_what_and_before_after(demo, user_of):
    from mitra.core import services

    head = user_of("kabag.bilateral")
    member = StaffMember.objects.get(full_name="Dewi Lestari")
    services.staff_member_update(
        actor=head, member=member, data={"education": "s2"}, expected_version=member.version, reason="new degree"
    )
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert entry.action == AuditAction.UPDATE
    assert entry.actor == head and entry.actor_username == "kabag.bilateral"
    assert entry.record_type == "core.staffmember" and entry.record_id == str(member.pk)
    assert entry.changes == {"education": ["s1", "s2"]}
    assert entry.reason == "new degree"
    assert audit.verify().ok
