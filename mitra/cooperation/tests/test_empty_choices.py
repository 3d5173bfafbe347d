"""No select says "---------": forms offer "— pilih —", list filters "Semua" (issue 16)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from mitra.cooperation.kinds import KINDS
from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import AdminFactory, logged_in
from mitra.partners.kinds import KINDS as PARTNER_KINDS

pytestmark = pytest.mark.django_db

ALL_KINDS = KINDS + PARTNER_KINDS
EMPTY_OPTION = re.compile(r'<option value=""[^>]*>([^<]*)</option>')


class Plain(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrganisationUnit.objects.none(), required=False)
    size = forms.ChoiceField(choices=[("", "---------"), ("s", "S")], required=False)


def test_a_forms_empty_choice_reads_choose():
    html = str(Plain())
    assert "---------" not in html
    assert EMPTY_OPTION.findall(html) == ["— pilih —", "— pilih —"]


@pytest.mark.parametrize("kind", ALL_KINDS, ids=[k.name for k in ALL_KINDS])
def test_registry_forms_and_filters_have_no_dashes(kind):
    client = logged_in(AdminFactory.create())
    form = client.get(reverse(kind.url_name("create"))).content.decode()
    listing = client.get(reverse(kind.url_name("list"))).content.decode()
    assert "---------" not in form and "---------" not in listing
    assert set(EMPTY_OPTION.findall(form)) <= {"— pilih —"}
    assert set(EMPTY_OPTION.findall(listing)) <= {"Semua"}
    if kind.name == "meeting":
        assert "— pilih —" in form  # the responsible unit and the country
