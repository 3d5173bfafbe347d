"""Every write of a domain record goes through a service (issue 13): a scan of the source for ORM writes.

Services (`services.py`, or a `services` module of a package) are the writers: they check the permission, validate,
keep the version and audit. Anywhere else, a write is a finding, unless its file is in ALLOWED below with a reason.
Migrations, tests, and the benchmark data generator (mitra/demo/scale.py, which bulk-inserts on purpose) are not
scanned.

What counts as a write (an AST scan, so strings and comments never count):
- `x.save()` / `x.delete()` with no positional argument (a model, a queryset, a form's `save()`); `save(path)` of a
  workbook or an image and `delete(key)` of a cache or a storage take one, and are not ORM writes; nor is a
  `delete(actor=...)` of a service;
- `.create(`, `.get_or_create(`, `.update_or_create(` and `.update(` called on a manager or queryset chain (one that
  goes through `objects`, `all_objects`, `_default_manager`, `filter(`, `exclude(`, `all(`, `select_for_update(`...);
  a `dict.update()` is not one;
- any `.bulk_create(` or `.bulk_update(`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["mitra", "config"]

# File → why its writes are safe outside a service. Keep it short; prefer moving a write into a service.
ALLOWED: dict[str, str] = {
    "mitra/core/audit.py": "the audit log itself: appends entries and moves the chain head",
    "mitra/reports/jobs.py": "report job bookkeeping rows (queued, progress, result) of the background generator",
    "mitra/tasks/schedule.py": "the queue's schedule rows (one per daily task and day), not a domain record",
    "mitra/tasks/tasks.py": "the queue's upkeep: pruning finished task results and old schedule rows",
    "mitra/api/authentication.py": "a token's last-used time (bookkeeping, throttled), not a domain record",
    "mitra/cooperation/reference.py": "reference sectors, loaded by a data migration with the historical model",
    "mitra/partners/reference.py": "reference countries, loaded by a data migration with the historical model",
    "mitra/travel/reference.py": "reference step kinds, loaded by a data migration with the historical model",
    "mitra/demo/registry.py": "the demo loader's reference rule for its year (get_or_create, idempotent)",
    "mitra/exchange/dump.py": "restoring a whole dump into an empty database (command), below the services by design",
}

SKIPPED_FILES = {"mitra/demo/scale.py"}
MANAGER_HINTS = {
    "objects",
    "all_objects",
    "_default_manager",
    "_base_manager",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "order_by",
    "annotate",
    "using",
    "select_related",
    "prefetch_related",
}
QUERY_WRITES = {"create", "get_or_create", "update_or_create", "update"}
BULK_WRITES = {"bulk_create", "bulk_update"}


def _chain(node: ast.expr) -> list[str]:
    """Attribute names along a receiver chain: `A.objects.filter(x=1)` gives ["filter", "objects", "A"]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _is_write(call: ast.Call) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    name = func.attr
    if name in BULK_WRITES:
        return name
    if name == "save" and not call.args:
        if any(
            k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
        ):
            return None
        return name
    if name == "delete" and not call.args and all(k.arg in ("using", "keep_parents") for k in call.keywords):
        return name
    if name in QUERY_WRITES and MANAGER_HINTS & set(_chain(func.value)):
        return name
    return None


def _scanned_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py":
                continue
            if path.name == "services.py" or path.parent.name == "services" or rel in SKIPPED_FILES:
                continue
            files.append(path)
    return files


def find_writes(source: str) -> list[tuple[int, str]]:
    return [
        (node.lineno, kind)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and (kind := _is_write(node))
    ]


def test_writes_go_through_services():
    found = []
    for path in _scanned_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        found += [f"{rel}:{line}: .{kind}(" for line, kind in find_writes(path.read_text())]
    assert not found, "Writes outside a service (move them into one, or allowlist the file with a reason):\n" + (
        "\n".join(found)
    )


def test_allowlist_names_files_that_still_exist_and_write():
    for rel, reason in ALLOWED.items():
        assert reason.strip(), rel
        path = ROOT / rel
        assert path.exists(), f"{rel} is allowlisted but gone: remove it from ALLOWED"
        assert find_writes(path.read_text()), f"{rel} no longer writes: remove it from ALLOWED"


def test_the_scan_recognises_writes_and_ignores_lookalikes():
    writes = """
obj.save()
obj.save(update_fields=["x"])
qs.delete()
Model.objects.create(a=1)
Model.all_objects.filter(pk=1).update(a=2)
Model.objects.get_or_create(a=1)
Model.objects.bulk_create(rows)
rows.bulk_update(rows, ["a"])
form.save()
"""
    assert [kind for _line, kind in find_writes(writes)] == [
        "save",
        "save",
        "delete",
        "create",
        "update",
        "get_or_create",
        "bulk_create",
        "bulk_update",
        "save",
    ]
    lookalikes = """
ctx.update(page=1)
workbook.save(buffer)
cache.delete(key)
kind.delete(actor=user, instance=obj)
form.save(commit=False)
hashlib.sha256().update(data)
"""
    assert find_writes(lookalikes) == []
