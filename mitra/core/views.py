from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from . import selectors, services, work
from .forms import AuditFilterForm, DeleteForm, StaffMemberForm, UnitForm, UserForm
from .middleware import LANGUAGE_COOKIE, SUPPORTED
from .models import OrganisationUnit, Role, StaffMember, User
from .web import PermissionMixin, ServiceFormMixin, acting_user, add_validation_error


class FaviconView(View):
    """/favicon.ico, which browsers and bookmarks ask for on their own: the SVG icon that every page links."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponsePermanentRedirect(static("mitra/favicon.svg"))


class HealthzView(View):
    """Liveness and database check for load balancers and monitoring; no login, no data."""

    def get(self, request: HttpRequest) -> JsonResponse:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:
            return JsonResponse(
                {"status": "error", "database": f"unavailable: {type(exc).__name__}: {exc}"}, status=503
            )
        return JsonResponse({"status": "ok", "database": "ok"})


class SetLanguageView(View):
    """Switch the interface language: saved on the user when signed in, in a cookie always."""

    def post(self, request: HttpRequest) -> HttpResponse:
        language = request.POST.get("language", "")
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "/"
        response = HttpResponseRedirect(target)
        if language in SUPPORTED:
            if request.user.is_authenticated:
                services.user_set_language(user=acting_user(request), language=language)
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=True,
            )
        return response


class PingView(PermissionMixin, View):
    """The cheapest signed-in page: the floor that benchmarks compare every page with (same middleware, login)."""

    permission_required = "core.view_records"

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("pong", content_type="text/plain")


class MitraLoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class HomeView(PermissionMixin, TemplateView):
    permission_required = "core.view_records"
    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        today = timezone.localdate()
        ctx["today"] = today
        grouped = work.work_for(user, today)
        work.remember_counts(self.request, today, work.counts_of(grouped))  # the menu's badges, current here
        ctx["work"] = [(work.AREAS[area], items) for area, items in grouped.items()]
        ctx["work_count"] = sum(len(items) for _heading, items in ctx["work"])
        ctx["can_view_audit"] = user.has_perm("core.view_audit")
        if ctx["can_view_audit"]:
            ctx["recent_entries"] = selectors.audit_entries()[:8]
        return ctx


class OrganisationView(PermissionMixin, TemplateView):
    permission_required = "core.view_records"
    template_name = "core/organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "tree": selectors.unit_tree(),
            "profile": selectors.staff_profile(on=timezone.localdate()),
        }


class UnitDetailView(PermissionMixin, DetailView):
    permission_required = "core.view_records"
    model = OrganisationUnit
    slug_field = "code"
    template_name = "core/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self) -> Any:
        return OrganisationUnit.objects.select_related("parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit = self.object
        ctx["children"] = unit.children.all()
        ctx["members"] = selectors.staff_members(unit=unit)
        ctx["users"] = unit.users.filter(is_active=True).order_by("username")
        ctx["history"] = selectors.record_history(unit)[:50]
        ctx["can_manage_staff"] = acting_user(self.request).has_perm("core.manage_staff", StaffMember(unit=unit))
        return ctx


class StaffListView(PermissionMixin, ListView):
    permission_required = "core.view_records"
    template_name = "core/staff_list.html"
    context_object_name = "members"
    paginate_by = 25

    def get_unit(self) -> OrganisationUnit | None:
        code = self.request.GET.get("unit")
        return OrganisationUnit.objects.filter(code=code).first() if code else None

    def get_queryset(self) -> Any:
        return selectors.staff_members(unit=self.get_unit())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unit = self.get_unit()
        ctx["unit"] = unit
        ctx["units"] = OrganisationUnit.objects.all()
        ctx["profile"] = selectors.staff_profile(on=timezone.localdate(), unit=unit)
        user = acting_user(self.request)
        ctx["can_add"] = (
            user.has_perm("core.manage_staff", StaffMember(unit=user.unit))
            if user.unit_id
            else user.has_perm("core.manage_units")
        )
        return ctx


class StaffDetailView(PermissionMixin, DetailView):
    permission_required = "core.view_records"
    template_name = "core/staff_detail.html"
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return selectors.staff_members()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = selectors.record_history(self.object)[:50]
        ctx["can_edit"] = acting_user(self.request).has_perm("core.manage_staff", self.object)
        ctx["age_band"] = self.object.age_band()
        return ctx


class StaffCreateView(PermissionMixin, ServiceFormMixin, CreateView):
    permission_required = "core.manage_staff"
    form_class = StaffMemberForm
    template_name = "core/staff_form.html"

    def get_permission_object(self) -> StaffMember | None:
        # Adding is allowed to whoever may manage people of their own unit; the service checks the chosen unit.
        unit = getattr(self.request.user, "unit", None)
        return StaffMember(unit=unit) if unit is not None else None

    def has_permission(self) -> bool:
        return self.request.user.has_perm("core.manage_units") or super().has_permission()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = acting_user(self.request)
        kwargs.setdefault("initial", {})["unit"] = acting_user(self.request).unit
        return kwargs

    def save(self, form: StaffMemberForm) -> StaffMember:
        return services.staff_member_create(
            actor=acting_user(self.request),
            data=form.service_data(),
        )

    def get_success_url(self) -> str:
        assert self.object is not None
        return reverse("core:staff-detail", args=[self.object.pk])


class StaffUpdateView(PermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "core.manage_staff"
    form_class = StaffMemberForm
    template_name = "core/staff_form.html"
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return selectors.staff_members()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form: StaffMemberForm) -> StaffMember:
        member = StaffMember.objects.get(pk=self.kwargs["pk"])
        return services.staff_member_update(
            actor=acting_user(self.request),
            member=member,
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def get_success_url(self) -> str:
        return reverse("core:staff-detail", args=[self.kwargs["pk"]])


class StaffDeleteView(PermissionMixin, DetailView, FormView):
    permission_required = "core.manage_staff"
    template_name = "core/staff_confirm_delete.html"
    form_class = DeleteForm
    context_object_name = "member"

    def get_queryset(self) -> Any:
        return selectors.staff_members()

    def get_initial(self) -> dict[str, Any]:
        return {"expected_version": self.get_object().version}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form()
        if form.is_valid():
            try:
                services.staff_member_delete(
                    actor=acting_user(request),
                    member=self.object,
                    expected_version=form.cleaned_data["expected_version"],
                    reason=form.cleaned_data["reason"],
                )
            except services.StaleEditError as stale:
                form.add_error(None, str(stale))
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request, _("%(name)s was removed from the staff list.") % {"name": self.object.full_name}
                )
                return redirect("core:staff-list")
        return self.render_to_response(self.get_context_data(form=form))


class AuditLogView(PermissionMixin, ListView):
    permission_required = "core.view_audit"
    template_name = "core/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filter_form = AuditFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.audit_entries(**{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx


class ProfileView(PermissionMixin, TemplateView):
    """The signed-in user's own page: who they are, their unit and role, their language."""

    permission_required = "core.view_records"
    template_name = "core/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        ctx["history"] = selectors.audit_entries(actor=user)[:20]
        return ctx


