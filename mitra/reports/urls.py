from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:year>/", views.YearView.as_view(), name="year"),
    path("<int:year>/lakip/", views.PreviewView.as_view(), name="preview"),
    path("<int:year>/lakip.<str:fmt>", views.LakipDownloadView.as_view(), name="lakip"),
    path("<int:year>/narasi/salin/", views.NarrativeCopyView.as_view(), name="narrative-copy"),
    path("<int:year>/narasi/<slug:key>/", views.NarrativeEditView.as_view(), name="narrative"),
    path(
        "<int:year>/monitoring/<int:quarter>/<slug:unit>.<str:fmt>",
        views.MonitoringDownloadView.as_view(),
        name="monitoring",
    ),
    path("<int:year>/reviu/", views.ReviewView.as_view(), name="review"),
    path("<int:year>/terbitkan/", views.IssueView.as_view(), name="issue"),
    path(
        "<int:year>/terbit/<int:revision>/<slug:language>.<slug:fmt>",
        views.IssuedFileView.as_view(),
        name="issued-file",
    ),
    path("buku-briefing/<int:pk>.<str:fmt>", views.BriefingBookView.as_view(), name="briefing"),
    path("tugas/<int:pk>/", views.JobView.as_view(), name="job"),
    path("tugas/<int:pk>/status/", views.JobStatusView.as_view(), name="job-status"),
    path("tugas/<int:pk>/unduh/", views.JobDownloadView.as_view(), name="job-download"),
]
