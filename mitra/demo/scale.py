"""Deterministic synthetic data for measuring Mitra at size: `mitra demo --scale N`.

N = 1 is about one year of all of BPOM's international work (the 2017 demo is the bureau's own share of it);
N = 100 is about ten years of it, the size of the aims in bench/: thousands of partners and agreements, a hundred
thousand meetings, 150,000 follow-ups, 20,000 documents with extracted text in Indonesian and English, and 16,000
official travel requests (as many per unit of N as the 2017 demo has) with 1–3 travellers each (300 synthetic staff
beside the demo's 24) and their document steps.

Travel requests are mostly closed history: about 93 % completed (95 % of them with their documents complete by the
deadline, as the 2017 report's 95,03 %), 4 % cancelled, 1 % drafts never submitted, and 1.5 % left open — still
"in process" or "documents complete" years later, as happens when nobody closes a trip — so the travel queue has
late steps to show at every N (about ten open steps at N=1, 500 at N=100).
The synthetic staff sit in the bureau's units, so the staff profile (LAKIP chapter I) counts them too.

Rows are bulk-inserted (no per-row services, no audit entries: they are measurement data, not history) and
marked: `is_illustrative` and notes starting with SYNTHETIC. The same N and seed give the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from mitra.cooperation.models import (
    Agreement,
    Cooperation,
    DelegationMember,
    FollowUp,
    Meeting,
    OutreachEvent,
    PositionPaper,
    Publication,
    Sector,
    Study,
    cooperation_elsewhere,
)
from mitra.core.models import Education, Employment, Grade, OrganisationUnit, Position, StaffMember
from mitra.partners.models import Contact, Country, Forum, Institution

MARK = "SYNTHETIC"
FIRST_YEAR, LAST_YEAR = 2008, 2017
BATCH = 2000

# Rows per unit of N.
PER_N = {
    "institutions": 30,
    "forums": 5,
    "contacts": 30,
    "cooperations": 30,
    "agreements": 20,
    "position_papers": 40,
    "studies": 10,
    "meetings": 1000,
    "follow_ups": 1500,
    "outreach": 20,
    "publications": 3,
    "documents": 200,
    "staff": 3,
    "travel_requests": 160,
}

ID_WORDS = (
    "kerjasama pengawasan obat makanan perjanjian dijanjikan harmonisasi standar keamanan mutu regulasi "
    "pertemuan delegasi posisi kajian penjajakan tindak lanjut sosialisasi registrasi inspeksi farmakope "
    "bekerjasama pangan olahan kosmetik suplemen kesehatan obat tradisional narkotika psikotropika laboratorium "
    "pengujian sertifikasi penandatanganan kesepakatan implementasi evaluasi peningkatan kapasitas pelatihan"
).split()
EN_WORDS = (
    "cooperation regulatory reliance harmonisation standards safety quality inspection pharmacovigilance "
    "falsified medical products capacity building memorandum understanding agreement working group meeting "
    "position paper guideline mutual recognition good manufacturing practice labelling halal traceability "
    "risk assessment surveillance notification technical barriers trade"
).split()
ACRONYMS = ["PPWG", "MFDS", "TBT", "SPS", "ACCSQ", "WHO", "APEC", "RCEP", "Codex", "PIC/S", "MRA", "GMP"]
CITIES = [
    ("Jakarta", "ID"),
    ("Bandung", "ID"),
    ("Bali", "ID"),
    ("Geneva", "CH"),
    ("Manila", "PH"),
    ("Kuala Lumpur", "MY"),
    ("Bangkok", "TH"),
    ("Seoul", "KR"),
    ("Tokyo", "JP"),
    ("Singapore", "SG"),
    ("Hanoi", "VN"),
    ("Canberra", "AU"),
    ("Rome", "IT"),
    ("Washington", "US"),
    ("Beijing", "CN"),
]


@dataclass
class Context:
    n: int
    rng: random.Random
    units: list[OrganisationUnit]
    countries: list[Country]
    sectors: list[Sector]

    def count(self, kind: str) -> int:
        return PER_N[kind] * self.n

    def day(self) -> dt.date:
        start = dt.date(FIRST_YEAR, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, dt.date(LAST_YEAR, 12, 31).toordinal()))

    def sentence(self, words: int = 12) -> str:
        pool = ID_WORDS if self.rng.random() < 0.6 else EN_WORDS
        # rng.choice(pool) for each word, without its call overhead: the same draws, so the same data.
        below, size = self.rng._randbelow, len(pool)  # type: ignore[attr-defined]
        text = " ".join([pool[below(size)] for _ in range(words)])
        if self.rng.random() < 0.3:
            text += f" {self.rng.choice(ACRONYMS)}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 20)) for _ in range(sentences))


def _bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert plain rows (attribute name → value: text, numbers, booleans, dates, ids) with one prepared INSERT
    run for every row — for the tables of 100,000 rows and more, where building a model instance per row and
    preparing each of its values costs most of the time. Columns a row leaves out get their field's default,
    evaluated once for the whole batch (so the rows share their created_at)."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    unknown = set(rows[0]) - set(defaults)
    assert not unknown, f"{model.__name__} has no column for {unknown}"
    columns = [f.attname for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10 * BATCH):
            cursor.executemany(
                sql, [[row.get(c, defaults[c]) for c in columns] for row in rows[start : start + 10 * BATCH]]
            )
    return len(rows)


def _note(ctx: Context) -> str:
    return f"{MARK} (scale {ctx.n}): generated for measurement, not real data."


def generate(n: int, seed: int = 2017, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Add the synthetic data for scale `n` on top of the demo; refuses if synthetic data is already there."""
    if Cooperation.all_objects.filter(notes__startswith=MARK).exists():
        raise RuntimeError("Synthetic data is already loaded; start from a fresh database (make demo) to change N.")
    say = progress or (lambda message: None)
    ctx = Context(
        n,
        random.Random(seed),
        list(OrganisationUnit.objects.exclude(kind="institution")),
        list(Country.objects.all()),
        list(Sector.objects.all()),
    )
    created: dict[str, int] = {}
    started = time.monotonic()
    with transaction.atomic():
        for name, step in STEPS:
            created[name] = step(ctx)
            say(f"{name}: {created[name]} ({time.monotonic() - started:.1f}s)")
    return created


