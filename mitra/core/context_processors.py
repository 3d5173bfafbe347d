"""What every page's layout needs: the navigation the user may see, with the counts of "my work" as badges.

Both are lazy: a template that never shows the menu (a partial, a fragment) asks nothing."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import work
from .navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    counts = SimpleLazyObject(lambda: work.counts_for(request, timezone.localdate()))
    return {
        "nav_sections": SimpleLazyObject(lambda: navigation_for(user, request.path, dict(counts))),
        "work_counts": counts,
    }
