from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "mitra.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mitra.tasks import schedule

        from . import rules  # noqa: F401

        schedule.register("prune-uploads", "mitra.exchange.tasks.prune_uploads", daily=True)
