"""The IATI export: development cooperations as an IATI 2.03 activity file, valid against the vendored schema."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from lxml import etree

from mitra.cooperation.models import DevelopmentCooperation, Stage
from mitra.cooperation.tests.factories import AgreementFactory, CooperationFactory
from mitra.core.tests.factories import DirectorateFactory, UserFactory, bureau, logged_in
from mitra.exchange import iati
from mitra.partners.models import Country
from mitra.partners.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _activities(content: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(content)
    return {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}


@override_settings(MITRA_IATI_REPORTING_ORG_REF="XM-DAC-TEST")
def test_received_and_given_assistance_validate_against_iati_203():
    donor = InstitutionFactory.create(name="Japan Agency", acronym="JA", kind="development_agency")
    timor = InstitutionFactory.create(
        name="Ministry of Health", kind="ministry", country=Country.objects.get(code="TL")
    )
    received = CooperationFactory.create(
        title="Kerjasama JA",
        title_en="Cooperation with JA",
        partners=[donor],
        development_cooperation=DevelopmentCooperation.RECEIVED,
        stage=Stage.IMPLEMENTATION,
    )
    AgreementFactory.create(
        cooperation=received,
        responsible_unit=received.responsible_unit,
        date_signed=dt.date(2015, 3, 1),
        duration_months=60,
    )
    given = CooperationFactory.create(
        title="Kerjasama Timor",
        partners=[timor],
        development_cooperation=DevelopmentCooperation.GIVEN,
        stage=Stage.EXPLORATION,
        stage_since=dt.date(2017, 5, 2),
    )
    plain = CooperationFactory.create(title="Bukan bantuan teknis")  # not development cooperation: left out

    content = iati.activities_xml()

    assert iati.validate(content) == []
    assert iati.schema().validate(etree.fromstring(content))
    activities = _activities(content)
    assert {f"XM-DAC-TEST-COOP-{received.pk}", f"XM-DAC-TEST-COOP-{given.pk}"} <= set(activities)
    assert f"XM-DAC-TEST-COOP-{plain.pk}" not in activities
    first = activities[f"XM-DAC-TEST-COOP-{received.pk}"]
    assert [n.text for n in first.findall("title/narrative")] == ["Kerjasama JA", "Cooperation with JA"]
    assert first.findall("title/narrative")[1].get(XML_LANG) == "en"
    roles = {o.findtext("narrative"): o.get("role") for o in first.findall("participating-org")}
    assert roles == {"Badan Pengawas Obat dan Makanan": "4", "Japan Agency": "1"}  # the partner funds
    assert first.find("activity-status").get("code") == "2"
    assert [(d.get("type"), d.get("iso-date")) for d in first.findall("activity-date")] == [
        ("2", "2015-03-01"),
        ("3", "2020-03-01"),
    ]
    assert [c.get("code") for c in first.findall("recipient-country")] == ["ID"]
    second = activities[f"XM-DAC-TEST-COOP-{given.pk}"]
    roles = {o.findtext("narrative"): o.get("role") for o in second.findall("participating-org")}
    assert roles == {"Badan Pengawas Obat dan Makanan": "1", "Ministry of Health": "4"}  # Badan POM gives
    assert second.find("activity-status").get("code") == "1"
    assert [(d.get("type"), d.get("iso-date")) for d in second.findall("activity-date")] == [("1", "2017-05-02")]
    assert [c.get("code") for c in second.findall("recipient-country")] == ["TL"]


def test_the_schema_rejects_a_broken_file():
    """The check can fail: an activity without its required identifier does not validate."""
    CooperationFactory.create(development_cooperation=DevelopmentCooperation.GIVEN)
    root = etree.fromstring(iati.activities_xml())
    activity = root.find("iati-activity")
    activity.remove(activity.find("iati-identifier"))
    assert iati.validate(etree.tostring(root))


def test_download_is_for_the_bureau_and_the_command_writes_the_file(tmp_path):
    CooperationFactory.create(title="Bantuan teknis uji", development_cooperation=DevelopmentCooperation.RECEIVED)
    staff = logged_in(UserFactory.create(unit=bureau()))
    page = staff.get("/pertukaran/impor/")
    assert b"/pertukaran/iati.xml" in page.content
    response = staff.get("/pertukaran/iati.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    assert iati.validate(response.content) == [] and b"Bantuan teknis uji" in response.content
    outsider = logged_in(UserFactory.create(unit=DirectorateFactory.create()))  # a unit outside the bureau
    assert outsider.get("/pertukaran/iati.xml").status_code == 403

    target = tmp_path / "iati.xml"
    call_command("exchange", "iati", "--output", str(target), stderr=io.StringIO())
    assert iati.validate(target.read_bytes()) == [] and b"Bantuan teknis uji" in target.read_bytes()
    out = io.StringIO()
    call_command("exchange", "iati", stdout=out)
    assert out.getvalue().startswith("<?xml") and "Bantuan teknis uji" in out.getvalue()


def test_demo_marks_jica_and_timor_leste(demo):
    """Golden: the demo marks two 2017 cooperations of technical assistance; their file is valid IATI 2.03."""
    content = iati.activities_xml()
    assert iati.validate(content) == []
    titles = sorted(a.findtext("title/narrative") for a in etree.fromstring(content).findall("iati-activity"))
    assert titles == ["Kerjasama JICA", "Kerjasama Timor Leste"]
