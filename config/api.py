"""The API's URL root: one include per version (see mitra/api)."""

from django.urls import include, path

urlpatterns = [
    path("v1/", include("mitra.api.v1.urls")),
]
