from django.urls import path

from . import views

app_name = "travel"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("baru/", views.RequestCreateView.as_view(), name="request-create"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("<int:pk>/paket-setneg.<str:fmt>", views.ApplicationPackageView.as_view(), name="package"),
    path("<int:pk>/ubah/", views.RequestUpdateView.as_view(), name="request-update"),
    path("<int:pk>/pelaku/", views.TravellerAddView.as_view(), name="traveller-add"),
    path("<int:pk>/pelaku/<int:traveller>/hapus/", views.TravellerRemoveView.as_view(), name="traveller-remove"),
    path("<int:pk>/langkah/", views.StepAddView.as_view(), name="step-add"),
    path("<int:pk>/<str:action>/", views.RequestActionView.as_view(), name="request-action"),
    path("langkah/<int:pk>/", views.StepView.as_view(), name="step"),
    path("langkah/<int:pk>/tandai/<str:what>/", views.StepMarkView.as_view(), name="step-mark"),
    path("langkah/<int:pk>/hapus/", views.StepRemoveView.as_view(), name="step-remove"),
    path("tepat-waktu/", views.LatestYearRedirectView.as_view(pattern_name="travel:on-time"), name="on-time-latest"),
    path("sub-kegiatan/", views.LatestYearRedirectView.as_view(pattern_name="travel:trips"), name="trips-latest"),
    path("tepat-waktu/<int:year>/", views.OnTimeView.as_view(), name="on-time"),
    path("sub-kegiatan/<int:year>/", views.TripsView.as_view(), name="trips"),
    path("sub-kegiatan/<int:sub>/<int:quarter>/catat/", views.TripsFeedView.as_view(), name="trips-feed"),
    path("kalender/", views.CalendarView.as_view(), name="calendar"),
    path("kalender.ics", views.CalendarExportView.as_view(), name="calendar-ics"),
]
