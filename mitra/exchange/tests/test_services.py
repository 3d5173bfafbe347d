"""The exchange app's writers: staging and committing an upload are permission-checked, audited, and a workbook is
imported once."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from mitra.core.models import AuditEntry, Role
from mitra.core.tests.factories import UserFactory
from mitra.exchange import services
from mitra.exchange.imports import LIST_KINDS
from mitra.exchange.models import ImportUpload
from mitra.partners.models import Institution

pytestmark = pytest.mark.django_db


def _workbook(name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    columns = LIST_KINDS["partners"].columns
    sheet.append([c.header for c in columns])
    values = {"name": name, "kind": "regulator", "country": "KR"}
    sheet.append([values.get(c.field, "") for c in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_staging_needs_the_import_permission_and_is_audited():
    reader = UserFactory.create(role=Role.READER)
    with pytest.raises(PermissionDenied):
        services.stage_upload(actor=reader, kind="partners", filename="x.xlsx", content=b"x", options={})
    staff = UserFactory.create(role=Role.STAFF)
    upload = services.stage_upload(actor=staff, kind="partners", filename="mitra.xlsx", content=b"abc", options={})
    entry = AuditEntry.objects.get(record_type="exchange.importupload", record_id=str(upload.pk))
    assert entry.actor_username == staff.username and entry.changes["import_upload"][1]["bytes"] == 3


def test_a_workbook_is_imported_once():
    staff = UserFactory.create(role=Role.STAFF)
    content = _workbook("Lembaga Uji Sekali Impor")
    upload = services.stage_upload(actor=staff, kind="partners", filename="p.xlsx", content=content, options={})
    result = services.commit_upload(actor=staff, upload=upload)
    assert result.committed, [e.message for e in result.errors] + [str(r) for r in result.rows]
    assert ImportUpload.objects.get(pk=upload.pk).committed_at is not None
    assert Institution.objects.filter(name="Lembaga Uji Sekali Impor").count() == 1
    with pytest.raises(PermissionDenied):
        services.commit_upload(actor=staff, upload=upload)
    assert Institution.objects.filter(name="Lembaga Uji Sekali Impor").count() == 1
    other = UserFactory.create(role=Role.STAFF)
    second = services.stage_upload(actor=staff, kind="partners", filename="p.xlsx", content=content, options={})
    with pytest.raises(PermissionDenied):  # only the person who uploaded it commits it
        services.commit_upload(actor=other, upload=second)
