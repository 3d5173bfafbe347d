"""Attachments with real files: validation by content, text extraction, download, removal, permissions, audit."""

from __future__ import annotations

import hashlib
import re
import time
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from mitra.cooperation.models import Meeting
from mitra.cooperation.tests.factories import MeetingFactory
from mitra.core.models import AuditAction, AuditEntry, StaffMember, User
from mitra.core.tests.factories import (
    AdminFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    StaffFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.documents import extraction, selectors, services
from mitra.documents.forms import DocumentUploadForm
from mitra.documents.models import Document, DocumentCategory, ExtractionStatus
from mitra.documents.views import REFUSED_UPLOAD

from .conftest import added
from .files import corrupt_pdf_bytes, docx_bytes, pdf_bytes, png_bytes, xlsx_bytes

UPLOAD = reverse("documents:upload")


@pytest.fixture
def head(db) -> User:
    """The head of a new division: manages its staff records."""
    return HeadFactory.create()


@pytest.fixture
def dewi(head) -> StaffMember:
    """A staff record of the head's division: the head may edit it; a reader, staff of another division and
    leadership may not."""
    return StaffFactory.create(unit=head.unit)


OUTSIDERS = {
    "reader": lambda: ReaderFactory.create(unit=bureau()),
    "staff of another division": lambda: UserFactory.create(),
    "leadership": lambda: LeadershipFactory.create(),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_upload(client: Client, record: StaffMember | Meeting, name: str, content: bytes, **extra):
    data = {
        "record_type": "core.staffmember",
        "record_id": record.pk,
        "category": DocumentCategory.EVIDENCE,
        "title": "",
        "next": reverse("core:staff-detail", args=[record.pk]),
        "file": upload(name, content),
        **extra,
    }
    return client.post(UPLOAD, data)


def file_error_codes(response) -> list[str]:
    """The codes of the file field's messages of a refused upload, as kept for the record's page (a redirect)."""
    assert response.status_code == 302
    refused = response.wsgi_request.session[REFUSED_UPLOAD]
    return [error["code"] for error in refused["errors"].get("file", [])]


# --- validation by content ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,mime,ext",
    [
        ("nota.pdf", pdf_bytes("x"), "application/pdf", "pdf"),
        ("kertas.docx", docx_bytes("x"), extraction.DOCX, "docx"),
        ("realisasi.xlsx", xlsx_bytes([["x"]]), extraction.XLSX, "xlsx"),
        ("foto.PNG", png_bytes(), "image/png", "png"),
        ("foto.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg", "jpg"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, mime, ext):
    assert services.validate_upload(upload(name, content)) == (mime, ext)


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("laporan.pdf", b"just some text, not a PDF at all\n" * 10, "content_not_allowed"),
        ("nota.docx", pdf_bytes("a PDF in disguise"), "extension_mismatch"),
        ("tabel.xlsx", docx_bytes("a Word file"), "extension_mismatch"),
        ("script.exe", pdf_bytes("x"), "type_not_allowed"),
        ("arsip.zip", b"PK\x03\x04" + b"\x00" * 100, "type_not_allowed"),
        ("kosong.pdf", b"", "empty"),
    ],
)
def test_refused_files_name_the_problem_at_the_file_field(db, name, content, code):
    form = DocumentUploadForm(data={"category": "other"}, files=MultiValueDict({"file": [upload(name, content)]}))
    if not content:  # Django's own FileField refuses an empty file before our check
        assert not form.is_valid() and "file" in form.errors
        with pytest.raises(ValidationError) as caught:
            services.validate_upload(upload(name, content))
        assert caught.value.error_dict["file"][0].code == code
        return
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["file"]] == [code]


def test_mismatch_message_says_what_the_file_really_is(db):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.validate_upload(upload("nota.docx", pdf_bytes("x")))
    message = caught.value.error_dict["file"][0].messages[0]
    assert ".docx" in message and "PDF" in message and ".pdf" in message


