from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mitra.core"
    label = "core"
    verbose_name = _("Organisation and audit")

    def ready(self) -> None:
        from . import lookups, signals  # noqa: F401  (signals: login, logout and failed-login audit)

        lookups.register()
