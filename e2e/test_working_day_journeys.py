"""Issue 16 journeys: a refused attachment shown in place on the travel request's page, and the year pages opening
on the latest year with data (the demo's 2017) instead of this year's empty page.

Clicks, counted from the request's page as the bureau's administration sees it:
  refused file: unfold the step (1), choose the file (1), type a title (1), attach (1) = 4 actions, and the user is
  still on the request's page with the step open, the reason at the file field, the title kept (before: a separate
  upload page, and 1 more click back); the right file then takes 2 (choose, attach).
  on-time page: 1 click on "Tepat waktu" in the travel menu opens 2017 (before: from the travel list it opened this
  year's empty page, with no way to another year but typing the address).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from e2e.conftest import log_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submitted_request() -> Any:
    """A request of the bilateral division submitted to the bureau, departing next January (after this year, so the
    year pages still open on the demo's 2017)."""
    import datetime as dt

    from django.utils import timezone

    from mitra.core.models import StaffMember, User
    from mitra.partners.models import Country
    from mitra.travel import services
    from mitra.travel.models import FundingSource

    owner = User.objects.get(username="staf.bilateral")
    departure = dt.date(timezone.localdate().year + 1, 1, 15)
    request = services.request_create(
        actor=owner,
        data={
            "requesting_unit": owner.unit,
            "purpose": "Pertemuan uji lampiran",
            "destination_city": "Jenewa",
            "destination_country": Country.objects.get(code="CH"),
            "departure_date": departure,
            "return_date": departure + dt.timedelta(days=4),
            "needs_visa": True,
            "funding_source": FundingSource.REQUESTING_UNIT,
            "estimated_cost": 30_000_000,
        },
    )
    services.traveller_add(
        actor=owner,
        request=request,
        staff_member=StaffMember.objects.get(full_name="Dewi Lestari"),
        passport_number="X1234567",
        passport_expires_on=departure.replace(year=departure.year + 3),
    )
    services.request_submit(actor=owner, request=request)
    return request


def test_a_refused_file_is_shown_in_place_and_the_on_time_page_opens_on_2017(
    page: Page, site: str, tmp_path: Path
) -> None:
    request = _submitted_request()
    step = request.steps.select_related("kind").filter(completed_on__isnull=True).order_by("pk").first()
    assert step is not None
    not_a_pdf = tmp_path / "surat.pdf"
    not_a_pdf.write_bytes(b"Ini hanya teks biasa.\n" * 20)
    letter = tmp_path / "surat-permohonan.pdf"
    letter.write_bytes(PDF)

    log_in(page, site, "staf.oi")
    page.goto(f"{site}/perjalanan/{request.pk}/")
    detail_path = f"/perjalanan/{request.pk}/"
    clicks = 0

    work = page.get_by_test_id(f"step-work-{step.kind.code}")
    work.locator("summary").click()
    clicks += 1
    form = page.locator(f"#upload-travel-travelstep-{step.pk}")
    form.locator("[name=file]").set_input_files(str(not_a_pdf))
    form.locator("[name=title]").fill("Surat permohonan")
    form.get_by_role("button", name="Lampirkan berkas").click()
    clicks += 3
    assert clicks == 4

    # Back on the request's own page, the step open, the reason at the file field and at the top, the title kept.
    assert detail_path in page.url
    expect(page.locator(".alert-danger")).to_contain_text("Berkas tidak dilampirkan")
    work = page.get_by_test_id(f"step-work-{step.kind.code}")
    expect(work).to_have_attribute("open", "")
    form = page.locator(f"#upload-travel-travelstep-{step.pk}")
    expect(form.locator("[name=file]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator(".invalid-feedback").first).to_be_visible()
    expect(form.locator("[name=title]")).to_have_value("Surat permohonan")

    # The right file: 2 more actions, listed on the step's row.
    form.locator("[name=file]").set_input_files(str(letter))
    form.get_by_role("button", name="Lampirkan berkas").click()
    expect(page.locator(".alert-success")).to_contain_text("surat-permohonan.pdf")
    expect(page.get_by_test_id("step-document").filter(has_text="Surat permohonan")).to_have_count(1)

    # The on-time page, from the travel menu: one click, 2017.
    page.goto(f"{site}/perjalanan/")
    page.get_by_role("link", name="Tepat waktu").click()
    page.wait_for_url(f"{site}/perjalanan/tepat-waktu/2017/")
    expect(page.locator("h1")).to_contain_text("2017")
