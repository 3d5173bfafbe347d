from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "mitra.reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mitra.performance import selectors as perf
        from mitra.tasks import schedule

        from . import issuing, jobs, tasks

        perf.register_issued_lookup(issuing.issued_measurement)

        jobs.use_task(tasks.make_report)
        schedule.register("prune-reports", "mitra.reports.tasks.prune_reports", daily=True)
