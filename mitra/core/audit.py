"""The tamper-evident audit log: every entry's hash covers its content and the previous entry's hash.

Appends lock the single chain-head row, so concurrent writers queue and the chain never forks. Verification
recomputes every hash from the stored columns; an edited, removed or reordered entry breaks it.

The hash is an HMAC-SHA256 with a key kept outside the database (see `keyring`), so someone who can write to the
database but does not hold the key cannot rewrite an entry and recompute the hashes after it. Each entry names its
key (`key_id`, a fingerprint of the secret); "" marks entries from before keys existed, hashed with plain SHA-256,
which verify only accepts at the start of the chain. When the configured key changes, the next append first records
a "key rotation" entry naming the new key, hashed with the old one. A checkpoint (`checkpoint`) signs the chain's
head so that a later truncation of the tail can be detected against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, router, transaction
from django.utils import timezone

from .models import AuditAction, AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64
KEYRING_FORMAT = "mitra-audit-keyring"
CHECKPOINT_FORMAT = "mitra-audit-checkpoint"


class AuditKeyError(ImproperlyConfigured):
    """The audit keyring is missing, malformed, or lacks a key the chain needs."""


_AS_IS = frozenset({type(None), bool, int, str})


def jsonable(value: Any) -> Any:
    """A value as it will read back from a JSON column, so hashes recompute identically."""
    kind = type(value)
    if kind in _AS_IS:  # the common case first (an import's audit entries: a dozen values per row)
        return value
    if kind is dict:  # then an entry's changes, and each change's [old, new]
        return {str(k): v if type(v) in _AS_IS else jsonable(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _AS_IS else jsonable(v) for v in value]
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, dict):  # a mapping of another type: as a dict
        return jsonable(dict(value))
    if isinstance(value, list | tuple | set | frozenset):
        items = jsonable(list(value))
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return str(value)


# --- The keyring ---------------------------------------------------------------------------------------------


def key_id_of(secret: str) -> str:
    """The public name of a key: a fingerprint of its secret (so the keyring cannot pair an id with a wrong key)."""
    return hashlib.sha256(b"mitra-audit-key\0" + secret.encode()).hexdigest()[:16]


def new_secret() -> str:
    return secrets.token_hex(32)


@dataclass(frozen=True)
class Keyring:
    """Audit keys by id; `current` is the one new entries are made with. `path` is None for the environment."""

    keys: dict[str, str]
    current: str
    path: Path | None = None
    order: list[str] = field(default_factory=list)

    def secret(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id].encode()
        except KeyError:
            raise AuditKeyError(
                f"The audit keyring has no key {key_id!r}; every key the chain ever used is needed."
            ) from None

    def with_new_key(self, secret: str) -> Keyring:
        key_id = key_id_of(secret)
        return Keyring({**self.keys, key_id: secret}, key_id, self.path, [*self.order, key_id])


_cache: dict[tuple[Any, ...], Keyring] = {}
_cache_lock = threading.Lock()


def _from_environment(value: str) -> Keyring:
    """`MITRA_AUDIT_KEY`: one secret, or several separated by commas (older first); the last is current."""
    found = [part.strip() for part in value.split(",") if part.strip()]
    if any(len(secret) < 32 for secret in found):
        raise AuditKeyError("Every secret in MITRA_AUDIT_KEY must be at least 32 characters long.")
    ids = [key_id_of(secret) for secret in found]
    return Keyring(dict(zip(ids, found, strict=True)), ids[-1], None, ids)


def _read_file(path: Path) -> Keyring:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AuditKeyError(f"Cannot read the audit keyring {path}: {error}") from error
    keys = data.get("keys") if isinstance(data, dict) else None
    if data.get("format") != KEYRING_FORMAT or not isinstance(keys, dict) or data.get("current") not in keys:
        raise AuditKeyError(f"{path} is not a Mitra audit keyring.")
    for key_id, secret in keys.items():
        if not isinstance(secret, str) or key_id_of(secret) != key_id:
            raise AuditKeyError(f"In {path}, key {key_id!r} does not match its secret's fingerprint.")
    return Keyring(dict(keys), data["current"], path, list(keys))


def write_keyring(ring: Keyring) -> None:
    """Save a file keyring, readable by its owner only; replaces the file in one step."""
    if ring.path is None:
        raise AuditKeyError("The audit key comes from MITRA_AUDIT_KEY; change it there.")
    ring.path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": KEYRING_FORMAT, "current": ring.current, "keys": ring.keys}, indent=1) + "\n"
    temporary = ring.path.with_name(f".{ring.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, ring.path)
    _cache.clear()


def _create_file(path: Path) -> None:
    """A new keyring with one key; if another process got there first, theirs stays."""
    secret = new_secret()
    key_id = key_id_of(secret)
    text = json.dumps({"format": KEYRING_FORMAT, "current": key_id, "keys": {key_id: secret}}, indent=1) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    try:
        os.link(temporary, path)  # fails if the file exists: never overwrite a key
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def keyring() -> Keyring:
    """The configured audit keys: `MITRA_AUDIT_KEY` if set, else the file `MITRA_AUDIT_KEY_FILE` (created with one
    new key, mode 0600, when missing and `MITRA_AUDIT_KEY_CREATE` allows it, as in development)."""
    value = getattr(settings, "MITRA_AUDIT_KEY", "") or ""
    if value:
        cache_key: tuple[Any, ...] = ("env", value)
        ring = _cache.get(cache_key)
        if ring is None:
            ring = _cache[cache_key] = _from_environment(value)
        return ring
    configured = getattr(settings, "MITRA_AUDIT_KEY_FILE", "") or ""
    if not configured:
        raise AuditKeyError("No audit key: set MITRA_AUDIT_KEY or MITRA_AUDIT_KEY_FILE.")
    path = Path(configured)
    with _cache_lock:
        try:
            stat = path.stat()
        except FileNotFoundError:
            if not getattr(settings, "MITRA_AUDIT_KEY_CREATE", False):
                raise AuditKeyError(f"The audit keyring {path} does not exist (MITRA_AUDIT_KEY_FILE).") from None
            _create_file(path)
            stat = path.stat()
        cache_key = ("file", str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
        ring = _cache.get(cache_key)
        if ring is None:
            ring = _read_file(path)
            _cache.clear()  # an older version of the file, or another one
            _cache[cache_key] = ring
        return ring


# --- Hashing and appending -------------------------------------------------------------------------------------


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry, ring: Keyring | None = None) -> str:
    """HMAC-SHA256 with the entry's key over its content; plain SHA-256 for a legacy entry (no key_id)."""
    payload = {
        "id": entry.id,
        "at": jsonable(entry.at),
        "actor": entry.actor_id,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "record_repr": entry.record_repr,
        "changes": entry.changes,
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "prev_hash": entry.prev_hash,
    }
    if not entry.key_id:
        return hashlib.sha256(_canonical(payload)).hexdigest()
    payload["key_id"] = entry.key_id
    secret = (ring or keyring()).secret(entry.key_id)
    return hmac.new(secret, _canonical(payload), hashlib.sha256).hexdigest()


