"""A follow-up stores the cooperation of its meeting when it is filed under another one or none
(`FollowUp.other_cooperation`, derived by `models.cooperation_elsewhere`): the profiles find "the follow-ups of
their cooperations' meetings" from it with one index lookup per cooperation instead of one per meeting. The field
must stay right whichever record changes, and the profiles must show what they showed when they joined the
meetings. Runs on SQLite and PostgreSQL (`make test-postgres`), whose timelines read follow-ups differently
(selectors._latest_follow_ups)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps

from mitra.cooperation import selectors, services
from mitra.cooperation.models import FollowUp
from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory, ForumFactory, MeetingFactory
from mitra.core.tests.factories import AdminFactory, UnitFactory
from mitra.partners.models import Country

pytestmark = pytest.mark.django_db


def _other(pk: int) -> int | None:
    return FollowUp.all_objects.get(pk=pk).other_cooperation_id


def test_the_services_keep_the_meetings_cooperation_on_its_follow_ups():
    admin = AdminFactory.create()
    unit = UnitFactory.create()
    first, second = (CooperationFactory.create(responsible_unit=unit) for _ in range(2))
    meeting = MeetingFactory.create(cooperation=first, responsible_unit=unit)
    due = meeting.end_date + dt.timedelta(days=10)
    base = {"responsible_unit": unit, "due_date": due, "meeting": meeting}

    alone = services.create(actor=admin, model=FollowUp, data={**base, "description": "tanpa kerjasama"})
    own = services.create(actor=admin, model=FollowUp, data={**base, "description": "milik", "cooperation": first})
    moved = services.create(actor=admin, model=FollowUp, data={**base, "description": "lain", "cooperation": second})
    assert (_other(alone.pk), _other(own.pk), _other(moved.pk)) == (first.pk, None, first.pk)

    # The follow-up is filed under its meeting's cooperation after all, then under no cooperation again.
    moved = services.update(actor=admin, instance=moved, data={"cooperation": first}, expected_version=moved.version)
    assert _other(moved.pk) is None
    services.update(actor=admin, instance=moved, data={"cooperation": None}, expected_version=moved.version)
    assert _other(moved.pk) == first.pk

    # The meeting moves to the second cooperation: each of its follow-ups (a deleted one too) follows.
    gone = services.create(actor=admin, model=FollowUp, data={**base, "description": "dihapus", "cooperation": second})
    services.delete(actor=admin, instance=gone, expected_version=gone.version, reason="uji")
    assert _other(gone.pk) == first.pk
    services.update(actor=admin, instance=meeting, data={"cooperation": second}, expected_version=meeting.version)
    assert [_other(pk) for pk in (alone.pk, own.pk, moved.pk, gone.pk)] == [second.pk, second.pk, second.pk, None]
    # The derived field is not a change of the follow-ups: no new version, nothing audited for them.
    assert FollowUp.objects.get(pk=own.pk).version == own.version


def test_a_profile_follows_a_meeting_that_moves_to_another_cooperation():
    """A follow-up filed under no cooperation shows in the profile of its meeting's cooperation, and moves with the
    meeting; one filed under its own cooperation stays in that one's profile too."""
    admin = AdminFactory.create()
    unit = UnitFactory.create()
    forum_a, forum_b = ForumFactory.create(), ForumFactory.create()
    coop_a = CooperationFactory.create(forum=forum_a, responsible_unit=unit)
    coop_b = CooperationFactory.create(forum=forum_b, responsible_unit=unit)
    meeting = MeetingFactory.create(cooperation=coop_a, responsible_unit=unit)
    loose = FollowUpFactory.create(meeting=meeting, cooperation=None)
    filed = FollowUpFactory.create(meeting=meeting, cooperation=coop_a)

    def shown(forum: object) -> tuple[set[int], set[int]]:
        profile = selectors.forum_profile(forum)  # type: ignore[arg-type]
        return {f.pk for f in profile.open_follow_ups}, {i.record.pk for i in profile.timeline if i.kind == "follow_up"}

    assert shown(forum_a) == ({loose.pk, filed.pk}, {loose.pk, filed.pk})
    assert shown(forum_b) == (set(), set())
    services.update(actor=admin, instance=meeting, data={"cooperation": coop_b}, expected_version=meeting.version)
    assert shown(forum_a) == ({filed.pk}, {filed.pk})
    assert shown(forum_b) == ({loose.pk, filed.pk}, {loose.pk, filed.pk})


