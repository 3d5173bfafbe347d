"""The lifecycle of an agreement (UU 24/2000): the steps, their rules, the pages, the demo histories and the
escalating reminders."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mitra.cooperation import services
from mitra.cooperation.models import Agreement, AgreementStep, StepKind
from mitra.cooperation.reminders import send_due_reminders
from mitra.cooperation.tests.factories import (
    AgreementFactory,
    CooperationFactory,
    ForumFactory,
    InstitutionFactory,
    signed_agreement,
    step,
)
from mitra.core.models import AuditAction, AuditEntry, OrganisationUnit
from mitra.core.tests.factories import (
    DirectorateFactory,
    UserFactory,
    logged_in,
)
from mitra.partners.models import Country


def fresh_agreement(unit: OrganisationUnit, partner_kind: str = "regulator", country: str | None = "JP") -> Agreement:
    """An agreement of `unit` with one partner, not yet signed and without steps."""
    if partner_kind == "international_organisation":
        partner = InstitutionFactory.create(kind=partner_kind, country=None)
    else:
        partner = InstitutionFactory.create(kind=partner_kind, country=Country.objects.get(code=country))
    cooperation = CooperationFactory.create(partners=[partner], responsible_unit=unit)
    agreement: Any = AgreementFactory.create(cooperation=cooperation, date_signed=None, responsible_unit=unit)
    return agreement


@pytest.mark.parametrize(
    "partner_kind,country,needed",
    [
        ("regulator", "JP", True),
        ("international_organisation", None, True),
        ("development_agency", "KR", True),
        ("university", "US", False),
        ("pharmacopoeia", "US", False),
        ("regulator", "ID", False),
    ],
)
def test_consulting_the_foreign_ministry_is_required_before_negotiating_with_governments_and_organisations(
    team, partner_kind, country, needed
):
    staff = team.staff
    agreement = fresh_agreement(team.unit, partner_kind, country)
    assert services.needs_foreign_ministry(agreement) is needed
    step(staff, agreement, StepKind.INITIATIVE, dt.date(2024, 1, 5))
    if needed:
        with pytest.raises(ValidationError) as caught:
            step(staff, agreement, StepKind.NEGOTIATION, dt.date(2024, 2, 1), draft_version="v1")
        assert "UU 24/2000" in str(caught.value.message_dict["kind"])
        assert not AgreementStep.objects.filter(agreement=agreement, kind=StepKind.NEGOTIATION).exists()
        step(staff, agreement, StepKind.CONSULTATION, dt.date(2024, 1, 20), reference="B-123/Kemlu")
    first = step(staff, agreement, StepKind.NEGOTIATION, dt.date(2024, 2, 1), draft_version="v1")
    assert first.round == 1


def test_a_forum_cooperation_needs_the_consultation_too(team):
    who = InstitutionFactory.create(kind="international_organisation", country=None)
    with_who: Any = AgreementFactory.create(
        cooperation=CooperationFactory.create(partners=[who], responsible_unit=team.unit), responsible_unit=team.unit
    )
    assert services.needs_foreign_ministry(with_who)
    regional = CooperationFactory.create(scope="regional", forum=ForumFactory.create(), responsible_unit=team.unit)
    in_forum: Any = AgreementFactory.create(cooperation=regional, date_signed=None, responsible_unit=team.unit)
    assert services.needs_foreign_ministry(in_forum)
    university = InstitutionFactory.create(kind="university", country=Country.objects.get(code="US"))
    plain = CooperationFactory.create(partners=[university], responsible_unit=team.unit)
    assert not services.needs_foreign_ministry(AgreementFactory.create(cooperation=plain, responsible_unit=team.unit))


def test_the_whole_lifecycle_with_rounds_full_powers_deposit_and_ratification(team):
    staff = team.staff
    agreement = fresh_agreement(team.unit)
    assert services.allowed_steps(agreement) == [StepKind.INITIATIVE, StepKind.EXPLORATION]
    step(staff, agreement, "initiative", dt.date(2024, 1, 5), decided_by="Kepala Biro")
    step(staff, agreement, "exploration", dt.date(2024, 1, 10))
    step(staff, agreement, "consultation", dt.date(2024, 1, 20), reference="B-123/Kemlu")
    one = step(staff, agreement, "negotiation", dt.date(2024, 2, 1), draft_version="v1", comments_partner="Pasal 3")
    two = step(staff, agreement, "negotiation", dt.date(2024, 3, 1), draft_version="v2", comments_bpom="Setuju")
    assert (one.round, two.round) == (1, 2) and two.comments_bpom == "Setuju"
    step(staff, agreement, "legal_review", dt.date(2024, 3, 10))
    step(staff, agreement, "full_powers", dt.date(2024, 3, 20), decided_by="Menteri Luar Negeri")
    step(staff, agreement, "signing", dt.date(2024, 4, 1), decided_by="Kepala Badan POM")
    agreement.refresh_from_db()
    assert agreement.date_signed == dt.date(2024, 4, 1)  # the signing fills the date of signing
    with pytest.raises(ValidationError) as caught:
        step(staff, agreement, "deposit", dt.date(2024, 4, 15))
    assert "reference" in caught.value.message_dict
    step(staff, agreement, "deposit", dt.date(2024, 4, 15), reference="Treaty room 2024/17")
    with pytest.raises(ValidationError) as caught:
        step(staff, agreement, "ratification", dt.date(2024, 6, 1))
    assert "instrument" in caught.value.message_dict
    step(staff, agreement, "ratification", dt.date(2024, 6, 1), instrument="perpres", reference="Perpres 10/2024")
    step(staff, agreement, "in_force", dt.date(2024, 6, 2))
    agreement.refresh_from_db()
    assert agreement.entry_into_force == dt.date(2024, 6, 2)
    assert (agreement.current_step, agreement.current_step_on) == ("in_force", dt.date(2024, 6, 2))
    assert services.allowed_steps(agreement) == ["implementation", "renewal", "amendment", "termination"]
    step(staff, agreement, "termination", dt.date(2024, 7, 1))
    assert services.allowed_steps(Agreement.objects.get(pk=agreement.pk)) == []
    assert (
        AuditEntry.objects.filter(
            record_type="cooperation.agreement", record_id=str(agreement.pk), action=AuditAction.STATE_CHANGE
        ).count()
        == AgreementStep.objects.filter(agreement=agreement).count()
    )
    assert AuditEntry.objects.filter(record_type="cooperation.agreementstep", action=AuditAction.CREATE).exists()


def test_steps_out_of_order_or_misdated_are_refused_at_the_field(team):
    staff = team.staff
    agreement = fresh_agreement(team.unit, "university", "US")
    with pytest.raises(ValidationError) as caught:
        step(staff, agreement, "signing", dt.date(2024, 1, 5))
    assert "kind" in caught.value.message_dict
    step(staff, agreement, "initiative", dt.date(2024, 1, 5))
    for kind, date, field in [
        ("in_force", dt.date(2024, 2, 1), "kind"),  # not next
        ("exploration", dt.date(2024, 1, 4), "date"),  # before the current step
        ("exploration", dt.date.today() + dt.timedelta(days=1), "date"),  # in the future
        ("negotiation", dt.date(2024, 2, 1), "draft_version"),  # a round names its draft
        ("bogus", dt.date(2024, 2, 1), "kind"),
    ]:
        with pytest.raises(ValidationError) as caught:
            step(staff, agreement, kind, date)
        assert field in caught.value.message_dict, kind
    assert Agreement.objects.get(pk=agreement.pk).current_step == "initiative"


def test_an_agreement_signed_before_its_history_was_kept_may_start_at_signing(team):
    staff = team.staff
    agreement: Any = AgreementFactory.create(date_signed=dt.date(2013, 1, 10), responsible_unit=team.unit)
    assert "signing" in services.allowed_steps(agreement) and "in_force" in services.allowed_steps(agreement)
    with pytest.raises(ValidationError) as caught:
        step(staff, agreement, "signing", dt.date(2013, 1, 11))  # not the agreement's date of signing
    assert "date" in caught.value.message_dict
    step(staff, agreement, "signing", dt.date(2013, 1, 10))


@pytest.mark.parametrize("who", ["other_staff", "reader", "leader", "requester"])
def test_only_the_owning_unit_records_steps(team, who):
    agreement = signed_agreement(team.staff)
    actor = UserFactory.create(unit=DirectorateFactory.create()) if who == "requester" else getattr(team, who)
    with pytest.raises(PermissionDenied):
        step(actor, agreement, "implementation", dt.date(2018, 1, 5))
    step(team.head, agreement, "implementation", dt.date(2018, 1, 5))  # the division's head may


def test_a_stale_form_records_nothing(team):
    from mitra.core.services import StaleEditError

    staff = team.staff
    agreement = fresh_agreement(team.unit, "university", "US")
    version = agreement.version
    step(staff, agreement, "initiative", dt.date(2024, 1, 5))
    with pytest.raises(StaleEditError):
        services.record_step(
            actor=staff,
            agreement=agreement,
            data={"kind": "exploration", "date": dt.date(2024, 1, 6)},
            expected_version=version,
        )
    assert AgreementStep.objects.filter(agreement=agreement).count() == 1


def test_the_demo_agreements_have_plausible_histories(demo):
    onssa = Agreement.objects.get(title__contains="ONSSA")
    kinds = list(onssa.steps.values_list("kind", flat=True))
    assert kinds[0] == "initiative" and kinds[-2:] == ["signing", "in_force"]
    assert "consultation" in kinds and kinds.index("consultation") < kinds.index("negotiation")
    assert "full_powers" in kinds  # signed in Rabat for the government
    assert onssa.current_step == "in_force" and onssa.current_step_on == onssa.date_signed
    usp = Agreement.objects.get(title__contains="United States Pharmacopeial")
    assert "consultation" not in usp.steps.values_list("kind", flat=True)
    draft = Agreement.objects.get(title__contains="NCEMMDME")
    assert draft.current_step == "negotiation" and draft.date_signed is None
    assert not Agreement.objects.filter(current_step="").exists()


def test_renewal_reminders_escalate_to_division_then_bureau_when_nobody_acts(team, settings):
    settings.MITRA_REMINDER_DAYS = [90, 60, 30, 7, 0]
    settings.MITRA_ESCALATE_TO_DIVISION_DAYS = 30
    settings.MITRA_ESCALATE_TO_BUREAU_DAYS = 7
    agreement = signed_agreement(team.staff)
    notice = agreement.notice_date
    assert notice == dt.date(2022, 11, 21) - dt.timedelta(days=90)
    prefix = f"agreement:{agreement.pk}:notice:{notice.isoformat()}:"

    def keys(day):
        return {n.key for n in send_due_reminders(day) if n.key.startswith(prefix)}

    assert keys(notice - dt.timedelta(days=90)) == {prefix + "90"}
    assert keys(notice - dt.timedelta(days=75)) == set()  # between two lead times: nothing new
    assert keys(notice - dt.timedelta(days=60)) == {prefix + "60"}
    mail.outbox.clear()
    assert keys(notice - dt.timedelta(days=30)) == {prefix + "30", prefix + "30:division"}
    escalation = next(m for m in mail.outbox if "Nobody" in m.subject or "Belum" in m.subject)
    assert escalation.to == [team.head.email]  # the head of division only
    assert keys(notice - dt.timedelta(days=7)) == {prefix + "7", prefix + "7:division", prefix + "7:bureau"}
    to_bureau = [m for m in mail.outbox if team.leader.email in m.to]
    assert to_bureau and team.staff.email not in to_bureau[0].to, [m.to for m in mail.outbox]


def test_a_step_recorded_after_the_first_reminder_stops_the_escalation(team):
    agreement = signed_agreement(team.staff)
    notice = agreement.notice_date
    assert notice is not None
    prefix = f"agreement:{agreement.pk}:notice:{notice.isoformat()}:"
    send_due_reminders(notice - dt.timedelta(days=90))
    step(team.staff, agreement, "implementation", dt.date(2022, 3, 1), note="Renewal under discussion")
    sent = {n.key for n in send_due_reminders(notice - dt.timedelta(days=7)) if n.key.startswith(prefix)}
    assert sent == {prefix + "7"}


def test_a_terminated_agreement_is_not_reminded(team):
    agreement = signed_agreement(team.staff)
    assert agreement.notice_date is not None
    day = agreement.notice_date - dt.timedelta(days=90)
    other = signed_agreement(team.staff, title="MoU uji lain")
    step(team.staff, agreement, "termination", dt.date(2020, 1, 2))
    sent = {n.key.split(":")[1] for n in send_due_reminders(day) if n.key.startswith("agreement:")}
    assert str(agreement.pk) not in sent and str(other.pk) in sent


# Pages


def test_the_agreement_page_shows_the_current_step_and_what_is_next(team):
    onssa = signed_agreement(team.staff)
    page = logged_in(team.staff).get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="current-step">Berlaku' in page
    assert reverse("cooperation:agreement-step-create", args=[onssa.pk]) + "?kind=implementation" in page
    assert 'data-testid="record-step"' in page
    reader = logged_in(team.other_staff).get(onssa.get_absolute_url()).content.decode()
    assert 'data-testid="current-step"' in reader and 'data-testid="record-step"' not in reader


def test_recording_a_step_through_the_page(team):
    onssa = signed_agreement(team.staff)
    url = reverse("cooperation:agreement-step-create", args=[onssa.pk])
    client = logged_in(team.staff)
    form = client.get(url)
    assert form.status_code == 200
    options = form.content.decode()
    assert 'value="implementation"' in options and 'value="signing"' not in options
    refused = client.post(url, {"kind": "amendment", "date": "2099-01-01", "expected_version": onssa.version})
    assert refused.status_code == 200 and "masa depan" in refused.content.decode()  # at the field, in Indonesian
    response = client.post(
        url,
        {"kind": "implementation", "date": "2018-02-01", "decided_by": "Kabag", "expected_version": onssa.version},
    )
    assert response.status_code == 302
    onssa.refresh_from_db()
    assert onssa.current_step == "implementation"
    created = onssa.steps.get(kind="implementation")
    detail = client.get(created.get_absolute_url())
    assert detail.status_code == 200 and 'data-testid="upload-form"' in detail.content.decode()
    assert logged_in(team.other_staff).post(url, {"kind": "amendment", "date": "2018-03-01"}).status_code == 403
    other = logged_in(team.other_staff).get(created.get_absolute_url()).content.decode()
    assert 'data-testid="attachments"' in other and 'data-testid="upload-form"' not in other


def test_negotiating_without_the_consultation_is_refused_on_the_page(team):
    agreement = fresh_agreement(team.unit)
    step(team.staff, agreement, "initiative", dt.date(2024, 1, 5))
    agreement.refresh_from_db()
    response = logged_in(team.staff).post(
        reverse("cooperation:agreement-step-create", args=[agreement.pk]),
        {"kind": "negotiation", "date": "2024-02-01", "draft_version": "v1", "expected_version": agreement.version},
    )
    assert response.status_code == 200
    assert "Kementerian Luar Negeri" in response.content.decode()


def test_the_pipeline_groups_agreements_by_current_step(team):
    in_force = signed_agreement(team.staff, title="MoU uji berlaku", signed_on=dt.date.today())
    negotiating = fresh_agreement(team.unit, "university", "US")
    step(team.staff, negotiating, "initiative", dt.date(2024, 1, 5))
    step(team.staff, negotiating, "negotiation", dt.date(2024, 2, 1), draft_version="v1")
    client = logged_in(team.other_staff)
    page = client.get(reverse("cooperation:agreement-pipeline")).content.decode()
    assert 'data-testid="pipeline-in_force"' in page and 'data-testid="pipeline-negotiation"' in page
    assert in_force.title in page and negotiating.title in page
    listed = client.get(reverse("cooperation:agreement-list") + "?current_step=negotiation")
    text = listed.content.decode()
    assert negotiating.title in text and in_force.title not in text


def test_an_agreement_whose_term_ended_leaves_its_step_for_term_ended(team):
    ended = signed_agreement(team.staff, title="MoU uji yang telah berakhir")  # five years from 2017-11-21
    current = signed_agreement(team.staff, title="MoU uji masih berlaku", signed_on=dt.date.today())
    client = logged_in(team.other_staff)
    page = client.get(reverse("cooperation:agreement-pipeline")).content.decode()
    in_force = page.split('data-testid="pipeline-in_force"')[1].split("</section>")[0]
    expired = page.split('data-testid="pipeline-expired"')[1].split("</section>")[0]
    assert current.title in in_force and ended.title not in in_force
    assert ended.title in expired and current.title not in expired
    listed = client.get(reverse("cooperation:agreement-list") + "?current_step=expired").content.decode()
    assert ended.title in listed and current.title not in listed
    listed = client.get(reverse("cooperation:agreement-list") + "?current_step=in_force").content.decode()
    assert current.title in listed and ended.title not in listed


def test_an_agreement_that_renews_automatically_has_not_ended(team):
    from mitra.cooperation import selectors

    renewing = signed_agreement(team.staff, title="MoU uji yang diperpanjang otomatis")
    Agreement.objects.filter(pk=renewing.pk).update(automatic_renewal=True)
    ended = signed_agreement(team.staff, title="MoU uji yang berakhir")
    titles = set(Agreement.objects.filter(selectors.term_ended()).values_list("title", flat=True))
    assert ended.title in titles and renewing.title not in titles
