"""The IATI export: development cooperations as an IATI 2.03 activity file, valid against the vendored schema."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from lxml import etree

from mitra.cooperation.models import Cooperation, DevelopmentCooperation, Sector, Stage
from mitra.cooperation.tests.factories import AgreementFactory, CooperationFactory
from mitra.core.tests.factories import DirectorateFactory, LeadershipFactory, UserFactory, bureau, logged_in
from mitra.exchange import iati
from mitra.partners.models import Country
from mitra.partners.tests.factories import InstitutionFactory
from mitra.public import services as public

pytestmark = pytest.mark.django_db
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _public(cooperation: Cooperation) -> Cooperation:
    """Marked public by the head of the bureau: only such cooperations go to IATI."""
    public.publish(actor=None, record=cooperation, summary="Ringkasan publik.", system=True)
    return cooperation


def _activities(content: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(content)
    return {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}


@override_settings(MITRA_IATI_REPORTING_ORG_REF="XM-DAC-TEST")
def test_received_and_given_assistance_validate_against_iati_203():
    donor = InstitutionFactory.create(name="Japan Agency", acronym="JA", kind="development_agency")
    timor = InstitutionFactory.create(
        name="Ministry of Health", kind="ministry", country=Country.objects.get(code="TL")
    )
    received = _public(
        CooperationFactory.create(
            title="Kerjasama JA",
            title_en="Cooperation with JA",
            partners=[donor],
            development_cooperation=DevelopmentCooperation.RECEIVED,
            stage=Stage.IMPLEMENTATION,
        )
    )
    AgreementFactory.create(
        cooperation=received,
        responsible_unit=received.responsible_unit,
        date_signed=dt.date(2015, 3, 1),
        duration_months=60,
    )
    given = _public(
        CooperationFactory.create(
            title="Kerjasama Timor",
            partners=[timor],
            development_cooperation=DevelopmentCooperation.GIVEN,
            stage=Stage.EXPLORATION,
            stage_since=dt.date(2017, 5, 2),
        )
    )
    plain = _public(CooperationFactory.create(title="Bukan bantuan teknis"))  # not development cooperation: left out

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
    _public(CooperationFactory.create(development_cooperation=DevelopmentCooperation.GIVEN))
    root = etree.fromstring(iati.activities_xml())
    activity = root.find("iati-activity")
    activity.remove(activity.find("iati-identifier"))
    assert iati.validate(etree.tostring(root))


def test_download_is_for_the_bureau_and_the_command_writes_the_file(tmp_path):
    _public(
        CooperationFactory.create(title="Bantuan teknis uji", development_cooperation=DevelopmentCooperation.RECEIVED)
    )
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


def test_only_public_and_not_illustrative_cooperations_are_published():
    """Publishing to IATI is publishing: the head's public marking decides, and illustrative records never go."""
    before = iati.left_out()
    shown = _public(CooperationFactory.create(development_cooperation=DevelopmentCooperation.RECEIVED))
    private = CooperationFactory.create(development_cooperation=DevelopmentCooperation.RECEIVED)
    invented = _public(
        CooperationFactory.create(development_cooperation=DevelopmentCooperation.GIVEN, is_illustrative=True)
    )
    withdrawn = _public(CooperationFactory.create(development_cooperation=DevelopmentCooperation.GIVEN))
    public.withdraw(actor=LeadershipFactory.create(unit=bureau()), listing=withdrawn.public_listing, reason="Salah.")

    ids = {a.split("-COOP-")[1] for a in _activities(iati.activities_xml())}

    assert ids == {str(shown.pk)}
    assert str(private.pk) not in ids and str(invented.pk) not in ids and str(withdrawn.pk) not in ids
    after = iati.left_out()
    assert after == {"illustrative": before["illustrative"] + 1, "not_public": before["not_public"] + 2}


