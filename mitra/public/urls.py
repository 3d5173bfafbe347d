from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.PublicIndexView.as_view(), name="index"),
    path("data.csv", views.PublicDataView.as_view(), {"fmt": "csv"}, name="data-csv"),
    path("data.json", views.PublicDataView.as_view(), {"fmt": "json"}, name="data-json"),
    path("kelola/", views.ManageView.as_view(), name="manage"),
    path("kelola/<str:kind>/<int:pk>/", views.ListingView.as_view(), name="listing"),
    path("<str:kind>/<int:pk>/", views.PublicDetailView.as_view(), name="detail"),
]
