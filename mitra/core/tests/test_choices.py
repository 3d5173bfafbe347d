"""A choice field's label (core.choices.choice_label) is what the record's own get_<field>_display() says, in each
language; the pages and the search index's descriptions show it."""

from __future__ import annotations

import pytest
from django.utils import translation

from mitra.cooperation.tests.factories import AgreementFactory, CooperationFactory
from mitra.core.choices import choice_label
from mitra.partners.models import InstitutionKind
from mitra.partners.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_choice_labels_are_the_models_own_display_in_each_language() -> None:
    agreement = AgreementFactory.create()
    cooperation = CooperationFactory.create()
    records = [
        *(InstitutionFactory.create(kind=kind) for kind in InstitutionKind.values),
        (agreement, "kind"),
        (cooperation, "scope"),
        (cooperation, "stage"),
    ]
    pairs = [(r, "kind") if not isinstance(r, tuple) else r for r in records]
    for language in ("id", "en", "id"):  # the labels cached once still follow the language of each call
        with translation.override(language):
            for record, name in pairs:
                own = getattr(record, f"get_{name}_display")()
                assert choice_label(record, name) == own
    assert {choice_label(r, "kind") for r, _n in pairs[: len(InstitutionKind.values)]} == {
        str(label) for label in InstitutionKind.labels
    }
    stray = InstitutionFactory.create()
    stray.kind = "not-a-choice"  # a value outside the choices reads as itself, as in Django
    assert choice_label(stray, "kind") == stray.get_kind_display() == "not-a-choice"
    setattr(stray, "kind", None)  # noqa: B010 - no value (a nullable field's): None, as Django gives it
    assert choice_label(stray, "kind") is stray.get_kind_display() is None