def test_sectors_and_several_recipient_countries_carry_shares_that_add_up_to_100():
    partners = [
        InstitutionFactory.create(name=f"Ministry {code}", kind="ministry", country=Country.objects.get(code=code))
        for code in ("TL", "PG", "FJ")
    ]
    cooperation = _public(
        CooperationFactory.create(partners=partners, development_cooperation=DevelopmentCooperation.GIVEN)
    )
    cooperation.sectors.set(Sector.objects.order_by("order")[:3])

    content = iati.activities_xml()

    assert iati.validate(content) == []
    activity = _activities(content)[f"{iati.reporting_org_ref()}-COOP-{cooperation.pk}"]
    countries = activity.findall("recipient-country")
    assert [c.get("code") for c in countries] == ["FJ", "PG", "TL"]
    assert [c.get("percentage") for c in countries] == ["33.33", "33.33", "33.34"]
    sectors = activity.findall("sector")
    assert [s.get("code") for s in sectors] == [s.code for s in Sector.objects.order_by("order")[:3]]
    assert {s.get("vocabulary") for s in sectors} == {"99"}
    assert sum(float(s.get("percentage")) for s in sectors) == pytest.approx(100)
    assert iati._shares(1) == ["100.00"] and iati._shares(7)[-1] == "14.32"


def test_the_download_refuses_a_file_the_schema_rejects(monkeypatch):
    _public(CooperationFactory.create(development_cooperation=DevelopmentCooperation.RECEIVED))
    staff = logged_in(UserFactory.create(unit=bureau()))
    broken = b'<?xml version="1.0"?><iati-activities version="2.03"/>'  # no activity: the schema rejects it
    monkeypatch.setattr(iati, "activities_xml", lambda: broken)

    response = staff.get("/pertukaran/iati.xml", follow=True)

    assert response.redirect_chain[-1][0] == "/pertukaran/impor/"
    assert "Berkas IATI tidak dibuat" in response.content.decode()


def test_the_export_page_says_what_was_left_out():
    CooperationFactory.create(development_cooperation=DevelopmentCooperation.RECEIVED)
    CooperationFactory.create(development_cooperation=DevelopmentCooperation.GIVEN, is_illustrative=True)
    counts = iati.left_out()
    page = logged_in(UserFactory.create(unit=bureau())).get("/pertukaran/impor/").content.decode()
    expected = (
        f"Tidak dimasukkan ke berkas: {counts['not_public']} belum ditandai publik, {counts['illustrative']} ilustratif"
    )
    assert counts["illustrative"] >= 1 and expected in page


def test_nothing_public_gives_a_message_not_an_invalid_file(tmp_path):
    """An IATI file must hold at least one activity: with nothing public there is no file, and the user is told."""
    Cooperation.objects.exclude(development_cooperation="").update(development_cooperation="")
    CooperationFactory.create(development_cooperation=DevelopmentCooperation.RECEIVED)  # marked, not public
    staff = logged_in(UserFactory.create(unit=bureau()))
    response = staff.get("/pertukaran/iati.xml", follow=True)
    assert response.redirect_chain[-1][0] == "/pertukaran/impor/"
    assert "Tidak ada yang diekspor ke IATI" in response.content.decode()
    with pytest.raises(CommandError, match="Nothing to export"):
        call_command("exchange", "iati", "--output", str(tmp_path / "iati.xml"), stderr=io.StringIO())
    assert not (tmp_path / "iati.xml").exists()


def test_demo_marks_jica_and_timor_leste_but_publishes_neither(demo):
    """Golden: the demo marks two 2017 cooperations of technical assistance and marks neither public, so nothing
    is published; once the head marks them public, their file is valid IATI 2.03."""
    assert not iati.development_cooperations().exists()
    marked = Cooperation.objects.exclude(development_cooperation="").order_by("title")
    assert [c.title for c in marked] == ["Kerjasama JICA", "Kerjasama Timor Leste"]
    assert sum(iati.left_out().values()) == 2
    for cooperation in marked:
        _public(cooperation)
    content = iati.activities_xml()
    assert iati.validate(content) == []
    titles = sorted(a.findtext("title/narrative") for a in etree.fromstring(content).findall("iati-activity"))
    assert titles == ["Kerjasama JICA", "Kerjasama Timor Leste"]
