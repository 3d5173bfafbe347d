"""`{% api_tokens_panel %}`: the profile page's API-token section (and the calendar feed's, from exchange)."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import ApiToken

register = template.Library()


@register.inclusion_tag("api/_profile_tokens.html", takes_context=True)
def api_tokens_panel(context: Any) -> dict[str, Any]:
    request = context["request"]
    tokens = (
        ApiToken.objects.filter(user=request.user, revoked_at__isnull=True) if request.user.is_authenticated else []
    )
    return {"api_tokens": list(tokens), "request": request, "csrf_token": context.get("csrf_token")}
