"""The search index's task: rebuild it from scratch in the background (the same as `mitra search rebuild`), e.g.
after bulk work: `mitra enqueue search-rebuild`."""

from __future__ import annotations

from django_tasks import task

from mitra.search import services


@task()
def rebuild_index() -> dict[str, int]:
    """Index every live record and attached file again. Returns the counts by kind."""
    return services.rebuild()