def _institutions(ctx: Context) -> int:
    kinds = ["regulator", "ministry", "development_agency", "pharmacopoeia", "university"]
    rows = [
        Institution(
            name=f"Synthetic Agency {i:05d} of {country.name_en}",
            acronym=f"SYN{i:05d}",
            kind=ctx.rng.choice(kinds),
            country=country,
            is_illustrative=True,
            notes=_note(ctx),
        )
        for i in range(ctx.count("institutions"))
        for country in [ctx.rng.choice(ctx.countries)]
    ]
    return len(_bulk(Institution, rows))


def _forums(ctx: Context) -> int:
    parents = list(Forum.objects.filter(notes="").order_by("pk")) or list(Forum.objects.order_by("pk"))
    rows = [
        Forum(
            name=f"Synthetic working group {i:04d}",
            acronym=f"SWG{i:04d}",
            parent=ctx.rng.choice(parents),
            scope=ctx.rng.choice(["regional", "multilateral"]),
            is_illustrative=True,
            notes=_note(ctx),
        )
        for i in range(ctx.count("forums"))
    ]
    return len(_bulk(Forum, rows))


def _synthetic(model: type[models.Model]) -> list[Any]:
    manager = getattr(model, "all_objects", model._default_manager)
    return list(manager.filter(notes__startswith=MARK).order_by("pk"))


def _contacts(ctx: Context) -> int:
    institutions = _synthetic(Institution)
    rows = [
        Contact(
            institution=ctx.rng.choice(institutions),
            name=f"Contact {i:05d}",
            role="Officer",
            email=f"contact{i}@synthetic.invalid",
            notes=_note(ctx),
        )
        for i in range(ctx.count("contacts"))
    ]
    return len(_bulk(Contact, rows))


def _cooperations(ctx: Context) -> int:
    institutions, forums = _synthetic(Institution), list(Forum.objects.order_by("pk"))
    rows = []
    for i in range(ctx.count("cooperations")):
        scope = ctx.rng.choice(["bilateral", "bilateral", "regional", "multilateral"])
        rows.append(
            Cooperation(
                title=f"Kerjasama sintetis {i:05d}: {ctx.sentence(5)[:-1]}",
                title_en=f"Synthetic cooperation {i:05d}",
                scope=scope,
                forum=None if scope == "bilateral" else ctx.rng.choice(forums),
                responsible_unit=ctx.rng.choice(ctx.units),
                stage=ctx.rng.choice(["exploration", "negotiation", "signed", "implementation", "evaluation", "ended"]),
                stage_since=ctx.day(),
                is_illustrative=True,
                notes=_note(ctx),
            )
        )
    created = _bulk(Cooperation, rows)
    through = Cooperation.partners.through
    links = [
        through(cooperation_id=c.pk, institution_id=ctx.rng.choice(institutions).pk)
        for c in _synthetic(Cooperation)
        if c.scope == "bilateral"
    ]
    _bulk(through, links)
    sector_links = [
        Cooperation.sectors.through(cooperation_id=c.pk, sector_id=ctx.rng.choice(ctx.sectors).pk)
        for c in _synthetic(Cooperation)
    ]
    _bulk(Cooperation.sectors.through, sector_links)
    return len(created)


