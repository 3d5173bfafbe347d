"""Attachments obey the rules of the record they belong to (issue 15, items 1 and 3).

1. A travel paper is downloadable only by those who may see its travel request (the requesting unit and the units
   beneath it, the bureau, administrators, leadership) and by the travellers themselves; anyone else gets 403.
3. Attaching and removing ask the record's own edit permission and its state: an approved quarter's entry, a plan
   record, a staff record, a unit, an API token and a completed travel request refuse bureau staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from mitra.core.models import AuditAction, AuditEntry, User
from mitra.core.tests.factories import (
    AdminFactory,
    DirectorateFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    StaffFactory,
    UserFactory,
    bureau,
    logged_in,
)
from mitra.documents import access, selectors, services
from mitra.documents.models import Document, DocumentCategory
from mitra.performance.models import QuarterEntry, QuarterReport, ReportStatus
from mitra.performance.tests.factories import (
    OutputFactory,
    QuarterReportFactory,
    SubActivityFactory,
    approve,
    realise,
)
from mitra.travel.models import TravelStatus, TravelStep
from mitra.travel.tests.factories import ProcessorFactory
from mitra.travel.tests.helpers import through

from .conftest import added
from .files import pdf_bytes

D = dt.date
UPLOAD = reverse("documents:upload")


def upload(name: str = "scan.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes("PASPOR"), content_type="application/octet-stream")


def post_upload(client, record, **extra):
    data = {
        "record_type": record._meta.label_lower,
        "record_id": record.pk,
        "category": DocumentCategory.OTHER,
        "title": "",
        "file": upload(),
        **extra,
    }
    return client.post(UPLOAD, data)


def outsider() -> User:
    """Staff of a new directorate outside the bureau."""
    return UserFactory.create(unit=DirectorateFactory.create())


@pytest.fixture
def processor(db) -> User:
    """Staff of the unit that processes travel documents."""
    return ProcessorFactory.create()


@pytest.fixture
def trip(processor):
    """An open travel request of a directorate outside the bureau, with a passport scan on one of its steps."""
    owner = outsider()
    request = through(owner, processor, D(2018, 5, 14), D(2018, 5, 18), D(2018, 5, 4), complete=False)
    step = request.steps.select_related("request").first()
    assert step is not None
    scan = services.attach(actor=processor, record=step, uploaded_file=upload(), category="travel")
    return request, step, scan, owner


def download(client, document: Document):
    return client.get(reverse("documents:download", args=[document.pk]))


def test_travel_papers_are_not_downloadable_by_counting_ids(trip, processor):
    request, _step, scan, owner = trip
    stranger = outsider()
    client = logged_in(stranger)
    assert client.get(reverse("travel:request-detail", args=[request.pk])).status_code == 403
    assert download(client, scan).status_code == 403
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor_username=stranger.username)
    assert denied.filter(record_repr__contains=f"/dokumen/{scan.pk}/unduh/").exists()
    # Those who may see the request may download its papers.
    allowed = {
        "owner": owner,
        "processor": processor,
        "reader of the bureau": ReaderFactory.create(unit=bureau()),
        "administrator": AdminFactory.create(),
        "leadership": LeadershipFactory.create(),
        "head of the owner's directorate": HeadFactory.create(unit=owner.unit),
    }
    for who, user in allowed.items():
        assert download(logged_in(user), scan).status_code == 200, who


def test_a_traveller_may_download_their_own_papers(trip):
    request, _step, scan, _owner = trip
    traveller_user = outsider()
    assert download(logged_in(traveller_user), scan).status_code == 403
    member = request.travellers.get().staff_member  # the traveller `through` added
    member.user = traveller_user
    member.save(update_fields=["user"])
    assert download(logged_in(traveller_user), scan).status_code == 200


def test_listed_documents_obey_the_same_check(trip, processor):
    _request, step, scan, owner = trip

    def rendered(user: User) -> str:
        http_request = RequestFactory().get("/")
        http_request.user = user
        context = {"record": step, "documents": selectors.documents_for(step), "can_edit": True}
        return render_to_string("documents/_attachments.html", context, request=http_request)

    assert scan.original_name in rendered(owner)
    page = rendered(outsider())
    assert scan.original_name not in page and "/unduh/" not in page and "upload-form" not in page
    # The requesting unit sees the papers but does not work the bureau's steps.
    assert "upload-form" not in rendered(owner) and "upload-form" in rendered(processor)


def test_registry_documents_stay_readable_by_every_signed_in_user(db):
    from mitra.cooperation.tests.factories import AgreementFactory

    staff = UserFactory.create()
    agreement = AgreementFactory.create(responsible_unit=staff.unit)
    document = services.attach(actor=staff, record=agreement, uploaded_file=upload(), category="signed_copy")
    assert download(logged_in(outsider()), document).status_code == 200


def test_completed_travel_request_takes_no_papers(trip, processor):
    request, step, scan, _owner = trip
    request.__class__.objects.filter(pk=request.pk).update(status=TravelStatus.COMPLETED)
    step = TravelStep.objects.select_related("request").get(pk=step.pk)
    with pytest.raises(ValidationError) as refused:
        services.attach(actor=processor, record=step, uploaded_file=upload(), category="travel")
    assert refused.value.code == "record_closed"
    with pytest.raises(ValidationError) as refused:
        services.remove(actor=processor, document=scan, reason="salah unggah")
    assert refused.value.code == "record_closed"
    client = logged_in(processor)
    response = post_upload(client, step, next=step.get_absolute_url())
    assert response.status_code == 302  # back to the step's page: why at the top, the files closed below
    page = client.get(response["Location"]).content.decode()
    assert "Berkas tidak dilampirkan" in page and 'data-testid="attachments-closed"' in page
    response = client.post(reverse("documents:remove", args=[scan.pk]), {"reason": "salah unggah"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert list(selectors.documents_for(step)) == [scan]
    assert not access.may_change_attachments(processor, step)


def _draft_entry_of(user: User) -> tuple[QuarterEntry, QuarterReport]:
    """A realised Q1 2013 entry of a new sub-activity of the user's unit, and its quarter (a draft)."""
    sub = SubActivityFactory.create(output=OutputFactory.create(activity__program__year=2013), owner_unit=user.unit)
    entry = realise(sub, 1, 1, 1_000_000)
    return entry, QuarterReportFactory.create(year=2013, quarter=1, unit=user.unit)


