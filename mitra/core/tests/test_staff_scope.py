"""Staff statistics count the bureau's units as of the report's date (issue 14.5): people join and leave, and people
of other units recorded as travellers are not the bureau's staff."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.core import selectors
from mitra.core.forms import StaffMemberForm
from mitra.core.models import OrganisationUnit
from mitra.core.tests.factories import AdminFactory, DirectorateFactory, StaffFactory, UnitFactory, bureau, logged_in

pytestmark = pytest.mark.django_db

END_2017 = datetime.date(2017, 12, 31)


def counted(day: datetime.date, unit: OrganisationUnit | None = None) -> set[str]:
    """Who the staff figures count on `day` in `unit` (the bureau by default; it may hold other people already)."""
    return set(selectors.staff_on(day, unit=unit or bureau()).values_list("full_name", flat=True))


def test_staff_are_counted_between_joining_and_leaving():
    division = UnitFactory.create()
    StaffFactory.create(full_name="Lama", unit=division, joined_on=datetime.date(2010, 1, 4))
    StaffFactory.create(full_name="Tanpa tanggal", unit=division)  # recorded before joining dates existed
    StaffFactory.create(full_name="Baru", unit=division, joined_on=datetime.date(2026, 12, 1))
    StaffFactory.create(
        full_name="Pindah", unit=division, joined_on=datetime.date(2012, 5, 2), left_on=datetime.date(2017, 7, 1)
    )
    StaffFactory.create(full_name="Direktorat", unit=DirectorateFactory.create(), joined_on=datetime.date(2010, 1, 4))
    assert counted(END_2017, division) == {"Lama", "Tanpa tanggal"}
    assert counted(datetime.date(2017, 6, 30), division) == {"Lama", "Tanpa tanggal", "Pindah"}
    assert counted(datetime.date(2026, 12, 1), division) == {"Lama", "Tanpa tanggal", "Baru"}
    assert {"Lama", "Tanpa tanggal"} <= counted(END_2017) and not {"Baru", "Pindah", "Direktorat"} & counted(END_2017)
    profile = selectors.staff_profile(on=END_2017, unit=division)
    assert profile.total == 2 == sum(r[2] for r in profile.breakdowns["position"].rows)


def test_a_traveller_of_another_directorate_is_not_bureau_staff():
    division = UnitFactory.create()
    StaffFactory.create(full_name="Pegawai biro", unit=division, joined_on=datetime.date(2015, 1, 5))
    before = selectors.staff_profile(on=END_2017, unit=bureau()).total
    # Recorded by the bureau (in its division, the only units its staff may choose) as a traveller of a directorate.
    StaffFactory.create(
        full_name="Pelaku perjalanan",
        unit=division,
        home_unit=DirectorateFactory.create(),
        joined_on=datetime.date(2015, 1, 5),
    )
    assert selectors.staff_profile(on=END_2017, unit=bureau()).total == before
    assert "Pelaku perjalanan" not in counted(END_2017)
    # The institution as a whole still has the person.
    assert selectors.staff_on(END_2017).filter(full_name="Pelaku perjalanan").exists()


def test_leaving_comes_after_joining_and_a_new_person_needs_a_joining_day():
    with pytest.raises(ValidationError) as error:
        StaffFactory.create(joined_on=datetime.date(2017, 5, 1), left_on=datetime.date(2017, 5, 1))
    assert "left_on" in error.value.message_dict
    unit = UnitFactory.create()
    with pytest.raises(ValidationError) as error:
        StaffFactory.create(unit=unit, home_unit=unit)
    assert "home_unit" in error.value.message_dict
    data = {
        "full_name": "Tanpa tanggal",
        "unit": unit.pk,
        "employment": "contract",
        "position": "staff",
        "education": "s1",
        "birth_year": 1990,
    }
    form = StaffMemberForm(data=data, user=AdminFactory.create())
    assert not form.is_valid() and "joined_on" in form.errors
    form = StaffMemberForm(data=data | {"joined_on": "2017-02-01"}, user=AdminFactory.create())
    assert form.is_valid(), form.errors


def test_the_staff_page_shows_the_dates_and_the_unit_of_origin():
    directorate = DirectorateFactory.create()
    person = StaffFactory.create(
        unit=UnitFactory.create(),
        home_unit=directorate,
        joined_on=datetime.date(2015, 1, 5),
        left_on=datetime.date(2018, 2, 1),
    )
    page = logged_in(AdminFactory.create()).get(reverse("core:staff-detail", args=[person.pk])).content.decode()
    assert "Mulai bergabung" in page and "Keluar pada" in page
    assert directorate.name in page and "tidak dihitung sebagai pegawai" in page
