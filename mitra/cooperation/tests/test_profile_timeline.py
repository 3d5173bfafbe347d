"""A profile's timeline reads meetings and follow-ups newest first when it has many cooperations (a walk that stops
after `limit` rows) and gathers them otherwise: both give the same events in the same order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.template import Context, Template
from django.utils import timezone, translation

from mitra.cooperation import selectors
from mitra.cooperation.models import Agreement, Cooperation, FollowUp, FollowUpStatus, Meeting, Stage, StageChange
from mitra.cooperation.tests.factories import (
    AgreementFactory,
    CooperationFactory,
    FollowUpFactory,
    ForumFactory,
    MeetingFactory,
    OutreachEventFactory,
    PositionPaperFactory,
    StudyFactory,
)
from mitra.core.tests.factories import UnitFactory
from mitra.partners.models import Country

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


@pytest.mark.parametrize("walk", [False, True])
def test_a_walking_timeline_hides_the_cooperation_from_every_source_index(walk):
    """With many cooperations each source after the follow-ups walks its date's index newest first: the cooperation
    is the column hidden from its index (`+ 0`) in each of the six parts of their one query; with few it is not."""
    from django.test.utils import CaptureQueriesContext

    from mitra.core.lookups import Ids

    with CaptureQueriesContext(connection) as queries:
        selectors.timeline(Ids([1, 2, 3]), walk=walk)
    (union,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH")]
    tables = ["meeting", "stagechange", "agreement", "outreachevent", "positionpaper", "study"]
    hidden = [f'("cooperation_{table}"."cooperation_id" + 0)' in union for table in tables]
    assert hidden == [walk] * len(tables)


def test_a_bounded_timeline_is_the_head_of_the_whole_one():
    """Each source after the first reads only events on or after the `limit`-th newest known so far: the result is
    still the head of the unbounded timeline, same-day events of different sources in the same order, and events
    known by their year only (position papers, studies) kept when their year is that of the cut."""
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    ours = [CooperationFactory.create(forum=forum, responsible_unit=unit) for _ in range(2)]
    CooperationFactory.create(responsible_unit=unit)  # another forum's, never shown
    day = dt.date(2014, 2, 3)
    for i in range(12):
        coop = ours[i % 2]
        on = day + dt.timedelta(days=40 * i)
        meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit, start_date=on, end_date=on)
        FollowUpFactory.create(meeting=meeting, due_date=on + dt.timedelta(days=60 * (i % 3)))
        if i % 2:  # same day as the meeting
            StageChange.objects.create(cooperation=coop, to_stage=Stage.SIGNED, date=on)
            OutreachEventFactory.create(cooperation=coop, responsible_unit=unit, date=on)
        if i % 3 == 0:
            AgreementFactory.create(cooperation=coop, responsible_unit=unit, date_signed=on)
            PositionPaperFactory.create(cooperation=coop, responsible_unit=unit, year=on.year)
        if i % 4 == 1:
            StudyFactory.create(cooperation=coop, responsible_unit=unit, year=on.year)
    extra = [selectors.TimelineItem(2015, None, "position", ours[0], "extra")]
    cooperations = Cooperation.objects.filter(forum=forum)
    for walk in (False, True):
        whole = selectors.timeline(cooperations, extra=extra, limit=1000, walk=walk)
        assert {i.kind for i in whole} == {
            "meeting",
            "follow_up",
            "stage",
            "outreach",
            "agreement",
            "position",
            "study",
        }
        for limit in range(1, len(whole) + 2):
            bounded = selectors.timeline(cooperations, extra=extra, limit=limit, walk=walk)
            assert events(bounded) == events(whole[:limit]), (walk, limit)


@pytest.mark.parametrize("walk", [False, True])
def test_open_follow_ups_of_a_profile_count_each_once_wherever_they_come_from(walk, monkeypatch):
    """Own follow-ups, follow-ups of the profile's meetings (without a cooperation, or of another cooperation), and
    follow-ups both own and of a profile's meeting: each counted and listed once; closed and deleted ones not. The
    same when the profile has many cooperations (WALK_FROM) and counts them apart from walking to the first ones."""
    if walk:
        monkeypatch.setattr(selectors, "WALK_FROM", 1)
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    coop = CooperationFactory.create(forum=forum, responsible_unit=unit)
    other = CooperationFactory.create(responsible_unit=unit)
    ours = MeetingFactory.create(cooperation=coop, responsible_unit=unit)
    theirs = MeetingFactory.create(cooperation=other, responsible_unit=unit)
    due = dt.date(2017, 6, 1)

    def follow_up(days: int, **links: object) -> int:
        return FollowUpFactory.create(responsible_unit=unit, due_date=due + dt.timedelta(days=days), **links).pk

    expected = [
        follow_up(5, meeting=None, cooperation=coop),  # own
        follow_up(1, meeting=ours),  # of our meeting, no cooperation
        follow_up(3, meeting=ours, cooperation=coop),  # both: once
        follow_up(2, meeting=ours, cooperation=other),  # of our meeting, filed under another cooperation
        follow_up(4, meeting=theirs, cooperation=coop),  # own, of another cooperation's meeting
    ]
    follow_up(0, meeting=theirs)  # another cooperation's only
    FollowUp.objects.filter(pk=follow_up(0, meeting=ours)).update(status=FollowUpStatus.DONE)
    FollowUp.objects.filter(pk=follow_up(0, meeting=None, cooperation=coop)).update(deleted_at=timezone.now())
    profile = selectors.forum_profile(forum)
    assert profile.open_follow_up_count == len(expected)
    assert [f.pk for f in profile.open_follow_ups] == [expected[i] for i in (1, 3, 2, 4, 0)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_country_profile_reads_its_meetings_without_cooperation_from_one_index():
    """Newest first from meeting_country_live, stopping at the limit: not every meeting held in the country read to
    test its cooperation (~20,000 for Indonesia at N=100), nor sorted."""
    country = Country.objects.get(code="KR")
    query = Meeting.objects.filter(country=country, cooperation__isnull=True).order_by("-start_date")[:100]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[3] for row in cursor.fetchall())
    assert "USING INDEX meeting_country_live (country_id=? AND cooperation_id=? AND deleted_at=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db
def test_a_country_page_reads_the_meetings_held_there_alone():
    """Only what the page shows (title, date, city, the link's id), joined to nothing: PostgreSQL took longer to plan
    the join of five tables the page does not show than to read the 20 meetings."""
    sql = str(selectors.meetings_in(Country.objects.get(code="KR"))[:20].query)
    assert "JOIN" not in sql, sql
    assert sql.split(" FROM ")[0].count(",") == 3, sql  # id, title, start_date, city


def test_the_timeline_gives_each_event_its_page_and_label_as_the_records_do():
    """The URLs come from one reverse() per model (core.record_urls.RecordUrls) and the labels from the fields' choices
    (selectors._label): the same as each record's get_absolute_url() and get_<field>_display()."""
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    coops = [CooperationFactory.create(forum=forum, responsible_unit=unit) for _ in range(2)]
    for i, coop in enumerate(coops):
        on = dt.date(2016, 3, 1) + dt.timedelta(days=i)
        meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit, start_date=on, end_date=on)
        FollowUpFactory.create(meeting=meeting, due_date=on)
        StageChange.objects.create(cooperation=coop, to_stage=Stage.SIGNED, date=on)
        OutreachEventFactory.create(cooperation=coop, responsible_unit=unit, date=on)
        AgreementFactory.create(cooperation=coop, responsible_unit=unit, date_signed=on)
        PositionPaperFactory.create(cooperation=coop, responsible_unit=unit, year=on.year)
        StudyFactory.create(cooperation=coop, responsible_unit=unit, year=on.year)
    items = selectors.forum_profile(forum).timeline
    assert len({type(i.record) for i in items}) == 7
    assert [i.url for i in items] == [i.record.get_absolute_url() for i in items]
    field = {"follow_up": "status", "agreement": "kind", "outreach": "kind", "position": "status", "study": "kind"}
    for item in items:
        if item.kind in field:
            assert item.detail == getattr(item.record, f"get_{field[item.kind]}_display")()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "pendek",
        "x" * 100,
        "y" * 101,
        "Tindak lanjut pertemuan: menyusun rancangan kerja sama teknis " * 5,
        "e\u0301" * 10,
        "Kerjasama e\u0301" * 20,
        "A\u0301" * 100,
        "Kerjasama teknis \u00e9" * 10,
    ],
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_clip_is_truncatechars(text: str, language: str):
    from django.template.defaultfilters import truncatechars

    from mitra.core.templatetags.mitra_format import clip

    with translation.override(language):
        for length in (1, 2, 90, 100):
            assert clip(text, length) == truncatechars(text, length), length