def _chained(last_id: int, last_hash: str, ring: Keyring, key_id: str, at: dt.datetime, **fields: Any) -> AuditEntry:
    """The entry after (`last_id`, `last_hash`), hashed; not saved."""
    entry = AuditEntry(id=last_id + 1, at=at, prev_hash=last_hash, key_id=key_id, **fields)
    entry.hash = entry_hash(entry, ring)
    return entry


_defaults: dict[str, Any] = {}


def _unsaved(actor: User | None, **fields: Any) -> AuditEntry:
    """`AuditEntry(actor=actor, **fields)` (`fields` by attribute name) without Model.__init__'s per-field work: an
    import makes two per row. The columns not given hold their defaults."""
    if not _defaults:
        _defaults.update({f.attname: f.get_default() for f in AuditEntry._meta.concrete_fields})
    entry = AuditEntry.__new__(AuditEntry)
    entry.__dict__.update(_defaults, changes={})
    entry.__dict__.update(fields)
    entry.__dict__["actor_id"] = actor.pk if actor is not None else None
    entry._state = models.base.ModelState()
    if actor is not None:  # as the relation's descriptor does
        entry._state.db = router.db_for_write(AuditEntry, instance=actor)
    AuditEntry._meta.get_field("actor").set_cached_value(entry, actor)
    return entry


