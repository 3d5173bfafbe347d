from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("persetujuan/", views.ApprovalsView.as_view(), name="approvals"),
    path("renstra/", views.PlanListView.as_view(), name="plans"),
    path("renstra/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("sub-kegiatan/<int:pk>/", views.SubActivityView.as_view(), name="sub-activity"),
    path("sub-kegiatan/<int:pk>/revisi/", views.BudgetRevisionCreateView.as_view(), name="revision-create"),
    path("entri/<int:pk>/ubah/", views.EntryUpdateView.as_view(), name="entry-update"),
    path("<int:year>/", views.YearView.as_view(), name="year"),
    path("<int:year>/pengukuran/", views.MeasurementView.as_view(), name="measurement"),
    path("<int:year>/pengukuran.json", views.MeasurementJsonView.as_view(), name="measurement-json"),
    path("<int:year>/monitoring/", views.MonitoringView.as_view(), name="monitoring"),
    path("<int:year>/dokumen/", views.DocumentsView.as_view(), name="documents"),
    path("<int:year>/indikator/<int:pk>/", views.IndicatorView.as_view(), name="indicator"),
    path("<int:year>/triwulan/", views.QuarterReportListView.as_view(), name="quarter-reports"),
    path(
        "<int:year>/triwulan/<int:quarter>/<slug:unit>/",
        views.QuarterReportView.as_view(),
        name="quarter-report",
    ),
    path(
        "<int:year>/triwulan/<int:quarter>/<slug:unit>/<slug:step>/",
        views.QuarterTransitionView.as_view(),
        name="quarter-transition",
    ),
]