def test_files_over_the_size_limit_are_refused(db, settings):
    settings.MITRA_MAX_UPLOAD_BYTES = 1024
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.validate_upload(upload("besar.pdf", pdf_bytes("x" * 2000)))
    error = caught.value.error_dict["file"][0]
    assert error.code == "too_large" and "1.0\xa0KB" in error.messages[0]


def test_default_limit_is_25_mib(settings):
    assert settings.MITRA_MAX_UPLOAD_BYTES == 25 * 1024 * 1024


# --- attach through the service: storage, extraction, audit -------------------------------------------------


def test_attach_pdf_stores_it_under_a_server_name_and_extracts_its_text(dewi, head):
    content = pdf_bytes("Nota Kesepahaman BPOM dan MFDS", "Halaman kedua")
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("../../etc/Nota MoU.pdf", content),
        category=DocumentCategory.SIGNED_COPY,
    )
    document.refresh_from_db()
    assert document.record == dewi and document.owner_unit == dewi.unit
    assert document.original_name == "Nota MoU.pdf" and document.title == "Nota MoU"
    stored_name = document.file.name or ""
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored_name), stored_name
    assert document.size == len(content) and document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.content_type_detected == "application/pdf"
    assert document.extraction_status == ExtractionStatus.DONE
    assert "Nota Kesepahaman BPOM dan MFDS" in document.extracted_text
    assert "Halaman kedua" in document.extracted_text
    with document.file.open("rb") as stored:
        assert stored.read() == content
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, record_type="documents.document", record_id=str(document.pk)
    )
    assert entry.actor_username == head.username
    assert "extracted_text" not in entry.changes and entry.changes["sha256"][1] == document.sha256


def test_docx_text_and_tables_are_extracted(dewi, head):
    content = docx_bytes(
        "Kertas posisi Indonesia untuk ACCSQ PPWG", table=[["Isu", "Posisi"], ["Harmonisasi", "Mendukung"]]
    )
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("posisi.docx", content),
        category=DocumentCategory.POSITION_PAPER,
        title="Posisi PPWG",
    )
    assert document.extraction_status == ExtractionStatus.DONE
    assert "Kertas posisi Indonesia untuk ACCSQ PPWG" in document.extracted_text
    assert "Harmonisasi\tMendukung" in document.extracted_text
    assert document.title == "Posisi PPWG"


def test_xlsx_cells_are_extracted(dewi, head):
    content = xlsx_bytes([["Keluaran", "Realisasi anggaran"], ["Dokumen kerjasama 007", 4917869245]])
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("realisasi.xlsx", content),
        category=DocumentCategory.EVIDENCE,
    )
    assert document.extraction_status == ExtractionStatus.DONE
    assert "Dokumen kerjasama 007\t4917869245" in document.extracted_text
    assert "Realisasi" in document.extracted_text  # the sheet's name


def test_images_are_stored_without_text(dewi, head):
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("foto.png", png_bytes()), category="other")
    assert document.extraction_status == ExtractionStatus.SKIPPED and document.extracted_text == ""


def test_corrupt_pdf_is_attached_with_failed_extraction(dewi, head):
    response = post_upload(logged_in(head), dewi, "rusak.pdf", corrupt_pdf_bytes())
    assert response.status_code == 302
    document = Document.objects.get(original_name="rusak.pdf")
    assert document.extraction_status == ExtractionStatus.FAILED
    assert document.extraction_error and document.extracted_text == ""


def test_extraction_is_bounded(dewi, head, settings):
    settings.MITRA_EXTRACT_MAX_PAGES = 2
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("panjang.pdf", pdf_bytes("satu", "dua", "tiga", "empat")),
        category="study",
    )
    assert document.extraction_status == ExtractionStatus.DONE and document.extraction_truncated
    assert "dua" in document.extracted_text and "tiga" not in document.extracted_text
    settings.MITRA_EXTRACT_MAX_CHARS = 10
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("lebar.xlsx", xlsx_bytes([["x" * 50]])),
        category="study",
    )
    assert document.extraction_truncated and len(document.extracted_text) <= 10


