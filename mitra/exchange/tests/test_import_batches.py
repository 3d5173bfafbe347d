"""Imports write in batches (issue 17): the rows still go through the services' checks, but are inserted, audited
and indexed in a few statements. What they write is what the row-by-row services write, the audit chain verifies,
and a refused row anywhere leaves nothing written."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from mitra.cooperation import services as registry_services
from mitra.cooperation.models import Agreement, Cooperation, Meeting, Scope, StageChange
from mitra.cooperation.tests.factories import CooperationFactory
from mitra.core import audit, services
from mitra.core.models import AuditEntry, OrganisationUnit, UnitKind, User
from mitra.core.tests.factories import AdminFactory, ReaderFactory, bureau
from mitra.exchange import imports
from mitra.partners import services as partner_services
from mitra.partners.models import Institution
from mitra.partners.tests.factories import ForumFactory
from mitra.search.models import SearchEntry, SearchFacet

pytestmark = pytest.mark.django_db
COUNTRIES = ["KR", "JP", "TH", "MY", "SG"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def partner_rows(n: int, *, bad: int | None = None) -> list[list[Any]]:
    """`n` partner rows; row number `bad` (1-based) is a regulator without a country, which the model refuses."""
    return [
        [f"Agency {i:05d}", f"Badan {i:05d}", f"AG{i:05d}", "regulator", "" if i == bad else COUNTRIES[i % 5], "", ""]
        for i in range(1, n + 1)
    ]


def meeting_tail(i: int, unit: str) -> list[Any]:
    return [COUNTRIES[i % 5], "in_person", "ya", unit, f"note {i}"]


def meeting_rows(n: int, forum: str, unit: str) -> list[list[Any]]:
    day = dt.date(2017, 3, 1)
    return [
        [f"Meeting {i:04d}", forum, "", day, day + dt.timedelta(days=i % 3), "Bangkok", *meeting_tail(i, unit)]
        for i in range(1, n + 1)
    ]


def agreement_rows(n: int, cooperation: str, unit: str) -> list[list[Any]]:
    """`n` agreements of `cooperation`: by turns with a duration, with an end date, and with neither (so the derived
    expiry is a date, another date, and empty)."""
    signed = dt.date(2016, 5, 2)
    rows = []
    for i in range(1, n + 1):
        start = signed + dt.timedelta(days=i)
        end = start + dt.timedelta(days=700 + i) if i % 3 == 1 else None
        months = 12 + i if i % 3 == 2 else None
        head = [cooperation, "mou", f"NO/{i:04d}", f"Agreement {i:04d}", "", "Jakarta"]
        rows.append([*head, signed, start, end, months, unit, ""])
    return rows


MODELS: dict[str, Any] = {"partners": Institution, "meetings": Meeting, "agreements": Agreement}


def workbook(kind: str, rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in imports.LIST_KINDS[kind].columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def one_by_one(kind: str) -> Iterator[None]:
    """The import as it was before batches: each row through the app's single-row `create` service in its own
    savepoint, audited and indexed as it is saved."""
    model = MODELS[kind]
    create_one = partner_services.create if kind == "partners" else registry_services.create

    def create(*, actor: User | None, rows: list[dict[str, Any]]) -> list[Any]:
        outcomes: list[Any] = []
        for data in rows:
            try:
                with transaction.atomic():
                    outcomes.append(create_one(actor=actor, model=model, data=data))  # type: ignore[arg-type, type-var, type-abstract]
            except (ValidationError, PermissionDenied) as error:
                outcomes.append(error)
        return outcomes

    spec = imports.LIST_KINDS[kind]
    saved_create, saved_writes = spec.create, imports._batched_writes
    spec.create = create
    imports._batched_writes = contextlib.nullcontext  # type: ignore[assignment]
    try:
        yield
    finally:
        spec.create, imports._batched_writes = saved_create, saved_writes


def new_since(model: Any, last_pk: int) -> list[Any]:
    return list(model.all_objects.filter(pk__gt=last_pk).order_by("pk"))


def content_of(record: Any) -> dict[str, Any]:
    values = services.field_values(record)
    for name in ("created_at", "updated_at"):
        values.pop(name, None)
    return values


def audit_of(records: list[Any]) -> list[tuple[Any, ...]]:
    """The audit entries of `records` in chain order, without what differs between any two appends (id, time,
    the links) and with the record named by its position among `records`."""
    position = {str(r.pk): i for i, r in enumerate(records)}
    entries = AuditEntry.objects.filter(
        record_type=records[0]._meta.label_lower, record_id__in=list(position)
    ).order_by("id")
    return [
        (
            position[e.record_id],
            e.actor_id,
            e.actor_username,
            e.action,
            e.record_repr,
            e.changes,
            e.reason,
            e.ip_address,
            e.key_id,
        )
        for e in entries
    ]


def index_of(records: list[Any]) -> list[tuple[Any, ...]]:
    """The search entries of `records` (with their facets), the record named by its position."""
    position = {str(r.pk): i for i, r in enumerate(records)}
    key = records[0]._meta.label_lower
    rows = []
    for entry in SearchEntry.objects.filter(record_type=key, record_id__in=list(position)):
        facets = sorted(
            (facet, "<pk>" if value == entry.record_id else value)  # an institution is its own partner facet
            for facet, value in SearchFacet.objects.filter(entry=entry).values_list("facet", "value")
        )
        values = {
            f.attname: getattr(entry, f.attname)
            for f in SearchEntry._meta.concrete_fields
            if f.attname not in ("id", "record_id", "url", "fingerprint", "indexed_at")
        }
        rows.append((position[entry.record_id], entry.url.replace(entry.record_id, "<pk>"), values, facets))
    return sorted(rows, key=lambda row: row[0])


@pytest.mark.parametrize("kind", ["partners", "meetings", "agreements"])
def test_a_batched_import_writes_what_the_row_by_row_services_write(kind: str) -> None:
    admin = AdminFactory.create()
    model = MODELS[kind]
    if kind == "partners":
        rows = partner_rows(25)
    elif kind == "meetings":
        forum = ForumFactory.create()
        rows = meeting_rows(25, forum.acronym, bureau().code)
    else:
        rows = agreement_rows(25, CooperationFactory.create(responsible_unit=bureau()).title, bureau().code)
    content = workbook(kind, rows)
    last = model.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with one_by_one(kind):
        reference = imports.run(kind, content, actor=admin, commit=True)
    assert reference.committed, reference.all_errors
    by_rows = new_since(model, last)
    last = by_rows[-1].pk

    batched = imports.run(kind, content, actor=admin, commit=True)
    assert batched.committed, batched.all_errors
    in_batch = new_since(model, last)

    assert len(in_batch) == len(by_rows) == 25
    assert [r.outcome for r in batched.rows] == [r.outcome for r in reference.rows]
    assert [content_of(r) for r in in_batch] == [content_of(r) for r in by_rows]
    assert [r.version for r in in_batch] == [1] * 25 and {r.created_by for r in in_batch} == {admin}
    assert audit_of(in_batch) == audit_of(by_rows)
    assert len(audit_of(in_batch)) == 25
    assert index_of(in_batch) == index_of(by_rows)
    assert len(index_of(in_batch)) == 25
    assert audit.verify().ok
    if kind == "agreements":  # the expiry is derived (and left out of the audit): by the same rule in the batch
        expiries = [r.expires_on for r in by_rows]
        assert [r.expires_on for r in in_batch] == expiries == [r.compute_expiry() for r in by_rows]
        assert expiries.count(None) == 8 and all(expiries[i] for i in range(25) if i % 3 != 2)


def test_batched_cooperations_record_their_first_stage_as_one_by_one() -> None:
    admin = AdminFactory.create()
    unit = bureau()
    rows = [
        {"title": f"Kerjasama {i}", "scope": Scope.BILATERAL, "stage_since": dt.date(2016, 1, i)} for i in range(1, 6)
    ]
    rows.insert(2, {"title": "", "scope": Scope.BILATERAL})  # refused: no title
    rows = [{**data, "responsible_unit": unit} for data in rows]
    last = Cooperation.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    by_rows = []
    for data in rows:
        try:
            with transaction.atomic():
                by_rows.append(registry_services.create(actor=admin, model=Cooperation, data=data))
        except ValidationError:
            pass
    in_batch = registry_services.create_many(actor=admin, model=Cooperation, rows=rows)
    assert isinstance(in_batch[2], ValidationError) and "title" in in_batch[2].message_dict
    created = [r for r in in_batch if isinstance(r, Cooperation)]
    assert len(created) == len(by_rows) == 5 and new_since(Cooperation, last) == by_rows + created

    def stages(records: list[Cooperation]) -> list[tuple[Any, ...]]:
        return [
            (c.cooperation.title, c.from_stage, c.to_stage, c.date, c.changed_by_id)
            for c in StageChange.objects.filter(cooperation__in=records).select_related("cooperation").order_by("pk")
        ]

    assert stages(created) == stages(by_rows)
    assert [s[3] for s in stages(created)] == [dt.date(2016, 1, i) for i in range(1, 6)]
    assert [content_of(r) for r in created] == [content_of(r) for r in by_rows]
    assert audit_of(created) == audit_of(by_rows)
    assert audit.verify().ok


def test_a_preview_of_a_batch_writes_nothing_and_shows_every_row() -> None:
    admin = AdminFactory.create()
    counts = (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count())
    result = imports.run("partners", workbook("partners", partner_rows(30)), actor=admin, commit=False)
    assert result.ok and not result.committed
    assert [r.outcome for r in result.rows] == [f"new: Agency {i:05d} (AG{i:05d})" for i in range(1, 31)]
    assert (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count()) == counts


def test_an_error_in_row_1500_leaves_nothing_written() -> None:
    admin = AdminFactory.create()
    counts = (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count())
    result = imports.run("partners", workbook("partners", partner_rows(1600, bad=1500)), actor=admin, commit=True)
    assert not result.committed
    # Row 1,500 of data is row 1,501 of the sheet (the header is row 1); the model's own check refused it.
    assert [(e.row, e.column) for e in result.all_errors] == [(1501, "Negara (ISO)")]
    assert "country" in result.all_errors[0].message
    assert (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count()) == counts
    assert audit.verify().ok


def test_a_failure_while_appending_the_audit_entries_leaves_nothing_written(monkeypatch: Any) -> None:
    admin = AdminFactory.create()
    counts = (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count())

    def broken(prepared: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "append_prepared", broken)
    with pytest.raises(RuntimeError):
        imports.run("partners", workbook("partners", partner_rows(40)), actor=admin, commit=True)
    assert (Institution.all_objects.count(), AuditEntry.objects.count(), SearchEntry.objects.count()) == counts


def test_rows_the_permission_refuses_are_reported_and_nothing_is_written() -> None:
    reader = ReaderFactory.create()
    count = Institution.all_objects.count()
    result = imports.run("partners", workbook("partners", partner_rows(3)), actor=reader, commit=True)
    assert not result.committed and Institution.all_objects.count() == count
    assert [(e.row, e.column) for e in result.all_errors] == [(2, ""), (3, ""), (4, "")]


def queries_of(run: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows() -> None:
    admin = AdminFactory.create()
    small, large = workbook("partners", partner_rows(10)), workbook("partners", partner_rows(40))
    imports.run("partners", small, actor=admin, commit=False)  # warm-up: content types, the keyring
    assert queries_of(lambda: imports.run("partners", large, actor=admin, commit=True)) == queries_of(
        lambda: imports.run("partners", small, actor=admin, commit=True)
    )


def test_rows_colliding_on_a_unique_key_get_the_per_row_result() -> None:
    """Two rows of one batch with the same unit code: each passes validation alone, the bulk insert collides, and
    the batch is done again row by row, so the second row gets the uniqueness error a single save gives."""
    admin = AdminFactory.create()
    parent = bureau()
    rows = [
        {"code": "batch-unit-a", "name": "Unit A", "kind": UnitKind.DIVISION, "parent": parent, "path": "x/a"},
        {"code": "batch-unit-a", "name": "Unit A again", "kind": UnitKind.DIVISION, "parent": parent, "path": "x/b"},
        {"code": "batch-unit-c", "name": "Unit C", "kind": UnitKind.DIVISION, "parent": parent, "path": "x/c"},
    ]
    entries = AuditEntry.objects.count()
    outcomes = services.create_guarded_many(actor=admin, perm="core.manage_units", model=OrganisationUnit, rows=rows)
    assert isinstance(outcomes[0], OrganisationUnit) and isinstance(outcomes[2], OrganisationUnit)
    assert isinstance(outcomes[1], ValidationError) and "code" in outcomes[1].message_dict
    assert set(OrganisationUnit.objects.filter(code__startswith="batch-unit").values_list("name", flat=True)) == {
        "Unit A",
        "Unit C",
    }
    assert AuditEntry.objects.count() == entries + 2
    assert audit.verify().ok


def test_the_cycle_collector_is_paused_while_an_import_runs_and_resumed_after(monkeypatch: Any) -> None:
    admin = AdminFactory.create()
    spec = imports.LIST_KINDS["partners"]
    create, seen = spec.create, []

    def watched(**kwargs: Any) -> list[Any]:
        seen.append(gc.isenabled())
        return create(**kwargs)

    monkeypatch.setattr(spec, "create", watched)
    assert gc.isenabled()
    assert imports.run("partners", workbook("partners", partner_rows(3)), actor=admin, commit=True).committed
    assert seen == [False] and gc.isenabled()

    def broken(prepared: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "append_prepared", broken)
    with pytest.raises(RuntimeError):
        imports.run("partners", workbook("partners", partner_rows(3)), actor=admin, commit=True)
    assert seen == [False, False] and gc.isenabled()


def _meetings(tag: str, forum: Any, unit: OrganisationUnit, admin: User) -> list[Meeting]:
    """Meetings with every kind of column the import fills: text (empty and not ASCII), dates, a boolean, a
    country (a text key), a forum or none, the tracking columns."""
    now = dt.datetime(2026, 12, 3, 9, 45, 1, 123456, tzinfo=dt.UTC)
    day = dt.date(2017, 3, 1)
    return [
        Meeting(
            title=f"{tag} Pertemuan {i} – ü",
            forum=forum if i % 2 else None,
            start_date=day + dt.timedelta(days=i),
            end_date=day + dt.timedelta(days=i + 2),
            city="" if i % 3 else "Bangkok",
            country_id=COUNTRIES[i % 5],
            mode="in_person",
            active_participation=bool(i % 2),
            responsible_unit=unit,
            notes=f"catatan {i}" if i % 2 else "",
            created_at=now,
            updated_at=now,
            created_by=admin,
            updated_by=admin,
            version=1,
        )
        for i in range(1, 8)
    ]


def _stored(records: list[Any]) -> list[dict[str, Any]]:
    """The rows as the database holds them (read with plain SQL, no field conversion), without their ids and the
    title's three-letter tag, in the order of `records`."""
    table = type(records[0])._meta.db_table
    with connection.cursor() as cursor:
        sql = f"SELECT * FROM {table} WHERE id IN ({', '.join(['%s'] * len(records))})"  # noqa: S608
        cursor.execute(sql, [r.pk for r in records])
        names = [c[0] for c in cursor.description]
        rows = {row["id"]: row for row in (dict(zip(names, values, strict=True)) for values in cursor.fetchall())}
    return [
        {k: v for k, v in rows[r.pk].items() if k not in ("id", "title")} | {"title": rows[r.pk]["title"][3:]}
        for r in records
    ]


