"""The tamper-evident audit log: every entry's hash covers its content and the previous entry's hash.

Appends lock the single chain-head row, so concurrent writers queue and the chain never forks. Verification
recomputes every hash from the stored columns; an edited, removed or reordered entry breaks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64


def jsonable(value: Any) -> Any:
    """A value as it will read back from a JSON column, so hashes recompute identically."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return str(value)


def entry_hash(entry: AuditEntry) -> str:
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
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    """Append one entry. Runs inside the caller's transaction, so it commits or rolls back with the change."""
    if instance is not None:
        record_type = record_type or instance._meta.label_lower
        record_id = record_id or str(instance.pk)
        record_repr = record_repr or str(instance)[:300]
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        # The head row comes with the migrations; get_or_create also survives a test flush of every table.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH}
        )
        entry = AuditEntry(
            id=head.last_id + 1,
            at=timezone.now(),
            actor=actor_obj,
            actor_username=actor_obj.get_username() if actor_obj else "",
            action=action,
            record_type=record_type,
            record_id=record_id,
            record_repr=record_repr[:300],
            changes=jsonable(changes or {}),
            reason=reason,
            ip_address=ip_address,
            prev_hash=head.last_hash,
        )
        # Store the timestamp as the database returns it (microseconds, UTC) before hashing.
        entry.at = entry.at.replace(tzinfo=dt.UTC) if timezone.is_naive(entry.at) else entry.at.astimezone(dt.UTC)
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.last_id, head.last_hash = entry.id, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""


def verify(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain from the first entry; report the first entry whose hash or link does not hold."""
    prev_hash, expected_id, checked = GENESIS_HASH, 1, 0
    entries = AuditEntry.objects.order_by("id")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.id != expected_id:
            return VerifyResult(False, checked, expected_id, f"entry {expected_id} is missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.id, "link to the previous entry is broken")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.id, "content does not match its hash")
        prev_hash, expected_id, checked = entry.hash, expected_id + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != expected_id - 1 or head.last_hash != prev_hash):
        return VerifyResult(False, checked, expected_id, "entries after the last one were removed")
    return VerifyResult(True, checked)
