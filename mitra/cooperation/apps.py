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

        from mitra.core import work as core_work

        from . import work

        core_work.register("cooperation.follow_ups", work.follow_ups_due, area="follow_ups", heading=_("Follow-ups"))
        core_work.register("cooperation.agreements", work.agreements_ending, area="agreements", heading=_("Agreements"))
        core_work.register("cooperation.reminders", work.reminders, area="reminders", heading=_("Reminders"))
