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


def test_travel_demo_is_audited_and_indexed_like_one_write_after_another(demo):
    """The travel demo runs inside `loader.batched` (its audit entries appended in one go, its requests indexed
    once at the end): the chain still verifies, every write of every request is in the log in the order it was made,
    and each request's search entry is what indexing it now gives."""
    from mitra.core import audit
    from mitra.core.models import AuditAction, AuditEntry
    from mitra.search import services as search
    from mitra.search.models import SearchEntry
    from mitra.travel.models import TravelRequest, TravelStatus

    assert audit.verify().ok
    requests = list(TravelRequest.objects.filter(notes__startswith="[demo-perjalanan").order_by("pk"))
    assert len(requests) == 161
    for request in requests:
        entries = list(
            AuditEntry.objects.filter(record_type="travel.travelrequest", record_id=str(request.pk)).order_by("id")
        )
        assert [e.action for e in entries[:1]] == [AuditAction.CREATE]
        assert [e.changes["status"][1] for e in entries if "status" in e.changes][-1] == TravelStatus.COMPLETED
        assert len(entries) == request.version  # one entry per saved version: none lost, none doubled
        assert [e.at for e in entries] == sorted(e.at for e in entries)
    step_count = sum(r.steps.count() for r in requests)
    for action in (AuditAction.CREATE, AuditAction.UPDATE):  # each step created, then worked once
        assert AuditEntry.objects.filter(record_type="travel.travelstep", action=action).count() == step_count

    def fingerprints() -> dict[str, str]:
        return dict(
            SearchEntry.objects.filter(
                record_type="travel.travelrequest", record_id__in=[str(r.pk) for r in requests]
            ).values_list("record_id", "fingerprint")
        )

    indexed = fingerprints()
    assert len(indexed) == len(requests)
    for request in requests:
        search.index_instance(request)
    assert fingerprints() == indexed
