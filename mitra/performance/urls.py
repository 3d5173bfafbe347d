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
    path("<int:year>/kaskade/", views.CascadeView.as_view(), name="cascade"),
    path(
        "<int:year>/kaskade/indikator/<int:indicator>/turunkan/",
        views.UnitIndicatorCreateView.as_view(),
        name="unit-indicator-create",
    ),
    path(
        "<int:year>/kaskade/<int:parent>/turunkan/",
        views.UnitIndicatorCreateView.as_view(),
        name="unit-indicator-cascade",
    ),
    path("<int:year>/kaskade/<int:pk>/ubah/", views.UnitIndicatorUpdateView.as_view(), name="unit-indicator-update"),
    path("<int:year>/rencana-aksi/<int:pk>/", views.UnitPlanView.as_view(), name="unit-plan"),
    path("<int:year>/pk-unit/<slug:unit>/baru/", views.AgreementCreateView.as_view(), name="agreement-create"),
    path("pk-unit/<int:pk>/", views.AgreementView.as_view(), name="agreement"),
    path("pk-unit/<int:pk>/ubah/", views.AgreementAmendView.as_view(), name="agreement-amend"),
    path("pk-unit/<int:pk>/setujui/", views.AgreementApproveView.as_view(), name="agreement-approve"),
    path("pk-unit/<int:pk>/berkas.<slug:fmt>", views.AgreementFileView.as_view(), name="agreement-file"),
    path("rencana-aksi/<int:pk>/realisasi/", views.ActionPlanRealiseView.as_view(), name="action-plan-realise"),
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
