from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mitra.evaluation"
    label = "evaluation"
    verbose_name = _("SAKIP evaluation")

    def ready(self) -> None:
        from . import rules  # noqa: F401
