from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("saran/<slug:key>/", views.RecordSuggestView.as_view(), name="record-suggest"),
    path("organisasi/", views.OrganisationView.as_view(), name="organisation"),
    path("organisasi/unit/baru/", views.UnitCreateView.as_view(), name="unit-create"),
    path("organisasi/unit/<slug:slug>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("organisasi/unit/<slug:slug>/ubah/", views.UnitUpdateView.as_view(), name="unit-update"),
    path("organisasi/pengguna/", views.UserListView.as_view(), name="user-list"),
    path("organisasi/pengguna/baru/", views.UserCreateView.as_view(), name="user-create"),
    path("organisasi/pengguna/<int:pk>/ubah/", views.UserUpdateView.as_view(), name="user-update"),
    path("organisasi/pengguna/<int:pk>/sandi/", views.UserResetPasswordView.as_view(), name="user-reset-password"),
    path("organisasi/pegawai/", views.StaffListView.as_view(), name="staff-list"),
    path("organisasi/pegawai/baru/", views.StaffCreateView.as_view(), name="staff-create"),
    path("organisasi/pegawai/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("organisasi/pegawai/<int:pk>/ubah/", views.StaffUpdateView.as_view(), name="staff-update"),
    path("organisasi/pegawai/<int:pk>/hapus/", views.StaffDeleteView.as_view(), name="staff-delete"),
    path("audit/", views.AuditLogView.as_view(), name="audit-log"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("bahasa/", views.SetLanguageView.as_view(), name="set-language"),
    path("ping/", views.PingView.as_view(), name="ping"),
]
