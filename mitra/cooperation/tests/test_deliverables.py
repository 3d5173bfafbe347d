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
from mitra.cooperation.work import deliverables_due
from mitra.core.models import OrganisationUnit

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


def test_staff_of_the_owning_unit_record_deliverables_others_read(user_of):
    onssa = Agreement.objects.get(title__contains="ONSSA")
    created = deliverable(user_of("staf.bilateral"), onssa, owner=user_of("staf.bilateral"))
    assert created.pk and created.owner_unit.code == "ksln-bm"
    for username in ("staf.regional", "pembaca", "kepala.biro", "staf.registrasi"):
        with pytest.raises(PermissionDenied):
            deliverable(user_of(username), onssa)
    with pytest.raises(ValidationError) as caught:
        deliverable(user_of("staf.bilateral"), onssa, status="done")
    assert "completed_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        deliverable(
            user_of("staf.bilateral"),
            onssa,
            status="done",
            completed_on=dt.date.today() + dt.timedelta(days=2),
        )
    assert "completed_on" in caught.value.message_dict


def test_implementing_arrangements_hang_under_their_mou(user_of):
    staff = user_of("staf.bilateral")
    onssa = Agreement.objects.get(title__contains="ONSSA")
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
            data={"parent": Agreement.objects.get(title__contains="Jordan")},
            expected_version=None,
        )
    assert "parent" in caught.value.message_dict


def test_the_summary_of_an_agreements_deliverables(user_of):
    staff = user_of("staf.bilateral")
    onssa = Agreement.objects.get(title__contains="ONSSA")
    deliverable(staff, onssa, due_date=dt.date(2018, 3, 1), status="done", completed_on=dt.date(2018, 3, 11))
    deliverable(staff, onssa, due_date=dt.date(2018, 5, 1), status="done", completed_on=dt.date(2018, 4, 1))
    deliverable(staff, onssa, due_date=dt.date(2018, 6, 1))
    deliverable(staff, onssa, due_date=dt.date(2018, 1, 1), status="cancelled")
    summary = selectors.deliverable_summary(list(onssa.deliverables.all()), dt.date(2018, 6, 21))
    assert (summary.total, summary.done, summary.open, summary.overdue) == (4, 2, 1, 1)
    assert summary.completion_rate == Decimal(200) / 3
    assert summary.average_delay == Decimal(30) / 3  # 10 late, 0 early, 20 overdue so far


def test_agreements_with_nothing_done_for_a_year_are_dormant(user_of, settings):
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 365
    staff = user_of("staf.bilateral")
    onssa = Agreement.objects.get(title__contains="ONSSA")  # signed and in force 2017-11-21 until 2022-11-21
    jordan = Agreement.objects.get(title__contains="Jordan")  # signed 2017-10-30
    day = dt.date(2019, 6, 1)
    dormant = set(selectors.dormant_agreements(day).values_list("title", flat=True))
    assert {onssa.title, jordan.title} <= dormant
    assert Agreement.objects.get(title__contains="NCEMMDME").title not in dormant  # a draft is not in force
    assert onssa.title not in set(selectors.dormant_agreements(dt.date(2018, 6, 1)).values_list("title", flat=True))
    # A deliverable completed within the year wakes it; so does a step.
    deliverable(staff, onssa, due_date=dt.date(2018, 12, 1), status="done", completed_on=dt.date(2018, 12, 20))
    services.record_step(
        actor=staff,
        agreement=Agreement.objects.get(pk=jordan.pk),
        data={"kind": "implementation", "date": dt.date(2019, 2, 1)},
        expected_version=None,
    )
    dormant = set(selectors.dormant_agreements(day).values_list("title", flat=True))
    assert onssa.title not in dormant and jordan.title not in dormant
    assert Agreement.objects.get(title__contains="Iran").title in dormant


