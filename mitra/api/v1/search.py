"""/api/v1/search/: the full-text search of the search app (`mitra.search.selectors.search`), when installed.

Wired by v1/urls.py only if `mitra.search.selectors.search` exists; the view passes the query and answers the
selector's results as JSON (each result turned into a dict by `to_dict`, or its attributes).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import RulesPermission
from ..viewsets import ETagMixin


def _plain(result: Any) -> Any:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return result if isinstance(result, dict | str | int) else str(result)


class SearchView(ETagMixin, APIView):
    permission_classes = [RulesPermission]
    read_perm = "core.view_records"

    @extend_schema(
        parameters=[OpenApiParameter("q", {"type": "string", "minLength": 1, "maxLength": 200}, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        from mitra.search import selectors  # type: ignore[import-not-found,unused-ignore]

        query = request.query_params.get("q", "").strip()
        if not query or len(query) > 200:
            raise ValidationError({"q": ["Give a search text of 1 to 200 characters."]})
        results = selectors.search(query, user=request.user)
        return Response({"query": query, "results": [_plain(r) for r in list(results)[:100]]})
