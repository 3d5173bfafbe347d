"""A record's page links to the records it refers to (issue 16): a follow-up to its meeting and cooperation, a
cooperation to each of its partners."""

from __future__ import annotations

import html

import pytest

from mitra.cooperation.tests.factories import CooperationFactory, FollowUpFactory, InstitutionFactory, MeetingFactory
from mitra.core.tests.factories import ReaderFactory, logged_in

pytestmark = pytest.mark.django_db


def link(record) -> str:
    return f'<a href="{record.get_absolute_url()}">{html.escape(str(record))}</a>'


def test_a_follow_up_links_back_to_its_meeting_and_cooperation():
    partner = InstitutionFactory.create(name="Otoritas <Uji> & Mitra")
    cooperation = CooperationFactory.create(partners=[partner])
    meeting = MeetingFactory.create(cooperation=cooperation, responsible_unit=cooperation.responsible_unit)
    follow_up = FollowUpFactory.create(meeting=meeting, cooperation=cooperation)
    client = logged_in(ReaderFactory.create())

    page = client.get(follow_up.get_absolute_url()).content.decode()
    assert link(meeting) in page and link(cooperation) in page

    page = client.get(cooperation.get_absolute_url()).content.decode()
    assert link(partner) in page  # a many-to-many field: one link per record, the name escaped
    assert "Otoritas <Uji>" not in page
