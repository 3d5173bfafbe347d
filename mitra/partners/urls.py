from django.urls import path

from . import kinds, views

app_name = "partners"

urlpatterns = [
    path("negara/", views.CountryListView.as_view(), name="country-list"),
    path("negara/<str:pk>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("forum/saran/", views.ForumSuggestView.as_view(), name="forum-suggest"),
]
for kind in kinds.KINDS:
    urlpatterns += kind.urls()
