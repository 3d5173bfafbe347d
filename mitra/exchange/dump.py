"""The registry as a whole as one JSON document, and its lossless restore into an empty database.

What is in it: every row of every Mitra app (organisation, users with their password hashes, staff, partners,
the registry, documents with their files' bytes, performance, reports, …), plus countries and sectors, in
primary-key order, as Django's serializer writes them.

The audit log is copied verbatim — ids, timestamps, actors, changes, hashes and the chain head — never
re-created: the chain is evidence and must verify after a restore exactly as before (with the same audit keyring:
the hashes are keyed, see mitra/core/audit.py). The restore then appends one entry of its own ("restored from a
dump", with the dump's SHA-256), so the chain records that it happened, and rebuilds the search index from the
restored records and files.

Not in it, by design: API tokens, calendar-feed tokens and pending import uploads (secrets and scratch: users make
new ones), sessions, login-lockout records, Django's content types and permissions (rebuilt by migrate).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = "mitra-dump"
FORMAT_VERSION = 1
# search.* is derived from the records (rebuilt at the end of `restore`), not data to carry over.
EXCLUDED = {
    "api.apitoken",
    "exchange.calendarfeed",
    "exchange.importupload",
    "search.searchentry",
    "search.searchfacet",
}


class DumpError(Exception):
    pass


def dumped_models() -> list[type[models.Model]]:
    chosen = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mitra."):
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.label_lower in EXCLUDED:
                continue
            chosen.append(model)
    return chosen


def _plain(value: Any) -> Any:
    """JSON for a serialized value, keeping full precision (Django's JSON encoder drops microseconds, which would
    break the audit hashes)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"Cannot dump {type(value).__name__}")


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    manager = getattr(model, "all_objects", model._base_manager)
    rows = serializers.serialize("python", manager.order_by("pk"))
    return json.loads(json.dumps(rows, default=_plain))


def _file_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def build() -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": timezone.now().isoformat()}
    tables: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, str] = {}
    for model in dumped_models():
        rows = _rows(model)
        tables[model._meta.label_lower] = rows
        for name in _file_fields(model):
            for row in rows:
                path = row["fields"].get(name)
                if path and path not in files and default_storage.exists(path):
                    with default_storage.open(path, "rb") as handle:
                        files[path] = base64.b64encode(handle.read()).decode()
    data["tables"] = tables
    data["files"] = files
    return data


def dumps() -> str:
    return json.dumps(build(), ensure_ascii=False, sort_keys=True, indent=1)


def _is_empty() -> bool:
    from mitra.core.models import AuditEntry, OrganisationUnit, User

    return not (User.objects.exists() or AuditEntry.objects.exists() or OrganisationUnit.objects.exists())


@transaction.atomic
def restore(text: str, *, audit_restore: bool = True) -> dict[str, int]:
    """Insert every row of the dump into an empty database (after `migrate`); returns rows per table.

    Rows keep their primary keys; reference rows that migrations already created (countries, sectors, the chain
    head) are overwritten with the dump's values. The search index is rebuilt at the end (the saves of a restore
    index only part of it). Refused, with nothing written, if the database holds users,
    units or audit entries, or if the dump is not a Mitra dump.
    """
    from mitra.cooperation.models import FollowUp
    from mitra.cooperation.services import store_other_cooperations
    from mitra.core import audit
    from mitra.core.models import AuditAction
    from mitra.search import services as search

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DumpError(f"Not JSON: {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DumpError('Not a Mitra dump (no "format": "mitra-dump").')
    if data.get("version") != FORMAT_VERSION:
        raise DumpError(f"Dump format version {data.get('version')} is not supported (expected {FORMAT_VERSION}).")
    if not _is_empty():
        raise DumpError("The database is not empty (it has users, units or audit entries); restore into a new one.")
    known = {m._meta.label_lower: m for m in dumped_models()}
    unknown = sorted(set(data.get("tables", {})) - set(known))
    if unknown:
        raise DumpError(f"The dump has tables this version does not know: {', '.join(unknown)}.")
    counts: dict[str, int] = {}
    with connection.constraint_checks_disabled():
        for label, rows in data["tables"].items():
            objects = serializers.deserialize("python", rows, ignorenonexistent=False)
            n = 0
            for obj in objects:
                obj.save()
                n += 1
            counts[label] = n
    connection.check_constraints()
    # Derived fields added after a dump was made are derived again (a dump of before cooperation 0017 has no
    # follow-up's other_cooperation).
    store_other_cooperations(FollowUp)
    # Sequences (PostgreSQL) continue after the restored keys.
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(known.values()))
    if sequence_sql:
        with connection.cursor() as cursor:
            for statement in sequence_sql:
                cursor.execute(statement)
    for path, encoded in data.get("files", {}).items():
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(base64.b64decode(encoded)))
    if audit_restore:
        audit.record(
            actor=None,
            action=AuditAction.RESTORE,
            record_type="dump",
            record_repr="Restored from a dump",
            changes={"sha256": [None, hashlib.sha256(text.encode()).hexdigest()], "rows": [None, sum(counts.values())]},
        )
    counts["search index"] = sum(search.rebuild().values())
    return counts
