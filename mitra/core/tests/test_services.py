"""Core services on units and staff — permissions, stale edits, validation, audit — on factory-made rows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mitra.core import services
from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit, StaffMember, User
from mitra.core.tests.factories import (
    AdminFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    StaffFactory,
    SubdivisionFactory,
    UnitFactory,
    UserFactory,
    bureau,
)

pytestmark = pytest.mark.django_db


def new_member_data(unit: OrganisationUnit | None, **extra):
    return {
        "full_name": "Rahmat Hidayat",
        "unit": unit,
        "employment": "civil_servant",
        "position": "staff",
        "education": "s1",
        "grade": "III/a",
        "birth_year": 1994,
        **extra,
    }


def test_head_of_unit_manages_people_of_their_division_and_its_subdivisions():
    head = HeadFactory.create()
    below = SubdivisionFactory.create(parent=head.unit)
    created = services.staff_member_create(actor=head, data=new_member_data(below))
    assert created.version == 1 and created.created_by == head
    updated = services.staff_member_update(actor=head, member=created, data={"grade": "III/b"}, expected_version=1)
    assert updated.version == 2 and updated.grade == "III/b"


OTHERS = {
    "staff of the division": lambda unit: UserFactory.create(unit=unit),
    "staff of another division": lambda unit: UserFactory.create(),
    "reader": lambda unit: ReaderFactory.create(),
    "leadership": lambda unit: LeadershipFactory.create(),
    "head of another division": lambda unit: HeadFactory.create(),
}


@pytest.mark.parametrize("who", list(OTHERS))
def test_others_cannot_manage_people(who):
    unit = UnitFactory.create()
    actor: User = OTHERS[who](unit)
    with pytest.raises(PermissionDenied):
        services.staff_member_create(actor=actor, data=new_member_data(unit))
    assert not StaffMember.objects.filter(unit=unit).exists()


def test_head_of_one_division_cannot_touch_another_division():
    head = HeadFactory.create()
    theirs = StaffFactory.create(unit=head.unit)
    other = StaffFactory.create(education="s2")  # another division
    with pytest.raises(PermissionDenied):
        services.staff_member_update(actor=head, member=other, data={"education": "s3"}, expected_version=None)
    with pytest.raises(PermissionDenied):  # nor move someone of theirs there
        services.staff_member_update(actor=head, member=theirs, data={"unit": other.unit}, expected_version=None)
    other.refresh_from_db()
    theirs.refresh_from_db()
    assert other.education == "s2" and theirs.unit == head.unit


def test_administrator_manages_anyone():
    someone = StaffFactory.create(education="s2")
    services.staff_member_update(
        actor=AdminFactory.create(), member=someone, data={"education": "s3"}, expected_version=1
    )
    someone.refresh_from_db()
    assert someone.education == "s3" and someone.version == 2


def test_stale_edit_is_refused_and_explains_what_changed():
    head = HeadFactory.create()
    admin = AdminFactory.create()
    dewi = StaffFactory.create(unit=head.unit, education="s1")
    loaded_version = dewi.version
    services.staff_member_update(actor=admin, member=dewi, data={"education": "s2"}, expected_version=loaded_version)
    with pytest.raises(services.StaleEditError) as caught:
        services.staff_member_update(actor=head, member=dewi, data={"education": "d3"}, expected_version=loaded_version)
    stale = caught.value
    assert admin.username in str(stale)
    assert [(c.field, c.before, c.after) for c in stale.changes] == [("education", "s1", "s2")]
    dewi.refresh_from_db()
    assert dewi.education == "s2"


def test_invalid_data_is_refused_at_the_field_and_nothing_is_written():
    head = HeadFactory.create()
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.staff_member_create(actor=head, data=new_member_data(head.unit, employment="contract"))
    assert "grade" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.staff_member_create(actor=head, data=new_member_data(head.unit, birth_year=1800))
    assert "birth_year" in caught.value.message_dict
    assert AuditEntry.objects.count() == before
    assert not StaffMember.objects.filter(unit=head.unit).exists()


def test_an_update_that_changes_nothing_writes_nothing():
    dewi = StaffFactory.create()
    admin = AdminFactory.create()
    before = AuditEntry.objects.count()
    same = services.staff_member_update(
        actor=admin, member=dewi, data={"education": dewi.education}, expected_version=dewi.version
    )
    assert same.version == dewi.version
    assert AuditEntry.objects.count() == before


def test_soft_delete_needs_a_reason_and_keeps_the_record():
    head = HeadFactory.create()
    dewi = StaffFactory.create(unit=head.unit)
    with pytest.raises(ValidationError):
        services.staff_member_delete(actor=head, member=dewi, expected_version=dewi.version, reason="  ")
    assert StaffMember.objects.filter(pk=dewi.pk).exists()
    services.staff_member_delete(actor=head, member=dewi, expected_version=dewi.version, reason="moved to Deputi I")
    assert not StaffMember.objects.filter(pk=dewi.pk).exists()
    kept = StaffMember.all_objects.get(pk=dewi.pk)
    assert kept.is_deleted and kept.delete_reason == "moved to Deputi I"
    assert AuditEntry.objects.filter(record_id=str(dewi.pk), action=AuditAction.DELETE).exists()


def test_unit_tree_rules():
    admin = AdminFactory.create()
    top = bureau()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=admin, data={"code": "f-x", "kind": "subdivision", "name": "X", "parent": top})
    assert "parent" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=HeadFactory.create(), data={"code": "f-y", "kind": "division", "name": "Y", "parent": top}
        )
    assert not OrganisationUnit.objects.filter(code__in=["f-x", "f-y"]).exists()
    division = services.unit_create(
        actor=admin, data={"code": "f-new", "kind": "division", "name": "Bagian Baru", "parent": top}
    )
    assert division.path == f"{top.path}/f-new"
    with pytest.raises(ValidationError):
        services.unit_update(actor=admin, unit=top, data={"parent": division}, expected_version=None)


def test_moving_a_unit_moves_its_subtree_paths():
    admin = AdminFactory.create()
    division = UnitFactory.create()
    below = SubdivisionFactory.create(parent=division)
    deeper_code = below.code
    services.unit_update(actor=admin, unit=division, data={"code": "f-renamed"}, expected_version=None)
    assert OrganisationUnit.objects.get(code=deeper_code).path == f"{bureau().path}/f-renamed/{deeper_code}"
