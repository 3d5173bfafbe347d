import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mitra.core import services
from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit, StaffMember


def member(name: str) -> StaffMember:
    return StaffMember.objects.get(full_name=name)


def new_member_data(unit_code: str, **extra):
    return {
        "full_name": "Rahmat Hidayat",
        "unit": OrganisationUnit.objects.get(code=unit_code),
        "employment": "civil_servant",
        "position": "staff",
        "education": "s1",
        "grade": "III/a",
        "birth_year": 1994,
        **extra,
    }


def test_head_of_unit_manages_people_of_their_division_and_its_subdivisions(user_of):
    head = user_of("kabag.bilateral")
    created = services.staff_member_create(actor=head, data=new_member_data("ksln-bm-bilateral"))
    assert created.version == 1 and created.created_by == head
    updated = services.staff_member_update(actor=head, member=created, data={"grade": "III/b"}, expected_version=1)
    assert updated.version == 2 and updated.grade == "III/b"


@pytest.mark.parametrize("username", ["staf.bilateral", "staf.regional", "pembaca", "kepala.biro"])
def test_others_cannot_manage_people(user_of, username):
    with pytest.raises(PermissionDenied):
        services.staff_member_create(actor=user_of(username), data=new_member_data("ksln-bm"))
    assert not StaffMember.objects.filter(full_name="Rahmat Hidayat").exists()


def test_head_of_one_division_cannot_touch_another_division(user_of):
    head = user_of("kabag.bilateral")
    other = member("Nurul Hidayah")  # regional division
    with pytest.raises(PermissionDenied):
        services.staff_member_update(actor=head, member=other, data={"education": "s3"}, expected_version=None)
    with pytest.raises(PermissionDenied):  # nor move someone of theirs there
        services.staff_member_update(
            actor=head,
            member=member("Dewi Lestari"),
            data={"unit": OrganisationUnit.objects.get(code="ksln-reg")},
            expected_version=None,
        )
    assert member("Nurul Hidayah").education == "s2"


def test_administrator_manages_anyone(user_of):
    admin = user_of("admin")
    services.staff_member_update(
        actor=admin, member=member("Nurul Hidayah"), data={"education": "s3"}, expected_version=1
    )
    assert member("Nurul Hidayah").education == "s3"


def test_stale_edit_is_refused_and_explains_what_changed(user_of):
    head = user_of("kabag.bilateral")
    admin = user_of("admin")
    dewi = member("Dewi Lestari")
    loaded_version = dewi.version
    services.staff_member_update(actor=admin, member=dewi, data={"education": "s2"}, expected_version=loaded_version)
    with pytest.raises(services.StaleEditError) as caught:
        services.staff_member_update(actor=head, member=dewi, data={"education": "d3"}, expected_version=loaded_version)
    stale = caught.value
    assert "admin" in str(stale)
    assert [(c.field, c.before, c.after) for c in stale.changes] == [("education", "s1", "s2")]
    assert member("Dewi Lestari").education == "s2"


def test_invalid_data_is_refused_at_the_field_and_nothing_is_written(user_of):
    head = user_of("kabag.bilateral")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.staff_member_create(actor=head, data=new_member_data("ksln-bm", employment="contract"))
    assert "grade" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.staff_member_create(actor=head, data=new_member_data("ksln-bm", birth_year=1800))
    assert "birth_year" in caught.value.message_dict
    assert AuditEntry.objects.count() == before
    assert not StaffMember.objects.filter(full_name="Rahmat Hidayat").exists()


def test_an_update_that_changes_nothing_writes_nothing(user_of):
    dewi = member("Dewi Lestari")
    before = AuditEntry.objects.count()
    same = services.staff_member_update(
        actor=user_of("admin"), member=dewi, data={"education": dewi.education}, expected_version=dewi.version
    )
    assert same.version == dewi.version
    assert AuditEntry.objects.count() == before


def test_soft_delete_needs_a_reason_and_keeps_the_record(user_of):
    head = user_of("kabag.bilateral")
    dewi = member("Dewi Lestari")
    with pytest.raises(ValidationError):
        services.staff_member_delete(actor=head, member=dewi, expected_version=dewi.version, reason="  ")
    services.staff_member_delete(actor=head, member=dewi, expected_version=dewi.version, reason="moved to Deputi I")
    assert not StaffMember.objects.filter(pk=dewi.pk).exists()
    kept = StaffMember.all_objects.get(pk=dewi.pk)
    assert kept.is_deleted and kept.delete_reason == "moved to Deputi I"
    assert AuditEntry.objects.filter(record_id=str(dewi.pk), action=AuditAction.DELETE).exists()


def test_unit_tree_rules(user_of):
    admin = user_of("admin")
    bureau = OrganisationUnit.objects.get(code="ksln")
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=admin, data={"code": "x", "kind": "subdivision", "name": "X", "parent": bureau})
    assert "parent" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=user_of("kabag.bilateral"), data={"code": "y", "kind": "division", "name": "Y", "parent": bureau}
        )
    division = services.unit_create(
        actor=admin, data={"code": "ksln-new", "kind": "division", "name": "Bagian Baru", "parent": bureau}
    )
    assert division.path == "bpom/ksln/ksln-new"
    with pytest.raises(ValidationError):
        services.unit_update(actor=admin, unit=bureau, data={"parent": division}, expected_version=None)


def test_moving_a_unit_moves_its_subtree_paths(user_of):
    admin = user_of("admin")
    division = OrganisationUnit.objects.get(code="ksln-bm")
    services.unit_update(actor=admin, unit=division, data={"code": "ksln-bilateral"}, expected_version=None)
    assert OrganisationUnit.objects.get(code="ksln-bm-bilateral").path == "bpom/ksln/ksln-bilateral/ksln-bm-bilateral"