def test_the_first_open_follow_ups_and_their_count_are_the_same_walked_or_gathered():
    """With many cooperations the first open follow-ups are walked to once per open status and counted apart: the
    same ids, in the same order (due date, then id, statuses interleaved), and the same count, at every limit."""
    unit = UnitFactory.create()
    ours = [CooperationFactory.create(responsible_unit=unit) for _ in range(2)]
    other = CooperationFactory.create(responsible_unit=unit)
    ours_meeting = MeetingFactory.create(cooperation=ours[0], responsible_unit=unit)
    theirs = MeetingFactory.create(cooperation=other, responsible_unit=unit)
    statuses = [FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS, FollowUpStatus.DONE]
    for i in range(18):
        meeting, cooperation = [
            (None, ours[i % 2]),
            (ours_meeting, None),
            (ours_meeting, other),
            (theirs, None),  # not ours
        ][i % 4]
        due = dt.date(2017, 6, 1) + dt.timedelta(days=i // 3)  # three on each day: ties broken by id
        done: dict[str, object] = {"completed_on": due} if statuses[i % 3] == FollowUpStatus.DONE else {}
        FollowUpFactory.create(
            responsible_unit=unit,
            due_date=due,
            status=statuses[i % 3],
            meeting=meeting,
            cooperation=cooperation,
            **done,
        )
    ids = sorted(c.pk for c in ours)
    live = FollowUp.objects.filter(status__in=selectors.OPEN_FOLLOW_UP)
    mine = live.filter(Q(cooperation__in=ids) | Q(meeting__cooperation__in=ids)).order_by("due_date", "pk")
    expected = list(mine.values_list("pk", flat=True))
    assert 5 < len(expected) < 18
    for limit in range(1, len(expected) + 2):
        first, count = selectors._first_and_count(ids, limit)
        assert ([f.pk for f in first], count) == (expected[:limit], len(expected))
        walked, walked_count = selectors._first_and_count(ids, limit, walk=True)
        assert ([f.pk for f in walked], walked_count) == ([f.pk for f in first], count), limit


# The loop partners/_profile.html had before {% timeline_rows %}: the tag must write the same HTML.
TIMELINE_LOOP = """{% load i18n mitra_format %}
        {% for item in timeline %}
        {% ifchanged item.year %}<li class="year-heading">{{ item.year }}</li>{% endifchanged %}
        <li><span class="small text-body-secondary">{% if item.date %}{{ item.date|tanggal }}{% else %}{{ item.year }}{% endif %}</span>
          <span class="badge text-bg-light border">{{ item.record|verbose_kind }}</span>
          <a href="{{ item.url }}">{{ item.record|clip:100 }}</a> <span class="small text-body-secondary">{{ item.detail }}</span></li>
        {% endfor %}"""  # noqa: E501


def test_the_timeline_rows_are_the_html_of_the_template_loop():
    """Year headings, dated and year-only events, several kinds, and titles, details and links that need escaping."""
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    coop = CooperationFactory.create(forum=forum, responsible_unit=unit, title='Kerja <sama> & "mitra" ' + "x" * 120)
    for year in (2015, 2016):
        on = dt.date(year, 3, 4)
        meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit, start_date=on, end_date=on)
        FollowUpFactory.create(meeting=meeting, due_date=on, description="Tindak <lanjut> & 'kutip'")
        StageChange.objects.create(cooperation=coop, to_stage=Stage.SIGNED, date=on)
        PositionPaperFactory.create(cooperation=coop, responsible_unit=unit, year=year, title="Posisi <b>")
    items = selectors.timeline(Cooperation.objects.filter(forum=forum))
    items[0].detail = "<script>&amp;"
    items[1].url = '/x/?a=1&b="2"'
    assert {i.kind for i in items} >= {"meeting", "follow_up", "stage", "position"}
    assert len({i.year for i in items}) >= 2
    for language in ("id", "en"):
        with translation.override(language):
            loop = Template(TIMELINE_LOOP).render(Context({"timeline": items}))
            rows = Template("{% load partner_profile %}\n        {% timeline_rows timeline %}").render(
                Context({"timeline": items})
            )
        assert rows == loop


