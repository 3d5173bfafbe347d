"""Edge cases found in review: each test names the failure it guards against.

Every test builds the units, users and records it needs with factories (core's and this app's `factories.py`);
none reads the demo, and each asserts on the records it made.
"""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mitra.cooperation import indicators, services
from mitra.cooperation.models import Cooperation, FollowUp, MeetingMode
from mitra.cooperation.reminders import send_due_reminders
from mitra.core import formatting
from mitra.core.models import AuditEntry, OrganisationUnit
from mitra.core.notifications.models import Notification
from mitra.core.selectors import assignable_units
from mitra.core.services import StaleEditError
from mitra.core.tests.factories import (
    AdminFactory,
    HeadFactory,
    ReaderFactory,
    SubdivisionFactory,
    UnitFactory,
    UserFactory,
    logged_in,
    number,
)

from .factories import AgreementFactory, CooperationFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_linking_a_related_cooperation_edits_only_the_one_linked_from():
    staff = UserFactory.create()
    mine = CooperationFactory.create(responsible_unit=staff.unit)
    theirs = CooperationFactory.create()  # another division's
    services.update(actor=staff, instance=mine, data={"related": [theirs]}, expected_version=mine.version, reason="")
    theirs.refresh_from_db()
    assert list(theirs.related.all()) == [] and list(theirs.referred_by.all()) == [mine]
    assert list(mine.related.all()) == [theirs]
    assert (
        not AuditEntry.objects.filter(record_type="cooperation.cooperation", record_id=str(theirs.pk))
        .exclude(action="create")
        .exists()
    )
    page = logged_in(ReaderFactory.create()).get(theirs.get_absolute_url()).content.decode()
    assert mine.title in page


def test_assignable_units_are_the_own_subtree_and_none_without_a_unit():
    staff = UserFactory.create()
    below = SubdivisionFactory.create(parent=staff.unit)
    elsewhere = UnitFactory.create()
    assert staff.unit is not None
    codes = set(assignable_units(staff).values_list("code", flat=True))
    assert codes == {staff.unit.code, below.code}
    assert elsewhere.code not in codes
    staff.unit = None
    assert not assignable_units(staff).exists()
    everything = set(OrganisationUnit.objects.exclude(kind="institution").values_list("code", flat=True))
    assert set(assignable_units(AdminFactory.create()).values_list("code", flat=True)) == everything
    assert elsewhere.code in everything


