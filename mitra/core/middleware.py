"""Request-wide behaviour: the interface language, extra security headers, auditing refused requests."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from . import audit, work
from .models import AuditAction

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
SUPPORTED = {code for code, _name in settings.LANGUAGES}


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class UserLanguageMiddleware:
    """Indonesian unless the user chose English (stored on the user; a cookie before login).

    The browser's Accept-Language is deliberately ignored: the bureau's interface is Indonesian by default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user is not None and user.is_authenticated else None
        if language not in SUPPORTED:
            language = request.COOKIES.get(LANGUAGE_COOKIE)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages behind login hold official data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class AccessDeniedAuditMiddleware:
    """Writes an audit entry for every refused request by a signed-in user.

    It runs after the view's transaction rolled back, so the entry survives the refusal.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied) and request.user.is_authenticated:
            audit.record(
                actor=request.user,  # type: ignore[arg-type]
                action=AuditAction.ACCESS_DENIED,
                record_type="url",
                record_repr=f"{request.method} {request.get_full_path()}"[:300],
                reason=str(exception),
                ip_address=client_ip(request),
            )


class WorkCountsMiddleware:
    """After a change the user made (any POST), the menu's badges are counted afresh on the next page (see
    core/work.py: they are otherwise kept in the session for a short while)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and getattr(request, "user", None) is not None and request.user.is_authenticated:
            work.forget_counts(request)
        return response
