"""/api/v1/cooperations, agreements, position-papers, studies, meetings, follow-ups, outreach, publications,
deliverables, agenda-items (agenda items and partners' requests) — the registry, through mitra.cooperation's
selectors and services (the same ones the interface uses)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mitra.cooperation import filters as f
from mitra.cooperation import kinds, selectors, services
from mitra.cooperation.models import (
    Stage,
)

from ..filters import bounded
from ..serializers import StrictSerializerMixin, serializer_for
from ..viewsets import IF_MATCH, RecordViewSet, actor, expected_version

CooperationSerializer = serializer_for(kinds.COOPERATION)


class StageChangeSerializer(StrictSerializerMixin, serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RegistryViewSet(RecordViewSet):
    create_perm = "cooperation.create_records"
    edit_perm = services.EDIT
    create_fn = staticmethod(services.create)
    update_fn = staticmethod(services.update)
    delete_fn = staticmethod(services.delete)
    lookup_value_regex = r"[0-9]{1,18}"


class CooperationViewSet(RegistryViewSet):
    """Cooperations. The stage changes only through `change-stage` (which records the date), as in the interface."""

    queryset_fn = staticmethod(selectors.cooperations)
    serializer_class = CooperationSerializer
    filterset_class = bounded(f.CooperationFilter)
    ordering_fields = ["title", "scope", "stage", "stage_since", "updated_at"]
    ordering = ["title", "pk"]

    @extend_schema(request=StageChangeSerializer, responses=CooperationSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="change-stage")
    def change_stage(self, request: Request, pk: Any = None) -> Response:
        cooperation = self.get_object()
        version = expected_version(request)
        serializer = StageChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.change_stage(
            actor=actor(request), cooperation=cooperation, expected_version=version, **serializer.validated_data
        )
        return self._saved(updated)

    def get_serializer_class(self) -> Any:
        return StageChangeSerializer if self.action == "change_stage" else CooperationSerializer

    def get_object(self) -> Any:
        if self.action == "change_stage":
            obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
            self.check_object_permissions(self.request, obj)
            return obj
        return super().get_object()


AgreementSerializer = serializer_for(kinds.AGREEMENT)
PositionPaperSerializer = serializer_for(kinds.POSITION_PAPER)
StudySerializer = serializer_for(kinds.STUDY)
MeetingSerializer = serializer_for(kinds.MEETING)
FollowUpSerializer = serializer_for(kinds.FOLLOW_UP)
OutreachEventSerializer = serializer_for(kinds.OUTREACH)
PublicationSerializer = serializer_for(kinds.PUBLICATION)
DeliverableSerializer = serializer_for(kinds.DELIVERABLE)
AgendaItemSerializer = serializer_for(kinds.AGENDA_ITEM)


class AgreementViewSet(RegistryViewSet):
    """Agreements (MoU, LoA, arrangement, RoD); `expires_on` is computed from the end date or the duration."""

    queryset_fn = staticmethod(selectors.agreements)
    serializer_class = AgreementSerializer
    filterset_class = bounded(f.AgreementFilter)
    ordering_fields = ["date_signed", "expires_on", "title", "kind", "updated_at"]
    ordering = ["-date_signed", "pk"]


class PositionPaperViewSet(RegistryViewSet):
    queryset_fn = staticmethod(selectors.position_papers)
    serializer_class = PositionPaperSerializer
    filterset_class = bounded(f.PositionPaperFilter)
    ordering_fields = ["year", "title", "status", "updated_at"]
    ordering = ["-year", "pk"]


class StudyViewSet(RegistryViewSet):
    """Studies and explorations."""

    queryset_fn = staticmethod(selectors.studies)
    serializer_class = StudySerializer
    filterset_class = bounded(f.StudyFilter)
    ordering_fields = ["year", "title", "kind", "updated_at"]
    ordering = ["-year", "pk"]


class MeetingViewSet(RegistryViewSet):
    queryset_fn = staticmethod(selectors.meetings)
    serializer_class = MeetingSerializer
    filterset_class = bounded(f.MeetingFilter)
    ordering_fields = ["start_date", "end_date", "title", "updated_at"]
    ordering = ["-start_date", "pk"]


class FollowUpViewSet(RegistryViewSet):
    queryset_fn = staticmethod(selectors.follow_ups)
    serializer_class = FollowUpSerializer
    filterset_class = bounded(f.FollowUpFilter)
    ordering_fields = ["due_date", "status", "updated_at"]
    ordering = ["due_date", "pk"]


class OutreachEventViewSet(RegistryViewSet):
    """Workshops, seminars and socialisation events."""

    queryset_fn = staticmethod(selectors.outreach_events)
    serializer_class = OutreachEventSerializer
    filterset_class = bounded(f.OutreachEventFilter)
    ordering_fields = ["date", "title", "kind", "updated_at"]
    ordering = ["-date", "pk"]


class PublicationViewSet(RegistryViewSet):
    queryset_fn = staticmethod(selectors.publications)
    serializer_class = PublicationSerializer
    filterset_class = bounded(f.PublicationFilter)
    ordering_fields = ["date", "edition", "updated_at"]
    ordering = ["-date", "pk"]


class DeliverableViewSet(RegistryViewSet):
    """What an agreement commits BPOM to deliver: owner, due date, status, completion date."""

    queryset_fn = staticmethod(selectors.deliverables)
    serializer_class = DeliverableSerializer
    filterset_class = bounded(f.DeliverableFilter)
    ordering_fields = ["due_date", "status", "updated_at"]
    ordering = ["due_date", "pk"]


class AgendaItemViewSet(RegistryViewSet):
    """Agenda items of meetings and requests from partners with an external deadline; the units' answers are
    given in the interface (Kerjasama → Agenda dan permintaan)."""

    queryset_fn = staticmethod(selectors.agenda_items)
    serializer_class = AgendaItemSerializer
    filterset_class = bounded(f.AgendaItemFilter)
    ordering_fields = ["response_deadline", "external_deadline", "title", "updated_at"]
    ordering = ["response_deadline", "pk"]
