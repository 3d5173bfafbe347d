from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("token/baru/", views.TokenCreateView.as_view(), name="token-create"),
    path("token/<int:pk>/cabut/", views.TokenRevokeView.as_view(), name="token-revoke"),
]
