"""What every page's layout needs: the navigation the user may see, with the counts of "my work" as badges."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import work
from .navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    counts = work.counts_for(request, timezone.localdate())
    return {"nav_sections": navigation_for(user, request.path, counts), "work_counts": counts}