def _agreements(ctx: Context) -> int:
    cooperations = _synthetic(Cooperation)
    rows = []
    for i in range(ctx.count("agreements")):
        cooperation = ctx.rng.choice(cooperations)
        signed = ctx.day()
        rows.append(
            Agreement(
                cooperation=cooperation,
                kind=ctx.rng.choice(["mou", "loa", "arrangement", "rod"]),
                number=f"HK.07.SYN.{i:06d}",
                title=f"Perjanjian sintetis {i:05d}",
                title_en=f"Synthetic agreement {i}",
                date_signed=signed,
                entry_into_force=signed,
                duration_months=ctx.rng.choice([24, 36, 60]),
                notice_period_days=ctx.rng.choice([None, 90, 180]),
                responsible_unit=cooperation.responsible_unit,
                is_illustrative=True,
                notes=_note(ctx),
            )
        )
    for agreement in rows:  # bulk_create skips save(), which stores the derived end
        agreement.expires_on = agreement.compute_expiry()
    return len(_bulk(Agreement, rows))


def _position_papers(ctx: Context) -> int:
    cooperations = _synthetic(Cooperation)
    rows = []
    for i in range(ctx.count("position_papers")):
        cooperation = ctx.rng.choice(cooperations)
        rows.append(
            PositionPaper(
                title=f"Dokumen posisi sintetis {i:05d}",
                year=ctx.rng.randint(FIRST_YEAR, LAST_YEAR),
                cooperation=cooperation,
                forum=cooperation.forum,
                status=ctx.rng.choice(["draft", "approved"]),
                summary=ctx.paragraph(2),
                responsible_unit=cooperation.responsible_unit,
                is_illustrative=True,
                notes=_note(ctx),
            )
        )
    return len(_bulk(PositionPaper, rows))


def _studies(ctx: Context) -> int:
    cooperations = _synthetic(Cooperation)
    rows = [
        Study(
            kind=ctx.rng.choice(["study", "exploration"]),
            title=f"Kajian sintetis {i:05d}",
            topic=ctx.sentence(4),
            year=ctx.rng.randint(FIRST_YEAR, LAST_YEAR),
            cooperation=ctx.rng.choice(cooperations),
            responsible_unit=ctx.rng.choice(ctx.units),
            summary=ctx.paragraph(2),
            is_illustrative=True,
            notes=_note(ctx),
        )
        for i in range(ctx.count("studies"))
    ]
    return len(_bulk(Study, rows))


def _meetings(ctx: Context) -> int:
    cooperations = _synthetic(Cooperation)
    rows = []
    note = _note(ctx)
    for i in range(ctx.count("meetings")):
        cooperation = ctx.rng.choice(cooperations)
        start = ctx.day()
        city, country = ctx.rng.choice(CITIES)
        rows.append(
            {
                "title": f"Pertemuan sintetis {i:06d} {ctx.rng.choice(ACRONYMS)}",
                "forum_id": cooperation.forum_id,
                "cooperation_id": cooperation.pk,
                "start_date": start,
                "end_date": start + dt.timedelta(days=ctx.rng.randint(0, 4)),
                "city": city,
                "country_id": country,
                "active_participation": ctx.rng.random() < 0.7,
                "outcome": ctx.sentence(15),
                "responsible_unit_id": cooperation.responsible_unit_id,
                "is_illustrative": True,
                "notes": note,
            }
        )
    created = _insert(Meeting, rows)
    delegation = [
        {
            "meeting_id": pk,
            "name": f"Delegate {pk}-{k}",
            "unit_name": "Badan POM",
            "role": "head" if k == 0 else "member",
        }
        for pk in Meeting.objects.filter(notes__startswith=MARK).values_list("pk", flat=True)
        for k in range(2)
    ]
    _insert(DelegationMember, delegation)
    return created


