"""The keyed audit chain: a rewrite without the key, a truncation against a checkpoint, key rotation, legacy entries."""

from __future__ import annotations

import json
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mitra.core import audit
from mitra.core.models import AuditAction, AuditChainHead, AuditEntry, User
from mitra.core.tests.factories import AdminFactory, UserFactory

# Each test builds its own entries (an administrator, a user and twenty updates): the tests hold whatever else the
# chain already holds (the demo's entries, or none after a test that emptied the database).
CHAIN_LENGTH = 20


@pytest.fixture
def admin(db: None) -> User:
    return AdminFactory.create()


@pytest.fixture
def chain(admin: User) -> list[AuditEntry]:
    """The entries this test added to the chain, oldest first: a new user, then twenty updates by `admin`."""
    first = AuditChainHead.objects.get(pk=1).last_id
    UserFactory.create()
    for number in range(CHAIN_LENGTH):
        audit.record(actor=admin, action=AuditAction.UPDATE, record_type="x", record_id=str(number))
    entries = list(AuditEntry.objects.filter(id__gt=first).order_by("id"))
    assert len(entries) > CHAIN_LENGTH
    return entries


def rewrite_from(first_id: int, *, key_id: str | None = None, **changes: object) -> None:
    """What someone with write access to the database but without the key can do: change entry `first_id`, then
    recompute every later hash with plain SHA-256 and move the chain head, so every link holds again."""
    before = AuditEntry.objects.filter(id__lt=first_id).order_by("-id").first()
    prev_hash = before.hash if before is not None else audit.GENESIS_HASH
    for entry in AuditEntry.objects.filter(id__gte=first_id).order_by("id"):
        if entry.id == first_id:
            for name, value in changes.items():
                setattr(entry, name, value)
        entry.prev_hash = prev_hash
        if key_id is not None:
            entry.key_id = key_id
        stored_key = entry.key_id
        entry.key_id = ""  # plain SHA-256 of the content, the only hash the attacker can compute
        entry.hash = audit.entry_hash(entry)
        entry.key_id = stored_key
        AuditEntry.objects.filter(pk=entry.pk).update(
            **{name: getattr(entry, name) for name in changes},
            prev_hash=entry.prev_hash,
            hash=entry.hash,
            key_id=entry.key_id,
        )
        prev_hash = entry.hash
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    AuditChainHead.objects.filter(pk=1).update(last_id=last.id, last_hash=last.hash, key_id=last.key_id)


def test_entries_are_keyed_with_the_configured_key(chain):
    ring = audit.keyring()
    assert {entry.key_id for entry in chain} == {ring.current}
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {ring.current}
    assert AuditChainHead.objects.get(pk=1).key_id == ring.current


def test_a_rewrite_with_recomputed_plain_hashes_is_detected(chain):
    victim = chain[10]
    rewrite_from(victim.id, reason="nothing to see here")
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id
    assert "does not match its hash" in result.problem
    with pytest.raises(CommandError, match=f"broken at entry {victim.id}"):
        call_command("audit", "verify")


def test_a_rewrite_passed_off_as_entries_from_before_keys_is_detected(chain):
    victim = chain[10]
    rewrite_from(victim.id, key_id="", reason="nothing to see here")
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == victim.id
    assert "expected" in result.problem


def test_the_whole_chain_passed_off_as_entries_from_before_keys_is_detected(chain):
    rewrite_from(1, key_id="", reason="nothing to see here")
    result = audit.verify()
    assert not result.ok
    assert "no key" in result.problem


def test_a_wrong_key_fails_verification(chain, settings):
    oldest = AuditEntry.objects.order_by("id").first()
    assert oldest is not None
    settings.MITRA_AUDIT_KEY = "another-secret-that-is-long-enough-0123456789"
    result = audit.verify()
    assert not result.ok
    assert result.broken_id == oldest.id
    assert "not in the audit keyring" in result.problem


def test_a_keyring_file_whose_id_does_not_match_its_secret_is_refused(tmp_path, settings):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"format": audit.KEYRING_FORMAT, "current": "abc", "keys": {"abc": "x" * 64}}))
    settings.MITRA_AUDIT_KEY, settings.MITRA_AUDIT_KEY_FILE = "", str(path)
    with pytest.raises(audit.AuditKeyError, match="fingerprint"):
        audit.keyring()


def test_a_missing_keyring_file_is_created_readable_by_its_owner_only(tmp_path, settings):
    path = tmp_path / "sub" / "keys.json"
    settings.MITRA_AUDIT_KEY, settings.MITRA_AUDIT_KEY_FILE, settings.MITRA_AUDIT_KEY_CREATE = "", str(path), True
    ring = audit.keyring()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit.keyring() == ring  # read back, not made again
    assert list(json.loads(path.read_text())["keys"]) == [ring.current]


def test_a_missing_keyring_file_is_an_error_when_creation_is_off(tmp_path, settings):
    settings.MITRA_AUDIT_KEY, settings.MITRA_AUDIT_KEY_FILE = "", str(tmp_path / "none.json")
    settings.MITRA_AUDIT_KEY_CREATE = False
    with pytest.raises(audit.AuditKeyError, match="does not exist"):
        audit.keyring()


def copy_keyring(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    ring = audit.keyring()
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"format": audit.KEYRING_FORMAT, "current": ring.current, "keys": ring.keys}))
    settings.MITRA_AUDIT_KEY, settings.MITRA_AUDIT_KEY_FILE = "", str(path)
    return path


