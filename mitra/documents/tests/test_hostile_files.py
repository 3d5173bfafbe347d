"""Small uploads that would take a server worker down (issue 15, item 2) are refused or contained.

The hostile files are built here, small, and the limits are set low in each test so the tests stay fast.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.core.models import StaffMember, User
from mitra.core.tests.factories import HeadFactory, StaffFactory, logged_in
from mitra.documents import extraction, services
from mitra.documents.models import DocumentCategory, ExtractionStatus
from mitra.documents.views import REFUSED_UPLOAD

from .conftest import added
from .files import docx_with_many_paragraphs, ooxml_bomb, pdf_bytes, pdf_with_many_operators


@pytest.fixture
def dewi(db: None) -> StaffMember:
    """A staff member of a new division: the record the files are attached to."""
    return StaffFactory.create()


@pytest.fixture
def head(dewi: StaffMember) -> User:
    """The head of that division, who may attach files to its staff."""
    return HeadFactory.create(unit=dewi.unit)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_upload(client, record, name: str, content: bytes):
    data = {
        "record_type": "core.staffmember",
        "record_id": record.pk,
        "category": DocumentCategory.OTHER,
        "title": "",
        "file": upload(name, content),
    }
    return client.post(reverse("documents:upload"), data)


def file_errors(response) -> list[str]:
    """The codes of the file field's messages of a refused upload, as kept for the record's page (a redirect)."""
    assert response.status_code == 302
    return [error["code"] for error in response.wsgi_request.session[REFUSED_UPLOAD]["errors"].get("file", [])]


@pytest.mark.parametrize(
    "name, main_part, limit_setting, size, members",
    [
        ("bom.docx", "word/document.xml", "MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES", 2_000_000, 0),
        ("bom.xlsx", "xl/workbook.xml", "MITRA_UPLOAD_MAX_UNZIPPED_BYTES", 2_000_000, 0),
        ("banyak.docx", "word/document.xml", "MITRA_UPLOAD_MAX_ZIP_MEMBERS", 10, 20),
    ],
)
def test_zip_bombs_are_refused_before_anything_unpacks_them(
    dewi, head, settings, monkeypatch, name, main_part, limit_setting, size, members
):
    setattr(settings, limit_setting, 10 if limit_setting.endswith("MEMBERS") else 1_000_000)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the parser ran on a refused file")

    monkeypatch.setattr(extraction, "extract", must_not_run)
    bomb = ooxml_bomb(main_part, size, extra_members=members)
    assert len(bomb) < 20_000  # small on the wire
    response = post_upload(logged_in(head), dewi, name, bomb)
    assert file_errors(response) == ["unpacked_too_large"]
    assert not added().exists()


def test_default_zip_limits(settings):
    from mitra.documents import zipguard

    for name in zipguard.DEFAULTS:
        if hasattr(settings, name):
            delattr(settings, name)
    assert zipguard.setting("MITRA_UPLOAD_MAX_UNZIPPED_BYTES") == 100 * 1024 * 1024
    assert zipguard.setting("MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES") == 50 * 1024 * 1024
    assert zipguard.setting("MITRA_UPLOAD_MAX_ZIP_MEMBERS") == 2000


def test_a_pdf_with_very_many_text_operators_is_stored_without_its_text_in_bounded_time(dewi, head, settings):
    settings.MITRA_EXTRACT_TIMEOUT_SECONDS = 1
    hostile = pdf_with_many_operators(200_000)  # about 6 KB; reading its text takes seconds of CPU (0,4 s at 20,000)
    assert len(hostile) < 8192
    started = time.monotonic()
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("lambat.pdf", hostile), category="other")
    assert time.monotonic() - started < 5
    assert document.extraction_status == ExtractionStatus.LIMIT
    assert "longer than 1 s" in document.extraction_error
    assert document.file.size == len(hostile)  # stored all the same


def test_a_document_that_swells_in_memory_is_stopped_by_the_memory_limit(dewi, head, settings):
    settings.MITRA_EXTRACT_MAX_MEMORY_MB = 120
    settings.MITRA_EXTRACT_TIMEOUT_SECONDS = 15
    hostile = docx_with_many_paragraphs(200_000)  # about 50 KB packed; hundreds of MB once parsed
    started = time.monotonic()
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("bengkak.docx", hostile), category="other")
    assert time.monotonic() - started < 15
    assert document.extraction_status in (ExtractionStatus.LIMIT, ExtractionStatus.FAILED)
    assert document.extraction_error and document.extracted_text == ""


def test_extraction_runs_in_another_process(dewi, head, monkeypatch):
    def must_not_run_here(*args, **kwargs):
        raise AssertionError("parsed in the web process")

    monkeypatch.setitem(extraction.EXTRACTORS, extraction.PDF, must_not_run_here)
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("biasa.pdf", pdf_bytes("Nota kesepahaman")),
        category="other",
    )
    assert document.extraction_status == ExtractionStatus.DONE and "Nota kesepahaman" in document.extracted_text


def test_limit_status_is_shown_with_its_reason(dewi, head, settings):
    settings.MITRA_EXTRACT_TIMEOUT_SECONDS = 1
    services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("lambat.pdf", pdf_with_many_operators(200_000)),
        category="other",
    )
    query = {"record_type": "core.staffmember", "record_id": dewi.pk}
    page = logged_in(head).get(reverse("documents:upload"), query).content.decode()
    assert "longer than 1 s" in page