def _follow_ups(ctx: Context) -> int:
    meetings = list(
        Meeting.objects.filter(notes__startswith=MARK).values_list(
            "pk", "start_date", "cooperation_id", "responsible_unit_id"
        )
    )
    rows = []
    note = _note(ctx)
    for _i in range(ctx.count("follow_ups")):
        meeting_id, start_date, cooperation_id, unit_id = ctx.rng.choice(meetings)
        status = ctx.rng.choice(["open", "in_progress", "done", "done", "cancelled"])
        due = start_date + dt.timedelta(days=ctx.rng.randint(7, 180))
        rows.append(
            {
                "description": ctx.sentence(10),
                "meeting_id": meeting_id,
                "cooperation_id": cooperation_id,
                "other_cooperation_id": cooperation_elsewhere(cooperation_id, cooperation_id),  # filed under it
                "responsible_unit_id": unit_id,
                "due_date": due,
                "status": status,
                "completed_on": due if status == "done" else None,
                "notes": note,
            }
        )
    return _insert(FollowUp, rows)


def _outreach(ctx: Context) -> int:
    rows = [
        OutreachEvent(
            kind=ctx.rng.choice(["workshop", "seminar", "socialisation"]),
            title=f"Sosialisasi sintetis {i:05d}",
            date=ctx.day(),
            topic=ctx.sentence(5),
            audience="Unit teknis",
            participants=ctx.rng.randint(20, 120),
            responsible_unit=ctx.rng.choice(ctx.units),
            is_illustrative=True,
            notes=_note(ctx),
        )
        for i in range(ctx.count("outreach"))
    ]
    return len(_bulk(OutreachEvent, rows))


def _publications(ctx: Context) -> int:
    rows = [
        Publication(
            series="Synthetic Newsletter",
            edition=f"S{i:05d}",
            date=ctx.day(),
            copies=1500,
            responsible_unit=ctx.rng.choice(ctx.units),
            is_illustrative=True,
            notes=_note(ctx),
        )
        for i in range(ctx.count("publications"))
    ]
    return len(_bulk(Publication, rows))


def _documents(ctx: Context) -> int:
    from mitra.documents.models import Document

    from .pdf import minimal_pdf

    content = minimal_pdf("Synthetic document for measurement")
    name = default_storage.save("documents/synthetic/synthetic.pdf", ContentFile(content))
    digest = hashlib.sha256(content).hexdigest()
    targets = [
        (ContentType.objects.get_for_model(m), [r.pk for r in _synthetic(m)]) for m in (Agreement, PositionPaper, Study)
    ]
    targets.append(
        (
            ContentType.objects.get_for_model(Meeting),
            list(Meeting.objects.filter(notes__startswith=MARK).values_list("pk", flat=True)[:50000]),
        )
    )
    rows = []
    for i in range(ctx.count("documents")):
        content_type, ids = ctx.rng.choice(targets)
        rows.append(
            {
                "content_type_id": content_type.pk,
                "object_id": ctx.rng.choice(ids),
                "category": "other",
                "title": f"Dokumen sintetis {i:06d}",
                "file": name,
                "original_name": f"synthetic-{i:06d}.pdf",
                "content_type_detected": "application/pdf",
                "size": len(content),
                "sha256": digest,
                "extracted_text": ctx.paragraph(ctx.rng.randint(20, 60)),
                "extraction_status": "done",
            }
        )
    return _insert(Document, rows)


# Given names and family names of the synthetic staff (plausible Indonesian names; no real person is meant).
GIVEN = "Adi Ayu Bambang Citra Dewi Eko Fajar Gita Hadi Indah Joko Kartika Lestari Made Nur Putri Rizky Sari Wulan"
FAMILY = "Santoso Wibowo Saputra Hidayat Kusuma Pratama Nugroho Siregar Lubis Hutapea Wijaya Rahman Setiawan Purnama"
ASEAN = {"ID", "TH", "SG", "PH", "MY", "VN", "BN", "KH", "LA", "MM"}


def _staff(ctx: Context) -> int:
    """People who travel. The demo has the bureau's 24; trips for all of Badan POM need more travellers."""
    given, family = GIVEN.split(), FAMILY.split()
    grades = [g for g in Grade.values if g]
    rows = []
    for i in range(ctx.count("staff")):
        civil = ctx.rng.random() < 0.75
        rows.append(
            StaffMember(
                full_name=f"{ctx.rng.choice(given)} {ctx.rng.choice(family)} (sintetis {i:04d})",
                unit=ctx.rng.choice(ctx.units),
                employment=Employment.CIVIL_SERVANT if civil else Employment.CONTRACT,
                education=ctx.rng.choice([Education.BACHELOR, Education.BACHELOR, Education.MASTER, Education.DIPLOMA]),
                birth_year=ctx.rng.randint(1960, 1995),
                grade=ctx.rng.choice(grades) if civil else "",
                position=ctx.rng.choice([Position.STAFF, Position.STAFF, Position.FUNCTIONAL]),
                is_illustrative=True,
                notes=_note(ctx),
            )
        )
    return len(_bulk(StaffMember, rows))


