"""The reports' cache is keyed on what their figures read (issue 14, item 6): every indicator source declares the
record types it reads, a write of any of them makes the report again, and a date-dependent figure carries its
date in the key."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps

from mitra.cooperation.models import Publication
from mitra.core.services import update_record
from mitra.performance import sources
from mitra.performance.models import PerformanceYear, QuarterEntry
from mitra.reports import generate
from mitra.travel.selectors import on_time

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's writes are rolled back, so audit ids (the data version) repeat between tests: start empty."""
    shutil.rmtree(generate.cache_dir(), ignore_errors=True)


def test_every_source_declares_the_records_it_reads(demo):
    assert sources.choices()
    for key, _label in sources.choices():
        source = sources.get(key)
        assert source.reads, key
        for label, lookup in source.reads.items():
            model = apps.get_model(label)  # a real record type
            if lookup:  # a real lookup to its year
                list(model._default_manager.filter(**{lookup: 2017})[:1])
    with pytest.raises(ValueError):
        sources.register("test.undeclared", "Test", lambda year: sources.SourceResult(Decimal(0)), reads={})


def _late_travel(admin) -> None:
    row = next(r for r in on_time(2017).rows if r.on_time)
    update_record(
        actor=admin,
        expected_version=None,
        instance=row.request,
        data={"documents_completed_on": row.deadline + datetime.timedelta(days=20)},
    )


def _edition_moved(admin) -> None:
    edition = Publication.objects.filter(date__year=2017).order_by("pk").first()
    assert edition is not None
    update_record(actor=admin, expected_version=None, instance=edition, data={"date": datetime.date(2016, 12, 1)})


def _realisation(admin) -> None:
    entry = QuarterEntry.objects.filter(sub_activity__year=2017, quarter=4).order_by("pk").first()
    assert entry is not None
    update_record(
        actor=admin,
        expected_version=None,
        instance=entry,
        data={"budget_realised": (entry.budget_realised or 0) + 1_000_000},
    )


def _sakip(admin) -> None:
    year = PerformanceYear.objects.get(year=2017)
    update_record(actor=admin, expected_version=None, instance=year, data={"sakip_score": Decimal("72.50")})


@pytest.mark.parametrize(
    "change",
    [_late_travel, _edition_moved, _realisation, _sakip],
    ids=["travel", "registry", "realisation", "sakip"],
)
def test_a_write_of_each_source_kind_makes_the_report_again(demo, user_of, change: Callable[..., None]):
    first = generate.generate("lakip", 2017, "html", use_cache=True)
    assert generate.generate("lakip", 2017, "html", use_cache=True).cached
    assert generate.generate("lakip", 2017, "html", use_cache=False).content == first.content  # deterministic
    change(user_of("admin"))
    after = generate.generate("lakip", 2017, "html", use_cache=True)
    assert not after.cached
    assert after.content != first.content


def test_a_date_dependent_figure_is_keyed_with_its_date(demo, monkeypatch):
    assert "travel.on_time_pct" in sources.date_dependent_keys()
    days = iter([datetime.date(2026, 1, 5), datetime.date(2026, 1, 6)])
    monkeypatch.setattr(generate.timezone, "localdate", lambda: next(days))
    version = generate.data_version()
    # 2017 reports the on-time figure: the same data on another day is another file.
    assert generate.cache_path("lakip", 2017, "html", version=version) != generate.cache_path(
        "lakip", 2017, "html", version=version
    )
    # A year without such an indicator is not keyed by the date.
    assert generate.data_date(1999) == ""
