"""Partner institutions, forums and contacts (generic pages), and the profile of a partner, forum or country:
the whole history of BPOM's cooperation with it on one page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from mitra.core.crud import Column, RecordKind
from mitra.core.web import PermissionMixin

from . import filters, forms, selectors, services
from .activity import activity
from .models import Contact, Country, Forum, Institution


def _institution_context(record: Institution, request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": activity().institution_profile(record),
        "contacts": record.contacts.all(),
        "forums": record.forums.all(),
    }


def _forum_context(record: Forum, request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": activity().forum_profile(record),
        "contacts": record.contacts.all(),
        "children": record.children.all(),
        "members": record.member_countries.all(),
    }


def _kind(
    name: str, prefix: str, model: Any, form: Any, columns: list[Column], queryset: Any, filterset: Any, **extra: Any
) -> RecordKind:
    return RecordKind(
        namespace="partners",
        name=name,
        url_prefix=prefix,
        model=model,
        form_class=form,
        columns=columns,
        queryset=queryset,
        filterset_class=filterset,
        create=services.create,
        update=services.update,
        delete=services.delete,
        create_perm="partners.edit",
        edit_perm="partners.edit",
        **extra,
    )


INSTITUTION = _kind(
    "institution",
    "instansi",
    Institution,
    forms.InstitutionForm,
    [
        Column(_("Name"), "name", link=True, sort="name"),
        Column(_("Acronym"), "acronym", sort="acronym"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Country"), "country"),
    ],
    selectors.institutions,
    filters.InstitutionFilter,
    default_ordering=["name"],
    detail_template="partners/institution_detail.html",
    detail_context=_institution_context,
    detail_fields=["name_id", "acronym", "kind", "country", "website", "notes"],
)
FORUM = _kind(
    "forum",
    "forum",
    Forum,
    forms.ForumForm,
    [
        Column(_("Name"), "name", link=True, sort="name"),
        Column(_("Acronym"), "acronym", sort="acronym"),
        Column(_("Parent forum"), "parent"),
        Column(_("Scope"), "scope", sort="scope"),
    ],
    selectors.forums,
    filters.ForumFilter,
    default_ordering=["name"],
    detail_template="partners/forum_detail.html",
    detail_context=_forum_context,
    detail_fields=["acronym", "parent", "scope", "organisation", "website", "notes"],
    initial_from_query=("parent",),
)
CONTACT = _kind(
    "contact",
    "kontak",
    Contact,
    forms.ContactForm,
    [
        Column(_("Name"), "name", link=True, sort="name"),
        Column(_("Role"), "role"),
        Column(_("Institution"), "institution"),
        Column(_("Forum"), "forum"),
        Column(_("E-mail"), "email"),
        Column(_("Phone"), "phone"),
        Column(_("Current"), "is_current"),
    ],
    selectors.contacts,
    filters.ContactFilter,
    default_ordering=["name"],
    detail_fields=["role", "institution", "forum", "email", "phone", "is_current", "notes"],
    initial_from_query=("institution", "forum"),
)

KINDS = [INSTITUTION, FORUM, CONTACT]


class CountryListView(PermissionMixin, ListView):
    permission_required = "core.view_records"
    template_name = "partners/country_list.html"
    paginate_by = 50
    context_object_name = "countries"

    def get_queryset(self) -> Any:
        self.filterset = filters.CountryFilter(self.request.GET or None, queryset=selectors.countries_with_activity())
        qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset
        if not self.request.GET.get("all"):
            qs = qs.filter(Q(n_institutions__gt=0) | Q(n_meetings__gt=0))
        return qs.order_by("name_id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


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
        return ctx
