"""The demo's travel request of a unit outside the bureau (the directorate's staf.registrasi), with its papers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from mitra.core.models import StaffMember
from mitra.partners.models import Country
from mitra.travel import services, workdays
from mitra.travel.models import FundingSource, TravelRequest

UNIT_MARK = "[demo-unit 001]"
UNIT_NOTE = "Ilustratif: permintaan direktorat di luar biro, untuk demonstrasi; masih draf, belum diajukan."


@transaction.atomic
def load_unit_travel() -> dict[str, int]:
    """A draft request of the directorate outside the bureau (staf.registrasi), with its papers attached.

    Dated from the day the demo is loaded (departure in about four weeks), so its owner can add details and
    submit it during a demonstration. A draft is not counted by the on-time indicator. Created once: it is found
    again by its mark, deleted or not, and then left as it is."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from mitra.core.models import User
    from mitra.documents import services as documents

    from .pdf import minimal_pdf

    if TravelRequest.all_objects.filter(notes__startswith=UNIT_MARK).exists():
        return {"unit_travel_requests": 0}
    user = User.objects.filter(username="staf.registrasi").select_related("unit").first()
    traveller = StaffMember.objects.filter(user=user).first() if user is not None else None
    country = Country.objects.filter(code="NL").first()
    if user is None or user.unit is None or traveller is None or country is None:
        return {"unit_travel_requests": 0}  # the organisation demo is not loaded
    departure = workdays.add_working_days(timezone.localdate(), 20)
    back = departure + dt.timedelta(days=4)
    request = services.request_create(
        actor=user,
        data={
            "requesting_unit": user.unit,
            "purpose": "Pertemuan teknis registrasi obat dengan European Medicines Agency",
            "destination_city": "Amsterdam",
            "destination_country": country,
            "departure_date": departure,
            "return_date": back,
            "needs_visa": True,
            "funding_source": FundingSource.REQUESTING_UNIT,
            "estimated_cost": 42_000_000,
            "is_illustrative": True,
            "notes": f"{UNIT_MARK} {UNIT_NOTE}",
        },
    )
    services.traveller_add(
        actor=user,
        request=request,
        staff_member=traveller,
        passport_number="X7305112",
        passport_expires_on=back + dt.timedelta(days=3 * 365),
    )
    for name, title in (
        ("undangan-ema.pdf", "Undangan pertemuan dari European Medicines Agency"),
        ("kerangka-acuan.pdf", "Kerangka acuan perjalanan"),
    ):
        documents.attach(
            actor=user,
            record=request,
            uploaded_file=SimpleUploadedFile(name, minimal_pdf(title), content_type="application/pdf"),
            category="travel",
            title=title,
        )
    return {"unit_travel_requests": 1}