def test_the_plain_insert_writes_the_rows_bulk_create_writes() -> None:
    """services.bulk_insert (the imports' insert) sends the values bulk_create sends: the same rows read back, the
    ids set in order on the instances, which are saved (not adding) as after bulk_create."""
    admin, unit, forum = AdminFactory.create(), bureau(), ForumFactory.create()
    by_django = _meetings("dj ", forum, unit, admin)
    Meeting._base_manager.bulk_create(by_django)
    plain = _meetings("pl ", forum, unit, admin)
    with CaptureQueriesContext(connection) as captured:
        services.bulk_insert(Meeting, plain)
    assert len(captured.captured_queries) == 1  # one multi-row INSERT … RETURNING for the seven rows
    assert all(m.pk for m in plain) and [m.pk for m in plain] == sorted(m.pk for m in plain)
    assert [Meeting.all_objects.get(pk=m.pk).title for m in plain] == [m.title for m in plain]
    assert not any(m._state.adding for m in plain) and {m._state.db for m in plain} == {"default"}
    assert _stored(plain) == _stored(by_django)
    assert _stored(plain)[0]["forum_id"] == forum.pk and _stored(plain)[1]["forum_id"] is None


def test_the_plain_insert_leaves_rows_it_does_not_cover_to_bulk_create() -> None:
    admin, unit, forum = AdminFactory.create(), bureau(), ForumFactory.create()
    last = Meeting.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    numbered = _meetings("nb ", forum, unit, admin)
    for i, meeting in enumerate(numbered, start=1):
        meeting.pk = last + 100 + i  # a primary key already set: bulk_create inserts it as it is
    services.bulk_insert(Meeting, numbered)
    assert [m.pk for m in Meeting.all_objects.filter(title__startswith="nb ").order_by("pk")] == [
        last + 100 + i for i in range(1, 8)
    ]
