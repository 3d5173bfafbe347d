"""Illustrative 2017 travel requests for the demo — NOT the bureau's real trips.

The 2017 report gives only the outcome: 95,03 % of travel documents finished on time. This builds 161 completed
requests of which 153 had their documents complete by the deadline (153 / 161 = 95,03 %), so the computed
indicator equals the reported one. Dates, travellers, destinations, costs and step dates are made up, generated
deterministically; the 17 foreign meetings of the registry's 2017 demo each get a trip. Bureau-paid trips fall
on the three meeting sub-activities (4, 9, 14) so the trip counts per quarter can be checked on
/perjalanan/sub-kegiatan/2017/ (they are a part of appendix 4's trips, which also count domestic meetings).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from mitra.cooperation.models import Meeting
from mitra.core.models import OrganisationUnit, StaffMember
from mitra.core.selectors import units_within
from mitra.partners.models import Country, Institution
from mitra.performance.models import SubActivity

from . import services, workdays
from .models import FundingSource, StepTiming, TravelRequest
from .reference import ensure_step_kinds
from .selectors import documents_deadline

TOTAL = 161
LATE = {7, 23, 41, 58, 77, 96, 118, 140}  # 8 late of 161 → 95,03 % on time
MARK = "[demo-perjalanan {n:03d}]"
NOTE = "Ilustratif: bukan perjalanan dinas yang sebenarnya; dibuat untuk demonstrasi."
# (city, country code, visa needed)
DESTINATIONS = [
    ("Jenewa", "CH", True),
    ("Washington, D.C.", "US", True),
    ("Seoul", "KR", True),
    ("Tokyo", "JP", True),
    ("Bangkok", "TH", False),
    ("Singapura", "SG", False),
    ("Manila", "PH", False),
    ("Kuala Lumpur", "MY", False),
    ("Hanoi", "VN", False),
    ("Canberra", "AU", True),
    ("Roma", "IT", True),
    ("Wina", "AT", True),
    ("Brussel", "BE", True),
    ("Beijing", "CN", True),
    ("New Delhi", "IN", True),
]
# Cost of a trip in millions of rupiah, per division: within the sub-activity's appendix-4 realisation.
COST_RANGE = {"ksln-bm": (18, 36), "ksln-reg": (5, 8), "ksln-oi": (8, 12)}
# division → (sub-activity number, purpose)
DIVISIONS = {
    "ksln-bm": (4, "Pertemuan bilateral dengan mitra"),
    "ksln-reg": (9, "Pertemuan kerjasama regional"),
    "ksln-oi": (14, "Pertemuan organisasi internasional"),
}


@transaction.atomic
def load_travel() -> dict[str, int]:
    ensure_step_kinds()
    existing = set(
        TravelRequest.all_objects.filter(is_illustrative=True, notes__startswith="[demo-perjalanan").values_list(
            "notes", flat=True
        )
    )
    existing_marks = {n.split("]")[0] + "]" for n in existing}
    if len(existing_marks) >= TOTAL:
        return {"travel_requests": 0}
    rng = random.Random(2017)  # noqa: S311  (repeatable demo data, not secrets)
    units = {u.code: u for u in OrganisationUnit.objects.filter(code__in=list(DIVISIONS))}
    staff = {
        code: list(StaffMember.objects.filter(unit__in=units_within(u)).order_by("full_name"))
        for code, u in units.items()
    }
    subs = {s.number: s for s in SubActivity.objects.filter(year=2017, number__in=[4, 9, 14])}
    countries = {c.code: c for c in Country.objects.filter(code__in=[d[1] for d in DESTINATIONS] + ["MA", "KR"])}
    partner = Institution.objects.order_by("pk").first()
    meetings = list(
        Meeting.objects.filter(start_date__year=2017)
        .exclude(country="ID")
        .select_related("country")
        .order_by("start_date")
    )
    if len(units) < 3 or len(subs) < 3:
        return {"travel_requests": 0}  # the organisation or the performance demo is not loaded
    created = 0
    for n in range(1, TOTAL + 1):
        mark = MARK.format(n=n)
        if mark in existing_marks:
            continue
        meeting = meetings[n - 1] if n <= len(meetings) else None
        if meeting is not None:
            unit_code = meeting.owner_unit.code if meeting.owner_unit.code in units else "ksln-bm"
            departure = meeting.start_date - dt.timedelta(days=1)
            back = meeting.end_date + dt.timedelta(days=1)
            city, country, visa = (
                meeting.city or "–",
                meeting.country,
                meeting.country_id not in {"TH", "SG", "PH", "MY", "VN", "BN", "KH", "LA", "MM"},
            )
        else:
            unit_code = list(DIVISIONS)[n % 3]
            # Spread over the year's working days, Monday–Thursday departures mostly.
            departure = workdays.add_working_days(dt.date(2017, 1, 9), (n * 233) % 235)
            back = departure + dt.timedelta(days=rng.randint(3, 6))
            city, code, visa = DESTINATIONS[n % len(DESTINATIONS)]
            country = countries[code]
        number, purpose = DIVISIONS[unit_code]
        funding = FundingSource.PARTNER if n % 23 == 0 else FundingSource.BUREAU
        estimated = rng.randint(*COST_RANGE[unit_code]) * 1_000_000
        request = services.request_create(
            actor=None,
            system=True,
            data={
                "requesting_unit": units[unit_code],
                "meeting": meeting,
                "purpose": "" if meeting else f"{purpose} di {city}",
                "destination_city": city,
                "destination_country": country,
                "departure_date": departure,
                "return_date": back,
                "needs_visa": visa,
                "funding_source": funding,
                "sub_activity": subs[number] if funding == FundingSource.BUREAU else None,
                "partner": partner if funding == FundingSource.PARTNER else None,
                "estimated_cost": estimated,
                "is_illustrative": True,
                "notes": f"{mark} {NOTE}",
            },
        )
        people = staff[unit_code]
        for person in rng.sample(people, k=min(len(people), 1 + n % 2)):
            services.traveller_add(
                actor=None,
                request=request,
                staff_member=person,
                passport_number=f"X{rng.randint(1000000, 9999999)}",
                passport_expires_on=dt.date(2021, 6, 30),
                system=True,
            )
        deadline = documents_deadline(departure)
        submitted = workdays.working_days_before(departure, rng.randint(9, 18))
        services.request_submit(actor=None, request=request, on=submitted, system=True)
        steps = list(request.steps.select_related("kind").order_by("kind__order"))
        before = [s for s in steps if s.kind.timing == StepTiming.BEFORE_DEPARTURE]
        for i, step in enumerate(steps):
            if step.kind.timing == StepTiming.AFTER_RETURN:
                data = {"requested_on": back, "completed_on": workdays.add_working_days(back, rng.randint(1, 5))}
            else:
                requested = workdays.add_working_days(submitted, min(i, 2))
                done = min(workdays.add_working_days(requested, step.kind.sla_working_days), deadline)
                if n in LATE and step is before[-1]:
                    done = departure  # the last document arrived on the day of departure: late
                data = {"requested_on": requested, "completed_on": max(done, requested)}
            services.step_update(actor=None, step=step, data=data, expected_version=None, system=True)
        request.refresh_from_db()
        realised = estimated - rng.randint(0, 4) * 250_000
        request = services.request_update(
            actor=None, request=request, data={"realised_cost": realised}, expected_version=None, system=True
        )
        last = max(s.completed_on for s in request.steps.all() if s.completed_on)
        services.request_complete(actor=None, request=request, on=workdays.add_working_days(last, 1), system=True)
        created += 1
    return {"travel_requests": created}


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
    from mitra.demo.pdf import minimal_pdf
    from mitra.documents import services as documents

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
