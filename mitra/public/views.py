"""The public view at /publik/: anonymous, read-only pages of what the head of the bureau marked public, by country
and by forum, with the world map; the same list as CSV and JSON. And the head's page to mark and withdraw."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mitra.cooperation.models import Agreement, Cooperation
from mitra.core.web import PermissionMixin, acting_user, add_validation_error
from mitra.partners.worldmap import country_paths, shade

from . import selectors, services
from .forms import PublishForm, WithdrawForm
from .models import PublicListing

RECORDS: dict[str, type[Cooperation] | type[Agreement]] = {"kerjasama": Cooperation, "perjanjian": Agreement}


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class PublicIndexView(TemplateView):
    """Public: what has been marked public, by country and by forum, on the world map."""

    template_name = "public/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        items = selectors.public_items()
        groups = selectors.grouped(items)
        maximum = max(groups.country_counts.values(), default=0)
        world = [
            {
                "name": name,
                "path": path,
                "count": groups.country_counts.get(code, 0),
                "shade": shade(groups.country_counts.get(code, 0), maximum),
            }
            for code, (name, path) in country_paths().items()
        ]
        return {**super().get_context_data(**kwargs), "items": items, "groups": groups, "world": world}


class PublicDetailView(TemplateView):
    """Public: one record marked public; anything else is "not found", whether it exists or not."""

    template_name = "public/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        item = selectors.public_item(self.kwargs["kind"], self.kwargs["pk"])
        if item is None:
            raise Http404
        return {**super().get_context_data(**kwargs), "item": item}


class PublicDataView(View):
    """Public: the list as CSV (`data.csv`) or JSON (`data.json`)."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        rows = [item.as_row() for item in selectors.public_items()]
        if fmt == "json":
            response: HttpResponse = JsonResponse({"items": rows}, json_dumps_params={"ensure_ascii": False})
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["kind", "id", "title"])
            writer.writeheader()
            writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
            response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="mitra-publik.csv"'
        response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
        return response


class ManageView(PermissionMixin, TemplateView):
    """The head's page: every cooperation and agreement with whether it is public."""

    permission_required = "public.publish"
    template_name = "public/manage.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        q = self.request.GET.get("q", "")
        cooperations, agreements = selectors.publishable(q)
        return {**super().get_context_data(**kwargs), "cooperations": cooperations, "agreements": agreements, "q": q}


class ListingView(PermissionMixin, View):
    """Mark one record public with its public summary (POST action=publish), or withdraw it (action=withdraw)."""

    permission_required = "public.publish"
    template_name = "public/listing_form.html"

    def record(self) -> Cooperation | Agreement:
        model = RECORDS.get(self.kwargs["kind"])
        if model is None:
            raise Http404
        record: Cooperation | Agreement = get_object_or_404(model, pk=self.kwargs["pk"])  # type: ignore[assignment]
        return record

    def listing(self, record: Cooperation | Agreement) -> PublicListing | None:
        field = "cooperation" if isinstance(record, Cooperation) else "agreement"
        return PublicListing.objects.filter(**{field: record}).first()

    def page(self, request: HttpRequest, record: Any, publish: PublishForm, withdraw: WithdrawForm, status: int = 200):
        context = {
            "record": record,
            "kind": self.kwargs["kind"],
            "listing": self.listing(record),
            "form": publish,
            "withdraw_form": withdraw,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        record = self.record()
        listing = self.listing(record)
        initial = {"summary": listing.summary, "summary_en": listing.summary_en} if listing else {}
        return self.page(request, record, PublishForm(initial=initial), WithdrawForm())

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        record = self.record()
        actor = acting_user(request)
        if request.POST.get("action") == "withdraw":
            withdraw = WithdrawForm(request.POST)
            listing = self.listing(record)
            if listing is None or not listing.is_public:
                raise Http404
            if not withdraw.is_valid():
                return self.page(request, record, PublishForm(), withdraw, status=400)
            services.withdraw(actor=actor, listing=listing, reason=withdraw.cleaned_data["reason"])
            messages.success(request, _("Taken off the public page."))
            return redirect("public:manage")
        publish = PublishForm(request.POST)
        if publish.is_valid():
            try:
                services.publish(actor=actor, record=record, **publish.cleaned_data)
            except ValidationError as error:
                add_validation_error(publish, error)
            else:
                messages.success(request, _("Shown on the public page."))
                return redirect("public:detail", kind=self.kwargs["kind"], pk=record.pk)
        return self.page(request, record, publish, WithdrawForm(), status=400)
