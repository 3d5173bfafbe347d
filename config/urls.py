from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mitra.core import views as core_views
from mitra.core.admin import restrict_admin_to_administrators

restrict_admin_to_administrators(admin.site)

auth_patterns = [
    path("masuk/", core_views.MitraLoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("sandi/ubah/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("sandi/ubah/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("sandi/lupa/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("sandi/lupa/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("sandi/atur/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("sandi/atur/selesai/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("healthz", core_views.HealthzView.as_view(), name="healthz"),
    path("favicon.ico", core_views.FaviconView.as_view(), name="favicon"),
    path("akun/", include(auth_patterns)),
    path("admin/", admin.site.urls),
    path("kinerja/", include("mitra.performance.urls")),
    path("dokumen/", include("mitra.documents.urls")),
    path("mitra/", include("mitra.partners.urls")),
    path("kerjasama/", include("mitra.cooperation.urls")),
    path("laporan/", include("mitra.reports.urls")),
    path("api/", include("config.api")),
    path("akun/api/", include("mitra.api.urls")),
    path("pertukaran/", include("mitra.exchange.urls")),
    path("perjalanan/", include("mitra.travel.urls")),
    path("cari/", include("mitra.search.urls")),
    path("publik/", include("mitra.public.urls")),
    path("evaluasi/", include("mitra.evaluation.urls")),
    path("", include("mitra.core.urls")),
]

handler403 = "mitra.core.errors.permission_denied"
handler404 = "mitra.core.errors.page_not_found"
handler500 = "mitra.core.errors.server_error"
