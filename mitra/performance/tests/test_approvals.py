"""The approvals inbox of heads and leadership, the confirmation before approving (which locks the quarter), the
reason asked only for returning and reopening, and the quarter's history in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.tests.factories import AdminFactory, HeadFactory, Team, logged_in
from mitra.performance import selectors, services
from mitra.performance.models import QuarterReport, ReportStatus
from mitra.performance.tests.factories import BudgetYear, budget_year

INBOX = reverse("performance:approvals")


def report_url(by: BudgetYear) -> str:
    return reverse("performance:quarter-report", args=[by.year, 4, by.unit.code])


def step(by: BudgetYear, name: str) -> str:
    return reverse("performance:quarter-transition", args=[by.year, 4, by.unit.code, name])


def row_id(by: BudgetYear) -> str:
    return f'data-testid="approval-{by.year}-4-{by.unit.code}"'


def test_the_inbox_lists_what_waits_for_each_decider(team: Team):
    by = budget_year(team, realised_quarters=4)
    empty = logged_in(team.head).get(INBOX).content.decode()
    assert row_id(by) not in empty
    assert "Tidak ada yang menunggu verifikasi atau persetujuan Anda." in empty
    services.quarter_submit(actor=team.staff, report=by.report(4))

    head = logged_in(team.head).get(INBOX)
    assert head.status_code == 200
    page = head.content.decode()
    assert row_id(by) in page and f'href="{report_url(by)}"' in page
    assert team.staff.username in page or str(team.staff) in page  # submitted by
    assert "Verifikasi" in page
    # Another division's head, leadership (they approve, they do not verify) and the submitter see nothing of it.
    for user in (HeadFactory.create(), team.leader, team.staff):
        assert row_id(by) not in logged_in(user).get(INBOX).content.decode()

    services.quarter_verify(actor=team.head, report=by.report(4))
    leader = logged_in(team.leader).get(INBOX).content.decode()
    assert row_id(by) in leader and "Setujui dan kunci" in leader
    assert row_id(by) not in logged_in(team.head).get(INBOX).content.decode()


def test_whoever_verified_does_not_find_it_to_approve(team: Team):
    by = budget_year(team, realised_quarters=4)
    admin = AdminFactory.create()  # administrators may verify and approve, but not the same quarter (separation)
    services.quarter_submit(actor=team.staff, report=by.report(4))
    assert by.report(4) in selectors.quarters_awaiting_decision(admin)
    services.quarter_verify(actor=admin, report=by.report(4))
    assert by.report(4) in selectors.quarters_awaiting_decision(team.leader)
    assert by.report(4) not in selectors.quarters_awaiting_decision(admin)
    assert by.report(4) not in selectors.quarters_awaiting_decision(team.head)


def test_approving_asks_first_and_locks_only_when_confirmed(team: Team):
    by = budget_year(team, realised_quarters=4)
    services.quarter_submit(actor=team.staff, report=by.report(4))
    services.quarter_verify(actor=team.head, report=by.report(4))
    leader = logged_in(team.leader)
    page = leader.get(report_url(by)).content.decode()
    assert f'href="{step(by, "setujui")}" data-testid="approve-quarter"' in page  # a link to the confirmation page

    confirm = leader.get(step(by, "setujui"))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert 'name="confirm" value="yes"' in text and 'name="reason"' not in text
    assert by.report(4).status == ReportStatus.VERIFIED  # showing the confirmation changes nothing

    # A POST without the confirmation (an old form, a crafted request) shows the confirmation instead of locking.
    response = leader.post(step(by, "setujui"))
    assert response.status_code == 200 and 'data-testid="confirm-form"' in response.content.decode()
    assert by.report(4).status == ReportStatus.VERIFIED

    assert leader.post(step(by, "setujui"), {"confirm": "yes"}).status_code == 302
    assert by.report(4).is_locked


def test_the_reason_field_sits_only_with_return_and_reopen(team: Team):
    by = budget_year(team, realised_quarters=4)
    services.quarter_submit(actor=team.staff, report=by.report(4))
    head = logged_in(team.head)
    page = head.get(report_url(by)).content.decode()
    verify_form = page[page.index('data-testid="verify-quarter"') - 400 : page.index('data-testid="verify-quarter"')]
    assert 'name="reason"' not in verify_form
    assert page.count('name="reason"') == 1
    assert page.index('data-testid="return-quarter-open"') < page.index('name="reason"')

    # No reason: the page says so at the field, nothing changes.
    response = head.post(step(by, "kembalikan"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["reason_form"].errors["reason"]
    assert "is-invalid" in response.content.decode()
    assert by.report(4).status == ReportStatus.SUBMITTED
    assert head.post(step(by, "kembalikan"), {"reason": "Lengkapi kendala sub kegiatan."}).status_code == 302
    assert by.report(4).status == ReportStatus.DRAFT


def test_the_history_says_from_and_to_with_labels_and_formatted_values(team: Team):
    by = budget_year(team, realised_quarters=4)
    services.quarter_submit(actor=team.staff, report=by.report(4))
    page = logged_in(team.head).get(report_url(by)).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert 'data-testid="history-status">Draf → Diajukan<' in history
    assert "Diajukan oleh" in history and str(team.staff) in history
    assert "submitted_by" not in history.split('data-field="submitted_by"', 1)[-1].split("</tr>")[0]


def test_history_values_are_formatted_by_field(team: Team):
    from mitra.core.history import describe
    from mitra.core.selectors import record_history

    by = budget_year(team)
    entry = services.realisation_record(
        actor=team.staff,
        year=by.year,
        sub_activity=by.subs[0],
        quarter=4,
        data={"budget_realised": 9_000_000, "output_realised": Decimal("1.50"), "obstacles": "Jadwal bentrok."},
    )
    item = describe(record_history(entry)[:1])[0]
    rows = {c.name: c for c in item.changes}
    assert rows["budget_realised"].label == "Realisasi anggaran (Rp)"
    assert rows["budget_realised"].after == "Rp 9.000.000"
    assert rows["output_realised"].after == "1,50"
    assert rows["obstacles"].after == "Jadwal bentrok."
    assert item.status is None


@pytest.mark.parametrize("who", ["head", "leader"])
def test_the_inbox_answers_in_a_fixed_number_of_queries(team: Team, who):
    by = budget_year(team, realised_quarters=4)
    client = logged_in(getattr(team, who))
    client.get(INBOX)
    with CaptureQueriesContext(connection) as small:
        assert client.get(INBOX).status_code == 200
    for quarter in (1, 2, 3):  # more quarters waiting (submitted, then some verified) must not add queries
        report = services.quarter_report_for(year=by.year + 1, quarter=quarter, unit=team.unit)
        QuarterReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.SUBMITTED if quarter < 3 else ReportStatus.VERIFIED, submitted_by=team.staff
        )
    with CaptureQueriesContext(connection) as large:
        page = client.get(INBOX).content.decode()
    assert f'data-testid="approval-{by.year + 1}-' in page
    assert len(small.captured_queries) == INBOX_QUERIES[who], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == INBOX_QUERIES[who]


# session, user, its unit, the quarters; the session's save (3, saved on every request); for a head, Django's own
# permission tables (2), asked when the rules deny approving.
INBOX_QUERIES = {"head": 9, "leader": 7}
