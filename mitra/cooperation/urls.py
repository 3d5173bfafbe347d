from django.urls import path

from . import kinds, views

app_name = "cooperation"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("indikator/", views.IndicatorIndexView.as_view(), name="indicator-index"),
    path("indikator/<str:key>/<int:year>/", views.IndicatorView.as_view(), name="indicator"),
    path("perjanjian/alur/", views.AgreementPipelineView.as_view(), name="agreement-pipeline"),
    path("perjanjian/<int:pk>/langkah/", views.AgreementStepCreateView.as_view(), name="agreement-step-create"),
    path("perjanjian/langkah/<int:pk>/", views.AgreementStepDetailView.as_view(), name="agreement-step"),
    path("daftar/<int:pk>/tahap/", views.StageChangeView.as_view(), name="cooperation-stage"),
    path("pertemuan/<int:pk>/delegasi/", views.DelegationAddView.as_view(), name="delegation-add"),
    path("delegasi/<int:pk>/hapus/", views.DelegationRemoveView.as_view(), name="delegation-remove"),
    path("agenda/<int:pk>/unit/", views.AssignUnitsView.as_view(), name="agenda-assign"),
    path("penugasan/<int:pk>/hapus/", views.AssignmentRemoveView.as_view(), name="assignment-remove"),
    path("penugasan/<int:pk>/jawab/", views.AnswerView.as_view(), name="assignment-answer"),
    path("posisi/<int:pk>/status/", views.PaperStatusView.as_view(), name="paper-status"),
    path("pertemuan/<int:pk>/keputusan/", views.DecisionView.as_view(), name="meeting-decision"),
    path("notifikasi/<int:pk>/dibaca/", views.NotificationReadView.as_view(), name="notification-read"),
]
for kind in kinds.KINDS:
    urlpatterns += kind.urls()
