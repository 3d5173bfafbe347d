"""Import workbooks are bounded before they are opened, a failed preview is not run again, and uncommitted
uploads are pruned (issue 15, item 2 and the clean-up)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from mitra.core.models import User
from mitra.core.tests.factories import UserFactory, logged_in
from mitra.exchange import imports, services, workbooks
from mitra.exchange import spreadsheet as xl
from mitra.exchange.models import ImportUpload

pytestmark = pytest.mark.django_db


def xlsx(rows: int, columns: int = 2, dimension: str | None = "keep") -> bytes:
    """A genuine workbook of `rows` × `columns` cells; `dimension` replaces (or with None removes) the sheet's
    declared <dimension>, which is what a hostile file lies about."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r in range(rows):
        sheet.append([f"r{r}c{c}" for c in range(columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue() if dimension == "keep" else stating(buffer.getvalue(), dimension)


def stating(content: bytes, dimension: str | None) -> bytes:
    """The workbook with its first sheet's <dimension> replaced by `dimension` (removed when None)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                replacement = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
                data, found = re.subn(rb"<dimension [^>]*/>", replacement, data)
                assert found == 1
            archive.writestr(info.filename, data)
    return out.getvalue()


def post(client, content: bytes, kind: str = "partners"):
    return client.post("/pertukaran/impor/", {"kind": kind, "file": SimpleUploadedFile("impor.xlsx", content)})


@pytest.fixture
def staff(db: None) -> User:
    """Staff of a division of the bureau (imports write registry records of their own unit)."""
    return UserFactory.create()


def test_a_workbook_whose_dimension_claims_millions_of_cells_is_refused_and_not_stored(staff, monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a refused workbook")

    hostile = xlsx(3, dimension="A1:Z5000000")
    assert len(hostile) < 10_000
    monkeypatch.setattr(xl, "load_workbook", must_not_open)
    response = post(logged_in(staff), hostile)
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not ImportUpload.objects.exists()


def test_rows_and_cells_are_counted_when_the_dimension_is_missing(staff, settings):
    settings.MITRA_IMPORT_MAX_CELLS = 1000
    response = post(logged_in(staff), xlsx(600, 2, dimension=None))  # 1 200 cells
    assert response.status_code == 400 and not ImportUpload.objects.exists()
    settings.MITRA_IMPORT_MAX_CELLS = 10_000
    settings.MITRA_IMPORT_MAX_ROWS = 500
    response = post(logged_in(staff), xlsx(600, 2, dimension=None))
    assert response.status_code == 400 and not ImportUpload.objects.exists()
    settings.MITRA_IMPORT_MAX_ROWS = 1000
    xl.check_bounds(xlsx(600, 2, dimension=None))  # within both limits


def test_counting_does_not_miss_tags_split_between_chunks(settings):
    settings.MITRA_IMPORT_MAX_CELLS = 10**9
    settings.MITRA_IMPORT_MAX_ROWS = 10**9
    content = xlsx(40_000, 1, dimension=None)  # the sheet's XML spans several 1 MiB chunks
    settings.MITRA_IMPORT_MAX_CELLS = 40_000
    xl.check_bounds(content)
    settings.MITRA_IMPORT_MAX_CELLS = 39_999
    with pytest.raises(xl.WorkbookError):
        xl.check_bounds(content)


def test_an_import_zip_bomb_is_refused(staff, settings):
    settings.MITRA_UPLOAD_MAX_UNZIPPED_BYTES = 100_000
    response = post(logged_in(staff), xlsx(2000, 3))
    assert response.status_code == 400 and not ImportUpload.objects.exists()


def stored(user, content: bytes, **fields) -> ImportUpload:
    """An upload stored before the bounds existed (or by any other path)."""
    return ImportUpload.objects.create(user=user, kind="partners", filename="x.xlsx", content=content, **fields)


def test_a_stored_upload_that_failed_its_preview_is_not_read_again(staff, monkeypatch):
    upload = stored(staff, xlsx(3, dimension="A1:Z5000000"))
    client = logged_in(staff)
    first = client.get(f"/pertukaran/impor/{upload.pk}/")
    assert first.status_code == 200 and first.context["result"].errors
    upload.refresh_from_db()
    assert upload.failure and upload.preview_finished_at is not None

    def must_not_run(*args, **kwargs):
        raise AssertionError("a failed upload was read again")

    monkeypatch.setattr(imports, "run", must_not_run)
    again = client.get(f"/pertukaran/impor/{upload.pk}/")
    assert again.status_code == 200
    assert [e.message for e in again.context["result"].errors] == upload.failure.splitlines()
    assert client.post(f"/pertukaran/impor/{upload.pk}/").status_code == 302  # no commit either


def test_a_preview_that_never_finished_is_not_started_again(staff, monkeypatch, settings):
    """The worker that ran it was killed: reloading must not kill another one."""
    settings.MITRA_IMPORT_PREVIEW_GRACE_SECONDS = 60

    def must_not_run(*args, **kwargs):
        raise AssertionError("the preview ran again")

    monkeypatch.setattr(imports, "run", must_not_run)
    user = staff
    client = logged_in(staff)
    recent = stored(user, xlsx(3), preview_started_at=timezone.now() - dt.timedelta(seconds=5))
    page = client.get(f"/pertukaran/impor/{recent.pk}/")
    assert page.status_code == 200 and page.context["result"].errors
    recent.refresh_from_db()
    assert not recent.failure  # perhaps still running elsewhere: not marked yet
    killed = stored(user, xlsx(3), preview_started_at=timezone.now() - dt.timedelta(minutes=10))
    page = client.get(f"/pertukaran/impor/{killed.pk}/")
    assert page.status_code == 200 and page.context["result"].errors
    killed.refresh_from_db()
    assert killed.failure


def test_a_good_workbook_previews_as_before_and_records_that_it_finished(staff):
    upload = stored(staff, workbooks.list_template("partners"))
    response = logged_in(staff).get(f"/pertukaran/impor/{upload.pk}/")
    assert response.status_code == 200 and response.context["result"].ok
    upload.refresh_from_db()
    assert upload.preview_started_at and upload.preview_finished_at and not upload.failure
    # and may be previewed again
    assert logged_in(staff).get(f"/pertukaran/impor/{upload.pk}/").context["result"].ok


def test_prune_deletes_old_uncommitted_uploads_only(staff):
    user = staff
    now = timezone.now()
    old = stored(user, b"x", created_at=now - dt.timedelta(days=10))
    old_committed = stored(user, b"x", created_at=now - dt.timedelta(days=10), committed_at=now)
    fresh = stored(user, b"x", created_at=now - dt.timedelta(days=1))
    out = StringIO()
    call_command("exchange", "prune-uploads", "--days", "7", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    remaining = set(ImportUpload.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and {old_committed.pk, fresh.pk} <= remaining
    assert services.prune_uploads(days=0) == 1  # the fresh one
    with pytest.raises(ValueError):
        services.prune_uploads(days=-1)