# --- users and units, managed by administrators without the Django admin ------------------------------------


class UserListView(PermissionMixin, ListView):
    """Every account, filterable by name, unit, role and whether it is active."""

    permission_required = "core.manage_users"
    template_name = "core/user_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return selectors.users(
            q=self.request.GET.get("q", ""),
            unit=self.request.GET.get("unit", ""),
            role=self.request.GET.get("role", ""),
            active=self.request.GET.get("active", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["units"] = OrganisationUnit.objects.order_by("path")
        ctx["roles"] = Role.choices
        ctx["filters"] = {k: self.request.GET.get(k, "") for k in ("q", "unit", "role", "active")}
        return ctx


class UserCreateView(PermissionMixin, FormView):
    permission_required = "core.manage_users"
    template_name = "core/user_form.html"
    form_class = UserForm

    def form_valid(self, form: UserForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=acting_user(self.request),
                username=data["username"],
                password=None,  # the new user sets it at the one-time link shown next
                role=data["role"],
                unit=data["unit"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
            if data["language"] != user.language:
                services.user_update(actor=acting_user(self.request), user=user, data={"language": data["language"]})
            uidb64, token = services.user_reset_password(actor=acting_user(self.request), user=user)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        return _password_link_page(self.request, user, uidb64, token, created=True)


class UserUpdateView(PermissionMixin, FormView):
    permission_required = "core.manage_users"
    template_name = "core/user_form.html"
    form_class = UserForm

    def get_object(self) -> Any:
        return get_object_or_404(User.objects.select_related("unit"), pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["account"] = account = self.get_object()
        ctx["history"] = selectors.record_history(account)[:50]
        return ctx

    def form_valid(self, form: UserForm) -> HttpResponse:
        account = form.instance
        data = {name: form.cleaned_data[name] for name in form.changed_data if name != "username"}
        try:
            services.user_update(actor=acting_user(self.request), user=account, data=data)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("core:user-list")


class UserResetPasswordView(PermissionMixin, View):
    """POST: the account's password stops working; the page shows a one-time link to set a new one."""

    permission_required = "core.manage_users"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(User, pk=pk)
        uidb64, token = services.user_reset_password(actor=acting_user(request), user=account)
        return _password_link_page(request, account, uidb64, token, created=False)


def _password_link_page(request: HttpRequest, account: Any, uidb64: str, token: str, *, created: bool) -> HttpResponse:
    link = request.build_absolute_uri(reverse("password_reset_confirm", args=[uidb64, token]))
    mailed = False
    if account.email:
        subject = _("Your Mitra account") if created else _("Set a new Mitra password")
        body = _("Set your password at this address (it works once): %(link)s") % {"link": link}
        mailed = bool(send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [account.email], fail_silently=True))
    response = render(
        request,
        "core/user_password_link.html",
        {"account": account, "link": link, "created": created, "mailed": mailed},
    )
    response["Cache-Control"] = "no-store"
    return response


class UnitCreateView(PermissionMixin, ServiceFormMixin, CreateView):
    permission_required = "core.manage_units"
    form_class = UnitForm
    template_name = "core/unit_form.html"

    def get_initial(self) -> dict[str, Any]:
        parent = OrganisationUnit.objects.filter(code=self.request.GET.get("parent", "")).first()
        return {"parent": parent} if parent else {}

    def save(self, form: UnitForm) -> OrganisationUnit:
        return services.unit_create(actor=acting_user(self.request), data=form.service_data())

    def get_success_url(self) -> str:
        assert self.object is not None
        return reverse("core:unit-detail", args=[self.object.code])  # type: ignore[attr-defined]


class UnitUpdateView(PermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "core.manage_units"
    form_class = UnitForm
    template_name = "core/unit_form.html"
    slug_field = "code"
    context_object_name = "unit"

    def get_queryset(self) -> Any:
        return OrganisationUnit.objects.select_related("parent")

    def save(self, form: UnitForm) -> OrganisationUnit:
        return services.unit_update(
            actor=acting_user(self.request),
            unit=OrganisationUnit.objects.get(pk=self.object.pk),  # type: ignore[union-attr]
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def get_success_url(self) -> str:
        return reverse("core:unit-detail", args=[self.kwargs["slug"]])


class RecordSuggestView(PermissionMixin, View):
    """Records of a large table matching what was typed in a record form's field, as JSON for its datalist
    (static/mitra/records.js; see core/suggest.py). Readable by whoever reads the records, and of a table with
    restricted readers (travel requests) only the rows the user may see; at most 20 rows."""

    permission_required = "core.view_records"

    def get(self, request: HttpRequest, key: str) -> JsonResponse:
        from django.http import Http404

        from . import suggest

        entry = suggest.BY_KEY.get(key)
        if entry is None:
            raise Http404
        rows = suggest.suggestions(entry, request.GET.get("q", "")[:100], request.user)
        return JsonResponse({"results": rows}, json_dumps_params={"ensure_ascii": False})
