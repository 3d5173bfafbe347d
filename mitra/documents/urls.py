from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("unggah/", views.DocumentUploadView.as_view(), name="upload"),
    path("<int:pk>/unduh/", views.DocumentDownloadView.as_view(), name="download"),
    path("<int:pk>/hapus/", views.DocumentRemoveView.as_view(), name="remove"),
]