def test_deliverables_due_appear_in_the_owners_work(user_of, settings):
    settings.MITRA_DELIVERABLE_WORK_DAYS = 14
    staff, other = user_of("staf.bilateral"), user_of("kabag.bilateral")
    onssa = Agreement.objects.get(title__contains="ONSSA")
    soon = deliverable(staff, onssa, title="Laporan bersama", owner=staff, due_date=dt.date(2018, 6, 30))
    deliverable(staff, onssa, title="Nanti", owner=staff, due_date=dt.date(2018, 9, 30))
    deliverable(staff, onssa, title="Selesai", owner=staff, status="done", completed_on=dt.date(2018, 6, 1))
    items = deliverables_due(staff, dt.date(2018, 6, 20))
    assert [i.url for i in items] == [soon.get_absolute_url()]
    assert not items[0].overdue and deliverables_due(staff, dt.date(2018, 7, 2))[0].overdue
    assert deliverables_due(other, dt.date(2018, 6, 20)) == []


# Pages


def test_the_agreement_page_shows_arrangements_deliverables_and_their_figures(client_for, user_of):
    staff = user_of("staf.bilateral")
    onssa = Agreement.objects.get(title__contains="ONSSA")
    deliverable(staff, onssa, due_date=dt.date(2018, 3, 1), status="done", completed_on=dt.date(2018, 3, 11))
    deliverable(staff, onssa, due_date=dt.date(2018, 5, 1))
    page = client_for("staf.bilateral").get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="deliverable-summary"' in page and "50,00" in page
    assert reverse("cooperation:deliverable-create") + f"?agreement={onssa.pk}" in page
    assert f"?cooperation={onssa.cooperation_id}&amp;parent={onssa.pk}" in page
    reader = client_for("staf.regional").get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="deliverable-summary"' in reader and 'data-testid="add-deliverable"' not in reader


def test_the_dashboard_flags_dormant_agreements(client_for, settings):
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 3650 * 3  # every agreement in force today has had nothing for years
    Agreement.objects.filter(title__contains="ONSSA").update(duration_months=None, end_date=None, expires_on=None)
    page = client_for("pembaca").get(reverse("cooperation:dashboard")).content.decode()
    assert 'data-testid="dormant"' in page
    settings.MITRA_DORMANT_AGREEMENT_DAYS = 365
    page = client_for("pembaca").get(reverse("cooperation:dashboard")).content.decode()
    dormant = page.split('data-testid="dormant"')[1].split("</section>")[0]
    assert "ONSSA" in dormant  # in force without end, nothing done since 2017
    listed = client_for("pembaca").get(reverse("cooperation:agreement-list") + "?dormant=true").content.decode()
    assert "ONSSA" in listed and "NCEMMDME" not in listed


def test_the_deliverable_pages_follow_the_registry_rules(client_for):
    onssa = Agreement.objects.get(title__contains="ONSSA")
    unit = OrganisationUnit.objects.get(code="ksln-bm")
    url = reverse("cooperation:deliverable-create") + f"?agreement={onssa.pk}"
    assert client_for("staf.bilateral").get(url).status_code == 200
    response = client_for("staf.bilateral").post(
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
    refused = client_for("staf.regional").post(
        reverse("cooperation:deliverable-create"),
        {"agreement": onssa.pk, "title": "X", "responsible_unit": unit.pk, "due_date": "2018-07-01"},
    )
    assert refused.status_code in (200, 403) and not Deliverable.objects.filter(title="X").exists()


def api(user):
    from django.test import Client

    from mitra.api import services as api_services

    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_lists_and_creates_deliverables_with_the_same_rules(user_of):
    onssa = Agreement.objects.get(title__contains="ONSSA")
    client = api(user_of("staf.bilateral"))
    created = client.post(
        "/api/v1/deliverables/",
        {
            "agreement": onssa.pk,
            "title": "Laporan kegiatan bersama",
            "responsible_unit": onssa.responsible_unit_id,
            "due_date": "2018-08-01",
            "owner": user_of("staf.bilateral").pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = api(user_of("pembaca")).get("/api/v1/deliverables/").json()
    assert any(row["title"] == "Laporan kegiatan bersama" for row in listed["results"])
    refused = api(user_of("staf.regional")).post(
        "/api/v1/deliverables/",
        {"agreement": onssa.pk, "title": "Y", "responsible_unit": onssa.responsible_unit_id, "due_date": "2018-08-01"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    agreement = client.get(f"/api/v1/agreements/{onssa.pk}/").json()
    assert agreement["current_step"] == "in_force" and "parent" in agreement and "counterpart" in agreement