def _now() -> dt.datetime:
    # The timestamp as the database returns it (microseconds, UTC), so that the hash recomputes from the column.
    at = timezone.now()
    return at.replace(tzinfo=dt.UTC) if timezone.is_naive(at) else at.astimezone(dt.UTC)


def _append(head: AuditChainHead, ring: Keyring, key_id: str, next_key_id: str, **fields: Any) -> AuditEntry:
    entry = _chained(head.last_id, head.last_hash, ring, key_id, _now(), **fields)
    entry.save(force_insert=True)
    head.last_id, head.last_hash, head.key_id = entry.id, entry.hash, next_key_id
    head.save(update_fields=["last_id", "last_hash", "key_id"])
    return entry


def _rotation_fields(old: str, new: str, reason: str) -> dict[str, Any]:
    return {
        "actor": None,
        "actor_username": "",
        "action": AuditAction.KEY_ROTATION,
        "record_type": "audit.key",
        "record_id": new,
        "record_repr": f"Audit key {new}",
        "changes": {"key_id": [old or None, new]},
        "reason": reason,
        "ip_address": None,
    }


def _lock_head() -> AuditChainHead:
    # The head row comes with the migrations; get_or_create also survives a test flush of every table.
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH}
    )
    return head


def _move_to_current_key(head: AuditChainHead, ring: Keyring, reason: str) -> AuditEntry | None:
    """If the chain's key is not the configured one, record the rotation: hashed with the old key (or, for a
    chain from before keys, with the new one), and naming the new key, which the entries after it use."""
    if head.last_id == 0 or head.key_id == ring.current:
        if head.last_id == 0:
            head.key_id = ring.current
        return None
    signing_key = head.key_id or ring.current
    ring.secret(signing_key)  # fail before writing if the old key is missing
    return _append(head, ring, signing_key, ring.current, **_rotation_fields(head.key_id, ring.current, reason))


def _entry_fields(
    *,
    actor: User | None,
    action: str,
    instance: models.Model | None,
    record_type: str,
    record_id: str,
    record_repr: str,
    changes: dict[str, Any] | None,
    reason: str,
    ip_address: str | None,
) -> dict[str, Any]:
    if instance is not None:
        record_type = record_type or instance._meta.label_lower
        record_id = record_id or str(instance.pk)
        record_repr = record_repr or str(instance)[:300]
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return {
        "actor": actor_obj,
        "actor_username": actor_obj.get_username() if actor_obj else "",
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "record_repr": record_repr[:300],
        "changes": jsonable(changes or {}),
        "reason": reason,
        "ip_address": ip_address,
    }