def test_rotate_key_records_the_new_key_and_the_chain_still_verifies(chain, admin, tmp_path, settings):
    old = audit.keyring().current
    path = copy_keyring(tmp_path, settings)
    last = AuditChainHead.objects.get(pk=1).last_id
    out = StringIO()
    call_command("audit", "rotate-key", "--reason", "yearly", stdout=out)
    new = audit.keyring().current
    assert new != old and f"{old} → {new}" in out.getvalue()
    assert set(json.loads(path.read_text())["keys"]) == {old, new}  # the old key is kept: verify needs it
    rotation = AuditEntry.objects.get(pk=last + 1)
    assert rotation.action == AuditAction.KEY_ROTATION
    assert rotation.key_id == old  # made with the old key, naming the new one
    assert rotation.changes == {"key_id": [old, new]} and rotation.reason == "yearly"
    entry = audit.record(actor=admin, action=AuditAction.UPDATE, record_type="x", record_id="1")
    assert entry.key_id == new
    assert audit.verify().ok
    # Without the old key the older entries and the rotation itself cannot be checked.
    settings.MITRA_AUDIT_KEY, settings.MITRA_AUDIT_KEY_FILE = audit.keyring().keys[new], ""
    assert not audit.verify().ok


def test_a_new_key_in_the_environment_is_recorded_as_a_rotation_on_the_next_append(chain, admin, settings):
    ring = audit.keyring()
    old_secret, new_secret = ring.keys[ring.current], audit.new_secret()
    settings.MITRA_AUDIT_KEY = f"{old_secret}, {new_secret}"
    entry = audit.record(actor=admin, action=AuditAction.UPDATE, record_type="x", record_id="1")
    rotation = AuditEntry.objects.get(pk=entry.id - 1)
    assert rotation.action == AuditAction.KEY_ROTATION and rotation.key_id == ring.current
    assert entry.key_id == audit.key_id_of(new_secret) == rotation.changes["key_id"][1]
    assert audit.verify().ok
    # A new key with no rotation entry before it does not verify.
    AuditEntry.objects.filter(pk=rotation.pk).update(changes={})
    assert not audit.verify().ok


def test_rotate_key_with_an_environment_key_asks_for_a_new_secret(chain, settings):
    ring = audit.keyring()
    settings.MITRA_AUDIT_KEY = ring.keys[ring.current]
    with pytest.raises(CommandError, match="append a new secret"):
        call_command("audit", "rotate-key")


def test_entries_from_before_keys_verify_and_the_first_keyed_entry_chains_onto_them(chain, admin):
    # The chain as an installation from before keys left it: plain SHA-256 entries.
    rewrite_from(1, key_id="")
    legacy_head = AuditChainHead.objects.get(pk=1)
    assert "no key" in audit.verify().problem  # not yet keyed: the plain hashes prove nothing on their own
    entry = audit.record(actor=admin, action=AuditAction.UPDATE, record_type="x", record_id="1")
    rotation = AuditEntry.objects.get(pk=legacy_head.last_id + 1)
    assert rotation.action == AuditAction.KEY_ROTATION
    assert rotation.prev_hash == legacy_head.last_hash
    assert rotation.key_id == entry.key_id == audit.keyring().current
    result = audit.verify()
    assert result.ok, result.problem
    assert result.checked == entry.id
    # An unkeyed entry after a keyed one is refused.
    rewrite_from(entry.id, key_id="")
    assert not audit.verify().ok


def test_a_truncated_tail_is_detected_against_a_checkpoint(chain, admin, tmp_path):
    file = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", str(file), stdout=StringIO())
    data = json.loads(file.read_text())
    head = AuditChainHead.objects.get(pk=1)
    assert (data["last_id"], data["hash"]) == (head.last_id, head.last_hash)
    audit.record(actor=admin, action=AuditAction.UPDATE, record_type="x", record_id="1")
    out = StringIO()
    call_command("audit", "verify", "--checkpoint", str(file), stdout=out)
    assert f"checkpoint #{head.last_id}" in out.getvalue()
    # Remove the newest five entries and point the head at what is left: the chain alone still holds …
    cut = head.last_id - 4
    AuditEntry.objects.filter(id__gte=cut)._raw_delete(AuditEntry.objects.db)
    survivor = AuditEntry.objects.get(pk=cut - 1)
    AuditChainHead.objects.filter(pk=1).update(last_id=survivor.id, last_hash=survivor.hash)
    assert audit.verify().ok
    # … but not against the checkpoint kept elsewhere.
    result = audit.verify(checkpoint=data)
    assert not result.ok
    assert result.broken_id == cut and "missing" in result.problem
    with pytest.raises(CommandError, match=f"broken at entry {cut}"):
        call_command("audit", "verify", "--checkpoint", str(file))


def test_an_altered_checkpoint_is_refused(chain):
    data = audit.checkpoint()
    assert audit.verify(checkpoint=data).ok
    forged = {**data, "last_id": data["last_id"] - 10}
    result = audit.verify(checkpoint=forged)
    assert not result.ok and "signature" in result.problem
    other = {**data, "hash": AuditEntry.objects.get(pk=data["last_id"] - 1).hash}
    assert not audit.verify(checkpoint=other).ok
