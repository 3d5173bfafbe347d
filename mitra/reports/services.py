"""Writes of the reports app: the narratives (permission, one transaction, validation, audit)."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.core.models import User
from mitra.core.services import StaleEditError, create_record, require, upsert_record
from mitra.performance import selectors as perf
from mitra.performance.models import SubActivity

from . import generate, narrative
from .models import IssuedFile, IssuedReport, Narrative, NarrativeKey, ReportKind, ReportReview

__all__ = [
    "IssuedFileAltered",
    "StaleEditError",
    "issue_check",
    "issued_content",
    "narrative_save",
    "narratives_copy",
    "report_issue",
    "report_review",
]

PERM = "reports.edit_narrative"


@transaction.atomic
def narrative_save(
    *,
    actor: User | None,
    year: int,
    key: str,
    text: str,
    expected_version: int | None,
    system: bool = False,
    known: set[str] | None = None,
) -> Narrative:
    """Create or update one narrative; with `known` figure names, unknown references are refused at the field.

    `expected_version` is the version the editor opened, 0 when the section had no text yet: a save over a
    section someone else saved meanwhile (a first save included) raises StaleEditError and writes nothing."""
    if not system:
        require(actor, PERM)
    if key not in NarrativeKey.values:
        raise ValidationError({"key": _("Unknown section.")})
    if known is not None:
        errors = narrative.validate(text, known)
        if errors:
            raise ValidationError({"text": [str(e) for e in errors]})
    return upsert_record(
        actor=actor,
        model=Narrative,
        lookup={"year": year, "key": key},
        data={"text": text},
        expected_version=expected_version,
    )


@transaction.atomic
def narratives_copy(*, actor: User | None, from_year: int, to_year: int, system: bool = False) -> int:
    """Copy last year's narratives as a start for sections that have none yet; returns how many were copied."""
    if not system:
        require(actor, PERM)
    have = set(Narrative.objects.filter(year=to_year).values_list("key", flat=True))
    copied = 0
    for source in Narrative.objects.filter(year=from_year).exclude(key__in=have):
        create_record(
            actor=actor,
            instance=Narrative(year=to_year, key=source.key, text=source.text),
            reason=_("Copied from %(y)s") % {"y": from_year},
        )
        copied += 1
    return copied


# --- review and issue (docs/reports.md "Issuing a report") ---------------------------------------------------

REVIEW_PERM = "reports.review"
ISSUE_PERM = "reports.issue"
# Every format in each language, and the figures as JSON.
ISSUE_LANGUAGES = ("id", "en")
ISSUE_FORMATS = tuple(generate.FORMATS)


def report_key(kind: str, year: int, quarter: int | None = None, unit: str | None = None) -> dict[str, Any]:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown report.")})
    if kind == ReportKind.LAKIP:
        return {"kind": kind, "year": year, "quarter": 0, "unit": ""}
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")})
    return {"kind": kind, "year": year, "quarter": quarter, "unit": unit or ""}


def may(user: User | None, perm: str) -> bool:
    """Whether `user` holds a signing permission (`reports.review`, `reports.issue`) by its own rule: an
    administrator's superuser status grants every other permission, but never the right to sign for the bureau."""
    return user is not None and bool(user.is_authenticated) and rules.has_perm(perm, user)


def _require_signing(user: User | None, perm: str) -> None:
    if not may(user, perm):
        raise PermissionDenied(_("You do not have permission to do this."))


def next_revision(key: dict[str, Any]) -> int:
    latest = IssuedReport.objects.filter(**key).aggregate(m=Max("revision"))["m"]
    return (latest or 0) + 1


def _has_data(year: int) -> bool:
    return SubActivity.objects.filter(year=year).exists()


