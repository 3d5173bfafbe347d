"""The registry's services: permissions, field checks, the stage lifecycle and audit — on records made by factories."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mitra.cooperation import services
from mitra.cooperation.models import Agreement, Cooperation, FollowUp, Meeting, StageChange
from mitra.core.models import AuditAction, AuditEntry, User
from mitra.core.tests.factories import LeadershipFactory, ReaderFactory, UnitFactory, UserFactory
from mitra.partners import services as partner_services
from mitra.partners.models import Country, Institution

from .factories import AgreementFactory, CooperationFactory, ForumFactory, InstitutionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_staff_creates_records_for_their_own_division_only():
    staff = UserFactory.create()
    partner = InstitutionFactory.create(acronym="USPX")
    created = services.create(
        actor=staff,
        model=Cooperation,
        data={"title": "Kerjasama Brasil", "scope": "bilateral", "responsible_unit": staff.unit, "partners": [partner]},
    )
    assert created.stage == "exploration" and list(created.partners.all()) == [partner]
    assert StageChange.objects.filter(cooperation=created, to_stage="exploration").exists()
    other = UnitFactory.create()
    with pytest.raises(PermissionDenied):
        services.create(
            actor=staff,
            model=Cooperation,
            data={"title": "Kerjasama X", "scope": "bilateral", "responsible_unit": other},
        )
    assert not Cooperation.objects.filter(title="Kerjasama X", responsible_unit=other).exists()


OUTSIDERS = {
    "reader": lambda: ReaderFactory.create(),
    "leadership": lambda: LeadershipFactory.create(),
    "staff of another division": lambda: UserFactory.create(),
}


@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_others_cannot_edit_a_bilateral_record(who):
    record = CooperationFactory.create(title_en="Cooperation with Morocco")
    outsider: User = OUTSIDERS[who]()
    with pytest.raises(PermissionDenied):
        services.update(actor=outsider, instance=record, data={"title_en": "X"}, expected_version=None)
    record.refresh_from_db()
    assert record.title_en == "Cooperation with Morocco"
    # The same edit by staff of the record's division goes through (so the refusal above is about who asks).
    services.update(
        actor=UserFactory.create(unit=record.responsible_unit),
        instance=record,
        data={"title_en": "X"},
        expected_version=None,
    )
    record.refresh_from_db()
    assert record.title_en == "X"


def test_agreement_dates_are_checked_at_the_field():
    staff = UserFactory.create()
    cooperation = CooperationFactory.create(responsible_unit=staff.unit)
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=staff,
            model=Agreement,
            data={
                "cooperation": cooperation,
                "kind": "mou",
                "title": "MoU X",
                "responsible_unit": staff.unit,
                "date_signed": dt.date(2018, 5, 1),
                "end_date": dt.date(2018, 4, 30),
            },
        )
    assert "end_date" in caught.value.message_dict
    assert not Agreement.objects.filter(cooperation=cooperation).exists()


def test_agreement_end_from_duration_and_notice_date():
    agreement = AgreementFactory.create(date_signed=dt.date(2017, 11, 21), duration_months=60, notice_period_days=180)
    assert agreement.expires_on == dt.date(2022, 11, 21)
    assert agreement.notice_date == dt.date(2022, 11, 21) - dt.timedelta(days=180)
    assert agreement.in_force_on(dt.date(2019, 1, 1)) and not agreement.in_force_on(dt.date(2023, 1, 1))
    assert not agreement.in_force_on(dt.date(2017, 11, 20)) and agreement.in_force_on(dt.date(2022, 11, 21))
    # Entry into force, when given, starts the duration; a month shorter than the start day ends on its last day.
    later = AgreementFactory.create(
        date_signed=dt.date(2019, 8, 1), entry_into_force=dt.date(2019, 8, 31), duration_months=6, notice_period_days=0
    )
    assert later.expires_on == dt.date(2020, 2, 29) and later.notice_date is None


def test_amendment_links_to_the_agreement_it_amends():
    staff = UserFactory.create()
    original = AgreementFactory.create(responsible_unit=staff.unit)
    amendment = services.create(
        actor=staff,
        model=Agreement,
        data={
            "cooperation": original.cooperation,
            "kind": "other",
            "title": "Amandemen MoU",
            "responsible_unit": staff.unit,
            "amends": original,
            "date_signed": dt.date(2019, 2, 1),
        },
    )
    assert list(original.amendments.all()) == [amendment]
    other = AgreementFactory.create(responsible_unit=staff.unit)  # of another cooperation
    assert other.cooperation_id != original.cooperation_id
    with pytest.raises(ValidationError) as caught:
        services.update(actor=staff, instance=amendment, data={"amends": other}, expected_version=None)
    assert "amends" in caught.value.message_dict


def test_follow_up_cannot_be_due_before_its_meeting():
    staff = UserFactory.create()
    meeting = MeetingFactory.create(responsible_unit=staff.unit)
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=staff,
            model=FollowUp,
            data={
                "description": "X",
                "meeting": meeting,
                "responsible_unit": staff.unit,
                "due_date": meeting.start_date - dt.timedelta(days=1),
            },
        )
    assert "due_date" in caught.value.message_dict
    on_the_day = services.create(
        actor=staff,
        model=FollowUp,
        data={"description": "X", "meeting": meeting, "responsible_unit": staff.unit, "due_date": meeting.start_date},
    )
    assert on_the_day.pk


def test_meeting_in_an_unknown_country_is_refused():
    staff = UserFactory.create()
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=staff,
            model=Meeting,
            data={
                "title": "X",
                "forum": ForumFactory.create(),
                "start_date": dt.date(2018, 1, 1),
                "end_date": dt.date(2018, 1, 2),
                "country_id": "XX",
                "responsible_unit": staff.unit,
            },
        )
    assert "country" in caught.value.message_dict


def test_stage_lifecycle_is_enforced_and_dated():
    staff = UserFactory.create()
    record = CooperationFactory.create(
        responsible_unit=staff.unit, stage="negotiation", stage_since=dt.date(2017, 6, 1)
    )
    assert record.stage == "negotiation"
    with pytest.raises(ValidationError) as caught:
        services.change_stage(
            actor=staff, cooperation=record, to_stage="ended", date=dt.date(2018, 1, 1), expected_version=record.version
        )
    assert "to_stage" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # before the current stage began
        services.change_stage(
            actor=staff,
            cooperation=record,
            to_stage="signed",
            date=dt.date(2017, 5, 31),
            expected_version=record.version,
        )
    assert "date" in caught.value.message_dict
    signed = services.change_stage(
        actor=staff,
        cooperation=record,
        to_stage="signed",
        date=dt.date(2018, 3, 1),
        note="Signed in Astana",
        expected_version=record.version,
    )
    assert (signed.stage, signed.stage_since) == ("signed", dt.date(2018, 3, 1))
    assert StageChange.objects.filter(cooperation=record, from_stage="negotiation", to_stage="signed").exists()
    entry = AuditEntry.objects.filter(record_type="cooperation.cooperation", record_id=str(record.pk)).first()
    assert entry is not None and entry.action == AuditAction.STATE_CHANGE and entry.reason == "Signed in Astana"
    with pytest.raises(ValidationError):  # the stage is not edited as a plain field
        services.update(actor=staff, instance=signed, data={"stage": "ended"}, expected_version=None)
    with pytest.raises(PermissionDenied):  # nor changed by another division
        services.change_stage(
            actor=UserFactory.create(),
            cooperation=signed,
            to_stage="ended",
            date=dt.date(2018, 4, 1),
            expected_version=None,
        )


def test_deleting_a_partner_with_cooperations_is_refused_and_nothing_cascades():
    staff = UserFactory.create()
    partner = InstitutionFactory.create()
    cooperation = CooperationFactory.create(responsible_unit=staff.unit, partners=[partner])
    with pytest.raises(ValidationError) as caught:
        partner_services.delete(actor=staff, instance=partner, expected_version=None, reason="duplicate")
    assert "cooperations" in str(caught.value) or "kerjasama" in str(caught.value)
    assert Institution.objects.filter(pk=partner.pk).exists()
    assert list(Cooperation.objects.get(pk=cooperation.pk).partners.all()) == [partner]
    lonely = partner_services.create(
        actor=staff,
        model=Institution,
        data={"name": "Test Agency", "kind": "regulator", "country": Country.objects.get(code="BR")},
    )
    partner_services.delete(actor=staff, instance=lonely, expected_version=1, reason="test")
    assert Institution.all_objects.get(pk=lonely.pk).is_deleted


def test_readers_cannot_edit_partners():
    with pytest.raises(PermissionDenied):
        partner_services.create(
            actor=ReaderFactory.create(),
            model=Institution,
            data={"name": "Agency of readers", "kind": "other", "country": Country.objects.get(code="BR")},
        )
    assert not Institution.objects.filter(name="Agency of readers").exists()


def test_delegation_changes_are_audited():
    staff = UserFactory.create()
    meeting = MeetingFactory.create(responsible_unit=staff.unit)
    member = services.add_delegation_member(
        actor=staff, meeting=meeting, data={"name": "Budi Hartono", "unit_name": "Deputi I", "role": "member"}
    )
    assert member in meeting.delegation.all()
    with pytest.raises(PermissionDenied):
        services.remove_delegation_member(actor=UserFactory.create(), member=member)
    assert member in meeting.delegation.all()
    services.remove_delegation_member(actor=staff, member=member)
    assert not meeting.delegation.exists()
    changes = [
        e.changes for e in AuditEntry.objects.filter(record_type="cooperation.meeting", record_id=str(meeting.pk))
    ]
    assert sum("Budi Hartono" in str(c) for c in changes) == 2  # added, then removed
