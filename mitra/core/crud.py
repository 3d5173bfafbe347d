"""Generic pages for a kind of record: a filtered, sorted, paginated list with CSV/XLSX export of the same
filter; create, edit (optimistic locking) and delete (soft, with a reason) through the kind's services; and a
detail page with the record's history and attached documents.

An app describes each kind once with a `RecordKind` and mounts `kind.urls()`; the views here do the rest, with
the permissions the kind declares. The generic templates live in templates/crud/.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from . import formatting
from .forms import DeleteForm
from .selectors import record_history
from .services import StaleEditError
from .spreadsheets import csv_text, xlsx_row
from .suggest import type_related_fields
from .web import PermissionMixin, ServiceFormMixin, acting_user, add_validation_error


@dataclass(frozen=True)
class Column:
    label: Any
    accessor: str | Callable[[Any], Any]
    link: bool = False  # link the cell to the record's page
    sort: str = ""  # ordering field name, when sortable

    def value(self, record: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(record)
        value: Any = record
        for part in self.accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        display = getattr(record, f"get_{self.accessor}_display", None)
        return display() if display and "." not in self.accessor else value


def display(value: Any) -> str:
    """A cell as text, the way the interface shows it (and the CSV export writes it)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, Decimal):
        return formatting.number(value, 2)
    if isinstance(value, int):
        return formatting.number(value)
    if hasattr(value, "all"):  # a related manager
        return ", ".join(str(v) for v in value.all()) or "–"
    return str(value)


