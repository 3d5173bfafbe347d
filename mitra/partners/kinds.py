"""Partner institutions, forums and contacts, each declared once (see core/crud.py `RecordKind`): the fields give the
form, the detail page, the API serializer (mitra/api/v1/partners.py) and the text search reads."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.core.crud import Column, RecordKind

from . import filters, forms, selectors, services
from .activity import activity, trips
from .models import Contact, Forum, Institution

TEXT = django_forms.Textarea(attrs={"rows": 3})


def _institution_context(record: Institution, request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": activity().institution_profile(record),
        "contacts": record.contacts.all(),
        "forums": record.forums.all(),
        "trips": trips(request.user, institution=record),
    }


def _forum_context(record: Forum, request: HttpRequest) -> dict[str, Any]:
    return {
        "profile": activity().forum_profile(record),
        "contacts": record.contacts.all(),
        "children": record.children.all(),
        "members": record.member_countries.all(),
    }


def _kind(
    name: str,
    prefix: str,
    model: Any,
    fields: tuple[str, ...],
    columns: list[Column],
    queryset: Any,
    filterset: Any,
    **extra: Any,
) -> RecordKind:
    return RecordKind(
        namespace="partners",
        name=name,
        url_prefix=prefix,
        model=model,
        fields=fields,
        columns=columns,
        queryset=queryset,
        filterset_class=filterset,
        create=services.create,
        update=services.update,
        delete=services.delete,
        widgets={"notes": TEXT},
        formfield_callback=forms.https_by_default,
        create_perm="partners.edit",
        edit_perm="partners.edit",
        heading="name",
        **{"form_base": forms.PartnerForm, **extra},
    )


INSTITUTION = _kind(
    "institution",
    "instansi",
    Institution,
    ("name", "name_id", "acronym", "kind", "country", "website", "notes", "is_illustrative"),
    [
        Column(_("Name"), "name", link=True, sort="name"),
        Column(_("Acronym"), "acronym", sort="acronym"),
        Column(_("Type"), "kind", sort="kind"),
        Column(_("Country"), "country"),
    ],
    selectors.institutions,
    filters.InstitutionFilter,
    search_fields=("name_id", "notes"),  # the name and acronym are the search title
    default_ordering=["name"],
    detail_template="partners/institution_detail.html",
    detail_context=_institution_context,
)
FORUM = _kind(
    "forum",
    "forum",
    Forum,
    ("name", "acronym", "parent", "scope", "organisation", "member_countries", "website", "notes", "is_illustrative"),
    [
        Column(_("Name"), "name", link=True, sort="name"),
        Column(_("Acronym"), "acronym", sort="acronym"),
        Column(_("Parent forum"), "parent"),
        Column(_("Scope"), "scope", sort="scope"),
    ],
    selectors.forums,
    filters.ForumFilter,
    search_fields=("notes",),  # the name and acronym are the search title
    form_base=forms.ForumForm,
    default_ordering=["name"],
    not_in_detail={"member_countries": "the profile lists the member countries in a section of their own"},
    detail_template="partners/forum_detail.html",
    detail_context=_forum_context,
    initial_from_query=("parent",),
)
CONTACT = _kind(
    "contact",
    "kontak",
    Contact,
    ("institution", "forum", "name", "role", "email", "phone", "is_current", "notes"),
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
    initial_from_query=("institution", "forum"),
)

KINDS = [INSTITUTION, FORUM, CONTACT]
BY_MODEL = {kind.model: kind for kind in KINDS}
