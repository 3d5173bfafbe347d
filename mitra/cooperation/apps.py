from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "mitra.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation registry")

    def ready(self) -> None:
        # Offer the registry's figures to the performance app as indicator sources (computed, never typed).
        from mitra.performance import sources

        from .indicators import INDICATORS, LABELS, source

        for key in INDICATORS:
            sources.register(key, LABELS[key], source(key))
