"""Working days and deadlines around Indonesian public holidays and weekends (2017 calendar)."""

import datetime as dt

from django.test import override_settings

from mitra.travel import workdays
from mitra.travel.selectors import arrival_deadline, documents_deadline

D = dt.date


def test_weekends_and_public_holidays_are_not_working_days():
    assert workdays.is_working_day(D(2017, 6, 23))  # Friday
    assert not workdays.is_working_day(D(2017, 6, 24))  # Saturday
    assert not workdays.is_working_day(D(2017, 6, 26))  # Monday, second day of Idul Fitri
    assert not workdays.is_working_day(D(2017, 8, 17))  # Thursday, Independence Day
    assert not workdays.is_working_day(D(2017, 5, 25))  # Thursday, Ascension Day


def test_adding_working_days_skips_holidays_and_weekends():
    assert workdays.add_working_days(D(2017, 5, 24), 2) == D(2017, 5, 29)  # over Ascension and a weekend
    assert workdays.add_working_days(D(2017, 8, 16), 1) == D(2017, 8, 18)
    assert workdays.add_working_days(D(2017, 8, 16), 0) == D(2017, 8, 16)
    assert workdays.working_days_between(D(2017, 6, 22), D(2017, 6, 28)) == 3  # 23, 27, 28


def test_documents_deadline_is_the_last_working_day_before_departure():
    assert documents_deadline(D(2017, 6, 27)) == D(2017, 6, 23)  # Tuesday after Lebaran → the Friday before
    assert documents_deadline(D(2017, 6, 26)) == D(2017, 6, 23)
    assert documents_deadline(D(2017, 8, 18)) == D(2017, 8, 16)  # Friday after Independence Day
    assert documents_deadline(D(2017, 8, 21)) == D(2017, 8, 18)  # Monday → Friday
    assert documents_deadline(D(2017, 3, 29)) == D(2017, 3, 27)  # Nyepi on Tuesday 28 March


def test_lead_time_counts_working_days():
    # Ten working days before Monday 4 September 2017: Idul Adha (Friday 1 September) does not count.
    assert arrival_deadline(D(2017, 9, 4)) == D(2017, 8, 18)


@override_settings(MITRA_TRAVEL_EXTRA_CLOSED_DAYS=["2017-06-23"], MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS=1)
def test_extra_closed_days_cuti_bersama_move_the_deadline():
    assert documents_deadline(D(2017, 6, 27)) == D(2017, 6, 22)
