"""The viewset every API resource uses: reads through a selector, writes through the app's services.

- ETag on every successful read (`"<version>"` for a record, a digest of the body for a list); If-None-Match
  answers 304.
- PUT, PATCH and DELETE need `If-Match: "<version>"` (428 without it); the version goes to the service as
  `expected_version`, so a stale write is refused inside the service's row lock and answers 412.
- DELETE is a soft delete and needs `?reason=`; it is kept in the history like a deletion in the interface.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from mitra.core.models import User

from .errors import LimitedJSONParser, PreconditionFailed, PreconditionRequired
from .filters import ApiFilterBackend
from .permissions import RulesPermission

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    pattern=r'^(\*|(W/)?"[0-9]{1,9}")$',
    description='The ETag of the record as read (its version in quotes, e.g. "3"); "*" overwrites knowingly.',
)
REASON = OpenApiParameter(
    "reason", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, description="Why the record is deleted."
)
_ETAG = re.compile(r'(?:W/)?"([0-9]{1,9})"')


def body_etag(data: Any) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f'"{digest}"'


def expected_version(request: Request) -> int | None:
    """The version the client holds, from If-Match; None for "*" (the client overwrites knowingly)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return None
    match = _ETAG.fullmatch(header)
    if not match:  # malformed, negative, or more digits than any version has: it cannot name the current one
        raise PreconditionFailed(_('If-Match must be the record\'s ETag, e.g. "3".'))
    return int(match.group(1))


def actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class ETagMixin:
    """Every API view has it: ETags on reads; a method the view does not offer is 405 for a signed-in user (before the
    permission check, which would say 403); query parameters holding a NUL character are 400 (PostgreSQL refuses one
    even in a lookup; the schema's string parameters state the same)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = (request.method or "").lower()
        offered = method in self.http_method_names and hasattr(self, method)  # type: ignore[attr-defined]
        if not offered and request.user.is_authenticated:
            raise MethodNotAllowed(request.method or "")  # before the permission check, which knows no such method
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        with_nul = sorted({k for k, values in request.query_params.lists() for v in [k, *values] if "\x00" in v})
        if with_nul:
            raise ValidationError({name: [_("Null characters are not allowed.")] for name in with_nul})

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("GET", "HEAD") and response.status_code == 200 and isinstance(response, Response):
            etag = response.headers.get("ETag") or body_etag(response.data)
            response["ETag"] = etag
            if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
                not_modified = Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
                return super().finalize_response(request, not_modified, *args, **kwargs)  # type: ignore[misc]
        return response


class RecordViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A kind of versioned record. Subclasses set `queryset_fn` (a selector), `serializer_class`, the permissions,
    and `create_fn`/`update_fn`/`delete_fn` (the app's services, same signatures as the interface uses)."""

    permission_classes = [RulesPermission]
    parser_classes = [LimitedJSONParser]
    filter_backends = [ApiFilterBackend, OrderingFilter]
    read_perm = "core.view_records"
    create_perm = ""
    edit_perm = ""
    queryset_fn: Callable[[], models.QuerySet] | None = None
    # ASCII digits only (`\d` would let "٣" through to int()), and few enough to fit a 64-bit key.
    lookup_value_regex = r"[0-9]{1,18}"
    create_fn: Callable[..., Any] | None = None
    update_fn: Callable[..., Any] | None = None
    delete_fn: Callable[..., Any] | None = None
    ordering = ["pk"]

    def get_queryset(self) -> models.QuerySet:
        assert self.queryset_fn is not None
        return type(self).queryset_fn()  # type: ignore[misc]

    @property
    def model(self) -> type[models.Model]:
        return self.get_queryset().model

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": f'"{instance.version}"'})

    def _saved(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)
        # The record's own serializer, also after an action that reads another (change-stage reads a stage change).
        assert self.serializer_class is not None
        serializer = self.serializer_class(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=code, headers={"ETag": f'"{fresh.version}"'})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assert self.create_fn is not None
        record = type(self).create_fn(actor=actor(request), model=self.model, data=serializer.validated_data)  # type: ignore[misc]
        return self._saved(record, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        assert self.update_fn is not None
        record = type(self).update_fn(  # type: ignore[misc]
            actor=actor(request), instance=instance, data=serializer.validated_data, expected_version=version
        )
        return self._saved(record)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH, REASON])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version = expected_version(request)
        reason = request.query_params.get("reason", "").strip()
        if not reason:
            raise ValidationError({"reason": [_("Give a reason for deleting this record.")]})
        assert self.delete_fn is not None
        type(self).delete_fn(actor=actor(request), instance=instance, expected_version=version, reason=reason)  # type: ignore[misc]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadOnlyViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RulesPermission]
    filter_backends = [ApiFilterBackend, OrderingFilter]
    read_perm = "core.view_records"
    create_perm = ""
    edit_perm = ""
    queryset_fn: Callable[[], models.QuerySet] | None = None
    ordering = ["pk"]

    def get_queryset(self) -> models.QuerySet:
        assert self.queryset_fn is not None
        return type(self).queryset_fn()  # type: ignore[misc]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        headers = {"ETag": f'"{instance.version}"'} if hasattr(instance, "version") else {}
        return Response(self.get_serializer(instance).data, headers=headers)
