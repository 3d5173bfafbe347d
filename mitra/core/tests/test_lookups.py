"""`in_literal` writes its list into the SQL (for SQLite's partial indexes) and takes only plain words; `in_ids` passes
its ids as one value (on PostgreSQL one array parameter, on SQLite one JSON parameter), and `Ids` hands the
same ids to many lookups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from mitra.travel.models import OPEN_STATUSES, TravelRequest


def written_list(column: str, ids: list[int]) -> tuple[str, list[str]]:
    """How `in_ids` writes these ids, and the parameters it adds: on PostgreSQL one array parameter (sent as one
    constant, cheaper to plan than an IN list, or bound on the server), on SQLite one parameter, the ids in a JSON
    array (short SQL for Django's `%s` -> `?`)."""
    if connection.vendor == "postgresql":
        return f'"{column}" = ANY(%s::bigint[])', [f"{{{','.join(map(str, ids))}}}"]
    return f'"{column}" IN (SELECT value FROM json_each(%s))', [f"[{','.join(map(str, ids))}]"]  # noqa: S608


def test_the_list_is_written_into_the_sql_in_its_order():
    sql, params = TravelRequest.objects.filter(status__in_literal=OPEN_STATUSES).query.sql_with_params()
    assert "\"status\" IN ('submitted', 'ready')" in sql and "submitted" not in params


@pytest.mark.parametrize("values", [(), ("ready", "x' OR 1=1 --"), ("a b",)])
def test_anything_but_plain_words_is_refused(values: tuple[str, ...]):
    with pytest.raises(ValueError):
        TravelRequest.objects.filter(status__in_literal=values)


@pytest.mark.django_db
def test_in_ids_writes_the_ids_and_finds_what_in_finds():
    from mitra.cooperation.models import FollowUp
    from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory

    cooperations = [CooperationFactory.create() for _ in range(3)]
    for cooperation in cooperations:
        FollowUpFactory.create(
            meeting=None,
            cooperation=cooperation,
            responsible_unit=cooperation.responsible_unit,
            due_date=dt.date(2017, 3, 1),
        )
    ids = [cooperations[2].pk, cooperations[0].pk]
    written = FollowUp.objects.filter(cooperation__in_ids=ids)
    sql, params = written.query.sql_with_params()
    fragment, added = written_list("cooperation_id", ids)
    assert fragment in sql and list(params) == added
    assert set(written) == set(FollowUp.objects.filter(cooperation__in=ids)) and written.count() == 2
    assert list(FollowUp.objects.filter(cooperation__in_ids=[])) == []  # as __in=[]: nothing
    assert set(FollowUp.objects.exclude(cooperation__in_ids=ids)) == set(FollowUp.objects.exclude(cooperation__in=ids))


@pytest.mark.parametrize("values", [["1"], [1, "1) OR (1=1"], [True], [1.0]])
def test_in_ids_takes_only_ints(values: list[object]):
    from mitra.cooperation.models import FollowUp

    with pytest.raises(ValueError):
        FollowUp.objects.filter(cooperation__in_ids=values)


def test_ids_are_checked_and_written_once_for_every_lookup_given_them():
    """`Ids`: the same SQL as the list, and each filter keeps the very object (Django walks a list item by item)."""
    from mitra.cooperation.models import FollowUp
    from mitra.core.lookups import Ids

    ids = Ids([7, 3, 11])
    given = FollowUp.objects.filter(cooperation__in_ids=ids)
    assert str(given.query) == str(FollowUp.objects.filter(cooperation__in_ids=[7, 3, 11]).query)
    fragment, added = written_list("cooperation_id", [7, 3, 11])
    sql, params = given.query.sql_with_params()
    assert fragment in sql and list(params) == added
    lookup: Any = given.query.where.children[-1]
    assert lookup.rhs is ids
    with pytest.raises(ValueError):
        Ids([1, "2"])  # type: ignore[list-item]


def test_a_filter_does_not_walk_the_ids(monkeypatch):
    """Django checks each item of an iterable given to a filter on a relation (`check_related_objects`: one call per
    id, for each lookup); `Ids` is not iterable, so it is written without that walk."""
    from django.db.models.sql.query import Query

    from mitra.cooperation.models import FollowUp
    from mitra.core.lookups import Ids

    checked: list[object] = []
    original = Query.check_query_object_type

    def check(self: Query, value: object, *args: Any) -> None:
        checked.append(value)
        original(self, value, *args)

    monkeypatch.setattr(Query, "check_query_object_type", check)
    FollowUp.objects.filter(cooperation__in_ids=[7, 3])
    assert checked == [7, 3]  # a list is walked
    checked.clear()
    FollowUp.objects.filter(cooperation__in_ids=Ids([7, 3, 11]), other_cooperation__in_ids=Ids([5]))
    assert checked == []
