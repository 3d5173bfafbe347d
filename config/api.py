"""The API's URL root: one include per version (see mitra/api); anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path

from mitra.api.errors import NotFoundView

urlpatterns = [
    path("v1/", include("mitra.api.v1.urls")),
    re_path(r"^", NotFoundView.as_view(), name="api-not-found"),  # any path, also one with a newline
]
