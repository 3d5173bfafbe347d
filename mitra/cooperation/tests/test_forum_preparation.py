"""Preparing for a forum (issue 19.3): agenda items and partners' requests assigned to units, the units' answers
from "my work", the position paper's draft → reviewed → approved workflow, the meeting report's due date and a
decision made a follow-up in one step. All on factories."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mitra.cooperation import services, work
from mitra.cooperation.models import AgendaItem, Assignment, FollowUp, PaperStatus, PositionPaper, RequestKind
from mitra.cooperation.tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    PositionPaperFactory,
    RequestFactory,
    assign,
)
from mitra.core.models import AuditAction, AuditEntry, User
from mitra.core.tests.factories import (
    PASSWORD,
    DirectorateFactory,
    HeadFactory,
    LeadershipFactory,
    ReaderFactory,
    UnitFactory,
    UserFactory,
    bureau,
    logged_in,
)

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _future_meeting(**extra: object) -> AgendaItem:
    start = timezone.localdate() + dt.timedelta(days=40)
    meeting = MeetingFactory.create(start_date=start, end_date=start + dt.timedelta(days=2), **extra)
    return AgendaItemFactory.create(meeting=meeting)


# --- Agenda items and requests ------------------------------------------------------------------------------------


def test_an_agenda_item_belongs_to_a_meeting_and_units_answer_before_it():
    meeting = MeetingFactory.create()
    with pytest.raises(ValidationError) as error:
        AgendaItemFactory.create(meeting=None)
    assert "meeting" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        AgendaItemFactory.create(meeting=meeting, response_deadline=meeting.start_date + dt.timedelta(days=1))
    assert "response_deadline" in error.value.message_dict


def test_a_partners_request_has_its_source_and_external_deadline():
    with pytest.raises(ValidationError) as error:
        RequestFactory.create(source="", external_deadline=None)
    assert {"source", "external_deadline"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        RequestFactory.create(external_deadline=dt.date(2017, 6, 1), response_deadline=dt.date(2017, 6, 2))
    assert "response_deadline" in error.value.message_dict
    request = RequestFactory.create()
    assert request.kind == RequestKind.EXTERNAL and request.meeting is None


def test_assigning_units_is_the_coordinating_units_and_audited():
    item = _future_meeting()
    directorate = DirectorateFactory.create()
    outsider = UserFactory.create()  # staff of another bureau division
    with pytest.raises(PermissionDenied):
        services.assign_units(actor=outsider, item=item, units=[directorate])
    coordinator = UserFactory.create(unit=item.responsible_unit)
    made = services.assign_units(actor=coordinator, item=item, units=[directorate])
    again = services.assign_units(actor=coordinator, item=item, units=[directorate])
    assert len(made) == 1 and again == []
    entry = (
        AuditEntry.objects.filter(record_type="cooperation.agendaitem", record_id=str(item.pk)).order_by("pk").last()
    )
    assert entry is not None and "assignments" in entry.changes


def test_only_the_assigned_units_people_answer():
    item = _future_meeting()
    directorate = DirectorateFactory.create()
    other = DirectorateFactory.create()
    (assignment,) = assign(item, directorate)
    requester = UserFactory.create(unit=directorate)  # a unit outside the bureau
    stranger = UserFactory.create(unit=other)
    reader = ReaderFactory.create()
    coordinator = UserFactory.create(unit=item.responsible_unit)
    for user in (stranger, reader, coordinator):
        with pytest.raises(PermissionDenied):
            services.answer_assignment(actor=user, assignment=assignment, answer="Kami setuju.")
    with pytest.raises(ValidationError) as error:
        services.answer_assignment(actor=requester, assignment=assignment, answer="   ")
    assert "answer" in error.value.message_dict
    answered = services.answer_assignment(actor=requester, assignment=assignment, answer="Kami setuju.")
    assert answered.answer == "Kami setuju." and answered.answered_by == requester
    entry = (
        AuditEntry.objects.filter(record_type="cooperation.agendaitem", record_id=str(item.pk)).order_by("pk").last()
    )
    assert entry is not None and entry.changes[f"answer ({directorate.code})"] == [None, "Kami setuju."]


def test_my_work_lists_the_units_open_assignments_for_people_outside_the_bureau():
    item = _future_meeting()
    request = RequestFactory.create()
    directorate = DirectorateFactory.create()
    a1, *_ = assign(item, directorate)
    assign(request, directorate)
    requester = UserFactory.create(unit=directorate)
    today = timezone.localdate()
    items = work.assignments_open(requester, today)
    assert [i.url for i in items] == [
        reverse("cooperation:assignment-answer", args=[pk])
        for pk in Assignment.objects.filter(unit=directorate)
        .order_by("item__response_deadline")
        .values_list("pk", flat=True)
    ]
    assert items[0].overdue  # the request was due in 2017
    services.answer_assignment(actor=requester, assignment=a1, answer="Jawaban")
    assert len(work.assignments_open(requester, today)) == 1
    assert work.assignments_open(ReaderFactory.create(), today) == []
    assert work.assignments_open(UserFactory.create(unit=DirectorateFactory.create()), today) == []


def test_a_unit_staff_answers_from_my_work_with_the_menu_badge():
    item = _future_meeting()
    directorate = DirectorateFactory.create()
    (assignment,) = assign(item, directorate)
    requester = UserFactory.create(unit=directorate)
    client = _signed_in(requester)
    home = client.get(reverse("core:home"))
    answer_url = reverse("cooperation:assignment-answer", args=[assignment.pk])
    assert answer_url in home.content.decode()
    assert 'data-for="/kerjasama/"' in home.content.decode()  # the registry's menu item carries the badge
    page = client.get(answer_url)
    assert page.status_code == 200 and item.title in page.content.decode()
    empty = client.post(answer_url, {"answer": ""})
    assert empty.status_code == 200 and "is-invalid" in empty.content.decode()
    saved = client.post(answer_url, {"answer": "Direktorat mendukung usulan."})
    assert saved.status_code == 302
    assignment.refresh_from_db()
    assert assignment.answer == "Direktorat mendukung usulan."
    # Another unit's people may not open the answer page.
    assert _signed_in(UserFactory.create(unit=DirectorateFactory.create())).get(answer_url).status_code == 403


def test_the_agenda_item_page_assigns_and_shows_answers():
    item = _future_meeting()
    coordinator = UserFactory.create(unit=item.responsible_unit)
    directorate = DirectorateFactory.create()
    client = logged_in(coordinator)
    response = client.post(reverse("cooperation:agenda-assign", args=[item.pk]), {"units": [directorate.pk]})
    assert response.status_code == 302
    assignment = Assignment.objects.get(item=item)
    services.answer_assignment(actor=None, assignment=assignment, answer="Setuju dengan catatan", system=True)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Setuju dengan catatan" in page and directorate.name in page
    meeting = item.meeting
    assert meeting is not None
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert item.title in meeting_page and reverse("reports:briefing", args=[meeting.pk, "docx"]) in meeting_page


def test_an_answered_assignment_is_not_withdrawn():
    item = _future_meeting()
    (assignment,) = assign(item, DirectorateFactory.create())
    coordinator = UserFactory.create(unit=item.responsible_unit)
    services.answer_assignment(actor=None, assignment=assignment, answer="Ya", system=True)
    with pytest.raises(ValidationError):
        services.remove_assignment(actor=coordinator, assignment=assignment)
    (other,) = assign(item, DirectorateFactory.create())
    services.remove_assignment(actor=coordinator, assignment=other)
    assert not Assignment.objects.filter(pk=other.pk).exists()


def test_withdrawing_twice_or_on_a_deleted_item_is_refused_with_a_message():
    item = _future_meeting()
    first, second = assign(item, DirectorateFactory.create(), DirectorateFactory.create())
    coordinator = UserFactory.create(unit=item.responsible_unit)
    client = logged_in(coordinator)
    url = reverse("cooperation:assignment-remove", args=[first.pk])
    services.remove_assignment(actor=coordinator, assignment=first)
    with pytest.raises(ValidationError, match="sudah ditarik"):  # a colleague's second click, a moment later
        services.remove_assignment(actor=coordinator, assignment=first)
    assert client.post(url).status_code == 404  # the page of a withdrawn assignment is gone, not a 500

    services.delete(actor=coordinator, instance=item, expected_version=None, reason="Dobel.")
    with pytest.raises(ValidationError, match="telah dihapus"):
        services.remove_assignment(actor=coordinator, assignment=second)
    assert Assignment.objects.filter(pk=second.pk).exists()


# --- The position paper's workflow --------------------------------------------------------------------------------


def test_a_position_paper_goes_draft_reviewed_approved_by_the_right_people():
    division = UnitFactory.create()
    paper = PositionPaperFactory.create(responsible_unit=division)
    assert paper.status == PaperStatus.DRAFT
    staff = UserFactory.create(unit=division)
    head = HeadFactory.create(unit=division)
    head_of_bureau = HeadFactory.create(unit=bureau())
    with pytest.raises(PermissionDenied):
        services.move_paper(actor=staff, paper=paper, to_status=PaperStatus.REVIEWED, expected_version=paper.version)
    with pytest.raises(ValidationError):  # not before it is reviewed
        services.move_paper(
            actor=head_of_bureau, paper=paper, to_status=PaperStatus.APPROVED, expected_version=paper.version
        )
    paper = services.move_paper(
        actor=head, paper=paper, to_status=PaperStatus.REVIEWED, expected_version=paper.version, note="OK"
    )
    assert paper.reviewed_by == head and paper.reviewed_at is not None
    with pytest.raises(PermissionDenied):  # the head of the division does not approve
        services.move_paper(actor=head, paper=paper, to_status=PaperStatus.APPROVED, expected_version=paper.version)
    paper = services.move_paper(
        actor=head_of_bureau, paper=paper, to_status=PaperStatus.APPROVED, expected_version=paper.version
    )
    assert paper.status == PaperStatus.APPROVED and paper.approved_by == head_of_bureau
    entries = AuditEntry.objects.filter(
        record_type="cooperation.positionpaper", record_id=str(paper.pk), action=AuditAction.STATE_CHANGE
    )
    assert [e.changes["status"][1] for e in entries.order_by("pk")] == ["reviewed", "approved"]
    assert entries.order_by("pk").first().reason == "OK"  # type: ignore[union-attr]
    # An approved paper's content does not change under its approval: it goes back to draft first.
    with pytest.raises(ValidationError, match=r"draft|draf"):
        services.update(actor=staff, instance=paper, data={"summary": "Posisi diubah"}, expected_version=paper.version)
    assert PositionPaper.objects.get(pk=paper.pk).summary != "Posisi diubah"
    services.update(actor=staff, instance=paper, data={"summary": paper.summary}, expected_version=paper.version)
    leadership = LeadershipFactory.create()  # the head of bureau as leadership
    paper = services.move_paper(
        actor=leadership, paper=paper, to_status=PaperStatus.DRAFT, expected_version=paper.version
    )
    assert paper.status == PaperStatus.DRAFT and paper.approved_by is None


def test_the_paper_page_offers_the_moves_the_user_may_make():
    division = UnitFactory.create()
    paper = PositionPaperFactory.create(responsible_unit=division)
    head = HeadFactory.create(unit=division)
    client = logged_in(head)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert 'value="reviewed"' in page and 'value="approved"' not in page
    response = client.post(
        reverse("cooperation:paper-status", args=[paper.pk]),
        {"to_status": "reviewed", "expected_version": paper.version, "note": ""},
    )
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.status == PaperStatus.REVIEWED
    staff_client = logged_in(UserFactory.create(unit=division))
    refused = staff_client.post(
        reverse("cooperation:paper-status", args=[paper.pk]),
        {"to_status": "approved", "expected_version": paper.version},
    )
    assert refused.status_code == 403


def test_the_status_is_not_in_the_papers_form():
    division = UnitFactory.create()
    paper = PositionPaperFactory.create(responsible_unit=division)
    page = logged_in(UserFactory.create(unit=division)).get(
        reverse("cooperation:positionpaper-update", args=[paper.pk])
    )
    assert 'name="status"' not in page.content.decode()


# --- After the meeting ----------------------------------------------------------------------------------------------


def test_the_meeting_report_is_due_a_set_number_of_days_after_the_meeting(settings):
    division = UnitFactory.create()
    today = timezone.localdate()
    meeting = MeetingFactory.create(
        responsible_unit=division, start_date=today - dt.timedelta(days=5), end_date=today - dt.timedelta(days=3)
    )
    staff = UserFactory.create(unit=division)
    settings.MITRA_MEETING_REPORT_DAYS = 2
    (item,) = work.meeting_reports_due(staff, today)
    assert item.due == meeting.end_date + dt.timedelta(days=2) and item.overdue
    settings.MITRA_MEETING_REPORT_DAYS = 14
    (item,) = work.meeting_reports_due(staff, today)
    assert not item.overdue
    meeting = services.update(
        actor=staff, instance=meeting, data={"report_submitted_on": today}, expected_version=meeting.version
    )
    assert work.meeting_reports_due(staff, today) == []
    with pytest.raises(ValidationError):
        services.update(
            actor=staff,
            instance=meeting,
            data={"report_submitted_on": meeting.end_date - dt.timedelta(days=1)},
            expected_version=meeting.version,
        )


def test_an_old_unsubmitted_report_leaves_my_work(settings):
    division = UnitFactory.create()
    today = timezone.localdate()
    MeetingFactory.create(responsible_unit=division, start_date=dt.date(2017, 3, 1), end_date=dt.date(2017, 3, 2))
    settings.MITRA_MEETING_REPORT_WORK_DAYS = 60
    assert work.meeting_reports_due(UserFactory.create(unit=division), today) == []


def test_a_meeting_decision_becomes_a_follow_up_in_one_step(settings):
    settings.MITRA_DECISION_FOLLOW_UP_DAYS = 21
    division = UnitFactory.create()
    meeting = MeetingFactory.create(responsible_unit=division)
    staff = UserFactory.create(unit=division)
    client = logged_in(staff)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert (meeting.end_date + dt.timedelta(days=21)).isoformat() in page
    response = client.post(
        reverse("cooperation:meeting-decision", args=[meeting.pk]),
        {
            "decision": "Menyampaikan komentar atas draf pedoman",
            "responsible_unit": division.pk,
            "due_date": "2017-04-30",
            "owner_person": "",
        },
    )
    follow_up = FollowUp.objects.get(meeting=meeting)
    assert response.status_code == 302 and response["Location"] == follow_up.get_absolute_url()
    assert follow_up.description == "Menyampaikan komentar atas draf pedoman"
    assert follow_up.cooperation_id == meeting.cooperation_id and follow_up.due_date == dt.date(2017, 4, 30)
    assert AuditEntry.objects.filter(record_type="cooperation.followup", record_id=str(follow_up.pk)).exists()
    # A due date before the meeting is refused with the model's message, nothing is written.
    client.post(
        reverse("cooperation:meeting-decision", args=[meeting.pk]),
        {"decision": "Terlalu awal", "responsible_unit": division.pk, "due_date": "2016-01-01"},
    )
    assert FollowUp.objects.filter(meeting=meeting).count() == 1
    outsider = logged_in(UserFactory.create())
    refused = outsider.post(
        reverse("cooperation:meeting-decision", args=[meeting.pk]),
        {"decision": "X", "responsible_unit": division.pk, "due_date": "2017-04-30"},
    )
    assert refused.status_code == 403


def test_the_agenda_pages_keep_their_query_counts():
    item = _future_meeting()
    meeting = item.meeting
    assert meeting is not None
    (first,) = assign(item, DirectorateFactory.create())
    client = logged_in(UserFactory.create(unit=item.responsible_unit))
    pages = [item.get_absolute_url(), meeting.get_absolute_url()]
    for url in pages:
        client.get(url)  # warm-up: the session's badge counts
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    for _ in range(5):
        assign(item, DirectorateFactory.create())
        more = AgendaItemFactory.create(meeting=meeting)
        assign(more, DirectorateFactory.create())
    services.answer_assignment(actor=None, assignment=first, answer="Ya", system=True)
    for url, count in zip(pages, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == count, url
    assert counts == [AGENDA_ITEM_PAGE_QUERIES, MEETING_PAGE_QUERIES]


AGENDA_ITEM_PAGE_QUERIES = 13  # the item, its assignments with their units, the documents, the history
MEETING_PAGE_QUERIES = 16  # + the agenda items with their answer counts, + the units of the decision form


def test_a_new_agenda_item_with_a_meeting_that_is_not_a_number_opens_the_form():
    staff = UserFactory.create(unit=UnitFactory.create())
    response = logged_in(staff).get(reverse("cooperation:agendaitem-create") + "?meeting=abc")
    assert response.status_code == 200


def test_the_briefing_book_links_show_only_to_whom_may_download_it():
    meeting = MeetingFactory.create()
    outsider = UserFactory.create(unit=DirectorateFactory.create())
    assert 'data-testid="briefing-docx"' not in logged_in(outsider).get(meeting.get_absolute_url()).content.decode()
    bureau_staff = UserFactory.create()  # a division of the bureau
    assert 'data-testid="briefing-docx"' in logged_in(bureau_staff).get(meeting.get_absolute_url()).content.decode()
