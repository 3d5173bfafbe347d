"""The IATI export: the cooperations marked as development cooperation (technical assistance received or given) as
an IATI 2.03 activity file (`iati-activities`), one `iati-activity` per cooperation. Publishing to IATI is
publishing: only what the head of the bureau has marked public (`public.PublicListing`) and what is not
illustrative is exported; `left_out()` counts the rest.

The element order follows the 2.03 schema (mitra/exchange/iati_schema, vendored; the tests validate the output
against it). Code lists used: Organisation Type (10 government, 40 multilateral, 80 academic, 90 other),
Organisation Role (1 funding, 4 implementing), Activity Status (1 pipeline, 2 implementation, 4 closed,
5 cancelled), Activity Date Type (1 planned start, 2 actual start, 3 planned end), Aid Type (D02 other technical
assistance), Sector Vocabulary (99 the reporting organisation's own: Mitra's product sectors).

The reporting organisation's identifier and name are settings (MITRA_IATI_REPORTING_ORG_REF, _NAME): set them to
the identifier Badan POM registered with IATI before publishing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from lxml import etree

from mitra.cooperation.models import Cooperation, DevelopmentCooperation, Stage
from mitra.partners.models import Institution, InstitutionKind

VERSION = "2.03"
SCHEMA_DIR = Path(__file__).resolve().parent / "iati_schema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INDONESIA = "ID"

ORGANISATION_TYPE: dict[str, str] = {
    InstitutionKind.REGULATOR: "10",
    InstitutionKind.MINISTRY: "10",
    InstitutionKind.DEVELOPMENT_AGENCY: "10",
    InstitutionKind.INTERNATIONAL_ORGANISATION: "40",
    InstitutionKind.UNIVERSITY: "80",
}
OTHER_ORGANISATION = "90"
FUNDING, IMPLEMENTING = "1", "4"
STATUS: dict[str, str] = {
    Stage.EXPLORATION: "1",
    Stage.NEGOTIATION: "1",
    Stage.SIGNED: "2",
    Stage.IMPLEMENTATION: "2",
    Stage.EVALUATION: "2",
    Stage.RENEWED: "2",
    Stage.ENDED: "4",
    Stage.CANCELLED: "5",
}
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"
OTHER_TECHNICAL_ASSISTANCE = "D02"
OWN_VOCABULARY = "99"  # Sector Vocabulary 99: the reporting organisation's own list (Mitra's product sectors)


def reporting_org_ref() -> str:
    return str(getattr(settings, "MITRA_IATI_REPORTING_ORG_REF", "ID-BPOM"))


def reporting_org_name() -> str:
    return str(getattr(settings, "MITRA_IATI_REPORTING_ORG_NAME", "Badan Pengawas Obat dan Makanan"))


def _marked() -> QuerySet[Cooperation]:
    """Every cooperation marked as development cooperation (deleted ones are left out by the default manager)."""
    return Cooperation.objects.exclude(development_cooperation="")


def development_cooperations() -> QuerySet[Cooperation]:
    """The cooperations the export publishes: marked as development cooperation, marked public by the head of the
    bureau, and not illustrative."""
    return (
        _marked()
        .filter(public_listing__is_public=True, is_illustrative=False)
        .select_related("forum")
        .prefetch_related("partners__country", "sectors", "agreements")
        .order_by("pk")
    )


def left_out() -> dict[str, int]:
    """How many marked cooperations the export leaves out, and why: `illustrative` (some details are not from an
    official source) and `not_public` (the head of the bureau has not marked them public)."""
    marked = _marked()
    return {
        "illustrative": marked.filter(is_illustrative=True).count(),
        "not_public": marked.filter(is_illustrative=False).exclude(public_listing__is_public=True).count(),
    }


def _shares(count: int) -> list[str]:
    """`count` equal percentages with two decimals that add up to exactly 100 (the last takes the remainder)."""
    if count <= 0:
        return []
    each = int(10000 / count)  # hundredths of a percent
    parts = [each] * (count - 1) + [10000 - each * (count - 1)]
    return [f"{p // 100}.{p % 100:02d}" for p in parts]


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})


def _narratives(parent: etree._Element, indonesian: str, english: str = "") -> None:
    _sub(parent, "narrative").text = indonesian  # in the activity's default language, Indonesian
    if english and english != indonesian:
        narrative = _sub(parent, "narrative")
        narrative.set(XML_LANG, "en")
        narrative.text = english


def _org(parent: etree._Element, tag: str, name: str, *, role: str | None = None, type_: str, ref: str = "") -> None:
    attributes = {"type": type_}
    if role:
        attributes["role"] = role
    if ref:
        attributes["ref"] = ref
    element = etree.SubElement(parent, tag, attributes)
    _sub(element, "narrative").text = name


def _dates(cooperation: Cooperation) -> list[tuple[str, dt.date]]:
    """The start: the earliest agreement's entry into force or signing (actual), else the day the cooperation
    entered its stage (planned while still in the pipeline, actual otherwise); the planned end: the latest expiry of
    its agreements."""
    agreements = list(cooperation.agreements.all())
    starts = [d for a in agreements if (d := a.entry_into_force or a.date_signed)]
    ends = [d for a in agreements if (d := a.expires_on)]
    dates: list[tuple[str, dt.date]] = []
    if starts:
        dates.append((ACTUAL_START, min(starts)))
    else:
        pipeline = STATUS.get(cooperation.stage) == "1"
        dates.append((PLANNED_START if pipeline else ACTUAL_START, cooperation.stage_since))
    if ends:
        dates.append((PLANNED_END, max(ends)))
    return dates


def _description(cooperation: Cooperation, partners: list[Institution]) -> tuple[str, str]:
    names = ", ".join(p.acronym or p.name for p in partners) or (str(cooperation.forum) if cooperation.forum else "")
    sectors_id = ", ".join(s.name_id for s in cooperation.sectors.all())
    sectors_en = ", ".join(s.name_en for s in cooperation.sectors.all())
    if cooperation.development_cooperation == DevelopmentCooperation.RECEIVED:
        indonesian, english = (
            f"Bantuan teknis yang diterima Badan POM dari {names}",
            f"Technical assistance to BPOM from {names}",
        )
    else:
        indonesian, english = f"Bantuan teknis Badan POM kepada {names}", f"Technical assistance by BPOM to {names}"
    if sectors_id:
        indonesian += f"; sektor: {sectors_id}"
        english += f"; sectors: {sectors_en}"
    return indonesian + ".", english + "."


def _activity(root: etree._Element, cooperation: Cooperation) -> None:
    activity = _sub(
        root,
        "iati-activity",
        default_currency="IDR",
        last_updated_datetime=cooperation.updated_at.isoformat(timespec="seconds"),
    )
    activity.set(XML_LANG, "id")
    own_ref, own_name = reporting_org_ref(), reporting_org_name()
    _sub(activity, "iati-identifier").text = f"{own_ref}-COOP-{cooperation.pk}"
    _org(activity, "reporting-org", own_name, type_="10", ref=own_ref)
    _narratives(_sub(activity, "title"), cooperation.title, cooperation.title_en)
    partners = sorted(cooperation.partners.all(), key=lambda p: p.name)
    indonesian, english = _description(cooperation, partners)
    _narratives(_sub(activity, "description", type="1"), indonesian, english)
    received = cooperation.development_cooperation == DevelopmentCooperation.RECEIVED
    own_role, partner_role = (IMPLEMENTING, FUNDING) if received else (FUNDING, IMPLEMENTING)
    _org(activity, "participating-org", own_name, role=own_role, type_="10", ref=own_ref)
    for partner in partners:
        _org(activity, "participating-org", partner.name, role=partner_role, type_=_type(partner))
    _sub(activity, "activity-status", code=STATUS.get(cooperation.stage, "2"))
    for kind, date in _dates(cooperation):
        _sub(activity, "activity-date", type=kind, iso_date=date.isoformat())
    countries = _recipient_countries(cooperation, partners, received)
    for code, share in zip(countries, _shares(len(countries)), strict=True):
        if len(countries) == 1:
            _sub(activity, "recipient-country", code=code)
        else:
            _sub(activity, "recipient-country", code=code, percentage=share)
    sectors = list(cooperation.sectors.all())
    for sector, share in zip(sectors, _shares(len(sectors)), strict=True):
        element = _sub(activity, "sector", vocabulary=OWN_VOCABULARY, code=sector.code, percentage=share)
        _narratives(element, sector.name_id, sector.name_en)
    _sub(activity, "default-aid-type", code=OTHER_TECHNICAL_ASSISTANCE, vocabulary="1")


def _type(institution: Institution) -> str:
    return ORGANISATION_TYPE.get(institution.kind, OTHER_ORGANISATION)


def _recipient_countries(cooperation: Cooperation, partners: list[Institution], received: bool) -> list[str]:
    """Indonesia when Badan POM receives the assistance; the partners' countries (other than Indonesia) when it
    gives it. Mitra records no shares, so several countries get equal percentages (`_shares`)."""
    if received:
        return [INDONESIA]
    return sorted({p.country_id for p in partners if p.country_id and p.country_id != INDONESIA})


def activities_xml(cooperations: Iterable[Cooperation] | None = None, *, now: dt.datetime | None = None) -> bytes:
    """The IATI 2.03 activity file of the given cooperations (default: every one marked development cooperation)."""
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": (now or timezone.now()).isoformat(timespec="seconds")},
    )
    for cooperation in development_cooperations() if cooperations is None else cooperations:
        _activity(root, cooperation)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def validate(content: bytes) -> list[str]:
    """The schema's complaints about an activity file; empty when it is valid IATI 2.03."""
    checker = schema()
    if checker.validate(etree.fromstring(content)):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]
