import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mitra.core import formatting


def test_indonesian_formats():
    assert formatting.rupiah(5239601000, "id") == "Rp 5.239.601.000"
    assert formatting.percent(Decimal("93.8587"), language="id") == "93,86 %"
    assert formatting.date(dt.date(2015, 5, 5), "id") == "5 Mei 2015"


def test_english_formats():
    assert formatting.rupiah(5239601000, "en") == "Rp 5,239,601,000"
    assert formatting.percent(Decimal("93.8587"), language="en") == "93.86%"
    assert formatting.date(dt.date(2015, 5, 5), "en") == "5 May 2015"


def test_percent_rounds_half_up_for_display():
    assert formatting.percent(Decimal("94.625"), language="id") == "94,63 %"
    assert formatting.percent(Decimal("94.615"), language="en") == "94.62%"


def test_missing_values_show_a_dash():
    assert formatting.rupiah(None) == formatting.percent(None) == formatting.date(None) == "–"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_rupiah_round_trips_through_its_digits(amount):
    text = formatting.rupiah(amount, "id")
    digits = text.replace("Rp ", "").replace(".", "")
    assert int(digits) == amount
