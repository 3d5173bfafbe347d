import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mitra.cooperation import services
from mitra.cooperation.models import Agreement, Cooperation, FollowUp, Meeting, StageChange
from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit
from mitra.partners import services as partner_services
from mitra.partners.models import Country, Forum, Institution


def unit(code: str) -> OrganisationUnit:
    return OrganisationUnit.objects.get(code=code)


def cooperation(title: str = "Kerjasama Maroko") -> Cooperation:
    return Cooperation.objects.get(title=title)


def test_staff_creates_records_for_their_own_division_only(user_of):
    staff = user_of("staf.bilateral")
    created = services.create(
        actor=staff,
        model=Cooperation,
        data={
            "title": "Kerjasama Brasil",
            "scope": "bilateral",
            "responsible_unit": unit("ksln-bm"),
            "partners": [Institution.objects.get(acronym="USP")],
        },
    )
    assert created.stage == "exploration" and next(iter(created.partners.all())).acronym == "USP"
    assert StageChange.objects.filter(cooperation=created, to_stage="exploration").exists()
    with pytest.raises(PermissionDenied):
        services.create(
            actor=staff,
            model=Cooperation,
            data={"title": "Kerjasama X", "scope": "bilateral", "responsible_unit": unit("ksln-reg")},
        )


@pytest.mark.parametrize("username", ["pembaca", "kepala.biro", "staf.regional"])
def test_others_cannot_edit_a_bilateral_record(user_of, username):
    record = cooperation()
    with pytest.raises(PermissionDenied):
        services.update(actor=user_of(username), instance=record, data={"title_en": "X"}, expected_version=None)
    assert cooperation().title_en == "Cooperation with Morocco"


def test_agreement_dates_are_checked_at_the_field(user_of):
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=user_of("staf.bilateral"),
            model=Agreement,
            data={
                "cooperation": cooperation(),
                "kind": "mou",
                "title": "MoU X",
                "responsible_unit": unit("ksln-bm"),
                "date_signed": dt.date(2018, 5, 1),
                "end_date": dt.date(2018, 4, 30),
            },
        )
    assert "end_date" in caught.value.message_dict
    assert not Agreement.objects.filter(title="MoU X").exists()


def test_agreement_end_from_duration_and_notice_date(demo):
    agreement = Agreement.objects.get(title__contains="ONSSA")
    assert agreement.expires_on == dt.date(2022, 11, 21)
    assert agreement.notice_date == dt.date(2022, 11, 21) - dt.timedelta(days=180)
    assert agreement.in_force_on(dt.date(2019, 1, 1)) and not agreement.in_force_on(dt.date(2023, 1, 1))


def test_amendment_links_to_the_agreement_it_amends(user_of):
    original = Agreement.objects.get(title__contains="ONSSA")
    amendment = services.create(
        actor=user_of("staf.bilateral"),
        model=Agreement,
        data={
            "cooperation": original.cooperation,
            "kind": "other",
            "title": "Amandemen MoU ONSSA",
            "responsible_unit": unit("ksln-bm"),
            "amends": original,
            "date_signed": dt.date(2019, 2, 1),
        },
    )
    assert list(original.amendments.all()) == [amendment]
    other = Agreement.objects.get(title__contains="Pharmacopeial")
    with pytest.raises(ValidationError) as caught:
        services.update(
            actor=user_of("staf.bilateral"), instance=amendment, data={"amends": other}, expected_version=None
        )
    assert "amends" in caught.value.message_dict


def test_follow_up_cannot_be_due_before_its_meeting(user_of):
    meeting = Meeting.objects.get(title__contains="Pharmaceutical Product")
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=user_of("staf.regional"),
            model=FollowUp,
            data={
                "description": "X",
                "meeting": meeting,
                "responsible_unit": unit("ksln-reg"),
                "due_date": meeting.start_date - dt.timedelta(days=1),
            },
        )
    assert "due_date" in caught.value.message_dict


def test_meeting_in_an_unknown_country_is_refused(user_of):
    with pytest.raises(ValidationError) as caught:
        services.create(
            actor=user_of("staf.regional"),
            model=Meeting,
            data={
                "title": "X",
                "forum": Forum.objects.get(acronym="PPWG"),
                "start_date": dt.date(2018, 1, 1),
                "end_date": dt.date(2018, 1, 2),
                "country_id": "XX",
                "responsible_unit": unit("ksln-reg"),
            },
        )
    assert "country" in caught.value.message_dict


def test_stage_lifecycle_is_enforced_and_dated(user_of):
    staff = user_of("staf.bilateral")
    record = Cooperation.objects.get(title__contains="NCEMMDME")
    assert record.stage == "negotiation"
    with pytest.raises(ValidationError) as caught:
        services.change_stage(
            actor=staff, cooperation=record, to_stage="ended", date=dt.date(2018, 1, 1), expected_version=record.version
        )
    assert "to_stage" in caught.value.message_dict
    with pytest.raises(ValidationError):  # before the current stage began
        services.change_stage(
            actor=staff,
            cooperation=record,
            to_stage="signed",
            date=dt.date(2016, 1, 1),
            expected_version=record.version,
        )
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


def test_deleting_a_partner_with_cooperations_is_refused_and_nothing_cascades(user_of):
    onssa = Institution.objects.get(acronym="ONSSA")
    with pytest.raises(ValidationError) as caught:
        partner_services.delete(
            actor=user_of("staf.bilateral"), instance=onssa, expected_version=None, reason="duplicate"
        )
    assert "cooperations" in str(caught.value) or "kerjasama" in str(caught.value)
    assert Institution.objects.filter(pk=onssa.pk).exists()
    lonely = partner_services.create(
        actor=user_of("staf.bilateral"),
        model=Institution,
        data={"name": "Test Agency", "kind": "regulator", "country": Country.objects.get(code="BR")},
    )
    partner_services.delete(actor=user_of("staf.bilateral"), instance=lonely, expected_version=1, reason="test")
    assert Institution.all_objects.get(pk=lonely.pk).is_deleted


def test_readers_cannot_edit_partners(user_of):
    with pytest.raises(PermissionDenied):
        partner_services.create(
            actor=user_of("pembaca"),
            model=Institution,
            data={"name": "X", "kind": "other", "country": Country.objects.get(code="BR")},
        )


def test_delegation_changes_are_audited(user_of):
    meeting = Meeting.objects.get(title__contains="Pharmaceutical Product")
    member = services.add_delegation_member(
        actor=user_of("staf.regional"),
        meeting=meeting,
        data={"name": "Budi Hartono", "unit_name": "Deputi I", "role": "member"},
    )
    assert member in meeting.delegation.all()
    with pytest.raises(PermissionDenied):
        services.remove_delegation_member(actor=user_of("staf.bilateral"), member=member)
    services.remove_delegation_member(actor=user_of("staf.regional"), member=member)
    changes = [
        e.changes for e in AuditEntry.objects.filter(record_type="cooperation.meeting", record_id=str(meeting.pk))
    ]
    assert any("Budi Hartono" in str(c) for c in changes)
