from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("templat.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("muat/", views.LoadView.as_view(), name="load"),
    path("kriteria/<int:pk>/jawaban/", views.AnswerView.as_view(), name="answer"),
    path("kriteria/<int:pk>/evaluator/", views.AnswerView.as_view(evaluator=True), name="evaluate"),
    path("kriteria/<int:pk>/bukti/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path("bukti/<int:pk>/hapus/", views.EvidenceRemoveView.as_view(), name="evidence-remove"),
    path("lhe/baru/", views.ReportCreateView.as_view(), name="report-create"),
    path("lhe/<int:year>/", views.ReportView.as_view(), name="report"),
    path("lhe/<int:year>/ubah/", views.ReportEditView.as_view(), name="report-edit"),
    path("lhe/<int:year>/rekomendasi/", views.RecommendationAddView.as_view(), name="recommendation-add"),
    path("rekomendasi/<int:pk>/", views.RecommendationView.as_view(), name="recommendation"),
    path("kartu-kinerja/", views.ScorecardIndexView.as_view(), name="scorecards"),
    path("kartu-kinerja/baru/", views.ScorecardConfigureView.as_view(), name="scorecard-create"),
    path("kartu-kinerja/<int:year>/<str:unit>/", views.ScorecardView.as_view(), name="scorecard"),
    path(
        "kartu-kinerja/<int:year>/<str:unit>/atur/",
        views.ScorecardConfigureView.as_view(),
        name="scorecard-configure",
    ),
    path("<int:year>/", views.OverviewView.as_view(), name="overview"),
    path("<int:year>/lke.xlsx", views.ExportView.as_view(), name="export"),
    path("<int:year>/ringkasan.pdf", views.SummaryPdfView.as_view(), name="summary-pdf"),
    path("<int:year>/saran-bukti/", views.SuggestView.as_view(), name="suggest"),
    path("<int:year>/<str:code>/", views.ComponentView.as_view(), name="component"),
]