@transaction.atomic
def report_review(
    *,
    actor: User,
    year: int,
    reviewer: str,
    reviewed_on: datetime.date,
    statement: str = "",
    kind: str = ReportKind.LAKIP,
    quarter: int | None = None,
    unit: str | None = None,
) -> ReportReview:
    """Record the internal auditor's review of the report's next revision (draft → reviewed)."""
    _require_signing(actor, REVIEW_PERM)
    key = report_key(kind, year, quarter, unit)
    if not _has_data(year):
        raise ValidationError({"year": _("There is no performance data for %(y)s.") % {"y": year}})
    errors: dict[str, str] = {}
    reviewer = (reviewer or "").strip()
    if not reviewer:
        errors["reviewer"] = _("Name the internal auditor who reviewed the report.")
    if reviewed_on is None:
        errors["reviewed_on"] = _("Enter the date of the review.")
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("The review cannot be dated in the future.")
    elif reviewed_on.year < year:
        errors["reviewed_on"] = _("A report of %(y)s cannot be reviewed before %(y)s.") % {"y": year}
    if errors:
        raise ValidationError(errors)
    revision = next_revision(key)
    if ReportReview.objects.filter(**key, revision=revision).exists():
        raise ValidationError(_("Revision %(r)s is already reviewed; it can be issued.") % {"r": revision})
    if kind == ReportKind.LAKIP:
        standard = _("The performance report of %(year)s has been reviewed (telah direviu) by %(reviewer)s.")
    else:
        standard = _(
            "The monitoring report of quarter %(quarter)s of %(year)s has been reviewed (telah direviu) by "
            "%(reviewer)s."
        )
    statement = (statement or "").strip() or standard % {"year": year, "quarter": quarter, "reviewer": reviewer}
    return create_record(
        actor=actor,
        instance=ReportReview(
            **key, revision=revision, reviewer=reviewer, reviewed_on=reviewed_on, statement=statement
        ),
        reason=_("Review of revision %(r)s") % {"r": revision},
    )


def issue_check(
    *,
    actor: User,
    year: int,
    kind: str = ReportKind.LAKIP,
    quarter: int | None = None,
    unit: str | None = None,
    reason: str = "",
    confirm_unapproved: bool = False,
) -> tuple[ReportReview, int]:
    """Whether the report may be issued now by `actor` (raises PermissionDenied or ValidationError); returns the
    review that clears it and the revision it becomes."""
    _require_signing(actor, ISSUE_PERM)
    key = report_key(kind, year, quarter, unit)
    if not _has_data(year):
        raise ValidationError({"year": _("There is no performance data for %(y)s.") % {"y": year}})
    revision = next_revision(key)
    review = ReportReview.objects.filter(**key, revision=revision).first()
    if review is None:
        raise ValidationError(
            _("Revision %(r)s has not been reviewed: record the internal auditor's review first.") % {"r": revision}
        )
    if revision > 1 and not (reason or "").strip():
        raise ValidationError({"reason": _("Revision %(r)s corrects an issued report: say why.") % {"r": revision}})
    if not confirm_unapproved:
        from .evaluator import describe_unapproved, unapproved_quarters

        unapproved = unapproved_quarters(year)
        if kind != ReportKind.LAKIP:  # a monitoring report reads its quarter and those before, of its unit
            unapproved = [x for x in unapproved if x.quarter <= (quarter or 0) and (not unit or x.unit.code == unit)]
        if unapproved:
            raise ValidationError(
                {
                    "confirm_unapproved": _(
                        "The report uses quarters not yet approved: %(list)s. The report names them; confirm that "
                        "you issue it with them."
                    )
                    % {"list": describe_unapproved(unapproved, year)}
                }
            )
    from .consistency import across_editions, check, errors, one_value

    if kind == ReportKind.LAKIP:
        from .figures import year_data
        from .lakip import LakipBuilder, narratives

        data = year_data(year)
        texts = narratives(year)
        # Each edition (language) is checked, and the editions against each other; every format draws these.
        editions = []
        found = []
        for language in ("id", "en"):
            with translation.override(language):
                edition = LakipBuilder(data, texts, language).build()
                found += errors(check(edition, data, texts))
            editions.append(edition)
        found += across_editions(editions, data.quantities)
    else:  # a monitoring report: one value per quantity in each edition, and the same values in both
        from .monitoring import build_monitoring

        editions = [build_monitoring(year, quarter or 4, unit, language) for language in ("id", "en")]
        found = [f for edition in editions for f in errors(one_value(edition, {}))]
        found += across_editions(editions, {})
    if found:
        raise ValidationError(
            _("The consistency check finds %(n)s error(s): correct them before issuing (%(first)s: %(msg)s).")
            % {"n": len(found), "first": found[0].where, "msg": found[0].message}
        )
    return review, revision


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return str(value)


