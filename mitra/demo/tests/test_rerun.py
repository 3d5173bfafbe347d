"""`mitra demo` after real use: it only adds what is missing, never fails on a locked quarter, and leaves every
record users changed exactly as they left it (issue 15, item 9)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

from django.apps import apps
from django.core.management import call_command

from mitra.cooperation import services as registry
from mitra.cooperation.models import Cooperation, Meeting
from mitra.core import services as core
from mitra.core.models import AuditEntry, OrganisationUnit, StaffMember, User
from mitra.partners import services as partners
from mitra.partners.models import Contact
from mitra.performance import services as performance
from mitra.performance.models import QuarterEntry, QuarterReport, ReportStatus, SubActivity
from mitra.reports import services as reports
from mitra.reports.models import Narrative


def everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, every field (sessions aside: logging in is not data)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model._meta.label in ("sessions.Session",):
            continue
        manager = getattr(model, "all_objects", None) or model._base_manager
        rows[model._meta.label] = list(manager.order_by("pk").values())
    return rows


def report(unit: str, quarter: int) -> QuarterReport:
    return QuarterReport.objects.get(year=2017, quarter=quarter, unit__code=unit)


def journey(user_of) -> None:
    """What users do in a normal week of Mitra, through the services."""
    staff, head, boss, admin = (
        user_of("staf.bilateral"),
        user_of("kabag.bilateral"),
        user_of("kepala.biro"),
        user_of("admin"),
    )
    # The open quarter: staff edit its obstacles and submit, the head verifies, the head of bureau approves.
    for sub in SubActivity.objects.filter(year=2017, owner_unit__code="ksln-bm"):
        performance.realisation_record(
            actor=staff,
            year=2017,
            sub_activity=sub,
            quarter=4,
            data={"obstacles": f"Kendala yang ditulis staf ({sub.number}).", "follow_up": "Tindak lanjut staf."},
        )
    performance.quarter_submit(actor=staff, report=report("ksln-bm", 4))
    performance.quarter_verify(actor=head, report=report("ksln-bm", 4))
    performance.quarter_approve(actor=boss, report=report("ksln-bm", 4))
    # A locked quarter reopened, and its texts corrected (the old loader emptied them on the next run).
    performance.quarter_reopen(actor=boss, report=report("ksln-reg", 2), reason="Koreksi kendala.")
    regional = user_of("staf.regional")
    first = SubActivity.objects.filter(year=2017, owner_unit__code="ksln-reg").order_by("number").first()
    assert first is not None
    performance.realisation_record(
        actor=regional,
        year=2017,
        sub_activity=first,
        quarter=2,
        data={"obstacles": "Teks kendala yang diperbaiki.", "output_realised": Decimal(1)},
    )
    # A narrative of the report rewritten.
    narrative = Narrative.objects.get(year=2017, key="foreword")
    reports.narrative_save(
        actor=admin, year=2017, key="foreword", text="Kata pengantar yang ditulis ulang.", expected_version=None
    )
    assert Narrative.objects.get(pk=narrative.pk).text == "Kata pengantar yang ditulis ulang."
    # Registry records edited and deleted; a meeting's delegation emptied.
    cooperation = Cooperation.objects.filter(responsible_unit__code="ksln-bm").order_by("pk").first()
    assert cooperation is not None
    registry.update(
        actor=staff, instance=cooperation, data={"notes": "Catatan staf.", "title_en": "Edited"}, expected_version=None
    )
    meeting = Meeting.objects.filter(responsible_unit__code="ksln-bm").order_by("pk").first()
    assert meeting is not None
    for member in meeting.delegation.all():
        registry.remove_delegation_member(actor=staff, member=member)
    contact = Contact.objects.order_by("pk").first()
    assert contact is not None
    partners.delete(actor=admin, instance=contact, expected_version=None, reason="Sudah tidak bertugas.")
    # The organisation changed: a unit renamed, a login given another role, a person's profile corrected.
    unit = OrganisationUnit.objects.get(code="ksln-reg")
    core.unit_update(
        actor=admin, unit=unit, data={"name": "Bagian Kerjasama Regional dan ASEAN"}, expected_version=None
    )
    core.user_update(actor=admin, user=user_of("staf.oi"), data={"role": "reader"})
    person = StaffMember.objects.get(full_name="Nurul Hidayah")
    core.staff_member_update(actor=admin, member=person, data={"education": "s3"}, expected_version=None)
    core.staff_member_delete(
        actor=admin, member=StaffMember.objects.get(full_name="Joko Susilo"), expected_version=None, reason="Pensiun."
    )


def test_demo_runs_again_after_real_use_and_changes_nothing(user_of):
    journey(user_of)
    assert report("ksln-bm", 4).status == ReportStatus.APPROVED
    assert report("ksln-reg", 2).status == ReportStatus.DRAFT
    before, audit_entries = everything(), AuditEntry.objects.count()

    out = StringIO()
    call_command("demo", stdout=out)  # refused on the locked quarter before, and no server started

    assert "Demo data ready" in out.getvalue()
    assert AuditEntry.objects.count() == audit_entries
    after = everything()
    changed = {label for label in before if before[label] != after[label]}
    assert changed == set(), changed
    # The user's texts in particular (the old loader emptied the reopened quarter's obstacles).
    sub = SubActivity.objects.filter(year=2017, owner_unit__code="ksln-reg").order_by("number").first()
    entry = QuarterEntry.objects.get(sub_activity=sub, quarter=2)
    assert entry.obstacles == "Teks kendala yang diperbaiki."
    assert OrganisationUnit.objects.get(code="ksln-reg").name == "Bagian Kerjasama Regional dan ASEAN"
    assert User.objects.get(username="staf.oi").role == "reader"


def test_a_deleted_demo_record_stays_deleted(user_of):
    contact = Contact.objects.order_by("pk").first()
    assert contact is not None
    partners.delete(actor=user_of("admin"), instance=contact, expected_version=None, reason="Salah input.")
    call_command("demo", stdout=StringIO())
    assert not Contact.objects.filter(name=contact.name).exists()
    assert Contact.all_objects.filter(name=contact.name).count() == 1
