"""Edge cases found in review: each test names the failure it guards against."""

import csv
import datetime as dt
import io
from typing import TypeVar

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from mitra.cooperation import indicators, services
from mitra.cooperation.models import Agreement, Cooperation, FollowUp, Meeting, MeetingMode, Notification
from mitra.cooperation.reminders import send_due_reminders
from mitra.core.models import AuditEntry, OrganisationUnit
from mitra.core.selectors import assignable_units
from mitra.core.services import StaleEditError

M = TypeVar("M", bound=Model)


def first(queryset: QuerySet[M]) -> M:
    record = queryset.first()
    assert record is not None
    return record


def test_linking_a_related_cooperation_edits_only_the_one_linked_from(user_of, client_for):
    staff = user_of("staf.bilateral")
    mine = first(Cooperation.objects.filter(responsible_unit__code="ksln-bm"))
    theirs = first(Cooperation.objects.exclude(responsible_unit__code="ksln-bm").exclude(pk=mine.pk))
    services.update(actor=staff, instance=mine, data={"related": [theirs]}, expected_version=mine.version, reason="")
    theirs.refresh_from_db()
    assert list(theirs.related.all()) == [] and mine in theirs.referred_by.all()
    assert (
        not AuditEntry.objects.filter(record_type="cooperation.cooperation", record_id=str(theirs.pk))
        .exclude(action="create")
        .exists()
    )
    page = client_for("pembaca").get(theirs.get_absolute_url()).content.decode()
    assert mine.title in page


def test_assignable_units_are_the_own_subtree_and_none_without_a_unit(user_of):
    staff = user_of("staf.bilateral")
    codes = set(assignable_units(staff).values_list("code", flat=True))
    assert "ksln-bm" in codes and "ksln-oi" not in codes
    staff.unit = None
    assert not assignable_units(staff).exists()
    assert assignable_units(user_of("admin")).count() == OrganisationUnit.objects.exclude(kind="institution").count()


