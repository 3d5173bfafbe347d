"""The one home of year and quarter bounds, of "the previous year", and of "within a unit's subtree"."""

import datetime as dt

import pytest

from mitra.core import periods
from mitra.core.models import OrganisationUnit, User
from mitra.core.selectors import units_within, within_unit


def test_quarter_bounds_cover_the_year_without_gaps():
    assert [periods.quarter_bounds(2016, q) for q in periods.QUARTERS] == [
        (dt.date(2016, 1, 1), dt.date(2016, 3, 31)),
        (dt.date(2016, 4, 1), dt.date(2016, 6, 30)),
        (dt.date(2016, 7, 1), dt.date(2016, 9, 30)),
        (dt.date(2016, 10, 1), dt.date(2016, 12, 31)),
    ]
    assert periods.year_bounds(2016) == (periods.quarter_bounds(2016, 1)[0], periods.quarter_bounds(2016, 4)[1])


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_a_quarter_outside_1_to_4_is_refused(quarter):
    with pytest.raises(ValueError):
        periods.quarter_bounds(2017, quarter)


def test_every_day_lies_in_the_quarter_quarter_of_names():
    day = dt.date(2017, 1, 1)
    while day.year == 2017:
        start, end = periods.quarter_bounds(day.year, periods.quarter_of(day))
        assert start <= day <= end
        day += dt.timedelta(days=1)


def test_the_previous_year_is_the_calendar_year_before():
    assert periods.previous_year(2017) == 2016


def test_within_unit_is_the_unit_and_what_lies_beneath_it_by_path(db):
    def unit(code: str, parent: OrganisationUnit | None = None) -> OrganisationUnit:
        path = f"{parent.path}/{code}" if parent else code
        return OrganisationUnit.objects.create(code=code, name=code, kind="bureau", parent=parent, path=path)

    root = unit("t-root")
    child = unit("t-a", root)
    grandchild = unit("t-b", child)
    sibling = unit("t-ab", root)  # "t-root/t-ab" starts with "t-root/t-a" yet is not beneath it
    assert set(units_within(child)) == {child, grandchild}
    assert set(OrganisationUnit.objects.filter(within_unit(root))) == {root, child, grandchild, sibling}
    # Through a relation: the users of the subtree.
    inside = User.objects.create(username="t-inside", unit=grandchild)
    User.objects.create(username="t-outside", unit=sibling)
    assert list(User.objects.filter(within_unit(child, "unit"))) == [inside]
