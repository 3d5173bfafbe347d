"""The schema and its documentation page (Swagger UI from local static files, no inline script: strict CSP), and
the profile page's token actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mitra.core.web import PermissionMixin, acting_user

from . import services
from .models import ApiToken
from .permissions import SignedIn


class ApiSchemaView(SpectacularAPIView):
    """OpenAPI 3 (JSON by default; ?format=yaml for YAML)."""

    permission_classes = [SignedIn]
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI: the page, its init script (?script) and the bundle all come from this server."""

    permission_classes = [SignedIn]
    template_name = "api/swagger_ui.html"


class TokenCreateView(PermissionMixin, View):
    """Create an API token for yourself; the secret is shown once on the page that answers."""

    permission_required = "core.view_records"

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        try:
            token, raw = services.token_create(actor=user, user=user, name=request.POST.get("name", ""))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("core:profile")
        return render(request, "api/token_created.html", {"token": token, "raw": raw})


class TokenRevokeView(PermissionMixin, View):
    permission_required = "core.view_records"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        token = get_object_or_404(ApiToken, pk=pk, user=user)
        services.token_revoke(actor=user, token=token)
        messages.success(request, _("The token was revoked."))
        return redirect("core:profile")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("core:profile")