def test_the_migration_fills_the_field_for_the_follow_ups_there_are():
    unit = UnitFactory.create()
    first, second = (CooperationFactory.create(responsible_unit=unit) for _ in range(2))
    meeting = MeetingFactory.create(cooperation=first, responsible_unit=unit)
    without = MeetingFactory.create(cooperation=None, forum=ForumFactory.create(), responsible_unit=unit)
    rows = {
        FollowUpFactory.create(meeting=meeting, cooperation=None).pk: first.pk,
        FollowUpFactory.create(meeting=meeting, cooperation=first).pk: None,
        FollowUpFactory.create(meeting=meeting, cooperation=second).pk: first.pk,
        FollowUpFactory.create(meeting=without, cooperation=second).pk: None,
        FollowUpFactory.create(
            meeting=None, cooperation=second, responsible_unit=unit, due_date=dt.date(2017, 3, 1)
        ).pk: None,
    }
    FollowUp.all_objects.update(other_cooperation=None)  # as before the migration
    migration = import_module("mitra.cooperation.migrations.0017_followup_other_cooperation")
    migration.store_other_cooperation(apps, None)
    assert {pk: _other(pk) for pk in rows} == rows


@pytest.mark.parametrize("walk", [False, True])
@pytest.mark.parametrize("many", [False, True])
def test_the_latest_follow_ups_are_the_same_in_either_form(many, walk):
    """The timeline's follow-ups (the forms of this backend: gathered, or walked newest first for many
    cooperations) are the newest of the cooperations' own and of their meetings', with or without a cooperation
    or under another one, as sorting all of them gives."""
    unit = UnitFactory.create()
    ours = [CooperationFactory.create(responsible_unit=unit) for _ in range(3)]
    theirs = CooperationFactory.create(responsible_unit=unit)
    start = dt.date(2016, 1, 4)
    for i in range(24):
        on = start + dt.timedelta(days=5 * i)
        meeting = MeetingFactory.create(
            cooperation=[*ours, theirs][i % 4], responsible_unit=unit, start_date=on, end_date=on
        )
        filed = [None, ours[0], theirs][i % 3]
        FollowUpFactory.create(meeting=meeting, cooperation=filed, due_date=on + dt.timedelta(days=i % 7))
    ids = sorted(c.pk for c in ours) if many else [ours[1].pk]
    mine = set(ids)
    every = [
        f.pk
        for f in FollowUp.objects.select_related("meeting").order_by("-due_date", "-pk")
        if f.cooperation_id in mine or (f.meeting and f.meeting.cooperation_id in mine)
    ]
    assert every, "the case has follow-ups"
    for limit in (1, 5, 100):
        latest = selectors._latest_follow_ups(ids, limit, walk).order_by("-due_date", "-pk")[:limit]
        assert [f.pk for f in latest] == every[:limit]


def test_a_profile_without_cooperations_is_empty_not_an_error():
    """The profile's cooperations are read as a list of ids first: with none (a country no partner of a
    cooperation comes from), every list is empty and the meetings held there still show."""
    country = Country.objects.get(code="BT")
    meeting = MeetingFactory.create(cooperation=None, forum=ForumFactory.create(), country=country)
    profile = selectors.country_profile(country)
    assert (profile.cooperation_count, profile.agreement_count, profile.open_follow_up_count) == (0, 0, 0)
    assert [i.record.pk for i in profile.timeline] == [meeting.pk]
