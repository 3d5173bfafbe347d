"""Dependencies between the apps flow one way: an app imports only the apps below it in LAYERS, never one above it
or beside it, neither at module level nor inside a function. Where a lower app needs something of a higher one, the
higher app fills in a registry of the lower one in its AppConfig.ready() (performance/sources.py,
partners/activity.py). The reports package has no import cycle of its own.

The check reads the source (ast), so an import inside a function counts, and so does a dotted name given as a
string ("mitra.travel" in apps.is_installed() or import_module()); tests are left out (an app's tests may use the
apps above it to check how they meet). Model relations are checked the same way through Django's app registry."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent / "mitra"

# Lowest first. An app may import the apps of the layers before its own.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("tasks",),  # the background queue's worker, schedule and retries; apps register their tasks in it
    ("documents",),  # attachments of any record
    ("partners",),
    ("cooperation",),  # the registry
    ("performance",),  # owns indicators; the registry's figures are offered to it as sources
    ("travel",),  # travel requests are paid from performance sub-activities and feed its indicators
    ("reports", "search", "public"),  # public: the anonymous view of what the head marked public
    ("evaluation",),  # the SAKIP evaluation worksheet: reads performance, cooperation and documents as evidence
    ("api",),  # the REST API over the apps below it, search included
    ("exchange",),  # the calendar feed answers through the API's authentication and permission classes
    ("demo",),  # loads every app's demo data through its services
]
LEVEL = {app: i for i, layer in enumerate(LAYERS) for app in layer}

# (importer, imported): why it is still allowed. Keep this short; each entry is a debt with a reason.
ALLOWED: dict[tuple[str, str], str] = {}


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


def _modules(app: str) -> Iterator[Path]:
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" not in path.relative_to(ROOT / app).parts:
            yield path


def _imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every absolute import and every string that names a module of mitra."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            if node.module == "mitra":
                for alias in node.names:
                    yield node.lineno, f"mitra.{alias.name}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("mitra."):
            yield node.lineno, node.value


def _app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "mitra" else None


def upward_imports() -> list[str]:
    found = []
    for app in _apps():
        for path in _modules(app):
            for line, name in _imported(ast.parse(path.read_text(), str(path))):
                target = _app_of(name)
                if target is None or target == app or target not in LEVEL or (app, target) in ALLOWED:
                    continue
                if LEVEL[target] >= LEVEL[app]:
                    found.append(f"{path.relative_to(ROOT.parent)}:{line}: {app} imports {name}")
    return found


def test_every_app_has_a_layer() -> None:
    assert sorted(set(_apps()) - set(LEVEL)) == []


def test_no_app_imports_an_app_above_or_beside_it() -> None:
    assert upward_imports() == []


def test_allowances_are_still_needed() -> None:
    """An allowance whose import is gone is removed, so the list shows the real debts only."""
    used = set()
    for importer, imported in ALLOWED:
        for path in _modules(importer):
            names = {_app_of(n) for _line, n in _imported(ast.parse(path.read_text()))}
            if imported in names:
                used.add((importer, imported))
    assert sorted(set(ALLOWED) - used) == []


def test_the_checker_sees_imports_inside_functions_and_named_in_strings() -> None:
    source = (
        "import os\n"
        "def f():\n"
        "    from mitra.travel.models import TravelRequest\n"
        "    return apps.is_installed('mitra.search')\n"
        "from mitra import reports\n"
    )
    found = sorted((line, _app_of(name)) for line, name in _imported(ast.parse(source)) if _app_of(name))
    assert found == [(3, "travel"), (4, "search"), (5, "reports")]


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_no_model_relates_to_a_model_of_an_app_above(app: str) -> None:
    if not django_apps.is_installed(f"mitra.{app}"):
        pytest.skip(f"mitra.{app} is not installed")
    upward = []
    for model in django_apps.get_app_config(app).get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is None or not field.concrete:  # reverse relations belong to the other side
                continue
            target = related._meta.app_label
            if target in LEVEL and target != app and LEVEL[target] >= LEVEL[app] and (app, target) not in ALLOWED:
                upward.append(f"{model._meta.label}.{field.name} → {related._meta.label}")
    assert upward == []


def _reports_graph() -> dict[str, set[str]]:
    """Module → the modules of mitra.reports it imports (anywhere in the module, relative or absolute)."""
    package = ROOT / "reports"
    files = [p for p in package.rglob("*.py") if "tests" not in p.relative_to(package).parts]

    def package_of(path: Path) -> list[str]:
        return list(path.parent.relative_to(package).parts)

    def name_of(path: Path) -> str:
        parts = package_of(path) + ([] if path.name == "__init__.py" else [path.stem])
        return ".".join(parts) or "__init__"

    modules = {name_of(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package_of(path)[: len(package_of(path)) - (node.level - 1)]
                stem = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[:2] == ["mitra", "reports"]:
                stem = node.module.split(".")[2:]
            else:
                continue
            for alias in node.names:
                for candidate in (".".join([*stem, alias.name]), ".".join(stem)):
                    if candidate in modules and candidate != name:
                        targets.add(candidate)
                        break
        graph[name] = targets
    return graph


def test_the_reports_package_has_no_import_cycle() -> None:
    graph = _reports_graph()
    assert {"lakip", "monitoring", "renderers.pdf"} <= graph["generate"]  # the graph sees imports in functions
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []
