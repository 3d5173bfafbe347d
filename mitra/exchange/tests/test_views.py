"""The import pages, template downloads, the appendix-4 export and the calendar feed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from mitra.cooperation.tests.factories import MeetingFactory
from mitra.core.tests.factories import LeadershipFactory, ReaderFactory, UserFactory, bureau, logged_in
from mitra.exchange import workbooks
from mitra.exchange.models import CalendarFeed, ImportUpload
from mitra.partners.models import Institution

pytestmark = pytest.mark.django_db


def test_list_templates_download():
    client = logged_in(ReaderFactory.create())
    for kind in ("partners", "agreements", "meetings"):
        response = client.get(f"/pertukaran/templat/{kind}.xlsx")
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).active.max_row >= 1


def test_appendix4_download(client_for):
    """Golden: the demo's 2017 plan and realisation give appendix 4's first programme row."""
    client = client_for("pembaca")
    assert client.get("/pertukaran/templat/appendix4.xlsx?year=2017").status_code == 200
    sheet = load_workbook(io.BytesIO(client.get("/pertukaran/lampiran-4.xlsx?year=2017").content)).active
    assert sheet.cell(6, 4).value == 5239601000 and sheet.cell(6, 5).value == 4917869245
    assert client.get("/pertukaran/lampiran-4.xlsx?year=1990").status_code == 404


def test_upload_preview_commit():
    client = logged_in(UserFactory.create())  # staff of a division of the bureau
    workbook = load_workbook(io.BytesIO(workbooks.list_template("partners")))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("mitra.xlsx", buffer.getvalue())
    response = client.post("/pertukaran/impor/", {"kind": "partners", "file": upload})
    assert response.status_code == 302
    pk = ImportUpload.objects.latest("pk").pk
    count = Institution.objects.count()
    preview = client.get(f"/pertukaran/impor/{pk}/")
    assert preview.status_code == 200 and b"Ministry of Food and Drug Safety" in preview.content
    assert Institution.objects.count() == count
    assert client.post(f"/pertukaran/impor/{pk}/").status_code == 302
    assert Institution.objects.count() == count + 1
    assert client.post(f"/pertukaran/impor/{pk}/").status_code == 404  # committed once only


def test_readers_see_the_templates_but_cannot_import():
    user = ReaderFactory.create(unit=bureau())  # a reader of the bureau, like the demo's
    reader = logged_in(user)
    page = reader.get("/pertukaran/impor/").content.decode()
    assert "/pertukaran/templat/partners.xlsx" in page and 'enctype="multipart/form-data"' not in page
    upload = SimpleUploadedFile("mitra.xlsx", workbooks.list_template("partners"))
    assert reader.post("/pertukaran/impor/", {"kind": "partners", "file": upload}).status_code == 403
    assert not ImportUpload.objects.filter(user=user).exists()


def test_calendar_feed_secret_url_and_revocation():
    user = UserFactory.create()
    soon = timezone.localdate() + dt.timedelta(days=30)
    meeting = MeetingFactory.create(responsible_unit=user.unit, start_date=soon, end_date=soon)
    client = logged_in(user)
    page = client.post("/pertukaran/kalender/baru/")
    assert page.status_code == 200
    url = page.context["url"]
    path = url[url.index("/pertukaran/") :]
    feed = Client().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" in body and f"meeting-{meeting.pk}@mitra" in body
    assert CalendarFeed.objects.get(user=user, revoked_at__isnull=True).digest not in path
    client.post("/pertukaran/kalender/cabut/")
    assert Client().get(path).status_code in (401, 403)
    assert Client().get("/pertukaran/kalender/tebakan.ics").status_code in (401, 403)


@pytest.mark.parametrize("year", ["²", "²⁰¹⁷", "٢٠١٧", "99999999999999999999999"])
@pytest.mark.parametrize("url", ["/pertukaran/lampiran-4.xlsx", "/pertukaran/templat/appendix4.xlsx"])
def test_appendix4_year_only_from_ascii_digits(url, year):
    client = logged_in(LeadershipFactory.create())
    client.raise_request_exception = False
    assert client.get(f"{url}?year={year}").status_code == 404