# The loops partners/_profile.html had before {% follow_up_rows %} and {% record_rows %}: the same HTML.
LIST_LOOPS = """{% load i18n mitra_format %}
{% for f in profile.open_follow_ups %}<li{% if f.is_overdue %} class="overdue"{% endif %}>{% translate "Follow-up due" %} {{ f.due_date|tanggal }}: <a href="{{ f.get_absolute_url }}">{{ f.description|truncatechars:90 }}</a>{% if f.is_overdue %} <span class="badge text-bg-danger">{% translate "overdue" %}</span>{% endif %}</li>{% endfor %}
{% for c in profile.cooperations %}<li class="py-1 border-bottom"><a href="{{ c.get_absolute_url }}">{{ c.title }}</a> <span class="small text-body-secondary">{{ c.get_stage_display }}</span></li>{% endfor %}
{% for a in profile.agreements %}<li class="py-1 border-bottom"><a href="{{ a.get_absolute_url }}">{{ a.title }}</a> <span class="small text-body-secondary">{{ a.get_kind_display }} · {{ a.date_signed|tanggal }}</span></li>{% endfor %}"""  # noqa: E501
LIST_TAGS = """{% load partner_profile %}
{% follow_up_rows profile.open_follow_ups %}
{% record_rows profile.cooperations "stage" %}
{% record_rows profile.agreements "kind" "date_signed" %}"""


