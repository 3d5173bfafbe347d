"""A profile's timeline reads meetings and follow-ups newest first when it has many cooperations (a walk that stops
after `limit` rows) and gathers them otherwise: both give the same events in the same order."""

from __future__ import annotations

import datetime as dt

import pytest

from mitra.cooperation import selectors
from mitra.cooperation.models import Cooperation
from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory, ForumFactory, MeetingFactory
from mitra.core.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def events(items: list[selectors.TimelineItem]) -> list[tuple[str, int, dt.date | None]]:
    return [(i.kind, i.record.pk, i.date) for i in items]


def test_the_walk_and_the_gathering_give_the_same_timeline(monkeypatch):
    unit = UnitFactory.create()
    forum, elsewhere = ForumFactory.create(), ForumFactory.create()
    ours = [CooperationFactory.create(forum=forum, responsible_unit=unit) for _ in range(3)]
    theirs = CooperationFactory.create(forum=elsewhere, responsible_unit=unit)
    day = dt.date(2015, 1, 5)
    for i in range(14):  # interleaved in time with another forum's events, some on the same day
        for coop in (ours[i % 3], theirs):
            start = day + dt.timedelta(days=9 * i)
            meeting = MeetingFactory.create(
                cooperation=coop, responsible_unit=unit, start_date=start, end_date=start + dt.timedelta(days=1)
            )
            FollowUpFactory.create(meeting=meeting, due_date=start + dt.timedelta(days=20 + i % 4))
            # A follow-up of the cooperation itself, without a meeting.
            FollowUpFactory.create(
                meeting=None, cooperation=coop, responsible_unit=unit, due_date=start + dt.timedelta(days=21)
            )
    cooperations = Cooperation.objects.filter(forum=forum)
    gathered = selectors.timeline(cooperations, limit=20)
    walked = selectors.timeline(cooperations, limit=20, walk=True)
    assert len(gathered) == 20 and events(walked) == events(gathered)
    assert {"meeting", "follow_up"} <= {i.kind for i in walked}
    mine = {c.pk for c in ours}
    for item in walked:
        if item.kind not in ("meeting", "follow_up"):
            continue
        record = item.record
        assert (record.cooperation_id or record.meeting.cooperation_id) in mine
    # The profile walks from WALK_FROM cooperations on, with the same result.
    before = events(selectors.forum_profile(forum).timeline)
    monkeypatch.setattr(selectors, "WALK_FROM", 1)
    assert events(selectors.forum_profile(forum).timeline) == before
