"""Every failure answers with a JSON body and the right status, and nothing is written.

- a service's ValidationError → 400 with messages by field (`non_field_errors` for the record as a whole);
- StaleEditError (the record changed since the version named in If-Match) → 412 with the current version and
  what changed;
- PermissionDenied → 403, audited like a refused page;
- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE → 413; a content type other than JSON → 415.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mitra.core import audit
from mitra.core.middleware import client_ip
from mitra.core.models import AuditAction
from mitra.core.services import StaleEditError


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The record changed since the version named in If-Match.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Send the record's ETag in an If-Match header, so that a change made by someone else is not overwritten."
    )
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON only, and never more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes (DRF reads the stream past Django's check)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        import io

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})
        data = super().parse(io.BytesIO(body), media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("The body must be a JSON object."))
        return data


def validation_messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for m in DjangoValidationError(msgs).messages
            ]
            for field, msgs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if isinstance(exc, StaleEditError):
        return Response(
            {
                "detail": str(exc),
                "current_version": exc.instance.version,
                "changes": [
                    {
                        "field": c.field,
                        "label": c.label,
                        "before": audit.jsonable(c.before),
                        "after": audit.jsonable(c.after),
                    }
                    for c in exc.changes
                ],
            },
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": f'"{exc.instance.version}"'},
        )
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": _("The request body is larger than %(limit)s bytes.") % {"limit": limit}},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(validation_messages(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied) and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            audit.record(
                actor=user,
                action=AuditAction.ACCESS_DENIED,
                record_type="url",
                record_repr=f"{request.method} {request.get_full_path()}"[:300],
                reason=str(exc),
                ip_address=client_ip(request._request if hasattr(request, "_request") else request),
            )
    return drf_exception_handler(exc, context)