def test_the_profile_list_rows_are_the_html_of_the_template_loops():
    """Overdue and not overdue follow-ups, long descriptions, stages, kinds, signed and unsigned agreements, and
    texts that need escaping."""
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    today = timezone.localdate()
    for i, stage in enumerate([Stage.SIGNED, Stage.IMPLEMENTATION]):
        coop = CooperationFactory.create(forum=forum, responsible_unit=unit, stage=stage, title=f"Kerja <{i}> & 'x'")
        meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit)
        for days, text in ((-3, "Lewat <b> & " + "y" * 100), (30, 'Nanti "z"')):
            FollowUpFactory.create(meeting=meeting, due_date=today + dt.timedelta(days=days), description=text)
        AgreementFactory.create(cooperation=coop, responsible_unit=unit, title=f"MoU <{i}>", date_signed=None)
        AgreementFactory.create(cooperation=coop, responsible_unit=unit, date_signed=dt.date(2016, 5, 6))
    profile = selectors.forum_profile(forum)
    assert len(profile.open_follow_ups) == 4 and len(profile.cooperations) == 2 and len(profile.agreements) == 4
    assert {f.is_overdue() for f in profile.open_follow_ups} == {True, False}
    for language in ("id", "en"):
        with translation.override(language):
            loops = Template(LIST_LOOPS).render(Context({"profile": profile}))
            tags = Template(LIST_TAGS).render(Context({"profile": profile}))
        assert tags == loops


# The loop partners/country_detail.html had before {% labelled_rows %}: the same HTML.
INSTITUTIONS_LOOP = """{% for i in institutions %}<li><a href="{{ i.get_absolute_url }}">{{ i }}</a> <span class="small text-body-secondary">{{ i.get_kind_display }}</span></li>{% endfor %}"""  # noqa: E501


def test_the_country_page_institution_rows_are_the_html_of_the_template_loop():
    """Names with and without an acronym, several kinds, and names that need escaping."""
    from mitra.partners.models import Institution
    from mitra.partners.tests.factories import InstitutionFactory

    korea = Country.objects.get(code="KR")
    InstitutionFactory.create(country=korea, name="Badan <Obat> & 'Makanan'", acronym="MFDS", kind="regulator")
    InstitutionFactory.create(country=korea, name='Universitas "Seoul"', kind="university")
    InstitutionFactory.create(country=korea, name="Kementerian", acronym="A&B", kind="ministry")
    institutions = Institution.objects.filter(country=korea).order_by("name")
    assert len({i.kind for i in institutions}) >= 3
    for language in ("id", "en"):
        with translation.override(language):
            loop = Template(INSTITUTIONS_LOOP).render(Context({"institutions": institutions}))
            rows = Template('{% load partner_profile %}{% labelled_rows institutions "kind" %}').render(
                Context({"institutions": institutions})
            )
        assert rows == loop and "&lt;Obat&gt;" in rows


