"""Schema post-processing: every operation documents the answers the API gives besides success — the
authentication and permission refusals, validation errors, preconditions (ETag), throttling and body limits."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def add_common_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "description": "`detail` for a refusal; field name → messages for invalid input "
        "(`non_field_errors` for the record as a whole).",
        "additionalProperties": True,
    }
    for name, component in schemas.items():
        # Request bodies refuse fields they do not define (the serializers answer 400 "Unknown field.").
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response("Not authenticated (no token, or a revoked one)."))
            responses.setdefault("403", _response("Authenticated, but not allowed to do this."))
            responses.setdefault("429", _response("Too many requests with this token; wait and retry."))
            responses.setdefault("400", _response("Invalid input; messages by field."))
            responses.setdefault("404", _response("No such record (or page)."))
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match matched the ETag)."})
            if method in {"post", "put", "patch", "delete"}:
                responses.setdefault("413", _response("The body is larger than the server accepts."))
                responses.setdefault("415", _response("The body must be JSON (application/json)."))
            if method in {"put", "patch", "delete"} or operation.get("operationId", "").endswith("change_stage_create"):
                responses.setdefault("412", _response("The record changed since the version named in If-Match."))
                responses.setdefault("428", _response("If-Match is required."))
    return result


from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mitra.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "A token from `mitra api-token USERNAME`."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "mitra.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