def test_a_zip_bomb_is_not_unpacked(dewi, head, settings):
    settings.MITRA_EXTRACT_MAX_UNZIPPED_BYTES = 1000
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("bom.docx", docx_bytes("x" * 5000)),
        category="other",
    )
    assert document.extraction_status == ExtractionStatus.FAILED and "too large" in document.extraction_error


def test_reextract_command_retries_failed_documents(dewi, head, settings):
    settings.MITRA_EXTRACT_MAX_UNZIPPED_BYTES = 1000
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("kertas.docx", docx_bytes("Teks yang ditemukan kembali")),
        category="other",
    )
    assert document.extraction_status == ExtractionStatus.FAILED
    del settings.MITRA_EXTRACT_MAX_UNZIPPED_BYTES
    out = StringIO()
    call_command("documents", "reextract", "--failed-only", stdout=out)
    assert "Re-extracted 1 document(s)" in out.getvalue()
    document.refresh_from_db()
    assert document.extraction_status == ExtractionStatus.DONE
    assert "Teks yang ditemukan kembali" in document.extracted_text
    assert document.version == 1  # derived data: an editor's open form stays valid
    entry = AuditEntry.objects.filter(record_type="documents.document", action=AuditAction.UPDATE).get()
    assert entry.changes["extraction_status"] == ["failed", "done"] and entry.reason == "reextract"


def test_service_refuses_users_who_cannot_edit_the_record(dewi, head):
    for make in OUTSIDERS.values():
        with pytest.raises(PermissionDenied):
            services.attach(actor=make(), record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="other")
    assert not added().exists()