@pytest.mark.parametrize("value", ["a <b> & \"c\" 'd'", "plain", "", 2017, None])
def test_the_rows_escape_as_conditional_escape(value: Any):
    """The rows' own escape of plain text is conditional_escape's, and what is already safe or lazy goes to it."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from mitra.partners.templatetags.partner_profile import _escaped

    assert _escaped(value) == conditional_escape(value)
    assert _escaped(mark_safe(f"<i>{value}</i>")) == f"<i>{value}</i>"  # noqa: S308 - a test value
    assert _escaped(gettext_lazy("Follow-up due")) == conditional_escape(gettext_lazy("Follow-up due"))


@pytest.mark.parametrize("walk", [False, True])
def test_a_timeline_builds_only_the_events_it_keeps(walk, monkeypatch):
    """The sources' rows are merged before any event is built: the events past `limit` are never built, and a
    follow-up's record has the columns a queryset's only(SHOWN) gives, with their values."""
    unit = UnitFactory.create()
    coop = CooperationFactory.create(responsible_unit=unit)
    day = dt.date(2018, 5, 1)
    for i in range(6):
        on = day + dt.timedelta(days=10 * i)
        meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit, start_date=on, end_date=on)
        FollowUpFactory.create(meeting=meeting, due_date=on + dt.timedelta(days=3))
        OutreachEventFactory.create(cooperation=coop, responsible_unit=unit, date=on)
    cooperations = Cooperation.objects.filter(pk=coop.pk)
    whole = selectors.timeline(cooperations, limit=1000, walk=walk)
    built = []

    class Counted(selectors.TimelineItem):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self.kind)

    monkeypatch.setattr(selectors, "TimelineItem", Counted)
    bounded = selectors.timeline(cooperations, limit=5, walk=walk)
    assert events(bounded) == events(whole[:5])
    assert len(built) == 5
    shown = FollowUp.objects.only(*selectors.SHOWN["follow_up"])
    for item in whole:
        if item.kind == "follow_up":
            expected = shown.get(pk=item.record.pk)
            assert item.record.get_deferred_fields() == expected.get_deferred_fields()
            assert [getattr(item.record, f) for f in ("pk", *selectors.SHOWN["follow_up"])] == [
                getattr(expected, f) for f in ("pk", *selectors.SHOWN["follow_up"])
            ]


@pytest.mark.parametrize("walk", [False, True])
def test_a_profile_query_compiled_once_is_the_one_compiled_for_its_ids_and_cutoff(walk):
    """A profile's queries of its open follow-ups and its timeline are compiled once per process, with stand-ins for
    the ids and the cutoff day (selectors._compiled): for other ids and another day they are the very SQL and
    parameters compiled for those."""
    from mitra.core.lookups import Ids

    cases = [(Ids([3]), None), (Ids([1, 20, 300]), dt.date(2016, 2, 29)), (Ids([7, 8]), dt.date(2019, 12, 31))]
    for query in (selectors._first_open_sql, selectors._follow_ups_sql, selectors._other_events_sql):
        for ids, day in cases + cases:  # the second time from what was compiled the first
            sql, params = query(ids, walk, 9, day)
            assert selectors._compiled(query, ids, walk, 9, day) == (sql, list(params)), (query, ids, day)


def test_the_agreements_ending_soon_come_from_the_list_or_their_query_alike(monkeypatch):
    """A profile's agreements ending within 180 days (its first 20, by end, those ending the same day in the list's
    order) are picked from its list of agreements when that holds them all, and read by a query otherwise: the
    same agreements in the same order either way, and those ending later, ended or without an end left out."""
    unit = UnitFactory.create()
    forum = ForumFactory.create()
    coops = [CooperationFactory.create(forum=forum, responsible_unit=unit) for _ in range(2)]
    today = timezone.localdate()
    ends = [*(today + dt.timedelta(days=d) for d in (0, 3, 3, 3, 40, 180, 181, 400)), today - dt.timedelta(days=1)]
    for i, end in enumerate(ends * 3):
        AgreementFactory.create(
            cooperation=coops[i % 2], responsible_unit=unit, date_signed=dt.date(2010 + i % 4, 1, 1), end_date=end
        )
    AgreementFactory.create(cooperation=coops[0], responsible_unit=unit, end_date=None)  # no end
    soon = Agreement.objects.filter(
        cooperation__in=coops, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=180)
    ).order_by("expires_on", "-date_signed", "pk")
    expected = list(soon.values_list("pk", flat=True)[:20])
    assert len(expected) == 18
    listed = selectors.forum_profile(forum)
    assert listed.agreement_count == 28 <= selectors.LIST_LIMIT
    monkeypatch.setattr(selectors, "LIST_LIMIT", 5)  # the list no longer holds them all: the query
    read = selectors.forum_profile(forum)
    assert len(read.agreements) == 5 and read.agreement_count == 28
    assert [a.pk for a in listed.expiring] == [a.pk for a in read.expiring] == expected


def _profile_statements() -> dict[str, tuple[int, int]]:
    """The profile queries prepared on this connection (PostgreSQL): statement -> (generic plans, custom plans)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%%cooperation_followup%%' OR statement LIKE 'WITH part0%%'"
        )
        return {statement: (generic, custom) for statement, generic, custom in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.parametrize("walk", [False, True])
def test_a_profile_of_few_cooperations_is_read_by_statements_prepared_once_for_all(walk, monkeypatch):
    """On PostgreSQL a profile's open follow-ups and its timeline's two queries are prepared statements with one
    generic plan, the same three for every profile of few cooperations (their ids a value, not in the SQL); a profile
    of many cooperations (WALK_FROM) sends its open follow-ups' and its follow-ups' queries planned for its ids, and
    its timeline's other sources prepared (each walks its date index whatever the ids). The events are those of the
    queries sent unprepared."""
    if walk:
        monkeypatch.setattr(selectors, "WALK_FROM", 1)
    unit = UnitFactory.create()
    forums = [ForumFactory.create(), ForumFactory.create()]
    for n, forum in enumerate(forums):
        for i in range(2 + n):
            coop = CooperationFactory.create(forum=forum, responsible_unit=unit)
            start = dt.date(2016, 3, 1) + dt.timedelta(days=40 * i + n)
            meeting = MeetingFactory.create(cooperation=coop, responsible_unit=unit, start_date=start, end_date=start)
            FollowUpFactory.create(meeting=meeting, due_date=start + dt.timedelta(days=30))
            FollowUpFactory.create(meeting=None, cooperation=coop, responsible_unit=unit, due_date=start)
    before = _profile_statements()
    profiles = [selectors.forum_profile(forum) for forum in forums]
    used = {
        statement: (generic - before.get(statement, (0, 0))[0], custom - before.get(statement, (0, 0))[1])
        for statement, (generic, custom) in _profile_statements().items()
        if (generic, custom) != before.get(statement)
    }
    # Each statement run once for each profile: three, or the other sources' alone when walking.
    assert sorted(used.values()) == [(2, 0)] * (1 if walk else 3), used
    assert all("ANY($" in statement for statement in used)
    assert [statement.startswith("WITH part0") for statement in used].count(True) == 1
    # The same events and open follow-ups when nothing is prepared.
    fetch_all = selectors.fetch_all
    monkeypatch.setattr(selectors, "fetch_all", lambda sql, params, prepared: fetch_all(sql, params))
    for forum, profile in zip(forums, profiles, strict=True):
        unprepared = selectors.forum_profile(forum)
        assert events(profile.timeline) == events(unprepared.timeline)
        assert {"stage", "meeting", "follow_up"} == {item.kind for item in profile.timeline}
        assert [f.pk for f in profile.open_follow_ups] == [f.pk for f in unprepared.open_follow_ups]
        assert profile.open_follow_up_count == unprepared.open_follow_up_count > 0
