"""The approvals inbox of heads and leadership, the confirmation before approving (which locks the quarter), the
reason asked only for returning and reopening, and the quarter's history in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import OrganisationUnit
from mitra.performance import selectors, services
from mitra.performance.models import QuarterReport, ReportStatus, SubActivity

INBOX = reverse("performance:approvals")
REPORT = reverse("performance:quarter-report", args=[2017, 4, "ksln-bm"])


def step(name: str) -> str:
    return reverse("performance:quarter-transition", args=[2017, 4, "ksln-bm", name])


def q4() -> QuarterReport:
    return QuarterReport.objects.get(year=2017, quarter=4, unit__code="ksln-bm")


def test_the_inbox_lists_what_waits_for_each_decider(perf_client, perf_user):
    empty = perf_client("kabag.bilateral").get(INBOX).content.decode()
    assert 'data-testid="approval-2017-4-ksln-bm"' not in empty
    assert "Tidak ada yang menunggu verifikasi atau persetujuan Anda." in empty
    services.quarter_submit(actor=perf_user("staf.bilateral"), report=q4())

    head = perf_client("kabag.bilateral").get(INBOX)
    assert head.status_code == 200
    page = head.content.decode()
    assert 'data-testid="approval-2017-4-ksln-bm"' in page and f'href="{REPORT}"' in page
    assert "staf.bilateral" in page or str(perf_user("staf.bilateral")) in page  # submitted by
    assert "Verifikasi" in page
    # Another division's head, leadership (they approve, they do not verify) and the submitter see nothing of it.
    for username in ("kepala.registrasi", "kepala.biro", "staf.bilateral"):
        assert 'data-testid="approval-2017-4-ksln-bm"' not in perf_client(username).get(INBOX).content.decode()

    services.quarter_verify(actor=perf_user("kabag.bilateral"), report=q4())
    leader = perf_client("kepala.biro").get(INBOX).content.decode()
    assert 'data-testid="approval-2017-4-ksln-bm"' in leader and "Setujui dan kunci" in leader
    assert 'data-testid="approval-2017-4-ksln-bm"' not in perf_client("kabag.bilateral").get(INBOX).content.decode()


def test_whoever_verified_does_not_find_it_to_approve(perf_user):
    admin = perf_user("admin")  # administrators may verify and approve, but not the same quarter (separation)
    services.quarter_submit(actor=perf_user("staf.bilateral"), report=q4())
    assert q4() in selectors.quarters_awaiting_decision(admin)
    services.quarter_verify(actor=admin, report=q4())
    assert q4() in selectors.quarters_awaiting_decision(perf_user("kepala.biro"))
    assert q4() not in selectors.quarters_awaiting_decision(admin)
    assert q4() not in selectors.quarters_awaiting_decision(perf_user("kabag.bilateral"))


def test_approving_asks_first_and_locks_only_when_confirmed(perf_client, perf_user):
    services.quarter_submit(actor=perf_user("staf.bilateral"), report=q4())
    services.quarter_verify(actor=perf_user("kabag.bilateral"), report=q4())
    leader = perf_client("kepala.biro")
    page = leader.get(REPORT).content.decode()
    assert f'href="{step("setujui")}" data-testid="approve-quarter"' in page  # a link to the confirmation page

    confirm = leader.get(step("setujui"))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert 'name="confirm" value="yes"' in text and 'name="reason"' not in text
    assert q4().status == ReportStatus.VERIFIED  # showing the confirmation changes nothing

    # A POST without the confirmation (an old form, a crafted request) shows the confirmation instead of locking.
    response = leader.post(step("setujui"))
    assert response.status_code == 200 and 'data-testid="confirm-form"' in response.content.decode()
    assert q4().status == ReportStatus.VERIFIED

    assert leader.post(step("setujui"), {"confirm": "yes"}).status_code == 302
    assert q4().is_locked


def test_the_reason_field_sits_only_with_return_and_reopen(perf_client, perf_user):
    services.quarter_submit(actor=perf_user("staf.bilateral"), report=q4())
    head = perf_client("kabag.bilateral")
    page = head.get(REPORT).content.decode()
    verify_form = page[page.index('data-testid="verify-quarter"') - 400 : page.index('data-testid="verify-quarter"')]
    assert 'name="reason"' not in verify_form
    assert page.count('name="reason"') == 1
    assert page.index('data-testid="return-quarter-open"') < page.index('name="reason"')

    # No reason: the page says so at the field, nothing changes.
    response = head.post(step("kembalikan"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["reason_form"].errors["reason"]
    assert "is-invalid" in response.content.decode()
    assert q4().status == ReportStatus.SUBMITTED
    assert head.post(step("kembalikan"), {"reason": "Lengkapi kendala sub kegiatan 4."}).status_code == 302
    assert q4().status == ReportStatus.DRAFT


def test_the_history_says_from_and_to_with_labels_and_formatted_values(perf_client, perf_user):
    services.quarter_submit(actor=perf_user("staf.bilateral"), report=q4())
    page = perf_client("kabag.bilateral").get(REPORT).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert 'data-testid="history-status">Draf → Diajukan<' in history
    assert "Diajukan oleh" in history and str(perf_user("staf.bilateral")) in history
    assert "submitted_by" not in history.split('data-field="submitted_by"', 1)[-1].split("</tr>")[0]


def test_history_values_are_formatted_by_field(perf_user):
    from mitra.core.history import describe
    from mitra.core.selectors import record_history

    sub = SubActivity.objects.get(year=2017, number=4)
    entry = services.realisation_record(
        actor=perf_user("staf.bilateral"),
        year=2017,
        sub_activity=sub,
        quarter=4,
        data={"budget_realised": 19_000_000, "output_realised": Decimal("1.50"), "obstacles": "Jadwal bentrok."},
    )
    item = describe(record_history(entry)[:1])[0]
    rows = {c.name: c for c in item.changes}
    assert rows["budget_realised"].label == "Realisasi anggaran (Rp)"
    assert rows["budget_realised"].after == "Rp 19.000.000"
    assert rows["output_realised"].after == "1,50"
    assert rows["obstacles"].after == "Jadwal bentrok."
    assert item.status is None


@pytest.mark.parametrize("username", ["kabag.bilateral", "kepala.biro"])
def test_the_inbox_answers_in_a_fixed_number_of_queries(perf_client, perf_user, username):
    client = perf_client(username)
    client.get(INBOX)
    with CaptureQueriesContext(connection) as small:
        assert client.get(INBOX).status_code == 200
    unit = OrganisationUnit.objects.get(code="ksln-bm")
    for quarter in (1, 2, 3):  # more quarters waiting (submitted, then some verified) must not add queries
        report = services.quarter_report_for(year=2018, quarter=quarter, unit=unit)
        QuarterReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.SUBMITTED if quarter < 3 else ReportStatus.VERIFIED,
            submitted_by=perf_user("staf.bilateral"),
        )
    with CaptureQueriesContext(connection) as large:
        page = client.get(INBOX).content.decode()
    assert "2018" in page
    assert len(small.captured_queries) == INBOX_QUERIES[username], "\n".join(q["sql"] for q in small.captured_queries)
    assert len(large.captured_queries) == INBOX_QUERIES[username]


# session, user, its unit, the quarters; the session's save (3, saved on every request); for a head, Django's own
# permission tables (2), asked when the rules deny approving.
INBOX_QUERIES = {"kabag.bilateral": 9, "kepala.biro": 7}
