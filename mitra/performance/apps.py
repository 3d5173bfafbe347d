from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.performance"
    label = "performance"
    verbose_name = _("Performance accountability")

    def ready(self) -> None:
        from mitra.core import work as core_work

        from . import sources, work

        sources.register_builtin()
        from .attachments import register_attachable

        register_attachable()
        sources.register_registry_indicators()
        core_work.register("performance.quarters", work.quarters_waiting, area="quarters", heading=_("Quarters"))
