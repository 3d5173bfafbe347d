from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.evaluation"
    label = "evaluation"
    verbose_name = _("SAKIP evaluation")

    def ready(self) -> None:
        from mitra.core import work as core_work

        from . import rules, work  # noqa: F401
        from .attachments import register_attachable

        register_attachable()
        core_work.register(
            "evaluation.recommendations",
            work.recommendations_open,
            area="evaluation",
            heading=_("Evaluation recommendations"),
        )
