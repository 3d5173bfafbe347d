"""The main navigation, by domain area. Each app adds its section here when it lands."""

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


SECTIONS: list[NavItem] = [
    NavItem(_("Home"), "core:home", "house", "core.view_records"),
    NavItem(_("Organisation"), "core:organisation", "diagram-3", "core.view_records", "/organisasi/"),
    NavItem(_("Audit trail"), "core:audit-log", "shield-check", "core.view_audit", "/audit/"),
]


def navigation_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = []
    for item in SECTIONS:
        if not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = path.startswith(item.prefix) if item.prefix else path == url
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