def report_issue(
    *,
    actor: User,
    year: int,
    kind: str = ReportKind.LAKIP,
    quarter: int | None = None,
    unit: str | None = None,
    reason: str = "",
    confirm_unapproved: bool = False,
) -> IssuedReport:
    """Issue the report's next revision, signed by `actor` (reviewed → issued): its figures and its files in every
    format and language are made now, stored with their SHA-256, and never change afterwards.

    The files are made outside the transaction (they take seconds); if any record the reports read changed
    meanwhile, nothing is stored and the issue is refused (try again)."""
    review, revision = issue_check(
        actor=actor,
        year=year,
        kind=kind,
        quarter=quarter,
        unit=unit,
        reason=reason,
        confirm_unapproved=confirm_unapproved,
    )
    key = report_key(kind, year, quarter, unit)
    version = generate.data_version()
    with translation.override("id"):
        if kind == ReportKind.LAKIP:
            from .figures import year_data

            named = year_data(year).figures
            measurement = perf.current_measurement_json(year)
        else:
            named = generate.build(kind, year, "id", quarter, unit or None).figures
            measurement = {}
        figures = {n: {"value": _plain(f.value), "kind": f.kind, "label": str(f.label)} for n, f in named.items()}
    figures_bytes = json.dumps(figures, ensure_ascii=False, sort_keys=True, indent=1).encode()
    base = Path(generate.filename(kind, year, "html", quarter, unit)).stem
    made: list[tuple[str, str, str, bytes]] = [("json", "", f"{base}-r{revision}-angka.json", figures_bytes)]
    for language in ISSUE_LANGUAGES:
        files = generate.generate_formats(kind, year, ISSUE_FORMATS, language, quarter, unit or None, use_cache=True)
        for fmt, result in files.items():
            stem = Path(result.filename).stem
            made.append((fmt, language, f"{stem}-r{revision}-{language}.{fmt}", result.content))
    stored: list[str] = []
    try:
        with transaction.atomic():
            if generate.data_version() != version:
                raise ValidationError(_("Records changed while the report was being made: issue it again."))
            if next_revision(key) != revision:
                raise ValidationError(_("Revision %(r)s was issued meanwhile.") % {"r": revision})
            issued = create_record(
                actor=actor,
                instance=IssuedReport(
                    **key,
                    revision=revision,
                    review=review,
                    issued_by=actor,
                    issued_at=timezone.now(),
                    reason=(reason or "").strip(),
                    figures=figures,
                    measurement=measurement,
                    figures_sha256=hashlib.sha256(figures_bytes).hexdigest(),
                    data_version=version,
                ),
                reason=(reason or "").strip() or _("Issued revision %(r)s") % {"r": revision},
            )
            folder = f"issued-reports/{kind}-{year}" + (f"-tw{quarter}-{unit or 'biro'}" if quarter else "")
            for fmt, language, name, content in made:
                path = default_storage.save(f"{folder}/r{revision}/{name}", ContentFile(content))
                stored.append(path)
                create_record(
                    actor=actor,
                    instance=IssuedFile(
                        issued=issued,
                        fmt=fmt,
                        language=language,
                        file=path,
                        filename=name,
                        sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content),
                    ),
                )
    except BaseException:
        for path in stored:  # the rows were rolled back: leave no file without its row
            default_storage.delete(path)
        raise
    return issued


def issued_content(file: IssuedFile) -> bytes:
    """The stored bytes of an issued file, refused if they no longer match the SHA-256 taken at the issue."""
    with default_storage.open(str(file.file.name), "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != file.sha256:
        raise IssuedFileAltered(file)
    return bytes(content)


class IssuedFileAltered(Exception):
    """The stored file of an issued report is not the one issued (its SHA-256 differs)."""