@dataclass
class _Trip:
    """One synthetic request before it is written: the request, its travellers and its steps."""

    request: Any
    staff_ids: list[int]
    steps: list[tuple[Any, dt.date | None, dt.date | None]]  # (kind, requested_on, completed_on)


def _travel_requests(ctx: Context) -> int:
    """Requests with their travellers and document steps, dated as the services would date them."""
    from mitra.performance.models import SubActivity
    from mitra.travel.models import FundingSource, StepKind, Traveller, TravelRequest, TravelStatus, TravelStep
    from mitra.travel.reference import ensure_step_kinds
    from mitra.travel.rules import service_unit_code
    from mitra.travel.selectors import step_due

    ensure_step_kinds()
    service_unit = OrganisationUnit.objects.filter(code=service_unit_code()).first()
    if service_unit is None:
        return 0  # the demo organisation is not loaded: nobody processes travel documents
    kinds = list(StepKind.objects.filter(is_active=True, applies_by_default=True))
    staff: dict[int, list[int]] = {}
    for pk, unit_id in StaffMember.objects.order_by("pk").values_list("pk", "unit_id"):
        staff.setdefault(unit_id, []).append(pk)
    everyone = [pk for pks in staff.values() for pk in pks]
    if not everyone:
        return 0
    units = [u for u in ctx.units if u.pk in staff] or ctx.units
    meetings = list(
        Meeting.objects.filter(notes__startswith=MARK)
        .exclude(country_id="ID")
        .order_by("pk")
        .values_list("pk", "start_date", "end_date", "city", "country_id", "responsible_unit_id")
    )
    subs: dict[int, list[Any]] = {}
    for row in SubActivity.objects.filter(output_unit="trip").order_by("year", "number"):
        subs.setdefault(row.year, []).append(row)
    partners = [i.pk for i in _synthetic(Institution)]
    abroad = [(city, code) for city, code in CITIES if code != "ID"]
    rng = ctx.rng
    trips: list[_Trip] = []
    for i in range(ctx.count("travel_requests")):
        if meetings and rng.random() < 0.4:
            meeting_id, start, end, city, country, unit_id = rng.choice(meetings)
            departure, back = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
            purpose = ""
            unit_id = unit_id if unit_id in staff else rng.choice(units).pk
        else:
            meeting_id = None
            city, country = rng.choice(abroad)
            departure = ctx.day()
            back = departure + dt.timedelta(days=rng.randint(2, 6))
            purpose = f"Perjalanan dinas sintetis {i:05d}: {ctx.sentence(6)[:-1]}"
            unit_id = rng.choice(units).pk
        roll = rng.random()
        sub = None
        if roll < 0.08 and partners:
            funding = FundingSource.PARTNER
        elif roll < 0.5 and departure.year in subs:
            funding, sub = FundingSource.BUREAU, rng.choice(subs[departure.year])
        else:
            funding = FundingSource.REQUESTING_UNIT
        pool = staff.get(unit_id) or everyone
        people = rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2, 2, 3])))
        estimated = rng.randint(5, 40) * 1_000_000
        request = TravelRequest(
            requesting_unit_id=unit_id,
            service_unit=service_unit,
            meeting_id=meeting_id,
            purpose=purpose,
            destination_city=city or "–",
            destination_country_id=country,
            departure_date=departure,
            return_date=back,
            needs_visa=country not in ASEAN,
            funding_source=funding,
            sub_activity=sub,
            partner_id=rng.choice(partners) if funding == FundingSource.PARTNER else None,
            estimated_cost=estimated,
            status=TravelStatus.DRAFT,
            is_illustrative=True,
            notes=_note(ctx),
        )
        trips.append(_Trip(request, people, []))
        fate = rng.random()
        if fate < 0.01:
            continue  # a draft never submitted
        if fate < 0.03:
            request.status = TravelStatus.CANCELLED  # cancelled while still a draft
            continue
        trips[-1].steps = _steps(ctx, request, kinds, fate)
    created = _bulk(TravelRequest, [t.request for t in trips])
    assert all(r.pk for r in created), "bulk_create did not return primary keys"
    passport_until = {t.request.pk: t.request.return_date + dt.timedelta(days=365 * rng.randint(2, 8)) for t in trips}
    _insert(
        Traveller,
        [
            {
                "request_id": t.request.pk,
                "staff_member_id": person,
                "passport_number": f"S{rng.randint(1000000, 9999999)}",
                "passport_expires_on": passport_until[t.request.pk],
            }
            for t in trips
            for person in t.staff_ids
        ],
    )
    _insert(
        TravelStep,
        [
            {
                "request_id": t.request.pk,
                "kind_id": kind.pk,
                "requested_on": requested,
                "completed_on": completed,
                # as services.refresh_due_dates keeps it
                "due_on": step_due(TravelStep(request=t.request, kind=kind, requested_on=requested)),
            }
            for t in trips
            for kind, requested, completed in t.steps
        ],
    )
    return len(created)


