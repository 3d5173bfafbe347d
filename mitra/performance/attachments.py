"""Which performance records take attachments, and when they take no change (documents.access declares the rules;
this app fills them in from PerformanceConfig.ready(), since documents sits below performance)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.documents.access import Attachable, register

from .models import QuarterReport, ReportStatus

PLAN_RECORDS = ("strategicplan", "goal", "indicator", "indicatortarget", "performancedocument", "subactivity")


def report_closed(report: Any) -> str | None:
    if report.status == ReportStatus.APPROVED:
        return _("This quarter is approved and locked; its attachments cannot change until leadership reopens it.")
    if report.status != ReportStatus.DRAFT:
        return _("This quarter has been submitted; its attachments cannot change until it is returned to draft.")
    return None


def quarter_closed(entry: Any) -> str | None:
    """The quarterly entry's quarter is submitted or approved: the entry takes no change, nor do its files."""
    report = (
        QuarterReport.objects.filter(
            year=entry.sub_activity.year, quarter=entry.quarter, unit_id=entry.sub_activity.owner_unit_id
        )
        .only("status")
        .first()
    )
    return report_closed(report) if report is not None else None


def register_attachable() -> None:
    # The plan and its budget structure: kept by the planner (administrators).
    for name in (*PLAN_RECORDS, "budgetrevision"):
        register(f"performance.{name}", Attachable("performance.manage_plan"))
    # Quarterly realisation: its unit enters it while the quarter is a draft.
    register("performance.quarterentry", Attachable("performance.enter_realisation", closed=quarter_closed))
    register("performance.quarterreport", Attachable("performance.submit_quarter", closed=report_closed))
    # A unit PK revision takes its signed scan: attached by those who draw up the PK, read by the bureau.
    register(
        "performance.unitagreement",
        Attachable("performance.edit_unit_agreement", read_perm="performance.view"),
    )
