from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The registry's own declarations for the apps that came before search; later apps call
        # mitra.search.registry.register() from their ready(). Signals find the kind by model at save time.
        from . import declarations, signals

        declarations.declare()
        signals.connect()

        from mitra.tasks import schedule

        schedule.register("search-rebuild", "mitra.search.tasks.rebuild_index", daily=False)
        signals.connect_migrate(self)
