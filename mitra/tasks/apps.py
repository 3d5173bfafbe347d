from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (settings.CACHES) is made by every `mitra migrate`: no separate step to forget.

    `createcachetable` leaves a table that already exists alone, and does nothing when no cache is a DatabaseCache
    (CACHE_URL names Redis)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.tasks"
    label = "tasks"
    verbose_name = _("Background work")

    def ready(self) -> None:
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="mitra.tasks.create_cache_tables")
        from . import schedule

        schedule.register("prune-queue", "mitra.tasks.tasks.prune_queue", daily=True)
