from __future__ import annotations

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .activity import activity
from .models import Contact, Country, Forum, Institution


def institutions() -> QuerySet[Institution]:
    return Institution.objects.select_related("country")


def forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "organisation")


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("institution", "forum")


def _count_per_country(model: type[Model]) -> Subquery:
    rows = model._default_manager.filter(country=OuterRef("pk")).order_by().values("country")
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def countries_with_activity() -> QuerySet[Country]:
    """Countries with their numbers of partner institutions and meetings held there (one subquery each, so the
    two counts never multiply each other)."""
    return Country.objects.annotate(
        n_institutions=Coalesce(_count_per_country(Institution), 0),
        n_meetings=Coalesce(_count_per_country(activity().meeting_model), 0),
    )