def record(
    *,
    actor: User | None,
    action: str,
    instance: models.Model | None = None,
    record_type: str = "",
    record_id: str = "",
    record_repr: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits or rolls back with the change.

    Inside `batch()` the entry is only prepared (no id or hash yet) and appended when the batch ends."""
    fields = _entry_fields(
        actor=actor,
        action=action,
        instance=instance,
        record_type=record_type,
        record_id=record_id,
        record_repr=record_repr,
        changes=changes,
        reason=reason,
        ip_address=ip_address,
    )
    pending = _batch.get()
    if pending is not None:
        pending.entries.append((_now(), fields))
        return _unsaved(at=pending.entries[-1][0], **fields)
    ring = keyring()
    with transaction.atomic():
        head = _lock_head()
        _move_to_current_key(head, ring, "The configured audit key changed.")
        return _append(head, ring, ring.current, ring.current, **fields)


@dataclass
class Batch:
    """Entries recorded inside `batch()`, in order, each with the time it was recorded."""

    entries: list[tuple[dt.datetime, dict[str, Any]]] = field(default_factory=list)

    def mark(self) -> int:
        """A point to come back to with `discard_from` when the work after it is rolled back."""
        return len(self.entries)

    def discard_from(self, mark: int) -> None:
        """Forget the entries recorded since `mark` (their change was rolled back to a savepoint)."""
        del self.entries[mark:]


_batch: ContextVar[Batch | None] = ContextVar("mitra_audit_batch", default=None)


@contextmanager
def batch() -> Iterator[Batch]:
    """Record the audit entries of many changes in one append: for an import of many rows.

    Inside the block `record()` only prepares each entry, with the content and the time it would have had; at the
    end of the block (when it ends without an exception) they are appended to the chain in order under one lock of
    the chain head, with one bulk insert: the same entries, linked and hashed as one `record()` after another would
    have made them. Use it inside the transaction of the changes. The caller that rolls back part of the work to a
    savepoint discards that part's entries (`Batch.mark` / `Batch.discard_from`); reads of the log inside the block
    do not see the prepared entries, so it suits blocks of creations (an import), not edits that check versions.
    A batch inside a batch adds to the outer one."""
    outer = _batch.get()
    if outer is not None:
        yield outer
        return
    pending = Batch()
    token = _batch.set(pending)
    try:
        yield pending
    finally:
        _batch.reset(token)
    append_prepared(pending.entries)


def append_prepared(prepared: list[tuple[dt.datetime, dict[str, Any]]]) -> list[AuditEntry]:
    """Append prepared entries ((time, fields) as `record()` prepares them) in order, in one transaction."""
    if not prepared:
        return []
    ring = keyring()
    with transaction.atomic():
        head = _lock_head()
        _move_to_current_key(head, ring, "The configured audit key changed.")
        entries: list[AuditEntry] = []
        last_id, last_hash = head.last_id, head.last_hash
        for at, fields in prepared:
            # What _chained gives, built without Model.__init__.
            entry = _unsaved(id=last_id + 1, at=at, prev_hash=last_hash, key_id=ring.current, **fields)
            entry.hash = entry_hash(entry, ring)
            entries.append(entry)
            last_id, last_hash = entry.id, entry.hash
        _insert(entries)
        head.last_id, head.last_hash, head.key_id = last_id, last_hash, ring.current
        head.save(update_fields=["last_id", "last_hash", "key_id"])
    return entries


def _insert(entries: list[AuditEntry]) -> None:
    """`AuditEntry.objects.bulk_create(entries)` (their ids are set: the chain numbers them) as one executemany of
    the same row values, without Django's per-value insert compiler: a text column takes the str it holds, every
    other value goes through its field as bulk_create would send it."""
    from django.db import connections

    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    fields = AuditEntry._meta.concrete_fields
    plain = [type(f) in (models.CharField, models.TextField) for f in fields]
    rows = []
    for entry in entries:
        row = []
        for f, is_plain in zip(fields, plain, strict=True):
            value = getattr(entry, f.attname)
            row.append(value if is_plain and type(value) is str else f.get_db_prep_save(value, connection))
        rows.append(row)
        entry._state.adding, entry._state.db = False, using
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column or f.attname) for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {qn(AuditEntry._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",  # noqa: S608
            rows,
        )


def rotate_key(reason: str = "") -> tuple[str, str]:
    """Make a new current key (file keyring only) unless the chain is not on the configured key yet, then record
    the rotation. Returns (old key id, new key id). The old keys stay in the keyring: verify needs them."""
    ring = keyring()
    with transaction.atomic():
        head = _lock_head()
        old = head.key_id
        if not head.last_id or old == ring.current:
            if ring.path is None:
                raise AuditKeyError(
                    "The audit key comes from MITRA_AUDIT_KEY: append a new secret to it (comma-separated, keep the "
                    "old ones), restart, and run this again to record the rotation."
                )
            ring = ring.with_new_key(new_secret())
            write_keyring(ring)
        if not head.last_id:
            head.key_id = ring.current
            head.save(update_fields=["key_id"])
        else:
            _move_to_current_key(head, ring, reason or "Audit key rotated.")
    return old, ring.current


# --- Verification -----------------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""


def _checkpoint_payload(data: dict[str, Any]) -> bytes:
    return _canonical({k: data[k] for k in ("format", "last_id", "hash", "at", "key_id")})


def checkpoint(ring: Keyring | None = None) -> dict[str, Any]:
    """The signed head of the chain (last id, its hash, the time), to be kept away from the database."""
    ring = ring or keyring()
    head = AuditChainHead.objects.filter(pk=1).first()
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
    data: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "last_id": last_id,
        "hash": last_hash,
        "at": timezone.now().astimezone(dt.UTC).isoformat(),
        "key_id": ring.current,
    }
    data["mac"] = hmac.new(ring.secret(ring.current), _checkpoint_payload(data), hashlib.sha256).hexdigest()
    return data


def _checkpoint_problem(data: Any, ring: Keyring) -> str:
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        return "the checkpoint is not a Mitra audit checkpoint"
    try:
        expected = hmac.new(ring.secret(str(data["key_id"])), _checkpoint_payload(data), hashlib.sha256).hexdigest()
    except (KeyError, AuditKeyError):
        return "the checkpoint's key is not in the keyring"
    if not isinstance(data.get("mac"), str) or not hmac.compare_digest(expected, data["mac"]):
        return "the checkpoint's signature does not match (it was altered or made with another key)"
    if not isinstance(data.get("last_id"), int):
        return "the checkpoint has no entry id"
    return ""


def verify(
    batch_size: int = 2000, *, ring: Keyring | None = None, checkpoint: dict[str, Any] | None = None
) -> VerifyResult:
    """Walk the chain from the first entry; report the first entry whose hash, key or link does not hold.

    With a checkpoint (see `checkpoint`), the entries up to its id must also exist and end in its hash."""
    ring = ring or keyring()
    if checkpoint is not None:
        problem = _checkpoint_problem(checkpoint, ring)
        if problem:
            return VerifyResult(False, 0, None, problem)
    prev_hash, expected_id, checked = GENESIS_HASH, 1, 0
    expected_key: str | None = None  # the key the next entry must use; None before the first entry
    entries = AuditEntry.objects.order_by("id")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.id != expected_id:
            return VerifyResult(False, checked, expected_id, f"entry {expected_id} is missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.id, "link to the previous entry is broken")
        # Keys only move forward: an unkeyed entry may not follow a keyed one, and a new key needs a rotation entry
        # (made with the old key). The first keyed entry may follow unkeyed ones.
        if expected_key is not None and entry.key_id != expected_key and not (expected_key == "" and entry.key_id):
            return VerifyResult(
                False, checked, entry.id, f"made with key {entry.key_id or '(none)'!r}, expected {expected_key!r}"
            )
        if entry.key_id and entry.key_id not in ring.keys:
            return VerifyResult(False, checked, entry.id, f"key {entry.key_id!r} is not in the audit keyring")
        if not hmac.compare_digest(entry_hash(entry, ring), entry.hash):
            return VerifyResult(False, checked, entry.id, "content does not match its hash")
        if checkpoint is not None and entry.id == checkpoint["last_id"] and entry.hash != checkpoint["hash"]:
            return VerifyResult(False, checked, entry.id, "the entry differs from the checkpoint's")
        expected_key = entry.key_id
        if entry.action == AuditAction.KEY_ROTATION:
            target = entry.changes.get("key_id") if isinstance(entry.changes, dict) else None
            if not (isinstance(target, list) and len(target) == 2 and isinstance(target[1], str) and target[1]):
                return VerifyResult(False, checked, entry.id, "a key rotation that names no new key")
            expected_key = target[1]
        prev_hash, expected_id, checked = entry.hash, expected_id + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != expected_id - 1 or head.last_hash != prev_hash):
        return VerifyResult(False, checked, expected_id, "entries after the last one were removed")
    if checkpoint is not None and checkpoint["last_id"] > checked:
        missing = f"entries {expected_id} to {checkpoint['last_id']} of the checkpoint are missing"
        return VerifyResult(False, checked, expected_id, missing)
    if checked and not expected_key:
        return VerifyResult(
            False,
            checked,
            None,
            "the newest entries have no key (plain SHA-256, which anyone can recompute); "
            "run `mitra audit rotate-key` or make any change to key the chain",
        )
    if head is not None and checked and head.key_id != expected_key:
        return VerifyResult(False, checked, None, "the chain head names another key than its last entry")
    return VerifyResult(True, checked)