@pytest.mark.parametrize(
    ("url_name", "pk"), [("cooperation-stage", 999999), ("delegation-add", 999999), ("delegation-remove", 999999)]
)
def test_anonymous_visitors_are_sent_to_login_before_any_lookup(client, demo, url_name, pk):
    response = client.post(reverse(f"cooperation:{url_name}", args=[pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_exports_never_turn_typed_text_into_formulas(client_for, user_of):
    staff = user_of("staf.bilateral")
    record = first(Cooperation.objects.filter(responsible_unit__code="ksln-bm"))
    services.update(
        actor=staff,
        instance=record,
        data={"title": '=HYPERLINK("http://evil","x")'},
        expected_version=record.version,
        reason="",
    )
    client = client_for("pembaca")
    query = {"q": "HYPERLINK"}
    response = client.get(reverse("cooperation:cooperation-export", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://evil","x")'
    response = client.get(reverse("cooperation:cooperation-export", args=["xlsx"]), query)
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.value == '=HYPERLINK("http://evil","x")' and cell.data_type == "s"


@pytest.mark.parametrize(
    "query",
    [{"sort": "--title"}, {"sort": "---"}, {"year": "99999999999999999999"}, {"year": "-5"}, {"year": "2017.5"}],
)
def test_odd_list_parameters_never_fail(client_for, query):
    for name in ("agreement", "meeting", "followup", "outreachevent", "publication", "cooperation"):
        response = client_for("pembaca").get(reverse(f"cooperation:{name}-list"), query)
        assert response.status_code == 200, (name, query)


@pytest.mark.parametrize("query", [{"year": "²"}, {"year": "99999"}, {"key": "a/b"}, {"key": "nope", "year": "x"}])
def test_indicator_index_redirects_to_a_page_that_exists(client_for, query):
    client = client_for("pembaca")
    response = client.get(reverse("cooperation:indicator-index"), query)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_follow_up_is_reminded_a_week_ahead_and_again_on_its_due_date(demo):
    follow_up = FollowUp.objects.get(description__contains="ONSSA")  # due 2018-03-31
    send_due_reminders(follow_up.due_date - dt.timedelta(days=7))
    send_due_reminders(follow_up.due_date - dt.timedelta(days=3))
    send_due_reminders(follow_up.due_date)
    keys = sorted(
        Notification.objects.filter(key__startswith=f"followup:{follow_up.pk}:").values_list("key", flat=True)
    )
    assert [k.rsplit(":", 1)[1] for k in keys] == ["0", "7"]


def test_deleting_twice_after_a_concurrent_change_succeeds_on_the_second_confirmation(client_for, user_of):
    record = first(Cooperation.objects.filter(responsible_unit__code="ksln-bm"))
    url = reverse("cooperation:cooperation-delete", args=[record.pk])
    client = client_for("staf.bilateral")
    opened = record.version
    services.update(
        actor=user_of("kabag.bilateral"), instance=record, data={"notes": "changed"}, expected_version=opened
    )
    page = client.post(url, {"expected_version": opened, "reason": "duplicate"})
    assert page.status_code == 200 and "kabag.bilateral" in page.content.decode()
    assert f'value="{opened + 1}"' in page.content.decode()
    response = client.post(url, {"expected_version": opened + 1, "reason": "duplicate"})
    assert response.status_code == 302 and not Cooperation.objects.filter(pk=record.pk).exists()


def test_a_delegation_change_is_a_version_step_of_the_meeting(user_of):
    meeting = Meeting.objects.get(title__contains="Pharmaceutical Product")
    opened = meeting.version
    services.add_delegation_member(
        actor=user_of("staf.regional"), meeting=meeting, data={"name": "Budi Hartono", "role": "member"}
    )
    with pytest.raises(StaleEditError) as stale:
        services.update(actor=user_of("staf.regional"), instance=meeting, data={"notes": "x"}, expected_version=opened)
    assert "delegation" in [c.field for c in stale.value.changes]


def test_agreement_page_labels_the_notice_date(client_for):
    agreement = first(Agreement.objects.order_by("-notice_period_days"))
    page = client_for("pembaca").get(agreement.get_absolute_url()).content.decode()
    assert "Notice_date" not in page and "notice_date" not in page


def test_an_agreement_cannot_last_zero_months(user_of):
    agreement = first(Agreement.objects.filter(responsible_unit__code="ksln-bm"))
    with pytest.raises(ValidationError) as error:
        services.update(
            actor=user_of("staf.bilateral"),
            instance=agreement,
            data={"end_date": None, "duration_months": 0},
            expected_version=agreement.version,
        )
    assert "duration_months" in error.value.message_dict


def test_virtual_meetings_abroad_are_not_trips(user_of):
    before = len(indicators.meeting_trips(2017).rows)
    meeting = first(Meeting.objects.filter(start_date__year=2017, delegation__isnull=False).exclude(country_id="ID"))
    travellers = meeting.delegation.count()
    Meeting.objects.filter(pk=meeting.pk).update(mode=MeetingMode.VIRTUAL)
    assert len(indicators.meeting_trips(2017).rows) == before - travellers


def test_deleting_a_meeting_takes_its_follow_ups_along(user_of):
    follow_up = first(FollowUp.objects.filter(meeting__isnull=False).select_related("meeting"))
    meeting = follow_up.meeting
    assert meeting is not None
    services.delete(actor=user_of("admin"), instance=meeting, expected_version=meeting.version, reason="duplicate")
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()
    gone = FollowUp.all_objects.get(pk=follow_up.pk)
    assert "duplicate" in gone.delete_reason


def test_dashboard_badge_counts_every_expiring_agreement(demo):
    """The list shows the first 15; the badge counts them all (it used to count only what the list showed)."""
    from mitra.cooperation.selectors import dashboard

    from .factories import AgreementFactory

    today = dt.date(2090, 1, 1)  # past every demo agreement
    for day in range(17):
        AgreementFactory(date_signed=dt.date(2085, 1, 1), end_date=today + dt.timedelta(days=10 + day))
    AgreementFactory(date_signed=dt.date(2085, 1, 1), end_date=today + dt.timedelta(days=91))  # not yet
    dash = dashboard(today)
    assert (dash.expiring_count, len(dash.expiring)) == (17, 15)
