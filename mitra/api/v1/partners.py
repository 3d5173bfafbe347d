"""/api/v1/countries, /partners (institutions), /forums — through mitra.partners' selectors and services."""

from __future__ import annotations

from rest_framework import serializers

from mitra.partners import kinds, selectors, services
from mitra.partners.filters import ContactFilter, ForumFilter, InstitutionFilter
from mitra.partners.models import Country

from ..filters import bounded
from ..serializers import StrictSerializerMixin, serializer_for
from ..viewsets import ReadOnlyViewSet, RecordViewSet


class CountrySerializer(StrictSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "numeric", "name_id", "name_en"]


class CountryViewSet(ReadOnlyViewSet):
    """Countries (ISO 3166), reference data: read only."""

    queryset_fn = staticmethod(lambda: Country.objects.all())
    serializer_class = CountrySerializer
    lookup_field = "code"
    ordering_fields = ["code", "name_id", "name_en"]
    ordering = ["code"]
    filterset_fields = ["code"]


InstitutionSerializer = serializer_for(kinds.INSTITUTION)


class PartnerViewSet(RecordViewSet):
    """Partner institutions."""

    queryset_fn = staticmethod(selectors.institutions)
    serializer_class = InstitutionSerializer
    filterset_class = bounded(InstitutionFilter)
    ordering_fields = ["name", "acronym", "country", "updated_at"]
    ordering = ["name", "pk"]
    create_perm = edit_perm = services.PERM
    create_fn = staticmethod(services.create)
    update_fn = staticmethod(services.update)
    delete_fn = staticmethod(services.delete)


ForumSerializer = serializer_for(kinds.FORUM)


class ForumViewSet(RecordViewSet):
    """Forums (ASEAN → ACCSQ → PPWG …)."""

    queryset_fn = staticmethod(lambda: selectors.forums().prefetch_related("member_countries"))
    serializer_class = ForumSerializer
    filterset_class = bounded(ForumFilter)
    ordering_fields = ["name", "acronym", "scope", "updated_at"]
    ordering = ["name", "pk"]
    create_perm = edit_perm = services.PERM
    create_fn = staticmethod(services.create)
    update_fn = staticmethod(services.update)
    delete_fn = staticmethod(services.delete)


ContactSerializer = serializer_for(kinds.CONTACT)


class ContactViewSet(RecordViewSet):
    """Contact persons of partner institutions and forums."""

    queryset_fn = staticmethod(selectors.contacts)
    serializer_class = ContactSerializer
    filterset_class = bounded(ContactFilter)
    ordering_fields = ["name", "updated_at"]
    ordering = ["name", "pk"]
    create_perm = edit_perm = services.PERM
    create_fn = staticmethod(services.create)
    update_fn = staticmethod(services.update)
    delete_fn = staticmethod(services.delete)
