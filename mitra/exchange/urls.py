from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("impor/", views.ImportView.as_view(), name="import"),
    path("impor/<int:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("templat/<str:kind>.xlsx", views.TemplateView.as_view(), name="template"),
    path("lampiran-4.xlsx", views.Appendix4ExportView.as_view(), name="appendix4"),
    path("iati.xml", views.IatiExportView.as_view(), name="iati"),
    path("kalender/baru/", views.CalendarFeedCreateView.as_view(), name="feed-create"),
    path("kalender/cabut/", views.CalendarFeedRevokeView.as_view(), name="feed-revoke"),
    path("kalender/<str:token>.ics", views.CalendarFeedView.as_view(), name="feed"),
]
