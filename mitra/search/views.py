"""The results page: one search over every kind of record and every attached file."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from mitra.core.web import PermissionMixin, acting_user

from . import selectors
from .forms import SearchForm
from .text import MAX_QUERY_CHARS

PER_PAGE = 20


class SearchView(PermissionMixin, TemplateView):
    permission_required = "core.view_records"
    template_name = "search/results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        values = form.valid_values() if self.request.GET else {}
        page = values.get("page") or 1
        result = selectors.search(
            values.get("q", ""),
            filters=values,
            user=acting_user(self.request),
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
        )
        # An estimated result pages through its candidates only (selectors.CANDIDATES).
        num_pages = max(1, math.ceil(result.reachable / PER_PAGE))
        params = {k: v for k, v in values.items() if v not in (None, "") and k != "page"}

        def link(**change: Any) -> str:
            merged = {**params, **change}
            return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})

        facet_groups = []
        titles = {
            "kind": _("Kind"),
            "year": _("Year"),
            "scope": _("Scope"),
            "unit": _("Unit"),
            "partner": _("Partner"),
            "country": _("Country"),
        }
        for name, facet_values in result.facets.items():
            if not facet_values:
                continue
            facet_groups.append(
                {
                    "name": name,
                    "title": titles[name],
                    "values": [
                        {
                            "label": v.label,
                            "count": v.count,
                            "selected": v.selected,
                            "url": link(**{name: "" if v.selected else v.value}),
                        }
                        for v in facet_values
                    ],
                }
            )
        active = [
            {"title": titles[name], "label": self._active_label(result, name, value), "url": link(**{name: ""})}
            for name, value in result.filters.active().items()
        ]
        context.update(
            form=form,
            result=result,
            q=values.get("q", ""),
            facet_groups=facet_groups,
            active_filters=active,
            page=page,
            num_pages=num_pages,
            previous_url=link(page=page - 1) if page > 1 else "",
            next_url=link(page=page + 1) if page < num_pages else "",
            first_number=result.offset + 1,
            last_number=result.offset + len(result.hits),
            max_query_chars=MAX_QUERY_CHARS,
        )
        return context

    @staticmethod
    def _active_label(result: selectors.SearchResult, name: str, value: Any) -> str:
        for v in result.facets.get(name, []):
            if v.selected:
                return v.label
        return str(value)
