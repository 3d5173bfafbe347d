from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Contact, Country, Forum, Institution


def institutions() -> QuerySet[Institution]:
    return Institution.objects.select_related("country")


def forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "organisation")


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("institution", "forum")


def countries_with_activity() -> QuerySet[Country]:
    """Countries with their numbers of partner institutions and meetings held there."""
    return Country.objects.annotate(
        n_institutions=Count("institutions", filter=Q(institutions__deleted_at__isnull=True), distinct=True),
        n_meetings=Count("meetings", filter=Q(meetings__deleted_at__isnull=True), distinct=True),
    )
