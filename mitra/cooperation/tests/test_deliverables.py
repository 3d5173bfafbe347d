"""Implementing arrangements under an MoU, each agreement's deliverables with their completion rate and average
delay (metrics.py, tested over any input), dormant agreements on the dashboard, and deliverables in "my work"."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mitra.cooperation import metrics, selectors, services
from mitra.cooperation.models import Agreement, Deliverable
from mitra.cooperation.tests.factories import AgreementFactory, signed_agreement, step
from mitra.cooperation.work import deliverables_due
from mitra.core.tests.factories import DirectorateFactory, UserFactory, logged_in

STATUSES = ["planned", "in_progress", "done", "cancelled"]
days = st.integers(min_value=-3000, max_value=3000)
base = dt.date(2020, 6, 15)


# Formulas


def test_completion_rate_and_average_delay_examples():
    assert metrics.completion_rate(["done", "done", "planned", "cancelled"]) == Decimal(200) / 3
    assert metrics.completion_rate(["cancelled"]) is None and metrics.completion_rate([]) is None
    today = dt.date(2024, 3, 10)
    assert metrics.delay_days("done", dt.date(2024, 1, 1), dt.date(2024, 1, 11), today) == 10
    assert metrics.delay_days("done", dt.date(2024, 1, 1), dt.date(2023, 12, 1), today) == 0  # early is on time
    assert metrics.delay_days("planned", dt.date(2024, 3, 1), None, today) == 9  # open and late: the delay so far
    assert metrics.delay_days("planned", dt.date(2024, 4, 1), None, today) is None  # not due yet
    assert metrics.delay_days("cancelled", dt.date(2024, 1, 1), None, today) is None
    assert metrics.average_delay([10, 0, None, 5]) == 5
    assert metrics.average_delay([None]) is None


@given(st.lists(st.sampled_from(STATUSES), max_size=50))
def test_completion_rate_is_a_percentage_of_what_is_not_cancelled(statuses):
    rate = metrics.completion_rate(statuses)
    counted = [s for s in statuses if s != "cancelled"]
    if not counted:
        assert rate is None
        return
    assert rate is not None and 0 <= rate <= 100
    assert (rate == 100) == all(s == "done" for s in counted)
    assert (rate == 0) == ("done" not in counted)
    # Cancelling an item never changes what the others achieved: adding a cancelled one changes nothing.
    assert metrics.completion_rate([*statuses, "cancelled"]) == rate


@given(st.sampled_from(STATUSES), days, days, days)
def test_a_delay_is_never_negative_and_counts_only_done_or_late_items(status, due_offset, done_offset, today_offset):
    due = base + dt.timedelta(days=due_offset)
    completed = base + dt.timedelta(days=done_offset) if status == "done" else None
    today = base + dt.timedelta(days=today_offset)
    delay = metrics.delay_days(status, due, completed, today)
    if status == "cancelled" or (status != "done" and due >= today):
        assert delay is None
    else:
        assert delay is not None and delay >= 0


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)), max_size=40))
def test_the_average_delay_lies_between_the_smallest_and_largest_counted(delays):
    average = metrics.average_delay(delays)
    counted = [d for d in delays if d is not None]
    if not counted:
        assert average is None
    else:
        assert average is not None and min(counted) <= average <= max(counted)


# Services and rules


def deliverable(actor, agreement, **data) -> Any:
    values = {
        "agreement": agreement,
        "title": "Pelatihan inspektur",
        "responsible_unit": agreement.responsible_unit,
        "due_date": dt.date(2018, 6, 30),
        **data,
    }
    return services.create(actor=actor, model=Deliverable, data=values)


def test_staff_of_the_owning_unit_record_deliverables_others_read(team):
    onssa = signed_agreement(team.staff)
    created = deliverable(team.staff, onssa, owner=team.staff)
    assert created.pk and created.owner_unit == team.unit
    requester = UserFactory.create(unit=DirectorateFactory.create())
    for outsider in (team.other_staff, team.reader, team.leader, requester):
        with pytest.raises(PermissionDenied):
            deliverable(outsider, onssa)
    with pytest.raises(ValidationError) as caught:
        deliverable(team.staff, onssa, status="done")
    assert "completed_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        deliverable(
            team.staff,
            onssa,
            status="done",
            completed_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert "completed_on" in caught.value.message_dict


def test_implementing_arrangements_hang_under_their_mou(team):
    staff = team.staff
    onssa = signed_agreement(team.staff)
    arrangement = services.create(
        actor=staff,
        model=Agreement,
        data={
            "cooperation": onssa.cooperation,
            "kind": "pks",
            "title": "PKS pelatihan keamanan pangan",
            "parent": onssa,
            "responsible_unit": onssa.responsible_unit,
        },
    )
    assert list(onssa.implementing_arrangements.all()) == [arrangement]
    with pytest.raises(ValidationError) as caught:  # no arrangements under an arrangement
        services.create(
            actor=staff,
            model=Agreement,
            data={
                "cooperation": onssa.cooperation,
                "kind": "ia",
                "title": "IA di bawah PKS",
                "parent": arrangement,
                "responsible_unit": onssa.responsible_unit,
            },
        )
    assert "parent" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # an MoU with arrangements does not itself implement another
        services.update(
            actor=staff,
            instance=Agreement.objects.get(pk=onssa.pk),
            data={"parent": signed_agreement(team.staff, title="MoU uji lain")},
            expected_version=None,
        )
    assert "parent" in caught.value.message_dict


def test_the_summary_of_an_agreements_deliverables(team):
    staff = team.staff
    onssa = signed_agreement(team.staff)
    deliverable(staff, onssa, due_date=dt.date(2018, 3, 1), status="done", completed_on=dt.date(2018, 3, 11))
    deliverable(staff, onssa, due_date=dt.date(2018, 5, 1), status="done", completed_on=dt.date(2018, 4, 1))
    deliverable(staff, onssa, due_date=dt.date(2018, 6, 1))
    deliverable(staff, onssa, due_date=dt.date(2018, 1, 1), status="cancelled")
    summary = selectors.deliverable_summary(list(onssa.deliverables.all()), dt.date(2018, 6, 21))
    assert (summary.total, summary.done, summary.open, summary.overdue) == (4, 2, 1, 1)
    assert summary.completion_rate == Decimal(200) / 3
    assert summary.average_delay == Decimal(30) / 3  # 10 late, 0 early, 20 overdue so far


def test_agreements_with_nothing_done_for_a_year_are_dormant(team, settings):
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 365
    staff = team.staff
    onssa = signed_agreement(staff, title="MoU uji A")  # in force 2017-11-21 until 2022-11-21
    jordan = signed_agreement(staff, title="MoU uji B")
    idle = signed_agreement(staff, title="MoU uji C")
    draft = AgreementFactory.create(responsible_unit=team.unit, date_signed=None, title="MoU uji draf")
    day = dt.date(2019, 6, 1)
    dormant = set(selectors.dormant_agreements(day).values_list("title", flat=True))
    assert {onssa.title, jordan.title} <= dormant
    assert draft.title not in dormant  # a draft is not in force
    assert onssa.title not in set(selectors.dormant_agreements(dt.date(2018, 6, 1)).values_list("title", flat=True))
    # A deliverable completed within the year wakes it; so does a step.
    deliverable(staff, onssa, due_date=dt.date(2018, 12, 1), status="done", completed_on=dt.date(2018, 12, 20))
    step(staff, jordan, "implementation", dt.date(2019, 2, 1))
    dormant = set(selectors.dormant_agreements(day).values_list("title", flat=True))
    assert onssa.title not in dormant and jordan.title not in dormant
    assert idle.title in dormant


def test_deliverables_due_appear_in_the_owners_work(team, settings):
    settings.MITRA_DELIVERABLE_WORK_DAYS = 14
    staff, other = team.staff, team.head
    onssa = signed_agreement(staff)
    soon = deliverable(staff, onssa, title="Laporan bersama", owner=staff, due_date=dt.date(2018, 6, 30))
    deliverable(staff, onssa, title="Nanti", owner=staff, due_date=dt.date(2018, 9, 30))
    deliverable(staff, onssa, title="Selesai", owner=staff, status="done", completed_on=dt.date(2018, 6, 1))
    items = deliverables_due(staff, dt.date(2018, 6, 20))
    assert [i.url for i in items] == [soon.get_absolute_url()]
    assert not items[0].overdue and deliverables_due(staff, dt.date(2018, 7, 2))[0].overdue
    assert deliverables_due(other, dt.date(2018, 6, 20)) == []


# Pages


def test_the_agreement_page_shows_arrangements_deliverables_and_their_figures(team):
    staff = team.staff
    onssa = signed_agreement(staff)
    deliverable(staff, onssa, due_date=dt.date(2018, 3, 1), status="done", completed_on=dt.date(2018, 3, 11))
    deliverable(staff, onssa, due_date=dt.date(2018, 5, 1))
    page = logged_in(staff).get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="deliverable-summary"' in page and "50,00" in page
    assert reverse("cooperation:deliverable-create") + f"?agreement={onssa.pk}" in page
    assert f"?cooperation={onssa.cooperation_id}&amp;parent={onssa.pk}" in page
    reader = logged_in(team.other_staff).get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="deliverable-summary"' in reader and 'data-testid="add-deliverable"' not in reader


def test_the_dashboard_flags_dormant_agreements(team, settings):
    lasting = AgreementFactory.create(
        responsible_unit=team.unit, title="MoU uji tanpa akhir", date_signed=dt.date(2017, 3, 1)
    )
    draft = AgreementFactory.create(responsible_unit=team.unit, date_signed=None, title="MoU uji draf")
    reader = logged_in(team.reader)
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 3650 * 3  # nothing in force has been idle that long
    page = reader.get(reverse("cooperation:dashboard")).content.decode()
    assert lasting.title not in page
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 365
    page = reader.get(reverse("cooperation:dashboard")).content.decode()
    dormant = page.split('data-testid="dormant"')[1].split("</section>")[0]
    assert lasting.title in dormant  # in force without end, nothing done since 2017
    listed = reader.get(reverse("cooperation:agreement-list") + "?dormant=true").content.decode()
    assert lasting.title in listed and draft.title not in listed


def test_the_deliverable_pages_follow_the_registry_rules(team):
    onssa = signed_agreement(team.staff)
    unit = team.unit
    url = reverse("cooperation:deliverable-create") + f"?agreement={onssa.pk}"
    assert logged_in(team.staff).get(url).status_code == 200
    response = logged_in(team.staff).post(
        reverse("cooperation:deliverable-create"),
        {
            "agreement": onssa.pk,
            "title": "Modul pelatihan",
            "responsible_unit": unit.pk,
            "due_date": "2018-07-01",
            "status": "done",
            "expected_version": 0,
        },
    )
    assert response.status_code == 200 and "Isi tanggal" in response.content.decode()  # at the field, Indonesian
    assert not Deliverable.objects.filter(title="Modul pelatihan").exists()
    refused = logged_in(team.other_staff).post(
        reverse("cooperation:deliverable-create"),
        {"agreement": onssa.pk, "title": "X", "responsible_unit": unit.pk, "due_date": "2018-07-01"},
    )
    assert refused.status_code in (200, 403) and not Deliverable.objects.filter(title="X").exists()


def api(user):
    from django.test import Client

    from mitra.api import services as api_services

    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_lists_and_creates_deliverables_with_the_same_rules(team):
    onssa = signed_agreement(team.staff)
    client = api(team.staff)
    created = client.post(
        "/api/v1/deliverables/",
        {
            "agreement": onssa.pk,
            "title": "Laporan kegiatan bersama",
            "responsible_unit": onssa.responsible_unit_id,
            "due_date": "2018-08-01",
            "owner": team.staff.pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = api(team.reader).get("/api/v1/deliverables/?agreement=" + str(onssa.pk)).json()
    assert any(row["title"] == "Laporan kegiatan bersama" for row in listed["results"])
    refused = api(team.other_staff).post(
        "/api/v1/deliverables/",
        {"agreement": onssa.pk, "title": "Y", "responsible_unit": onssa.responsible_unit_id, "due_date": "2018-08-01"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    agreement = client.get(f"/api/v1/agreements/{onssa.pk}/").json()
    assert agreement["current_step"] == "in_force" and "parent" in agreement and "counterpart" in agreement