def test_refused_upload_leaves_no_file_behind(dewi, head, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(ValidationError):
        services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", b"plain text"), category="x")
    assert not any(tmp_path.rglob("*.*"))


# --- views --------------------------------------------------------------------------------------------------


def test_upload_through_the_page_redirects_back_with_a_message(dewi, head):
    client = logged_in(head)
    response = post_upload(client, dewi, "nota.pdf", pdf_bytes("MoU"), title="Salinan MoU")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:staff-detail", args=[dewi.pk])
    assert selectors.documents_for(dewi).get().title == "Salinan MoU"


def test_upload_refusal_is_shown_at_the_file_field_and_saves_nothing(dewi, head):
    client = logged_in(head)
    response = post_upload(client, dewi, "laporan.pdf", b"Ini hanya teks biasa.\n" * 20)
    assert file_error_codes(response) == ["content_not_allowed"]
    response = post_upload(client, dewi, "nota.docx", pdf_bytes("PDF"))
    assert file_error_codes(response) == ["extension_mismatch"]
    assert not added().exists()


def refused_on_meeting(client: Client, meeting: Meeting, **extra: str):
    return post_upload(
        client,
        meeting,
        "nota.docx",
        pdf_bytes("PDF"),
        record_type="cooperation.meeting",
        next=meeting.get_absolute_url(),
        **extra,
    )


def test_a_refused_upload_comes_back_to_the_records_page_with_the_message_at_the_field(db):
    """Not a separate upload page: the record's own page, the form's category and title kept, the message at the
    file field and at the top, in Indonesian; shown once."""
    meeting = MeetingFactory.create()
    client = logged_in(UserFactory.create(unit=meeting.responsible_unit))
    detail = meeting.get_absolute_url()
    response = refused_on_meeting(client, meeting, title="Salinan nota", category="draft")
    assert response.status_code == 302
    assert response["Location"] == f"{detail}#upload-cooperation-meeting-{meeting.pk}"
    page = client.get(response["Location"]).content.decode()
    form = page[page.index(f'id="upload-cooperation-meeting-{meeting.pk}"') :]
    form = form[: form.index("</form>")]
    field = f'id="id_doc_cooperation_meeting_{meeting.pk}_file"'
    assert field in form and "is-invalid" in form[form.index(field) - 200 : form.index(field) + 200]
    assert "Nama berkas berakhiran .docx" in form  # the reason, at the field
    assert 'value="Salinan nota"' in form and '<option value="draft" selected>' in form
    assert "Berkas tidak dilampirkan" in page[: page.index(f'id="upload-cooperation-meeting-{meeting.pk}"')]
    again = client.get(detail).content.decode()
    assert "is-invalid" not in again and "Salinan nota" not in again  # once only
    assert not added().exists()


def test_a_refusal_is_shown_only_on_its_own_records_page(db):
    meeting = MeetingFactory.create()
    other = MeetingFactory.create(responsible_unit=meeting.responsible_unit)
    client = logged_in(UserFactory.create(unit=meeting.responsible_unit))
    refused_on_meeting(client, meeting, title="Salinan nota")
    other_page = client.get(other.get_absolute_url()).content.decode()
    assert "Salinan nota" not in other_page and "is-invalid" not in other_page
    assert "is-invalid" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_refusal_left_unseen_is_forgotten(db, monkeypatch):
    meeting = MeetingFactory.create()
    client = logged_in(UserFactory.create(unit=meeting.responsible_unit))
    refused_on_meeting(client, meeting, title="Salinan nota")
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert "is-invalid" not in client.get(meeting.get_absolute_url()).content.decode()


def test_upload_refuses_oversized_files_at_the_field(dewi, head, settings):
    settings.MITRA_MAX_UPLOAD_BYTES = 512
    response = post_upload(logged_in(head), dewi, "besar.pdf", pdf_bytes("x" * 1000))
    assert file_error_codes(response) == ["too_large"]


def test_upload_refuses_foreign_next_urls(dewi, head):
    response = post_upload(logged_in(head), dewi, "a.pdf", pdf_bytes("x"), next="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_upload_to_unknown_or_unattachable_records_is_404(dewi, head):
    client = logged_in(AdminFactory.create())
    for record_type, record_id in [("core.staffmember", 999999), ("core.user", 1), ("nope.nothing", 1), ("x", "y")]:
        response = client.post(UPLOAD, {"record_type": record_type, "record_id": record_id, "category": "other"})
        assert response.status_code == 404, record_type


@pytest.mark.parametrize("who", ["reader", "staff of another division"])
def test_users_without_edit_rights_cannot_attach_or_remove_and_are_audited(dewi, head, who):
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="other")
    outsider = OUTSIDERS[who]()
    client = logged_in(outsider)
    assert post_upload(client, dewi, "b.pdf", pdf_bytes("y")).status_code == 403
    remove_url = reverse("documents:remove", args=[document.pk])
    assert client.get(remove_url).status_code == 403
    assert client.post(remove_url, {"reason": "tidak perlu"}).status_code == 403
    assert added(include_deleted=False).count() == 1
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor_username=outsider.username)
    assert denied.count() == 3
    # Readers may still download.
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_download_returns_the_exact_bytes_under_the_original_name(dewi, head):
    content = pdf_bytes("Laporan hasil pertemuan")
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("Laporan pertemuan WHA.pdf", content),
        category=DocumentCategory.OUTCOME_REPORT,
    )
    response = logged_in(ReaderFactory.create(unit=bureau())).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Laporan pertemuan WHA.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_download_of_a_non_ascii_name_uses_rfc_5987(dewi, head):
    document = services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("Kajian Ålesund — 2017.pdf", pdf_bytes("x")),
        category=DocumentCategory.STUDY,
    )
    response = logged_in(ReaderFactory.create(unit=bureau())).get(reverse("documents:download", args=[document.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Kajian Alesund _ 2017.pdf"')
    assert "filename*=UTF-8''Kajian%20%C3%85lesund%20%E2%80%94%202017.pdf" in disposition


def test_removal_asks_for_a_reason_is_audited_and_hides_the_document(dewi, head):
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="draft")
    client = logged_in(head)
    url = reverse("documents:remove", args=[document.pk])
    back = reverse("core:staff-detail", args=[dewi.pk])
    assert client.get(url + f"?next={back}").status_code == 200
    assert client.post(url, {"reason": "", "next": back}).status_code == 200  # a reason is required
    response = client.post(url, {"reason": "Salah unggah", "next": back, "expected_version": 1})
    assert response.status_code == 302 and response["Location"] == back
    assert not selectors.documents_for(dewi).exists()
    removed = Document.all_objects.get(pk=document.pk)
    assert removed.is_deleted and removed.delete_reason == "Salah unggah" and removed.file  # the file stays
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, record_type="documents.document")
    assert entry.reason == "Salah unggah" and entry.actor_username == head.username
    # Gone from downloads, for everybody.
    assert logged_in(AdminFactory.create()).get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_login(dewi, head):
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="other")
    client = Client()
    for response in (
        client.get(reverse("documents:download", args=[document.pk])),
        client.get(reverse("documents:remove", args=[document.pk])),
        client.post(reverse("documents:remove", args=[document.pk]), {"reason": "x"}),
        post_upload(client, dewi, "b.pdf", pdf_bytes("y")),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    assert added(include_deleted=False).count() == 1


def test_media_is_not_served_directly(dewi, head):
    document = services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="other")
    assert logged_in(AdminFactory.create()).get(f"/media/{document.file.name}").status_code == 404


