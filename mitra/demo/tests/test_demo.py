from django.apps import apps

from mitra.core.models import OrganisationUnit, StaffMember, User
from mitra.core.selectors import staff_profile
from mitra.demo.loader import load_all


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in ("sessions.Session",)
    }


def test_demo_is_idempotent(demo):
    before = row_counts()
    created = load_all()
    assert created and set(created.values()) == {0}
    assert row_counts() == before


def test_demo_organisation_matches_the_2017_report(demo):
    bureau = OrganisationUnit.objects.get(code="ksln")
    assert bureau.name == "Biro Kerjasama Luar Negeri"
    assert bureau.parent is not None and bureau.parent.short_name == "Badan POM"
    assert OrganisationUnit.objects.filter(kind="division", parent=bureau).count() == 3
    assert OrganisationUnit.objects.filter(kind="subdivision").count() == 7
    assert all(u.is_illustrative for u in OrganisationUnit.objects.filter(kind="subdivision"))
    # "24 people: 16 civil servants and 8 contract staff; 1 head of bureau, 3 heads of division, 7 heads of
    # sub-division" (chapter I, 1.3).
    from django.utils import timezone

    profile = staff_profile(on=timezone.localdate().replace(year=2017, month=12, day=31), unit=bureau)
    assert (profile.total, profile.civil_servants, profile.contract) == (24, 16, 8)
    positions = {value: n for value, _label, n in profile.breakdowns["position"].rows}
    assert (positions["head_of_bureau"], positions["head_of_division"], positions["head_of_subdivision"]) == (1, 3, 7)
    assert StaffMember.objects.filter(unit__path__startswith=bureau.path).count() == 24
    # Outside the bureau: the directorate that requests travel, with its head and one traveller.
    directorate = OrganisationUnit.objects.get(code="dit-registrasi-obat")
    assert directorate.kind == "directorate" and directorate.parent == bureau.parent
    assert [m.user.username for m in StaffMember.objects.filter(unit=directorate) if m.user] == ["staf.registrasi"]


def test_demo_users_and_roles(demo):
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": "administrator",
        "kepala.biro": "leadership",
        "kabag.bilateral": "head_of_unit",
        "staf.bilateral": "staff",
        "staf.regional": "staff",
        "staf.oi": "staff",
        "pembaca": "reader",
        "kepala.registrasi": "head_of_unit",
        "staf.registrasi": "staff",
    }
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="kepala.biro").is_staff
    assert User.objects.get(username="pembaca").check_password("mitra-demo-2017")
    assert User.objects.get(username="staf.registrasi").check_password("mitra-demo-2017")
    assert User.objects.filter(username="kepala.registrasi", unit__code="dit-registrasi-obat").exists()
