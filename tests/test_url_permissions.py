"""Every URL pattern either declares a permission or is on the short public list, and none answers an
anonymous visitor with data (after getsentry/sentry's tests/sentry/api/test_permissions.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from mitra.core.web import PUBLIC_VIEWS, PermissionMixin

PUBLIC_PATHS = {
    "healthz",
    "favicon.ico",
    "akun/masuk/",
    "akun/keluar/",
    "akun/sandi/lupa/",
    "akun/sandi/lupa/terkirim/",
    "akun/sandi/atur/<uidb64>/<token>/",
    "akun/sandi/atur/selesai/",
    "bahasa/",
    # The public view: only records the head of the bureau marked public (mitra/public/tests).
    "publik/",
    "publik/data.csv",
    "publik/data.json",
    "publik/<str:kind>/<int:pk>/",
}
# Django's own views that require login through their own decorators.
LOGIN_REQUIRED_DJANGO_VIEWS = {"PasswordChangeView", "PasswordChangeDoneView"}


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry, pattern)
        else:
            yield pattern, entry


def concrete(pattern: str) -> str:
    """A real path for a pattern: every converter filled with a plausible value."""
    # Regex patterns (REST framework's routers) nest "^…$" inside the path and name groups "(?P<pk>…)".
    pattern = re.sub(r"\(\?P<\w+>[^)]*\)", "1", pattern).replace("^", "").replace("$", "")
    path = re.sub(r"<int:\w+>", "1", pattern)
    path = re.sub(r"<(?:slug|str|path|uuid)?:?\w+>", "ksln", path)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("\\", "")


ALL_PATTERNS = [(p, e) for p, e in walk(get_resolver()) if not p.startswith("admin/")]


@pytest.mark.parametrize("pattern,entry", ALL_PATTERNS, ids=[p for p, _ in ALL_PATTERNS])
def test_every_view_declares_its_permission_or_is_public(pattern, entry):
    view_class = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
    assert view_class is not None, f"{pattern}: use a class-based view with a declared permission"
    name = view_class.__name__
    if issubclass(view_class, APIView):
        # REST framework views declare permission classes, one of which requires authentication.
        classes = view_class.permission_classes
        assert classes, f"{pattern}: {name} declares no permission_classes"
        assert any(issubclass(c, IsAuthenticated) for c in classes), f"{pattern}: {name} must require authentication"
        return
    if name in PUBLIC_VIEWS or name in LOGIN_REQUIRED_DJANGO_VIEWS:
        return
    assert issubclass(view_class, PermissionMixin), f"{pattern}: {name} must use PermissionMixin"
    declared = getattr(view_class, "permission_required", None) or entry.callback.view_initkwargs.get(
        "permission_required"
    )
    assert declared, f"{pattern}: {name} declares no permission"


@pytest.mark.parametrize("pattern,entry", ALL_PATTERNS, ids=[p for p, _ in ALL_PATTERNS])
@pytest.mark.django_db
def test_anonymous_visitors_get_no_data(demo, pattern, entry):
    path = concrete(pattern)
    for method in ("get", "post"):
        response = getattr(Client(), method)(path)
        if pattern in PUBLIC_PATHS:
            assert response.status_code < 500, path
            continue
        if path.startswith("/api/"):
            assert response.status_code in (401, 403), f"{method} {path}: {response.status_code}"
            continue
        assert response.status_code in (302, 401, 403, 404, 405), f"{method} {path}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/akun/masuk/"), f"{path} redirects to {response['Location']}"


def test_admin_refuses_anonymous_visitors(db):
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_static_files_are_public_and_media_is_not_served_unauthenticated(db, settings):
    assert Client().get("/media/anything.pdf").status_code in (302, 404)
