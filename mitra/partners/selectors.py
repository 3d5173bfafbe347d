from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .activity import activity
from .models import Contact, Country, Forum, Institution


def institutions() -> QuerySet[Institution]:
    return Institution.objects.select_related("country")


def forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "organisation")


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("institution", "forum")


def countries_with_activity(countries: QuerySet[Country], everyone: bool = False) -> list[Country]:
    """These countries, in name order, each with `n_institutions` and `has_meetings`; only those with either unless
    `everyone`. One query: a correlated count of each country's institutions and an EXISTS of a live meeting held
    there (one index seek each). The meetings are counted by count_meetings() for the rows a page shows: counting
    every country's meetings read the 100,000 meetings' index on each page at N=100."""
    meetings = activity().meeting_model._default_manager.filter(country=OuterRef("pk"))
    institutions = (
        Institution.objects.filter(country=OuterRef("pk")).order_by().values("country").annotate(n=Count("pk"))
    )
    rows = countries.order_by("name_id").annotate(
        n_institutions=Coalesce(Subquery(institutions.values("n"), output_field=IntegerField()), 0),
        has_meetings=Exists(meetings),
    )
    # Kept here rather than in a WHERE, which would evaluate both subqueries a second time for every country.
    return [c for c in rows if everyone or c.n_institutions or c.has_meetings]  # type: ignore[attr-defined]


def count_meetings(countries: Iterable[Country]) -> list[Country]:
    """Sets `n_meetings` (live meetings held there) on each of these countries: one grouped query over their
    meetings only (a page of the countries list: ~13,000 of the 100,000 meetings at N=100). COUNT(*), not of the
    id: PostgreSQL then counts them from the index meeting_country_latest alone (the id is not in it, and reading
    it took a visit of nearly every page of the meetings table); SQLite's indexes hold the id anyway."""
    rows = list(countries)
    counts: dict[str, int] = {}
    if rows:
        meetings = activity().meeting_model._default_manager.filter(country__in=[c.pk for c in rows]).order_by()
        counts = dict(meetings.values("country").annotate(n=Count("*")).values_list("country", "n"))
    for country in rows:
        country.n_meetings = counts.get(country.pk, 0)  # type: ignore[attr-defined]
    return rows