# --- the attachments partial --------------------------------------------------------------------------------


def render_partial(record, user, can_edit: bool) -> str:
    request = RequestFactory().get("/organisasi/pegawai/1/")
    request.user = user
    return render_to_string(
        "documents/_attachments.html",
        {"record": record, "documents": selectors.documents_for(record), "can_edit": can_edit},
        request=request,
    )


def test_partial_lists_documents_and_offers_upload_only_to_editors(dewi, head):
    services.attach(
        actor=head,
        record=dewi,
        uploaded_file=upload("Nota MoU.pdf", pdf_bytes("x")),
        category=DocumentCategory.SIGNED_COPY,
    )
    editor_view = render_partial(dewi, head, can_edit=True)
    assert "Nota MoU.pdf" in editor_view and head.username in editor_view
    assert reverse("documents:upload") in editor_view and 'enctype="multipart/form-data"' in editor_view
    assert 'name="record_type" value="core.staffmember"' in editor_view
    assert 'name="next" value="/organisasi/pegawai/1/"' in editor_view
    reader_view = render_partial(dewi, ReaderFactory.create(unit=bureau()), can_edit=False)
    assert "Nota MoU.pdf" in reader_view and reverse("documents:upload") not in reader_view
    assert "/hapus/" not in reader_view and "/unduh/" in reader_view
    assert "<script" not in editor_view and "style=" not in editor_view


def test_partial_query_count_does_not_grow_with_the_documents(dewi, head):
    admin = AdminFactory.create()
    services.attach(actor=head, record=dewi, uploaded_file=upload("a.pdf", pdf_bytes("x")), category="other")
    render_partial(dewi, head, can_edit=True)  # warm the content-type cache
    with CaptureQueriesContext(connection) as one:
        render_partial(dewi, head, can_edit=True)
    for i in range(5):
        actor = head if i % 2 else admin
        services.attach(actor=actor, record=dewi, uploaded_file=upload(f"{i}.pdf", pdf_bytes("x")), category="other")
    with CaptureQueriesContext(connection) as six:
        page = render_partial(dewi, head, can_edit=True)
    assert page.count('data-testid="document-row"') == 6
    assert len(six) == len(one) == 1


def test_upload_page_shows_the_records_attachments(dewi, head):
    client = logged_in(head)
    post_upload(client, dewi, "a.pdf", pdf_bytes("x"))
    response = client.get(UPLOAD, {"record_type": "core.staffmember", "record_id": dewi.pk})
    assert response.status_code == 200 and "a.pdf" in response.content.decode()
    query = {"record_type": "core.staffmember", "record_id": dewi.pk}
    assert logged_in(ReaderFactory.create(unit=bureau())).get(UPLOAD, query).status_code == 403
