"""Pages of official foreign travel: the queue, a request with its travellers and steps, a step with its documents,
the on-time indicator, trips per sub-activity, and the month calendar with its iCalendar export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from mitra.core import formatting
from mitra.core.selectors import record_history
from mitra.core.web import PermissionMixin, ServiceFormMixin, acting_user, add_validation_error
from mitra.documents.selectors import documents_for
from mitra.documents.views import safe_next
from mitra.performance.models import SubActivity

from . import ical, package, selectors, services, setneg
from .forms import (
    FIRST_YEAR,
    LAST_YEAR,
    MonthPickForm,
    ReasonForm,
    StepAddForm,
    StepForm,
    TravellerForm,
    TravelRequestForm,
)
from .models import Traveller, TravelRequest, TravelStatus, TravelStep


def _visible_request(request: HttpRequest, pk: int) -> TravelRequest:
    try:
        record = selectors.request_detail(pk)
    except TravelRequest.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("travel.view_request", record):
        raise PermissionDenied
    return record


class KnownCountPaginator(Paginator):
    """A paginator told how many objects there are (counted already), so it does not count them again."""

    def __init__(self, object_list: Any, per_page: int, *, total: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total


class QueueView(PermissionMixin, ListView):
    """The requests a user sees, by status, with the late steps and those due next. The list's pager takes its
    total from the queue's counts by status (one read of the requests instead of two)."""

    permission_required = "travel.view"
    template_name = "travel/queue.html"
    paginate_by = 25
    context_object_name = "requests"

    def _status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in TravelStatus.values else ""

    def get_queryset(self) -> QuerySet[TravelRequest]:
        self.queue = selectors.queue(acting_user(self.request))
        qs = selectors.with_travellers(selectors.visible_requests(acting_user(self.request)))
        if status := self._status():
            qs = qs.filter(status=status)
        return qs.order_by("-departure_date", "pk")

    def get_paginator(
        self, queryset: Any, per_page: int, orphans: int = 0, allow_empty_first_page: bool = True, **kwargs: Any
    ) -> Paginator:
        status, counts = self._status(), self.queue.counts
        total = counts[status] if status else sum(counts.values())
        return KnownCountPaginator(
            queryset, per_page, total=total, orphans=orphans, allow_empty_first_page=allow_empty_first_page
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = acting_user(self.request)
        ctx["queue"] = self.queue
        ctx["statuses"] = TravelStatus.choices
        ctx["status"] = self.request.GET.get("status", "")
        ctx["query"] = f"status={ctx['status']}" if ctx["status"] else ""
        ctx["can_create"] = user.has_perm("travel.create")
        return ctx


class RequestCreateView(PermissionMixin, ServiceFormMixin, CreateView):
    permission_required = "travel.create"
    template_name = "travel/request_form.html"
    form_class = TravelRequestForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = acting_user(self.request)
        meeting = self.request.GET.get("meeting")
        if meeting and meeting.isascii() and meeting.isdigit() and len(meeting) <= 18:
            kwargs.setdefault("initial", {})["meeting"] = int(meeting)
        return kwargs

    def save(self, form: Any) -> TravelRequest:
        return services.request_create(actor=acting_user(self.request), data=form.service_data())

    def get_success_url(self) -> str:
        assert self.object is not None
        return reverse("travel:request-detail", args=[self.object.pk])


class RequestUpdateView(PermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "travel.edit_request"
    template_name = "travel/request_form.html"
    form_class = TravelRequestForm
    context_object_name = "record"

    def get_queryset(self) -> QuerySet[TravelRequest]:
        return TravelRequest.objects.all()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = acting_user(self.request)
        return kwargs

    def save(self, form: Any) -> TravelRequest:
        return services.request_update(
            actor=acting_user(self.request),
            request=TravelRequest.objects.get(pk=self.kwargs["pk"]),
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def get_success_url(self) -> str:
        return reverse("travel:request-detail", args=[self.kwargs["pk"]])


class RequestDetailView(PermissionMixin, TemplateView):
    permission_required = "travel.view"
    template_name = "travel/request_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        record = _visible_request(self.request, self.kwargs["pk"])
        user = acting_user(self.request)
        today = timezone.localdate()
        ctx.update(
            record=record,
            steps=_steps_with_documents(record, user),
            deadline=selectors.documents_deadline(record.departure_date),
            arrival_deadline=selectors.arrival_deadline(record.departure_date),
            on_time=selectors.is_on_time(record) if not record.is_draft else None,
            can_edit=user.has_perm("travel.edit_request", record),
            can_process=user.has_perm("travel.process", record),
            traveller_form=kwargs.get("traveller_form") or TravellerForm(),
            reason_form=ReasonForm(),
            add_form=StepAddForm(),
            history=record_history(record)[:30],
            today=today,
            passport_needed=record.passport_needed_until(),
            setneg_warnings=setneg.warnings(record, today),
            application_deadline=setneg.application_deadline(record),
            application_sent_on=setneg.application_sent_on(record),
            application_needed=setneg.application_needed(record),
            trip_report_due=setneg.trip_report_due(record),
            follow_ups=list(record.meeting.follow_ups.all()) if record.meeting else [],
        )
        return ctx


class ApplicationPackageView(PermissionMixin, View):
    """The application package for the State Secretariat as DOCX or PDF, for whoever may read the request."""

    permission_required = "travel.view"
    FORMATS = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if fmt not in self.FORMATS:
            raise Http404
        record = _visible_request(request, pk)
        today = timezone.localdate()
        content = package.docx(record, today) if fmt == "docx" else package.pdf(record, today)
        response = HttpResponse(content, content_type=self.FORMATS[fmt])
        name = f"permohonan-setneg-{record.pk}-{record.departure_date:%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _steps_with_documents(record: TravelRequest, user: Any) -> list[dict[str, Any]]:
    """Each step with its due date, its documents (one query for all steps) and, for the bureau's service, the form
    to work it on the request's page."""
    steps = list(record.steps.all())
    documents = selectors.step_documents(steps)
    # The steps are worked by whoever processes their request (the same rule): asked once, not once per step.
    works = record.status in (TravelStatus.SUBMITTED, TravelStatus.DOCUMENTS_READY) and user.has_perm(
        "travel.process", record
    )
    rows = []
    for step in steps:
        step.request = record  # the steps' request is this one: no query per step for it
        rows.append(
            {
                "step": step,
                "due": selectors.step_due(step),
                "documents": documents.get(step.pk, []),
                "next": f"{record.get_absolute_url()}?langkah={step.pk}",  # back here, this step's work open
                "form": StepForm(instance=step, auto_id=f"id_step{step.pk}_%s") if works else None,
            }
        )
    return rows


class StepMarkView(PermissionMixin, View):
    """One click on the request's page: a step requested today, or completed today (the step's service checks
    the rest, e.g. passports before the visa step)."""

    permission_required = "travel.process"

    def post(self, request: HttpRequest, pk: int, what: str) -> HttpResponse:
        step = get_object_or_404(TravelStep.objects.select_related("request", "kind"), pk=pk)
        field = {"diminta": "requested_on", "selesai": "completed_on"}.get(what)
        if field is None:
            raise Http404
        today = timezone.localdate()
        data: dict[str, Any] = {field: today}
        if field == "completed_on" and step.requested_on is None:
            data["requested_on"] = today
        try:
            services.step_update(actor=acting_user(request), step=step, data=data, expected_version=None)
        except ValidationError as error:
            messages.error(request, f"{step.kind}: " + " ".join(error.messages))
        else:
            done = _("%(step)s: requested on %(date)s.") if what == "diminta" else _("%(step)s: completed on %(date)s.")
            messages.success(request, done % {"step": step.kind, "date": formatting.date(today)})
        return redirect(reverse("travel:request-detail", args=[step.request_id]) + f"#step-{step.pk}")


class TravellerAddView(PermissionMixin, View):
    permission_required = "travel.view"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = _visible_request(request, pk)
        form = TravellerForm(request.POST)
        if form.is_valid():
            try:
                services.traveller_add(
                    actor=acting_user(request),
                    request=record,
                    staff_member=form.cleaned_data["staff_member"],
                    role=form.cleaned_data["role"],
                    passport_number=form.cleaned_data["passport_number"],
                    passport_expires_on=form.cleaned_data["passport_expires_on"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("travel:request-detail", pk=pk)
        view = RequestDetailView()
        view.setup(request, pk=pk)
        return view.render_to_response(view.get_context_data(traveller_form=form), status=400)


class TravellerRemoveView(PermissionMixin, View):
    permission_required = "travel.view"

    def post(self, request: HttpRequest, pk: int, traveller: int) -> HttpResponse:
        record = _visible_request(request, pk)
        row = get_object_or_404(Traveller, pk=traveller, request=record)
        try:
            services.traveller_remove(actor=acting_user(request), traveller=row)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("travel:request-detail", pk=pk)


class RequestActionView(PermissionMixin, View):
    """Submit, complete or cancel (with a reason)."""

    permission_required = "travel.view"

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        record = _visible_request(request, pk)
        actor = acting_user(request)
        try:
            if action == "ajukan":
                services.request_submit(actor=actor, request=record)
                done = _("Submitted to %(bureau)s; the travel documents are due by %(date)s.") % {
                    "bureau": selectors.bureau_name(),
                    "date": formatting.date(selectors.documents_deadline(record.departure_date)),
                }
            elif action == "selesai":
                services.request_complete(actor=actor, request=record)
                done = _("The trip is completed.")
            elif action == "batal":
                services.request_cancel(actor=actor, request=record, reason=request.POST.get("reason", ""))
                done = _("The trip is cancelled.")
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("travel:request-detail", pk=pk)


class StepView(PermissionMixin, ServiceFormMixin, UpdateView):
    """One document step: its dates and reference, and its attached documents."""

    permission_required = "travel.view"
    template_name = "travel/step.html"
    form_class = StepForm
    context_object_name = "step"

    def get_permission_object(self) -> None:
        return None  # the step's own visibility is checked in get_object

    def get_object(self, queryset: Any = None) -> TravelStep:
        try:
            step = selectors.step_detail(self.kwargs["pk"])
        except TravelStep.DoesNotExist:
            raise Http404 from None
        if not self.request.user.has_perm("travel.view_request", step.request):
            raise PermissionDenied
        return step

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("travel.process", self.get_object()):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def save(self, form: Any) -> TravelStep:
        return services.step_update(
            actor=acting_user(self.request),
            step=TravelStep.objects.select_related("kind").get(pk=self.kwargs["pk"]),
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def get_success_url(self) -> str:
        # From the request's page (the step worked in place) back to it; else this step's page.
        fallback = reverse("travel:step", args=[self.kwargs["pk"]])
        target = safe_next(self.request, fallback)
        return target + f"#step-{self.kwargs['pk']}" if target != fallback else target

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        step = self.object
        assert isinstance(step, TravelStep)
        user = acting_user(self.request)
        ctx.update(
            record=step.request,
            due=selectors.step_due(step),
            documents=documents_for(step),
            can_process=user.has_perm("travel.process", step),
            can_attach=user.has_perm("core.edit_unit_record", step),
            history=record_history(step)[:30],
        )
        return ctx


class StepAddView(PermissionMixin, View):
    permission_required = "travel.process"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = _visible_request(request, pk)
        form = StepAddForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose a step."))
            services.step_add(actor=acting_user(request), request=record, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("travel:request-detail", pk=pk)


class StepRemoveView(PermissionMixin, View):
    permission_required = "travel.process"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        step = get_object_or_404(TravelStep.objects.select_related("request", "kind"), pk=pk)
        try:
            services.step_remove(actor=acting_user(request), step=step, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("travel:request-detail", pk=step.request_id)


# Years a page can be asked for: a date's year outside them is an error in Python (year 0, 10000) and the
# calendar's previous and next months must exist too.
# (FIRST_YEAR, LAST_YEAR: see forms.py, which bounds the month/year form with them.)


def _year_in_range(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("No data for that year."))
    return year


class LatestYearRedirectView(PermissionMixin, View):
    """A year page without a year: the latest year with a departure (selectors.latest_year)."""

    permission_required = "travel.view_all"
    pattern_name = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect(self.pattern_name, year=selectors.latest_year())


ON_TIME_PAGE_SIZE = 100


class OnTimeView(PermissionMixin, TemplateView):
    permission_required = "travel.view_all"
    template_name = "travel/on_time.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["year"] = _year_in_range(self.kwargs["year"])
        ctx["result"] = result = selectors.on_time(ctx["year"])
        # The figure is counted in SQL; the list behind it is shown a page at a time (rows built for that page only).
        page = Paginator(result.rows, ON_TIME_PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx.update(page_obj=page, is_paginated=page.has_other_pages(), rows=page.object_list)
        return ctx


class TripsView(PermissionMixin, TemplateView):
    permission_required = "travel.view_all"
    template_name = "travel/trips.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["year"] = _year_in_range(self.kwargs["year"])
        ctx["rows"] = selectors.trips_by_sub_activity(ctx["year"])
        return ctx


class TripsFeedView(PermissionMixin, View):
    """Record a quarter's computed trips and cost as the sub-activity's realisation (the performance service
    checks the permission on the unit's entry and refuses a submitted or locked quarter)."""

    permission_required = "travel.view_all"

    def post(self, request: HttpRequest, sub: int, quarter: int) -> HttpResponse:
        sub_activity = get_object_or_404(SubActivity, pk=sub)
        try:
            services.realisation_feed(
                actor=acting_user(request),
                sub_activity=sub_activity,
                quarter=quarter,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("travel:trips", year=sub_activity.year)


def opening_month(request: HttpRequest) -> dt.date:
    """The month the calendar opens on: this month when this year has trips the user may see, else the month of
    the latest such trip (not after this year; core.years), else this month."""
    today = timezone.localdate()
    latest = selectors.latest_trip_date(acting_user(request), today)
    if latest is None or latest.year == today.year:
        return today
    return latest


def _month(request: HttpRequest) -> tuple[int, int, MonthPickForm]:
    """The month asked for: the month/year form (`tahun`, `bln`) when sent, else `bulan=YYYY-MM` (the arrows),
    else the opening month (this month, or the latest month with trips when this year has none). A form with a
    wrong year keeps the opening month and says why at the field."""
    picker = MonthPickForm(request.GET if "tahun" in request.GET else None)
    if picker.is_bound:
        if picker.is_valid():
            return picker.cleaned_data["tahun"], int(picker.cleaned_data["bln"]), picker
        opening = opening_month(request)
        return opening.year, opening.month, picker
    value = request.GET.get("bulan", "")
    try:
        day = dt.date.fromisoformat(value + "-01") if value else opening_month(request)
    except ValueError:
        day = opening_month(request)
    year = _year_in_range(day.year)
    return year, day.month, MonthPickForm(initial={"tahun": year, "bln": str(day.month)})


CALENDAR_LIST_PAGE_SIZE = 25


def _calendar_day(request: HttpRequest, year: int, month: int) -> dt.date | None:
    """The day of the month whose trips the list below the calendar shows (`hari=D`, from a day's "+N more"
    link); None (the whole month) when absent or not a day of that month."""
    value = request.GET.get("hari", "")
    if not value.isdigit():
        return None
    try:
        return dt.date(year, month, int(value))
    except ValueError:
        return None


class CalendarView(PermissionMixin, TemplateView):
    """A month: each day says how many trips and travellers are away and names the first few
    (selectors.CALENDAR_NAMED_PER_DAY); the list below gives the month's trips, or one day's, a page at a time."""

    permission_required = "travel.view"
    template_name = "travel/calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        year, month, picker = _month(self.request)
        weeks, trips = selectors.month_grid(acting_user(self.request), year, month)
        day = _calendar_day(self.request, year, month)
        listed = [t for t in trips if t.departure_date <= day <= t.return_date] if day else trips
        page = Paginator(listed, CALENDAR_LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        named = [t for week in weeks for cell in week for t in cell.trips]
        selectors.load_travellers(named + list(page.object_list))
        first = dt.date(year, month, 1)
        previous = first - dt.timedelta(days=1)
        following = first + dt.timedelta(days=32)
        month_param = f"{year:04d}-{month:02d}"
        ctx.update(
            weeks=weeks,
            trips=page.object_list,
            trip_count=len(trips),
            listed_count=len(listed),
            day=day,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query=f"bulan={month_param}" + (f"&hari={day.day}" if day else ""),
            month=first,
            month_param=month_param,
            picker=picker,
            previous=f"{previous.year:04d}-{previous.month:02d}",
            next=f"{following.year:04d}-{following.month:02d}",
        )
        return ctx


class CalendarExportView(PermissionMixin, View):
    permission_required = "travel.view"

    def get(self, request: HttpRequest) -> HttpResponse:
        year, month, _picker = _month(request)
        first = dt.date(year, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        trips = selectors.travelling_between(acting_user(request), first, last)
        body = ical.calendar(trips, base_url=request.build_absolute_uri("/").rstrip("/"))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="perjalanan-{year:04d}-{month:02d}.ics"'
        return response
