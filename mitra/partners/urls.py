from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("negara/", views.CountryListView.as_view(), name="country-list"),
    path("negara/<str:pk>/", views.CountryDetailView.as_view(), name="country-detail"),
]
for kind in views.KINDS:
    urlpatterns += kind.urls()
