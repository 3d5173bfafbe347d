import pytest

from mitra.demo.loader import load_organisation
from mitra.demo.performance import load_performance


@pytest.fixture
def perf(db):
    """The organisation and the 2017 performance data only (independent of the other areas' demo loaders): for the
    golden tests of the 2017 report's figures and of the demo loader; every other test builds its own records
    (see factories.py)."""
    load_organisation()
    load_performance()