def _steps(ctx: Context, request: Any, kinds: list[Any], fate: float) -> list[tuple[Any, Any, Any]]:
    """The steps of a submitted request and the request's status and dates, as working them would have left them.

    `fate` (uniform in [0.03, 1)) decides: < 0.05 cancelled in process, < 0.06 stuck in process (the last one or
    two documents never recorded), < 0.065 stuck with documents complete (the report never came), else completed.
    5 % of requests have their last document on the day of departure: late."""
    from mitra.travel import workdays
    from mitra.travel.models import StepTiming, TravelStatus
    from mitra.travel.selectors import documents_deadline

    rng = ctx.rng
    departure, back = request.departure_date, request.return_date
    applicable = [k for k in kinds if request.needs_visa or not k.only_with_visa]
    before = [k for k in applicable if k.timing == StepTiming.BEFORE_DEPARTURE]
    after = [k for k in applicable if k.timing == StepTiming.AFTER_RETURN]
    submitted = workdays.working_days_before(departure, rng.randint(6, 18))
    deadline = documents_deadline(departure)
    request.submitted_on = submitted
    dates: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    for position, kind in enumerate(before):
        requested = workdays.add_working_days(submitted, min(position, 2))
        done = min(workdays.add_working_days(requested, max(1, kind.sla_working_days + rng.randint(-1, 1))), deadline)
        dates[kind.pk] = (requested, max(done, requested))
    if before and rng.random() < 0.05:
        first = dates[before[-1].pk][0] or departure
        dates[before[-1].pk] = (first, max(departure, first))  # arrived on the day of departure: late
    for kind in after:
        dates[kind.pk] = (back, workdays.add_working_days(back, rng.randint(1, 7)))
    if fate < 0.05:
        request.status = TravelStatus.CANCELLED  # while in process: what was asked for, nothing received
        dates = {k.pk: (dates[k.pk][0], None) for k in before} | {k.pk: (None, None) for k in after}
    elif fate < 0.06:
        request.status = TravelStatus.SUBMITTED
        for kind in before[-rng.randint(1, 2) :]:
            dates[kind.pk] = (dates[kind.pk][0], None)
        for kind in after:
            dates[kind.pk] = (None, None)
    elif fate < 0.065:
        request.status = TravelStatus.DOCUMENTS_READY
        for kind in after:
            dates[kind.pk] = (back, None)
    else:
        request.status = TravelStatus.COMPLETED
    done_before = [dates[k.pk][1] for k in before]
    if request.status != TravelStatus.CANCELLED and done_before and all(done_before):
        request.documents_completed_on = max(d for d in done_before if d)
    if request.status == TravelStatus.COMPLETED:
        last = max([back] + [done for _requested, done in dates.values() if done])
        request.completed_on = workdays.add_working_days(last, 1)
        request.realised_cost = request.estimated_cost - rng.randint(0, 8) * 250_000
    return [(kind, *dates[kind.pk]) for kind in applicable]


STEPS: list[tuple[str, Callable[[Context], int]]] = [
    ("institutions", _institutions),
    ("forums", _forums),
    ("contacts", _contacts),
    ("cooperations", _cooperations),
    ("agreements", _agreements),
    ("position papers", _position_papers),
    ("studies", _studies),
    ("meetings", _meetings),
    ("follow-ups", _follow_ups),
    ("outreach events", _outreach),
    ("publications", _publications),
    ("documents", _documents),
    ("staff", _staff),
    ("travel requests", _travel_requests),
]