def detail_value(value: Any) -> str:
    """A detail row's value: as `display`, but a related record that has a page links to it (a follow-up to its
    meeting and cooperation, a meeting to its forum …), one link per record of a many-to-many field."""
    if isinstance(value, models.Model) and hasattr(value, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
    if hasattr(value, "all"):
        related = list(value.all())
        if related and all(hasattr(v, "get_absolute_url") for v in related):
            return format_html_join(", ", '<a href="{}">{}</a>', ((v.get_absolute_url(), v) for v in related))
    return display(value)


def field_label(record: models.Model, accessor: str) -> str:
    """The label of a detail row: the field's verbose name, or a property's `admin.display` description."""
    name = accessor.split(".")[0]
    try:
        return str(getattr(record._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        prop = getattr(type(record), name, None)
        return str(getattr(getattr(prop, "fget", None), "short_description", name))


def csv_cell(value: Any) -> str:
    """A cell of the CSV export: as displayed, with typed text never read as a formula (numbers stay numbers)."""
    text = display(value)
    return text if isinstance(value, bool | int | Decimal | dt.date) else csv_text(text)


def excel_value(value: Any) -> Any:
    """A cell as a typed spreadsheet value (numbers and dates stay numbers and dates)."""
    if value is None:
        return None
    if isinstance(value, bool | int | Decimal | dt.date):
        return value
    if hasattr(value, "all"):
        return ", ".join(str(v) for v in value.all())
    return str(value)


@dataclass
class RecordKind:
    """One kind of record, declared once: its editable fields (in form order) are the form's fields, the detail
    page's rows, the API serializer's writable fields and the services' whitelist, and its text fields are what
    search indexes. A view that must differ names the difference here (`not_in_detail`, `form_base`, …).

    Every editable field of the model is either in `fields` or in `excluded` with the reason
    (tests/test_declarations.py holds every kind to it)."""

    namespace: str  # URL namespace of the app
    name: str  # URL name stem, e.g. "agreement"
    url_prefix: str  # e.g. "perjanjian"
    model: type[models.Model]
    fields: tuple[str, ...]  # the editable fields, in the order the form shows them
    columns: list[Column]
    queryset: Callable[[], models.QuerySet]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    form_base: type[forms.ModelForm] | None = None  # the form class the kind's form extends (its behaviour)
    widgets: dict[str, Any] = field(default_factory=dict)
    formfield_callback: Callable[..., Any] | None = None
    # Derived values shown (read only) on the detail page and in the API, e.g. an agreement's end date.
    computed: tuple[str, ...] = ()
    heading: str = "title"  # the field the detail page shows as its title rather than as a row
    # Fields the detail page shows in a section of its own rather than as a row, with where.
    not_in_detail: dict[str, str] = field(default_factory=dict)
    # Editable model fields that are not in `fields`, each with the reason.
    excluded: dict[str, str] = field(default_factory=dict)
    # Text fields search reads besides the title (None: every free-text field of `fields` but the titles).
    search_fields: tuple[str, ...] | None = None
    filterset_class: Any = None
    create_perm: str = "cooperation.create_records"
    edit_perm: str = "cooperation.edit_record"
    detail_template: str = "crud/detail.html"
    default_ordering: list[str] = field(default_factory=list)
    detail_context: Callable[[Any, HttpRequest], dict[str, Any]] | None = None
    initial_from_query: tuple[str, ...] = ()  # form fields that ?name=pk in the URL pre-fills
    # The record's attachments for the detail page: the documents app sits above core, so an app whose records
    # carry documents passes `mitra.documents.selectors.documents_for` here; None shows no documents.
    documents: Callable[[Any], Any] | None = None
    form_class: type[forms.ModelForm] = field(init=False)

    def __post_init__(self) -> None:
        base = self.form_base or forms.ModelForm
        self.form_class = forms.modelform_factory(
            self.model,
            form=base,
            fields=list(self.fields),
            widgets=self.widgets or None,
            formfield_callback=self.formfield_callback,
        )
        self.form_class.__name__ = f"{self.model.__name__}Form"

    @property
    def detail_fields(self) -> list[str]:
        """The rows of the detail page: the fields (but the heading, the illustrative flag and what has a section
        of its own), then the computed values."""
        hidden = {self.heading, "is_illustrative", *self.not_in_detail}
        return [name for name in self.fields if name not in hidden] + list(self.computed)

    @property
    def text_fields(self) -> tuple[str, ...]:
        """The free-text fields search indexes besides the titles."""
        if self.search_fields is not None:
            return self.search_fields
        found = []
        for name in self.fields:
            model_field = self.model._meta.get_field(name)
            is_text = isinstance(model_field, models.CharField | models.TextField)
            if (
                is_text
                and not getattr(model_field, "choices", None)
                and name not in (self.heading, "title", "title_en")
            ):
                found.append(name)
        return tuple(found)

    @property
    def has_documents(self) -> bool:
        return self.documents is not None

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url_name(self, action: str) -> str:
        return f"{self.namespace}:{self.name}-{action}"

    def urls(self) -> list[Any]:
        p = self.url_prefix
        return [
            path(f"{p}/", RecordListView.as_view(kind=self), name=f"{self.name}-list"),
            path(f"{p}/ekspor.<str:fmt>", RecordExportView.as_view(kind=self), name=f"{self.name}-export"),
            path(
                f"{p}/baru/",
                RecordCreateView.as_view(kind=self, permission_required=self.create_perm),
                name=f"{self.name}-create",
            ),
            path(f"{p}/<int:pk>/", RecordDetailView.as_view(kind=self), name=f"{self.name}-detail"),
            path(
                f"{p}/<int:pk>/ubah/",
                RecordUpdateView.as_view(kind=self, permission_required=self.edit_perm),
                name=f"{self.name}-update",
            ),
            path(
                f"{p}/<int:pk>/hapus/",
                RecordDeleteView.as_view(kind=self, permission_required=self.edit_perm),
                name=f"{self.name}-delete",
            ),
        ]


class KindMixin:
    kind: RecordKind = None  # type: ignore[assignment]  # set by RecordKind.urls() through as_view(kind=…)
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)  # type: ignore[misc]
        ctx["kind"] = self.kind
        ctx["list_url"] = reverse(self.kind.url_name("list"))
        return ctx


class FilteredQuerysetMixin(KindMixin):
    def filtered(self) -> tuple[models.QuerySet, Any]:
        qs = self.kind.queryset()
        filterset = None
        if self.kind.filterset_class is not None:
            filterset = self.kind.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        sortable = {c.sort for c in self.kind.columns if c.sort}
        order = self.request.GET.get("sort", "")
        if order.removeprefix("-") in sortable:
            qs = qs.order_by(order, "pk")
        elif self.kind.default_ordering:
            qs = qs.order_by(*self.kind.default_ordering)
        return qs, filterset


class RecordListView(PermissionMixin, FilteredQuerysetMixin, ListView):
    permission_required = "core.view_records"
    template_name = "crud/list.html"
    paginate_by = 25

    def get_queryset(self) -> models.QuerySet:
        qs, self.filterset = self.filtered()
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["rows"] = [
            (record, [(display(c.value(record)), c.link) for c in self.kind.columns]) for record in ctx["object_list"]
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        without_sort = query.copy()
        without_sort.pop("sort", None)
        ctx["query_without_sort"] = without_sort.urlencode()
        ctx["sort"] = self.request.GET.get("sort", "")
        ctx["can_create"] = self.request.user.has_perm(self.kind.create_perm)
        return ctx


class RecordExportView(PermissionMixin, FilteredQuerysetMixin, View):
    """The list as CSV or XLSX, with the list's filters and order, every row (not one page)."""

    permission_required = "core.view_records"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse | StreamingHttpResponse:
        qs, _filterset = self.filtered()
        columns = self.kind.columns
        filename = f"{slugify(self.kind.verbose_name_plural)}-{dt.date.today().isoformat()}"
        if kwargs["fmt"] == "csv":
            return self.csv(qs, columns, filename)
        if kwargs["fmt"] == "xlsx":
            return self.xlsx(qs, columns, filename)
        from django.http import Http404

        raise Http404

    def csv(self, qs: models.QuerySet, columns: list[Column], filename: str) -> StreamingHttpResponse:
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def rows() -> Iterator[str]:
            yield "\ufeff"  # so that Excel opens UTF-8 correctly
            yield writer.writerow([str(c.label) for c in columns])
            for record in qs.iterator(chunk_size=1000):
                yield writer.writerow([csv_cell(c.value(record)) for c in columns])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def xlsx(self, qs: models.QuerySet, columns: list[Column], filename: str) -> HttpResponse:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=self.kind.verbose_name_plural[:31])
        header = []
        for column in columns:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=str(column.label))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        # Read in chunks, as the CSV is: the rows are not all held as records at once (the meetings of a year at
        # N=100, 10,000 rows, took 59 MiB more of a worker's memory that way).
        for record in qs.iterator(chunk_size=1000):
            sheet.append(xlsx_row(sheet, [excel_value(c.value(record)) for c in columns]))
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        workbook.save(response)
        return response


class RecordDetailView(PermissionMixin, KindMixin, DetailView):
    permission_required = "core.view_records"
    context_object_name = "record"

    def get_permission_object(self) -> None:
        return None  # every signed-in user reads every record

    def get_template_names(self) -> list[str]:
        return [self.kind.detail_template]

    def get_queryset(self) -> models.QuerySet:
        return self.kind.queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        record = self.object
        ctx["history"] = record_history(record)[:50]
        ctx["can_edit"] = self.request.user.has_perm(self.kind.edit_perm, record)
        names = self.kind.detail_fields or [c.accessor for c in self.kind.columns if isinstance(c.accessor, str)]
        ctx["fields"] = [(field_label(record, n), detail_value(Column("", n).value(record))) for n in names]
        if self.kind.documents is not None:
            ctx["documents"] = self.kind.documents(record)
        if self.kind.detail_context:
            ctx.update(self.kind.detail_context(record, self.request))
        return ctx


ILLUSTRATIVE_FLAG = "is_illustrative"


class RecordFormMixin(ServiceFormMixin, KindMixin):
    template_name: str | None = "crud/form.html"

    def get_form_class(self) -> type[forms.ModelForm]:
        return self.kind.form_class

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["user"] = acting_user(self.request)
        return kwargs

    def get_form(self, form_class: type[forms.ModelForm] | None = None) -> forms.ModelForm:
        """The kind's form; the illustrative flag (a mark of made-up demo records) only for administrators: for
        everyone else it is left out, so a new record is not illustrative and an edit keeps the flag as it was."""
        form = super().get_form(form_class)  # type: ignore[misc]
        if ILLUSTRATIVE_FLAG in form.fields and not acting_user(self.request).is_administrator:
            del form.fields[ILLUSTRATIVE_FLAG]
        # Related records of large tables are typed with suggestions, not a select of every row (core/suggest.py).
        type_related_fields(form)
        return form

    def get_success_url(self) -> str:
        assert self.object is not None
        return reverse(self.kind.url_name("detail"), args=[self.object.pk])


class RecordCreateView(PermissionMixin, RecordFormMixin, CreateView):
    def get_permission_object(self) -> None:
        # Creating is checked without an object here; the service checks the chosen responsible unit.
        return None

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        for name in self.kind.initial_from_query:
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def save(self, form: Any) -> models.Model:
        return self.kind.create(actor=acting_user(self.request), model=self.kind.model, data=form.service_data())


class RecordUpdateView(PermissionMixin, RecordFormMixin, UpdateView):
    context_object_name = "record"

    def get_queryset(self) -> models.QuerySet:
        return self.kind.queryset()

    def save(self, form: Any) -> models.Model:
        current = self.kind.model._default_manager.get(pk=self.kwargs["pk"])
        return self.kind.update(
            actor=acting_user(self.request),
            instance=current,
            data=form.service_data(),
            expected_version=form.cleaned_data.get("expected_version"),
        )


class RecordDeleteView(PermissionMixin, KindMixin, DetailView, FormView):
    template_name = "crud/confirm_delete.html"
    form_class = DeleteForm
    context_object_name = "record"

    def get_queryset(self) -> models.QuerySet:
        return self.kind.queryset()

    def get_initial(self) -> dict[str, Any]:
        return {"expected_version": self.get_object().version}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from django.contrib import messages

        self.object = self.get_object()
        form = self.get_form()
        if form.is_valid():
            try:
                self.kind.delete(
                    actor=acting_user(request),
                    instance=self.object,
                    expected_version=form.cleaned_data["expected_version"],
                    reason=form.cleaned_data["reason"],
                )
            except StaleEditError as stale:
                # Show who changed what, and carry the current version so that confirming again deletes it.
                data = request.POST.copy()
                data["expected_version"] = str(stale.instance.version)
                self.object = stale.instance
                form = self.get_form_class()(data)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "This record was changed by %(who)s after you opened it. Review it and confirm again to "
                        "delete it."
                    )
                    % {"who": stale.who},
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request, _("%(record)s was deleted; it stays in the history.") % {"record": self.object}
                )
                return redirect(self.kind.url_name("list"))
        return self.render_to_response(self.get_context_data(form=form))
