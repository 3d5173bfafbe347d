"""The demo attaches papers of its own (the directorate's travel request): tests look at the files they added."""

from __future__ import annotations

import pytest
from django.db.models import Max, QuerySet

from mitra.documents.models import Document

_baseline: dict[str, int] = {"pk": 0}


@pytest.fixture(autouse=True)
def _documents_before(request):  # type: ignore[no-untyped-def]
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        yield
        return
    _baseline["pk"] = Document.all_objects.aggregate(m=Max("pk"))["m"] or 0
    yield


def added(*, include_deleted: bool = True) -> QuerySet[Document]:
    """The documents attached since the test began (deleted ones too, unless `include_deleted` is off)."""
    manager = Document.all_objects if include_deleted else Document.objects
    return manager.filter(pk__gt=_baseline["pk"])
