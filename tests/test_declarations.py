"""A field is declared once, and no editable field is forgotten.

- Every declared kind of record (core.crud.RecordKind) has its form, its API serializer, its detail page and its
  search entry made from its one list of fields, and names every editable field of its model — in `fields`, or in
  `excluded` with the reason.
- Every other model people edit (plans, quarters, travel, staff …) shows each editable field in at least one of its
  forms or API serializers, or names it below with the reason it is edited elsewhere or not at all.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.forms import ModelForm
from rest_framework import serializers

from mitra.cooperation import kinds as registry_kinds
from mitra.core.crud import RecordKind
from mitra.core.models import TrackedModel
from mitra.core.web import VersionedForm
from mitra.partners import kinds as partner_kinds
from mitra.search import registry as search_registry

KINDS: list[RecordKind] = [*registry_kinds.KINDS, *partner_kinds.KINDS]

# Kinds search does not index, with the reason.
NOT_SEARCHED = {"contact": "people are found on the page of their institution or forum, not by search"}

# Editable fields of undeclared models that no form or serializer shows, with the reason.
NOT_IN_A_FORM: dict[str, str] = {
    "core.organisationunit.path": "derived from the parent chain by the unit services",
    "core.organisationunit.is_illustrative": "marks the demo's made-up units; set by the demo loader only",
    "core.staffmember.is_illustrative": "marks the demo's made-up people; set by the demo loader only",
    "travel.travelrequest.is_illustrative": "marks the demo's made-up trips; set by the demo loader only",
    "performance.quarterentry.is_illustrative": "marks the demo's made-up figures; set by the demo loader only",
    "performance.subactivity.is_illustrative_unit": "marks the demo's assumed unit; set by the demo loader only",
    "core.staffmember.user": "the link to a login; set through the user services (the demo loader), no form yet",
    "performance.budgetrevision.sub_activity": "the sub-activity of the page the revision is made on (its URL)",
    "travel.traveller.request": "the request of the page the traveller is added on (its URL)",
    "travel.travelstep.request": "the request whose submission creates the step",
    "travel.travelstep.kind": "chosen when the step is added (its own small form) or by the submission",
    "performance.unitindicator.indicator": "the bureau indicator of the page the indicator is cascaded on (its URL)",
    "performance.unitindicator.parent": "the unit indicator of the page it is cascaded further on (its URL)",
    "performance.unitindicator.is_illustrative": "marks the demo's made-up cascade; set by the demo loader only",
    "evaluation.evaluationreport.is_illustrative": "marks the demo's made-up report details; set by the demo loader",
    "evaluation.recommendation.report": "the report of the page the recommendation is added on (its URL)",
    "evaluation.recommendation.is_illustrative": "marks the demo's made-up recommendations; set by the demo loader",
}


def editable_fields(model: type[models.Model]) -> set[str]:
    """The fields a person could be expected to edit: concrete and many-to-many, not bookkeeping."""
    skip = set(getattr(model, "AUDIT_EXCLUDE", set()))
    names = set()
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key or not field.editable or field.name in skip or field.auto_created:
            continue
        names.add(field.name)
    return names


def _import_all(module: str) -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("mitra."):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.{module}":
                    raise


def _subclasses(cls: type) -> list[Any]:
    found: list[Any] = []
    sub: Any
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def shown_fields() -> dict[type[models.Model], set[str]]:
    """For each model, the fields any of the project's model forms or model serializers shows."""
    _import_all("forms")
    _import_all("kinds")
    importlib.import_module("mitra.api.v1.urls")
    shown: dict[type[models.Model], set[str]] = {}
    for form in _subclasses(ModelForm):
        meta = getattr(form, "_meta", None)
        if meta is not None and meta.model is not None and form.__module__.startswith("mitra."):
            shown.setdefault(meta.model, set()).update(form.base_fields)
    for serializer in _subclasses(serializers.ModelSerializer):
        meta = getattr(serializer, "Meta", None)
        if meta is not None and getattr(meta, "model", None) is not None and serializer.__module__.startswith("mitra."):
            fields = getattr(meta, "fields", ())
            if fields != serializers.ALL_FIELDS:
                shown.setdefault(meta.model, set()).update(fields)
    return shown


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_kind_names_every_editable_field(kind: RecordKind) -> None:
    editable = editable_fields(kind.model)
    unknown = set(kind.fields) - editable
    assert not unknown, f"{kind.name}: not editable fields of {kind.model.__name__}: {sorted(unknown)}"
    assert all(reason.strip() for reason in kind.excluded.values()), f"{kind.name}: an exclusion without a reason"
    forgotten = editable - set(kind.fields) - set(kind.excluded)
    assert not forgotten, f"{kind.name}: declare {sorted(forgotten)} in `fields`, or in `excluded` with the reason"
    assert not set(kind.fields) & set(kind.excluded), f"{kind.name}: a field both declared and excluded"


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_form_detail_api_and_search_come_from_the_declaration(kind: RecordKind) -> None:
    bookkeeping = list(VersionedForm.declared_fields)  # the version and the values the form was loaded with
    form: Any = kind.form_class
    assert list(form.base_fields) == [*kind.fields, *bookkeeping]

    shown = set(kind.detail_fields)
    hidden = {kind.heading, "is_illustrative", *kind.not_in_detail}
    assert shown == (set(kind.fields) - hidden) | set(kind.computed)

    from mitra.api.v1 import cooperation, partners

    serializer_class: Any = next(
        s
        for module in (cooperation, partners)
        for s in vars(module).values()
        if isinstance(s, type)
        and issubclass(s, serializers.ModelSerializer)
        and getattr(getattr(s, "Meta", None), "model", None) is kind.model
    )
    writable = {name for name, f in serializer_class().fields.items() if not f.read_only}
    assert writable == set(kind.fields)

    searchable = search_registry.for_model(kind.model)
    if kind.name in NOT_SEARCHED:
        assert searchable is None
    else:
        assert searchable is not None and searchable.fields == kind.text_fields


def test_every_other_edited_model_shows_each_editable_field_somewhere() -> None:
    declared = {kind.model for kind in KINDS}
    shown = shown_fields()
    missing = []
    for model in apps.get_models():
        if not issubclass(model, TrackedModel) or model in declared or not model.__module__.startswith("mitra."):
            continue
        if model not in shown:
            continue  # not edited through a form or the API at all (written by its app's services only)
        for name in sorted(editable_fields(model) - shown[model]):
            key = f"{model._meta.label_lower}.{name}"
            if key not in NOT_IN_A_FORM:
                missing.append(key)
    assert not missing, f"editable fields no form or serializer shows (declare them or give a reason): {missing}"
    stale = [key for key in NOT_IN_A_FORM if not _field_exists(key)]
    assert not stale, f"NOT_IN_A_FORM names fields that no longer exist: {stale}"


def _field_exists(key: str) -> bool:
    app_label, model_name, field_name = key.split(".")
    model: Any = apps.get_model(app_label, model_name)
    return field_name in {f.name for f in model._meta.get_fields()}