@pytest.mark.parametrize(
    ("url_name", "pk"), [("cooperation-stage", 999999), ("delegation-add", 999999), ("delegation-remove", 999999)]
)
def test_anonymous_visitors_are_sent_to_login_before_any_lookup(client, url_name, pk):
    response = client.post(reverse(f"cooperation:{url_name}", args=[pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_exports_never_turn_typed_text_into_formulas():
    staff = UserFactory.create()
    record = CooperationFactory.create(responsible_unit=staff.unit)
    formula = f'=HYPERLINK("http://evil-{number()}","x")'
    services.update(actor=staff, instance=record, data={"title": formula}, expected_version=record.version, reason="")
    client = logged_in(ReaderFactory.create())
    query = {"q": formula[12:-6]}  # the made-up host
    response = client.get(reverse("cooperation:cooperation-export", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert len(rows) == 2 and rows[1][0] == "'" + formula
    response = client.get(reverse("cooperation:cooperation-export", args=["xlsx"]), query)
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.value == formula and cell.data_type == "s"


def test_the_xlsx_export_holds_the_rows_of_the_csv_prefetched_columns_included(monkeypatch):
    """The XLSX export reads its rows in chunks (as the CSV does) with the list's prefetched partners: chunks of two
    here, so that the rows of several chunks are compared."""
    from django.db.models.query import QuerySet

    from mitra.partners.tests.factories import InstitutionFactory

    unit = UnitFactory.create()
    tag = f"chunked-{number()}"
    for i in range(5):
        CooperationFactory.create(
            title=f"{tag} {i}", responsible_unit=unit, partners=[InstitutionFactory.create() for _ in range(i % 3)]
        )
    iterator = QuerySet.iterator
    monkeypatch.setattr(QuerySet, "iterator", lambda qs, chunk_size=None: iterator(qs, chunk_size=2))
    client = logged_in(ReaderFactory.create())
    query = {"q": tag, "sort": "title"}
    response = client.get(reverse("cooperation:cooperation-export", args=["csv"]), query)
    csv_rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    response = client.get(reverse("cooperation:cooperation-export", args=["xlsx"]), query)
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_rows = [["–" if v in (None, "") else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert len(xlsx_rows) == 6 and xlsx_rows == csv_rows  # the CSV writes "–" where the XLSX leaves a cell empty
    partners = [row[2] for row in xlsx_rows[1:]]
    assert xlsx_rows[0][2] == "Mitra / forum" and sum(p != "–" for p in partners) == 3


@pytest.mark.parametrize(
    "query",
    [{"sort": "--title"}, {"sort": "---"}, {"year": "99999999999999999999"}, {"year": "-5"}, {"year": "2017.5"}],
)
def test_odd_list_parameters_never_fail(query):
    client = logged_in(ReaderFactory.create())
    for name in ("agreement", "meeting", "followup", "outreachevent", "publication", "cooperation"):
        response = client.get(reverse(f"cooperation:{name}-list"), query)
        assert response.status_code == 200, (name, query)


@pytest.mark.parametrize("query", [{"year": "²"}, {"year": "99999"}, {"key": "a/b"}, {"key": "nope", "year": "x"}])
def test_indicator_index_redirects_to_a_page_that_exists(query):
    client = logged_in(ReaderFactory.create())
    response = client.get(reverse("cooperation:indicator-index"), query)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_follow_up_is_reminded_a_week_ahead_and_again_on_its_due_date():
    meeting = MeetingFactory.create(start_date=dt.date(2091, 3, 1), end_date=dt.date(2091, 3, 2))
    follow_up = FollowUpFactory.create(meeting=meeting, due_date=dt.date(2091, 3, 31))
    send_due_reminders(follow_up.due_date - dt.timedelta(days=8))  # not yet
    assert not Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").exists()
    send_due_reminders(follow_up.due_date - dt.timedelta(days=7))
    send_due_reminders(follow_up.due_date - dt.timedelta(days=3))
    send_due_reminders(follow_up.due_date)
    keys = sorted(
        Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").values_list("key", flat=True)
    )
    assert [k.rsplit(":", 1)[1] for k in keys] == ["0", "7"]


def test_deleting_twice_after_a_concurrent_change_succeeds_on_the_second_confirmation():
    staff = UserFactory.create()
    head = HeadFactory.create(unit=staff.unit)
    record = CooperationFactory.create(responsible_unit=staff.unit)
    url = reverse("cooperation:cooperation-delete", args=[record.pk])
    client = logged_in(staff)
    opened = record.version
    services.update(actor=head, instance=record, data={"notes": "changed"}, expected_version=opened)
    page = client.post(url, {"expected_version": opened, "reason": "duplicate"})
    assert page.status_code == 200 and head.username in page.content.decode()
    assert f'value="{opened + 1}"' in page.content.decode()
    assert Cooperation.objects.filter(pk=record.pk).exists()
    response = client.post(url, {"expected_version": opened + 1, "reason": "duplicate"})
    assert response.status_code == 302 and not Cooperation.objects.filter(pk=record.pk).exists()


def test_a_delegation_change_is_a_version_step_of_the_meeting():
    staff = UserFactory.create()
    meeting = MeetingFactory.create(responsible_unit=staff.unit)
    opened = meeting.version
    services.add_delegation_member(actor=staff, meeting=meeting, data={"name": "Budi Hartono", "role": "member"})
    with pytest.raises(StaleEditError) as stale:
        services.update(actor=staff, instance=meeting, data={"notes": "x"}, expected_version=opened)
    assert "delegation" in [c.field for c in stale.value.changes]


def test_agreement_page_labels_the_notice_date():
    agreement = AgreementFactory.create(date_signed=dt.date(2013, 1, 10), duration_months=60, notice_period_days=180)
    assert agreement.notice_date == dt.date(2018, 1, 10) - dt.timedelta(days=180)
    page = logged_in(ReaderFactory.create()).get(agreement.get_absolute_url()).content.decode()
    assert "Notice_date" not in page and "notice_date" not in page
    assert "Tanggal pemberitahuan" in page or "tanggal pemberitahuan" in page  # the label, in Indonesian
    assert formatting.date(agreement.notice_date) in page


def test_an_agreement_cannot_last_zero_months():
    staff = UserFactory.create()
    agreement = AgreementFactory.create(responsible_unit=staff.unit, end_date=dt.date(2015, 1, 10))
    with pytest.raises(ValidationError) as error:
        services.update(
            actor=staff,
            instance=agreement,
            data={"end_date": None, "duration_months": 0},
            expected_version=agreement.version,
        )
    assert "duration_months" in error.value.message_dict


def test_virtual_meetings_abroad_are_not_trips():
    staff = UserFactory.create()
    meeting = MeetingFactory.create(
        responsible_unit=staff.unit, start_date=dt.date(2092, 5, 1), end_date=dt.date(2092, 5, 2)
    )
    assert meeting.country_id != "ID"
    for name in ("Budi Hartono", "Sari Dewi"):
        services.add_delegation_member(actor=staff, meeting=meeting, data={"name": name, "role": "member"})
    meeting.refresh_from_db()

    def trips() -> list[str]:
        return [row.record.name for row in indicators.meeting_trips(2092).rows if row.record.meeting_id == meeting.pk]

    assert trips() == ["Budi Hartono", "Sari Dewi"]
    services.update(actor=staff, instance=meeting, data={"mode": MeetingMode.VIRTUAL}, expected_version=meeting.version)
    assert trips() == []


def test_deleting_a_meeting_takes_its_follow_ups_along():
    follow_up = FollowUpFactory.create()
    meeting = follow_up.meeting
    assert meeting is not None
    services.delete(actor=AdminFactory.create(), instance=meeting, expected_version=meeting.version, reason="duplicate")
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()
    gone = FollowUp.all_objects.get(pk=follow_up.pk)
    assert "duplicate" in gone.delete_reason


def test_dashboard_badge_counts_every_expiring_agreement():
    """The list shows the first 15; the badge counts them all (it used to count only what the list showed)."""
    from mitra.cooperation.selectors import dashboard

    today = dt.date(2090, 1, 1)  # past every demo agreement
    for day in range(17):
        AgreementFactory.create(date_signed=dt.date(2085, 1, 1), end_date=today + dt.timedelta(days=10 + day))
    AgreementFactory.create(date_signed=dt.date(2085, 1, 1), end_date=today + dt.timedelta(days=91))  # not yet
    dash = dashboard(today)
    assert (dash.expiring_count, len(dash.expiring)) == (17, 15)
