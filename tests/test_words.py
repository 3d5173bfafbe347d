"""The Indonesian interface as a careful reader reads it: word order, the right terms, no empty-looking choices, no
ISO dates in messages, no zero-count sentences and no demo bookkeeping on the pages."""

from __future__ import annotations

import re

from django.utils import translation

from mitra.cooperation.models import FollowUp, FollowUpStatus
from mitra.cooperation.reminders import due_reminders
from mitra.core import formatting


def test_pages_read_as_indonesian(client_for):
    admin = client_for("admin")
    create = admin.get("/kerjasama/pertemuan/baru/").content.decode()
    assert '<h1 class="h3">Pertemuan baru</h1>' in create and "Baru pertemuan" not in create
    assert "<title>Tindak lanjut baru · Mitra</title>" in admin.get("/kerjasama/tindak-lanjut/baru/").content.decode()

    listing = admin.get("/kerjasama/daftar/").content.decode()
    assert "---------" not in listing
    assert re.search(r'<option value=""( selected)?>Semua</option>', listing)

    staff = admin.get("/organisasi/pegawai/").content.decode()
    assert "Golongan" in staff and "Predikat" not in staff

    trips = admin.get("/perjalanan/").content.decode()
    assert '<th scope="col">Kegiatan</th><th scope="col">Tempat tujuan</th>' in trips

    # The demo's 2017 report has warnings but no errors: no "0 kesalahan harus diperbaiki".
    year = admin.get("/laporan/2017/").content.decode()
    assert "0 kesalahan" not in year and "Tidak ada kesalahan" in year

    # Illustrative marks people of the demo only; the loader sets it, nobody ticks it.
    assert "is_illustrative" not in admin.get("/organisasi/pegawai/baru/").content.decode()


def test_reminders_give_dates_as_people_write_them(demo):
    follow_up = FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_date__isnull=False).order_by("pk").first()
    assert follow_up is not None and follow_up.due_date is not None
    with translation.override("id"):
        messages = [due.message for due in due_reminders(follow_up.due_date) if due.url == follow_up.get_absolute_url()]
        assert messages, "the follow-up is due that day"
        assert formatting.date(follow_up.due_date) in messages[0]  # "31 Maret 2018"
    assert follow_up.due_date.isoformat() not in messages[0]
