"""Partner institutions, forums and contacts (generic pages), and the profile of a partner, forum or country:
the whole history of BPOM's cooperation with it on one page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.generic import DetailView, ListView, View

from mitra.core.web import PermissionMixin

from . import filters, selectors
from .activity import activity, trips
from .models import Country


class CountryListView(PermissionMixin, ListView):
    permission_required = "core.view_records"
    template_name = "partners/country_list.html"
    paginate_by = 50
    context_object_name = "countries"

    def get_queryset(self) -> Any:
        self.filterset = filters.CountryFilter(self.request.GET or None, queryset=Country.objects.all())
        qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset
        return selectors.countries_with_activity(qs, everyone=bool(self.request.GET.get("all")))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        selectors.count_meetings(ctx["object_list"])  # the page's countries only
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


class ForumSuggestView(PermissionMixin, View):
    """Forums matching what was typed in a forum filter, as JSON for its datalist (static/mitra/suggest.js)."""

    permission_required = "core.view_records"

    def get(self, request: HttpRequest) -> JsonResponse:
        rows = filters.forum_suggestions(request.GET.get("q", "")[:100])
        return JsonResponse({"results": rows}, json_dumps_params={"ensure_ascii": False})


class CountryDetailView(PermissionMixin, DetailView):
    permission_required = "core.view_records"
    template_name = "partners/country_detail.html"
    model = Country
    context_object_name = "country"

    def get_permission_object(self) -> None:
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["profile"] = activity().country_profile(self.object)
        ctx["institutions"] = self.object.institutions.all()
        ctx["meetings"] = activity().meetings_in(self.object)[:20]
        ctx["trips"] = trips(self.request.user, country=self.object)
        return ctx
