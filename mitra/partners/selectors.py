from __future__ import annotations

from django.db.models import Count, IntegerField, Model, QuerySet, Value

from .activity import activity
from .models import Contact, Country, Forum, Institution


def institutions() -> QuerySet[Institution]:
    return Institution.objects.select_related("country")


def forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "organisation")


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("institution", "forum")


def activity_per_country() -> dict[str, tuple[int, int]]:
    """Each country's numbers of partner institutions and of meetings held there, for the countries that have any:
    one query (two grouped counts in a UNION ALL; a correlated count per country read the 100,000 meetings' index
    for each of 249 countries, twice per page)."""
    models: tuple[type[Model], ...] = (Institution, activity().meeting_model)
    tagged = [
        model._default_manager.order_by()
        .annotate(source=Value(index, output_field=IntegerField()))
        .values("country", "source")
        .annotate(n=Count("pk"))
        .values_list("country", "source", "n")
        for index, model in enumerate(models)
    ]
    counts: dict[str, list[int]] = {}
    for country, source, n in tagged[0].union(tagged[1], all=True):
        if country is not None:
            counts.setdefault(country, [0, 0])[source] = n
    return {country: (pair[0], pair[1]) for country, pair in counts.items()}


def countries_with_activity(countries: QuerySet[Country], everyone: bool = False) -> list[Country]:
    """These countries, in name order, each with `n_institutions` and `n_meetings`; only those with either unless
    `everyone` (two queries, whatever the number of meetings)."""
    counts = activity_per_country()
    rows = []
    for country in countries.order_by("name_id"):
        country.n_institutions, country.n_meetings = counts.get(country.pk, (0, 0))  # type: ignore[attr-defined]
        if everyone or country.pk in counts:
            rows.append(country)
    return rows
