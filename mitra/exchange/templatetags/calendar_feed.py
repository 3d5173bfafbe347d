from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("exchange/_profile_feed.html", takes_context=True)
def calendar_feed_panel(context: Any) -> dict[str, Any]:
    # No query: both actions are always offered (revoking when there is no address does nothing), so the profile
    # page's pinned query count grows only by the token list.
    return {"csrf_token": context.get("csrf_token")}