def test_approved_quarter_entry_refuses_attach_and_remove(db):
    staff = UserFactory.create()
    entry, report = _draft_entry_of(staff)
    evidence = services.attach(actor=staff, record=entry, uploaded_file=upload(), category="evidence")
    assert approve(report).status == ReportStatus.APPROVED
    with translation.override("en"), pytest.raises(ValidationError, match="approved and locked"):
        services.attach(actor=staff, record=entry, uploaded_file=upload(), category="evidence")
    with translation.override("en"), pytest.raises(ValidationError, match="approved and locked"):
        services.remove(actor=staff, document=evidence, reason="bukti lama")
    client = logged_in(staff)
    response = post_upload(client, entry)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Berkas tidak dilampirkan: Triwulan ini sudah disetujui dan dikunci" in page  # why, at the top
    response = client.post(reverse("documents:remove", args=[evidence.pk]), {"reason": "bukti lama"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert list(selectors.documents_for(entry)) == [evidence]


@pytest.mark.parametrize("kind", ["subactivity", "staffmember", "organisationunit"])
def test_bureau_staff_cannot_attach_to_records_they_may_not_edit(kind, db):
    staff = UserFactory.create()  # staff of a new division of the bureau
    assert staff.unit is not None
    unit = staff.unit
    makers: dict[str, Callable[[], Model]] = {
        "subactivity": lambda: SubActivityFactory.create(owner_unit=unit),
        "staffmember": lambda: StaffFactory.create(unit=unit),
        "organisationunit": lambda: unit,
    }
    record = makers[kind]()
    with pytest.raises(PermissionDenied):
        services.attach(actor=staff, record=record, uploaded_file=upload(), category="other")
    assert post_upload(logged_in(staff), record).status_code == 403
    assert not added().exists()


def test_api_tokens_take_no_attachments(db):
    from mitra.api import services as api_services

    head = HeadFactory.create()
    admin = AdminFactory.create()
    token, _raw = api_services.token_create(actor=None, user=head, name="skrip", system=True)
    assert post_upload(logged_in(UserFactory.create(unit=head.unit)), token).status_code == 404
    assert post_upload(logged_in(admin), token).status_code == 404
    with pytest.raises(TypeError):
        services.attach(actor=admin, record=token, uploaded_file=upload(), category="other")


def test_every_model_with_an_owner_unit_is_declared_or_deliberately_left_out():
    from django.apps import apps

    left_out = {
        "api.apitoken": "a credential, not a record",
        "documents.document": "a file itself",
        "cooperation.assignment": "a unit's answer is text on its agenda item, which takes the files",
        "performance.unitindicator": "a line of the performance tree; evidence goes with the quarter's realisation",
        "performance.unitindicatortarget": "a number of the tree",
        "performance.actionplan": "a plan's numbers; evidence goes with the quarter's realisation",
        "performance.unitagreementline": "a line of a unit PK",
    }
    undeclared = {
        m._meta.label_lower
        for m in apps.get_models()
        if hasattr(m, "owner_unit") and m._meta.label_lower not in access.ATTACHABLE
    }
    assert undeclared == set(left_out)
