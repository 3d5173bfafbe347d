"""Schema post-processing: the schema is the contract.

- Every operation documents every answer the API gives besides success — the authentication and permission
  refusals, invalid input (400), conflicts with the records (409), preconditions (ETag), throttling and body
  limits — each as problem details (`application/problem+json`, RFC 9457).
- Request bodies state what the API refuses: unknown fields (`additionalProperties: false`), NUL characters (a
  `pattern` on every free text), text that is only spaces where a value is required (the serializers
  trim it to nothing); integer ranges come from the serializers (mitra.api.serializers, the range every database
  stores) and filters' bounds from mitra.api.filters.
"""

from __future__ import annotations

from typing import Any

from .errors import MAX_JSON_DEPTH, PROBLEM_JSON
from .filters import TEXT_PATTERN

PROBLEM = {"$ref": "#/components/schemas/Problem"}
# Required text: at least one character that is not white space (DRF trims white space before checking blanks).
REQUIRED_TEXT_PATTERN = "^(?![\\s\\u001c-\\u001f\\u0085]*$)[^\\u0000]*$"
# A web address as Django's URLValidator accepts it (drf-spectacular's `format: uri` allows "a:b", which it refuses),
# or nothing: a host of letters and digits with a top-level domain, and an optional path.
URL_PATTERN = "^(https?://[a-z0-9]{1,20}([.][a-z0-9]{1,20}){0,2}[.][a-z]{2,10}(/[A-Za-z0-9._~-]{0,20}){0,3})?$"
WRITES = {"post", "put", "patch", "delete"}


def _response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM}}}


def _problem_schema() -> dict[str, Any]:
    messages = {"type": "object", "additionalProperties": {}}
    return {
        "type": "object",
        "description": "Problem details (RFC 9457). `errors`: messages by field for invalid input or a conflict "
        "(`non_field_errors` for the record as a whole); `current_version` and `changes` for a stale write (412).",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": messages,
            "current_version": {"type": "integer"},
            "changes": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["type", "title", "status", "detail"],
        "additionalProperties": True,
    }


def _constrain_text(schema: dict[str, Any], required_text: bool) -> None:
    """Free text refuses NUL characters and lone surrogates; required text needs a character besides white space."""
    if schema.get("type") == "string" and not ({"format", "enum", "pattern", "$ref"} & set(schema)):
        schema["pattern"] = REQUIRED_TEXT_PATTERN if required_text else TEXT_PATTERN
    elif schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _constrain_text(schema["items"], schema["items"].get("minLength", 0) > 0)


def _is_url(prop: dict[str, Any]) -> bool:
    return prop.get("format") == "uri" or any(alt.get("format") == "uri" for alt in prop.get("oneOf", []))


def _constrain_request(component: dict[str, Any]) -> None:
    component["additionalProperties"] = False
    for name, prop in component.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        if _is_url(prop):
            lengths = [alt.get("maxLength") for alt in [prop, *prop.get("oneOf", [])] if alt.get("maxLength")]
            url = {"type": "string", "pattern": URL_PATTERN, "maxLength": max(lengths or [200])}
            component["properties"][name] = {k: v for k, v in prop.items() if k in {"title", "description"}} | url
        else:
            _constrain_text(prop, prop.get("minLength", 0) > 0)


def add_common_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("Error", None)
    schemas["Problem"] = _problem_schema()
    for name, component in schemas.items():
        # Request bodies refuse fields they do not define (the serializers answer 400 "Unknown field.").
        if name.endswith("Request") and component.get("type") == "object":
            _constrain_request(component)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in {"query", "path"}:
                    _constrain_text(parameter.get("schema", {}), bool(parameter.get("required")))
            responses = operation.setdefault("responses", {})
            for code, description in (
                ("400", "Invalid input (not what this schema allows); messages by field in `errors`."),
                ("401", "Not authenticated (no token, or a revoked one)."),
                ("403", "Authenticated, but not allowed to do this."),
                ("404", "No such record (or page)."),
                ("405", "The address does not offer this method."),
                ("406", "The response can only be JSON (see Accept)."),
                ("429", "Too many requests with this token; wait and retry (Retry-After)."),
            ):
                responses[code] = _response(description)
            if method == "get":
                responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)."}
            if method in WRITES:
                responses["409"] = _response(
                    "Valid input that the records refuse: a reference to a record that does not exist, a duplicate, "
                    "or a rule the schema cannot state (dates in order, an open quarter, an allowed stage change); "
                    "messages by field in `errors`."
                )
                responses["413"] = _response("The body is larger than the server accepts.")
                responses["415"] = _response("The body must be JSON (application/json).")
                responses["400"] = _response(
                    "Invalid input (not what this schema allows, or JSON nested deeper than "
                    f"{MAX_JSON_DEPTH} levels); messages by field in `errors`."
                )
            if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
                responses["412"] = _response(
                    "If-Match does not name the record's current version: `current_version` and `changes`."
                )
                responses["428"] = _response("If-Match is required.")
    return result


from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension  # noqa: E402


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


class DecimalFieldScheme(OpenApiSerializerFieldExtension):
    """A decimal's pattern as the serializer checks it: at least one digit, at most its whole and decimal places,
    and no minus sign where the minimum is 0 (drf-spectacular's own pattern allows "", "-" and ".")."""

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if schema.get("type") == "string" and field.max_digits is not None and field.decimal_places is not None:
            places = field.decimal_places
            whole = max(field.max_digits - places, 1)
            sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
            fraction = f"(?:\\.[0-9]{{1,{places}}})?" if places else ""
            schema["pattern"] = f"^{sign}[0-9]{{1,{whole}}}{fraction}$"
        return schema
