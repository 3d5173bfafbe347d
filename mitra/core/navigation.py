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


SECTIONS: list[NavItem] = [
    NavItem(_("Home"), "core:home", "house", "core.view_records"),
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
            (_("Follow-up actions"), "cooperation:followup-list"),
            (_("Outreach events"), "cooperation:outreachevent-list"),
            (_("Publications"), "cooperation:publication-list"),
            (_("Indicators"), "cooperation:indicator-index"),
        ),
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
    ),
    NavItem(_("Organisation"), "core:organisation", "diagram-3", "core.view_bureau", "/organisasi/"),
    NavItem(_("Performance"), "performance:home", "graph-up-arrow", "core.view_bureau", "/kinerja/"),
    NavItem(
        _("SAKIP evaluation"),
        "evaluation:index",
        "clipboard-check",
        "evaluation.view",
        "/evaluasi/",
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


def navigation_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for item in SECTIONS:
        if not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = path.startswith(item.prefix) if item.prefix else path == url
        children = [{"label": label, "url": reverse(name)} for label, name in item.children]
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active, "children": children})
    return items
