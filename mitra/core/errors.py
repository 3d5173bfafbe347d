"""Error pages in the interface's language, inside the normal layout where it is safe to render it."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    # No context processors or database: the error may have come from them.
    return HttpResponseServerError(loader.get_template("500.html").render())
