"""`in_literal` writes its list into the SQL (for SQLite's partial indexes) and takes only plain words."""

from __future__ import annotations

import pytest

from mitra.travel.models import OPEN_STATUSES, TravelRequest


def test_the_list_is_written_into_the_sql_in_its_order():
    sql, params = TravelRequest.objects.filter(status__in_literal=OPEN_STATUSES).query.sql_with_params()
    assert "\"status\" IN ('submitted', 'ready')" in sql and "submitted" not in params


@pytest.mark.parametrize("values", [(), ("ready", "x' OR 1=1 --"), ("a b",)])
def test_anything_but_plain_words_is_refused(values: tuple[str, ...]):
    with pytest.raises(ValueError):
        TravelRequest.objects.filter(status__in_literal=values)
