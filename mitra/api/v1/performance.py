"""/api/v1/performance/…: plans, indicators and their targets, sub-activities, quarterly realisation, and the
measurement of a year (the same JSON as `mitra measurement --year`).

Plans, indicators, targets and sub-activities are read only here (the planner keeps them in the interface);
realisation is written through `performance.services.realisation_record`, with the same checks (unit, open
quarter, ceiling) as the quarterly form.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mitra.performance import selectors, services
from mitra.performance.models import (
    Indicator,
    IndicatorTarget,
    PerformanceYear,
    QuarterEntry,
    StrategicPlan,
    SubActivity,
)

from ..errors import LimitedJSONParser
from ..permissions import RulesPermission
from ..serializers import RECORD_READ_ONLY, RecordSerializer
from ..viewsets import IF_MATCH, ETagMixin, ReadOnlyViewSet, actor, body_etag, expected_version

PERF_READ = "performance.view"


class PlanSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = StrategicPlan
        fields = [
            *RECORD_READ_ONLY,
            "name",
            "owner_unit",
            "start_year",
            "end_year",
            "vision",
            "missions",
            "decree",
            "notes",
        ]


class IndicatorSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Indicator
        fields = [
            *RECORD_READ_ONLY,
            "plan",
            "code",
            "name",
            "unit_of_measure",
            "direction",
            "strategic_target",
            "activity_target",
            "is_key",
            "source_kind",
            "source_key",
            "order",
            "notes",
            # The Manual IKU (operational definition) of the indicator, printed in the LAKIP.
            "definition",
            "formula",
            "data_source",
            "frequency",
        ]


class IndicatorTargetSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = IndicatorTarget
        fields = [*RECORD_READ_ONLY, "indicator", "year", "target", "target_label", "realised", "notes"]


class SubActivitySerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = SubActivity
        fields = [
            *RECORD_READ_ONLY,
            "year",
            "output",
            "number",
            "name",
            "owner_unit",
            "ceiling",
            "output_target",
            "output_unit",
            "output_description",
            "indicator",
            "notes",
        ]


class RealisationSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = QuarterEntry
        fields = [
            *RECORD_READ_ONLY,
            "sub_activity",
            "quarter",
            "planned_output",
            "planned_budget",
            "output_realised",
            "budget_realised",
            "obstacles",
            "follow_up",
            "evidence",
            "over_ceiling_reason",
        ]
        read_only_fields = (*RECORD_READ_ONLY, "sub_activity", "quarter", "planned_output", "planned_budget")
        extra_kwargs = {"output_realised": {"min_value": 0}, "budget_realised": {"min_value": 0}}


class YearFilter(filters.FilterSet):
    year = filters.NumberFilter(min_value=1900, max_value=9999, max_digits=4, decimal_places=0)


class TargetFilter(YearFilter):
    indicator = filters.NumberFilter(min_value=1, max_value=2**62, max_digits=19, decimal_places=0)


class RealisationFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="sub_activity__year", min_value=1900, max_value=9999, decimal_places=0)
    quarter = filters.NumberFilter(min_value=1, max_value=4, decimal_places=0)
    unit = filters.CharFilter(field_name="sub_activity__owner_unit__code", max_length=40)


class PerformanceViewSet(ReadOnlyViewSet):
    read_perm = PERF_READ
    lookup_value_regex = r"[0-9]{1,18}"


class PlanViewSet(PerformanceViewSet):
    """Strategic plans (Renstra)."""

    queryset_fn = staticmethod(lambda: StrategicPlan.objects.select_related("owner_unit"))
    serializer_class = PlanSerializer
    ordering_fields = ["start_year", "name"]
    ordering = ["start_year", "pk"]


class IndicatorViewSet(PerformanceViewSet):
    queryset_fn = staticmethod(lambda: Indicator.objects.select_related("plan"))
    serializer_class = IndicatorSerializer
    ordering_fields = ["order", "code"]
    ordering = ["plan", "order", "pk"]
    filterset_fields = ["plan", "is_key"]


class IndicatorTargetViewSet(PerformanceViewSet):
    """Each indicator's target (and entered realisation, where not computed) per year."""

    queryset_fn = staticmethod(lambda: IndicatorTarget.objects.select_related("indicator"))
    serializer_class = IndicatorTargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["year", "indicator"]
    ordering = ["year", "indicator", "pk"]


class SubActivityViewSet(PerformanceViewSet):
    """Sub-activities of the budget (appendix 4 lines): ceiling, output target, responsible unit."""

    queryset_fn = staticmethod(selectors.sub_activities_all)
    serializer_class = SubActivitySerializer
    filterset_class = YearFilter
    ordering_fields = ["year", "number", "ceiling"]
    ordering = ["year", "number", "pk"]


class RealisationViewSet(mixins.UpdateModelMixin, PerformanceViewSet):
    """Quarterly realisation of each sub-activity. PATCH records it (If-Match; open quarters of your unit only)."""

    queryset_fn = staticmethod(lambda: QuarterEntry.objects.select_related("sub_activity", "sub_activity__owner_unit"))
    serializer_class = RealisationSerializer
    filterset_class = RealisationFilter
    ordering_fields = ["quarter", "sub_activity"]
    ordering = ["sub_activity__year", "sub_activity__number", "quarter", "pk"]
    edit_perm = "performance.enter_realisation"
    parser_classes = [LimitedJSONParser]
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = services.realisation_record(
            actor=actor(request),
            year=entry.sub_activity.year,
            sub_activity=entry.sub_activity,
            quarter=entry.quarter,
            data=serializer.validated_data,
            expected_version=version,
        )
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": f'"{fresh.version}"'})

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.partial_update(request, *args, **kwargs)


class YearsSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())


class MeasurementView(ETagMixin, APIView):
    """The performance measurement of a year: budget, outputs, sub-activities, indicators, SAKIP — money as
    integers, percentages as decimal strings. Exactly `mitra measurement --year YEAR`."""

    permission_classes = [RulesPermission]
    read_perm = PERF_READ

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, year: str) -> Response:
        # The path takes any text so that a malformed year answers JSON 404 like every other API miss.
        if not (year.isascii() and year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 9999):
            raise NotFound(f"No performance data for {year}.")
        number = int(year)
        if not (
            SubActivity.objects.filter(year=number).exists() or PerformanceYear.objects.filter(year=number).exists()
        ):
            raise NotFound(f"No performance data for {number}.")
        data = selectors.measurement_json(number)
        return Response(data, headers={"ETag": body_etag(data)})


class YearsView(ETagMixin, APIView):
    """The years that have performance data."""

    permission_classes = [RulesPermission]
    read_perm = PERF_READ

    @extend_schema(responses=YearsSerializer)
    def get(self, request: Request) -> Response:
        return Response({"years": selectors.years()})
