"""The main navigation, by domain area. Each app adds its section here when it lands.

The bureau's own areas (organisation, performance, reports, data exchange) are shown to the bureau, leadership and
administrators (`core.view_bureau`); a user of a unit outside the bureau sees home, the registry, partners and
travel: what they can use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    icon: str
    permission: str
    # Paths under this prefix mark the item as the current page.
    prefix: str = ""
    # Pages of the area, shown as a drop-down: (label, url name).
    children: tuple[tuple[Any, str], ...] = ()
    # The areas of "my work" (core/work.py) counted in the item's badge; "*" counts them all.
    work_areas: tuple[str, ...] = ()


SECTIONS: list[NavItem] = [
    NavItem(_("Home"), "core:home", "house", "core.view_records", work_areas=("*",)),
    NavItem(
        _("Cooperation"),
        "cooperation:dashboard",
        "globe2",
        "core.view_records",
        "/kerjasama/",
        (
            (_("Dashboard"), "cooperation:dashboard"),
            (_("Cooperations"), "cooperation:cooperation-list"),
            (_("Agreements"), "cooperation:agreement-list"),
            (_("Position papers"), "cooperation:positionpaper-list"),
            (_("Studies and explorations"), "cooperation:study-list"),
            (_("Meetings"), "cooperation:meeting-list"),
            (_("Agenda items and requests"), "cooperation:agendaitem-list"),
            (_("Follow-up actions"), "cooperation:followup-list"),
            (_("Outreach events"), "cooperation:outreachevent-list"),
            (_("Publications"), "cooperation:publication-list"),
            (_("Indicators"), "cooperation:indicator-index"),
        ),
        work_areas=("follow_ups", "agreements", "reminders", "assignments", "meeting_reports"),
    ),
    NavItem(
        _("Partners"),
        "partners:institution-list",
        "people",
        "core.view_records",
        "/mitra/",
        (
            (_("Partner institutions"), "partners:institution-list"),
            (_("Forums"), "partners:forum-list"),
            (_("Countries"), "partners:country-list"),
            (_("Contact persons"), "partners:contact-list"),
        ),
    ),
    NavItem(
        _("Travel"),
        "travel:queue",
        "airplane",
        "travel.view",
        "/perjalanan/",
        ((_("Travel requests"), "travel:queue"), (_("Travel calendar"), "travel:calendar")),
        work_areas=("travel",),
    ),
    NavItem(_("Organisation"), "core:organisation", "diagram-3", "core.view_bureau", "/organisasi/"),
    NavItem(
        _("Performance"),
        "performance:home",
        "graph-up-arrow",
        "core.view_bureau",
        "/kinerja/",
        (
            (_("Performance overview"), "performance:home"),
            (_("Approvals"), "performance:approvals"),
            (_("SAKIP evaluation"), "evaluation:index"),
        ),
        work_areas=("quarters", "evaluation"),
    ),
    NavItem(_("Reports"), "reports:index", "file-earmark-text", "core.view_bureau", "/laporan/"),
    NavItem(
        _("Data exchange"),
        "exchange:import",
        "arrow-left-right",
        "core.view_bureau",
        "/pertukaran/",
        ((_("Import from Excel"), "exchange:import"), (_("API documentation"), "api-v1:docs")),
    ),
    NavItem(_("Audit trail"), "core:audit-log", "shield-check", "core.view_audit", "/audit/"),
]


def badge(item: NavItem, counts: dict[str, int]) -> int:
    if "*" in item.work_areas:
        return sum(counts.values())
    return sum(counts.get(area, 0) for area in item.work_areas)


def navigation_for(user: Any, path: str, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The sections the user may see; `counts` (work items by area) gives each its badge."""
    items = []
    for item in SECTIONS:
        if not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = path.startswith(item.prefix) if item.prefix else path == url
        children = [{"label": label, "url": reverse(name)} for label, name in item.children]
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "active": active,
                "children": children,
                "badge": badge(item, counts or {}),
            }
        )
    return items
