"""Every failure answers with problem details (RFC 9457, `application/problem+json`) and the right status, and
nothing is written. The body is `{"type", "title", "status", "detail"}` plus, where there is more to say:

- input the schema does not allow (a wrong type, a length or range exceeded, an unknown field, a NUL character …)
  → 400 with `errors`: messages by field (`non_field_errors` for the record as a whole);
- input the schema allows but the records or the rules refuse — a reference to a record that does not exist, a
  duplicate, a service's ValidationError (dates out of order, a closed quarter, a transition the lifecycle does not
  allow …) → 409 with `errors` the same way;
- StaleEditError (the record changed since the version named in If-Match) → 412 with `current_version` and
  `changes` (what changed);
- PermissionDenied → 403, audited like a refused page;
- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE → 413; a content type other than JSON → 415; JSON nested deeper
  than MAX_JSON_DEPTH → 400;
- an unknown URL under /api/ → 404 (`NotFoundView`, the last route of config/api.py), a method the URL does not
  offer → 405.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from mitra.core import audit
from mitra.core.middleware import client_ip
from mitra.core.models import AuditAction
from mitra.core.services import StaleEditError

from .permissions import SignedIn

PROBLEM_JSON = "application/problem+json"
# Deeper JSON is refused before it is decoded (a body of "[[[[…" is cheap to send and costly to walk).
MAX_JSON_DEPTH = 32


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


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets nest deeper than `limit` outside strings (a scan of the bytes, before any decoding)."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class LimitedJSONParser(JSONParser):
    """JSON only, never more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes (DRF reads the stream past Django's check), never
    nested deeper than MAX_JSON_DEPTH, and always an object."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        import io

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})
        if json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                _("The JSON is nested deeper than %(limit)s levels.") % {"limit": MAX_JSON_DEPTH}
            )
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as error:  # belt and braces: the scan above should have refused it
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from error
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


def problem(status_code: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """A problem details response (RFC 9457); `extra` members (`errors`, `current_version` …) go beside `detail`."""
    body = {"type": "about:blank", "title": HTTPStatus(status_code).phrase, "status": status_code, "detail": detail}
    body.update(extra)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_JSON)


def _field_messages(detail: Any) -> dict[str, Any]:
    """A DRF ValidationError's detail as messages by field (a bare list is about the record as a whole)."""
    if isinstance(detail, dict):
        return {str(k): v if isinstance(v, list | dict) else [v] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def _first_message(errors: Any) -> str:
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors) if errors else str(_("Invalid input."))


def _invalid(errors: dict[str, Any], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    payload = json.loads(json.dumps(errors, default=str))
    return problem(code, _first_message(payload), errors=payload)


# Serializer error codes that are about the stored records, not the shape of the input.
CONFLICT_CODES = frozenset({"does_not_exist", "unique"})


def _codes(codes: Any) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_codes(v) for v in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_codes(v) for v in codes)) if codes else set()
    return {str(codes)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if isinstance(exc, StaleEditError):
        return problem(
            status.HTTP_412_PRECONDITION_FAILED,
            str(exc),
            headers={"ETag": f'"{exc.instance.version}"'},
            current_version=exc.instance.version,
            changes=[
                {
                    "field": c.field,
                    "label": str(c.label),
                    "before": audit.jsonable(c.before),
                    "after": audit.jsonable(c.after),
                }
                for c in exc.changes
            ],
        )
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            _("The request body is larger than %(limit)s bytes.") % {"limit": limit},
        )
    if isinstance(exc, DjangoValidationError):
        # Raised by a service, after the serializer accepted the input's shape: a rule of the records.
        return _invalid(validation_messages(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, exceptions.ValidationError):
        codes = _codes(exc.get_codes())
        conflict = bool(codes) and codes <= CONFLICT_CODES
        return _invalid(_field_messages(exc.detail), status.HTTP_409_CONFLICT if conflict else 400)
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
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    detail = data.get("detail") if isinstance(data, dict) and "detail" in data else _first_message(data)
    headers = {k: v for k, v in response.items() if k in {"WWW-Authenticate", "Retry-After", "Allow"}}
    if isinstance(exc, exceptions.MethodNotAllowed) and "Allow" not in headers:
        view = context.get("view")
        if view is not None:
            headers["Allow"] = ", ".join(view.allowed_methods)
    return problem(response.status_code, str(detail), headers=headers or None)


class NotFoundView(APIView):
    """Any URL under /api/ that no route matches: a JSON 404 (after authentication, like every API URL)."""

    permission_classes = [SignedIn]
    throttle_classes: list[Any] = []
    schema = None  # not an operation of the API

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound(_("There is no API resource at this address."))

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound(_("There is no API resource at this address."))

    post = put = patch = delete = head = options = get
