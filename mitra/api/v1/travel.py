"""/api/v1/travel/requests, /travel/travellers, /travel/steps, /travel/on-time/<year>/ — official foreign travel,
through mitra.travel's selectors and services (the same ones the interface uses).

Who sees what is the interface's rule: a requesting unit sees its own requests (and those of the units beneath
it), the bureau, leadership and administrators see every request. Travellers and document steps are visible only
with the request they belong to, so passport details and the papers' references stay with the people who may
open the request's page.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mitra.travel import kinds, selectors, services
from mitra.travel.models import Traveller, TravelRequest, TravelStatus, TravelStep

from ..errors import LimitedJSONParser
from ..filters import ApiFilterBackend, bounded
from ..permissions import RulesPermission
from ..serializers import RECORD_READ_ONLY, RecordSerializer, StrictSerializerMixin
from ..viewsets import IF_MATCH, ETagMixin, actor, expected_version

STATUS_READ_ONLY = ("service_unit", "status", "submitted_on", "documents_completed_on", "completed_on")


class TravellerSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Traveller
        fields = [*RECORD_READ_ONLY, "request", *kinds.TRAVELLER_FIELDS]


class TravellerChangeSerializer(RecordSerializer):
    """What may change on a traveller once added: the role and the passport (a new service passport arrives)."""

    class Meta(RecordSerializer.Meta):
        model = Traveller
        fields = [*RECORD_READ_ONLY, "request", *kinds.TRAVELLER_FIELDS]
        read_only_fields = (
            *RECORD_READ_ONLY,
            "request",
            *(f for f in kinds.TRAVELLER_FIELDS if f not in kinds.TRAVELLER_CHANGE_FIELDS),
        )


class StepSerializer(RecordSerializer):
    kind_code = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    due_on = serializers.SerializerMethodField()

    class Meta(RecordSerializer.Meta):
        model = TravelStep
        fields = [
            *RECORD_READ_ONLY,
            "request",
            "kind",
            "kind_code",
            "kind_name",
            *kinds.STEP_FIELDS,
            "due_on",
        ]
        read_only_fields = (*RECORD_READ_ONLY, "request", "kind")

    @extend_schema(responses=OpenApiTypes.DATE)  # type: ignore[misc]
    def get_due_on(self, step: TravelStep) -> Any:
        due = selectors.step_due(step)
        return due.isoformat() if due else None


class TravelRequestSerializer(RecordSerializer):
    travellers = TravellerSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta(RecordSerializer.Meta):
        model = TravelRequest
        fields = [
            *RECORD_READ_ONLY,
            *kinds.REQUEST_FIELDS,
            *STATUS_READ_ONLY,
            "travellers",
            "steps",
        ]
        read_only_fields = (*RECORD_READ_ONLY, *STATUS_READ_ONLY)
        extra_kwargs = {
            "estimated_cost": {"min_value": 0, "max_value": 10**15},
            "realised_cost": {"min_value": 0, "max_value": 10**15},
            "realised_visa_cost": {"min_value": 0, "max_value": 10**15},
            "realised_cancellation_cost": {"min_value": 0, "max_value": 10**15},
        }


class CancelSerializer(StrictSerializerMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TravelRequestFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="departure_date__year", min_value=1900, max_value=9999, decimal_places=0)
    status = filters.ChoiceFilter(choices=TravelStatus.choices)
    unit = filters.CharFilter(field_name="requesting_unit__code", max_length=40)

    class Meta:
        model = TravelRequest
        fields = ["year", "status", "unit"]


class VisibleRequestsMixin:
    request: Request

    def visible(self) -> QuerySet[TravelRequest]:
        if getattr(self, "swagger_fake_view", False):  # the schema is generated without a user
            return TravelRequest.objects.none()
        return selectors.visible_requests(actor(self.request))


class TravelRequestViewSet(
    VisibleRequestsMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Travel requests. PATCH/PUT change a draft (the requesting unit) or, once submitted, the cost and notes (the
    bureau); `submit`, `complete` and `cancel` move the request as the buttons of its page do. Requests are never
    deleted: cancel them with a reason."""

    permission_classes = [RulesPermission]
    parser_classes = [LimitedJSONParser]
    filter_backends = [ApiFilterBackend, OrderingFilter]
    read_perm = "travel.view"
    create_perm = "travel.create"
    edit_perm = "travel.edit_request"
    serializer_class = TravelRequestSerializer
    filterset_class = bounded(TravelRequestFilter)
    ordering_fields = ["departure_date", "return_date", "status", "updated_at"]
    ordering = ["-departure_date", "pk"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[TravelRequest]:
        return selectors.with_travellers(self.visible()).prefetch_related("steps__kind")

    def get_serializer_class(self) -> Any:
        return CancelSerializer if self.action == "cancel" else TravelRequestSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": f'"{instance.version}"'})

    def _saved(self, instance: TravelRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)
        data = TravelRequestSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{fresh.version}"'})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.request_create(actor=actor(request), data=serializer.validated_data)
        return self._saved(created, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        updated = services.request_update(
            actor=actor(request), request=instance, data=serializer.validated_data, expected_version=version
        )
        return self._saved(updated)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(request=None, responses=TravelRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Hand a draft to the bureau: its document steps are created."""
        return self._saved(services.request_submit(actor=actor(request), request=self.get_object()))

    @extend_schema(request=None, responses=TravelRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Close a trip after the return (every step done, the cost realised when the bureau pays)."""
        return self._saved(services.request_complete(actor=actor(request), request=self.get_object()))

    @extend_schema(request=CancelSerializer, responses=TravelRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        instance = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancelled = services.request_cancel(
            actor=actor(request), request=instance, reason=serializer.validated_data["reason"]
        )
        return self._saved(cancelled)


class TravellerViewSet(
    VisibleRequestsMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Travellers of the requests you may see. POST adds one to a draft, PATCH changes the passport details,
    DELETE removes one from a draft."""

    permission_classes = [RulesPermission]
    parser_classes = [LimitedJSONParser]
    filter_backends = [ApiFilterBackend, OrderingFilter]
    read_perm = "travel.view"
    create_perm = "travel.view"  # the request named in the body is checked by the service
    edit_perm = "travel.edit_request"
    filterset_fields = ["request"]
    ordering_fields = ["request"]
    ordering = ["request", "pk"]
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Traveller]:
        return Traveller.objects.filter(request__in=self.visible()).select_related(
            "request", "request__requesting_unit", "staff_member"
        )

    def get_serializer_class(self) -> Any:
        return TravellerChangeSerializer if self.action == "partial_update" else TravellerSerializer

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        # Passport details change while the bureau works the request: the service decides (draft → requester,
        # in process → the bureau); reading needs only that the request is visible, which the queryset ensures.
        if request.method == "PATCH":
            return
        super().check_object_permissions(request, obj)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": f'"{instance.version}"'})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TravellerSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        travel = data["request"]
        if not self.visible().filter(pk=travel.pk).exists():
            raise serializers.ValidationError({"request": ["Invalid pk - object does not exist."]})
        traveller = services.traveller_add(
            actor=actor(request),
            request=travel,
            staff_member=data["staff_member"],
            role=data.get("role", ""),
            passport_number=data.get("passport_number", ""),
            passport_expires_on=data.get("passport_expires_on"),
        )
        body = TravellerSerializer(traveller, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": f'"{traveller.version}"'})

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version = expected_version(request)
        serializer = TravellerChangeSerializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.traveller_update(
            actor=actor(request), traveller=instance, data=serializer.validated_data, expected_version=version
        )
        body = TravellerSerializer(updated, context=self.get_serializer_context()).data
        return Response(body, headers={"ETag": f'"{updated.version}"'})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.traveller_remove(actor=actor(request), traveller=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class StepViewSet(
    VisibleRequestsMixin, ETagMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Document steps (assignment letter, State Secretariat approval, political clearance, passport, visa,
    back-to-office report) of the requests you may see. PATCH records the bureau's work on a step."""

    permission_classes = [RulesPermission]
    parser_classes = [LimitedJSONParser]
    filter_backends = [ApiFilterBackend, OrderingFilter]
    read_perm = "travel.view"
    edit_perm = "travel.process"
    serializer_class = StepSerializer
    filterset_fields = ["request"]
    ordering_fields = ["request", "requested_on", "completed_on"]
    ordering = ["request", "kind__order", "pk"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[TravelStep]:
        return TravelStep.objects.filter(request__in=self.visible()).select_related(
            "kind", "request", "request__service_unit", "request__requesting_unit"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": f'"{instance.version}"'})

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        step = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(step, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.step_update(
            actor=actor(request), step=step, data=serializer.validated_data, expected_version=version
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": f'"{fresh.version}"'})


class OnTimeRowSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request.pk")
    departure_date = serializers.DateField(source="request.departure_date")
    deadline = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    on_time = serializers.BooleanField()
    arrived_late = serializers.BooleanField()


class OnTimeSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    measured = serializers.IntegerField()
    on_time = serializers.IntegerField(source="on_time_count")
    percentage = serializers.DecimalField(
        source="pct", max_digits=7, decimal_places=2, allow_null=True, rounding=ROUND_HALF_UP
    )
    rows = OnTimeRowSerializer(many=True)


class OnTimeView(ETagMixin, APIView):
    """The on-time indicator of a year: requests whose documents were complete by their deadline, of those
    measured (documents complete, or deadline passed), with the list behind the figure."""

    permission_classes = [RulesPermission]
    read_perm = "travel.view_all"

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=OnTimeSerializer,
    )
    def get(self, request: Request, year: str) -> Response:
        # The path takes any text so that a malformed year answers JSON 404 like every other API miss.
        if not (year.isascii() and year.isdigit()) or not 1900 <= int(year) <= 9999:
            raise NotFound(f"No travel data for {year}.")
        return Response(OnTimeSerializer(selectors.on_time(int(year))).data)
