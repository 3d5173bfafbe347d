"""The generator's plain INSERT (`scale._insert`, used for its largest tables) writes the rows bulk_create writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mitra.core.services import field_values
from mitra.demo.scale import _insert
from mitra.partners.models import Institution

pytestmark = pytest.mark.django_db


def test_a_plain_insert_writes_what_bulk_create_writes() -> None:
    values = {"name": "Agency X", "kind": "regulator", "country_id": "JP", "is_illustrative": True, "notes": "n"}
    before = timezone.now()
    assert _insert(Institution, [values, {**values, "name": "Agency Y"}]) == 2
    Institution.objects.bulk_create([Institution(**values), Institution(**{**values, "name": "Agency Y"})])
    rows = list(Institution.all_objects.filter(name__in=["Agency X", "Agency Y"]).order_by("pk"))
    assert len(rows) == 4
    plain, bulk = rows[:2], rows[2:]
    assert [field_values(r) for r in plain] == [field_values(r) for r in bulk]  # defaults included
    assert [r.version for r in plain] == [1, 1] and plain[0].deleted_at is None and plain[0].website == ""
    assert all(before <= r.created_at <= timezone.now() + dt.timedelta(seconds=1) for r in plain)
    with pytest.raises(AssertionError):
        _insert(Institution, [{"no_such_column": 1}])
