from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "mitra.partners"
    label = "partners"
    verbose_name = _("Partners and forums")

    def ready(self) -> None:
        # Record forms type institutions, forums and contacts with suggestions instead of a select of every row.
        from mitra.core.suggest import Suggestable, register

        from .models import Contact, Forum, Institution

        register(Suggestable("institution", Institution, ("name", "name_id", "acronym"), ("name",)))
        register(Suggestable("forum", Forum, ("acronym", "name"), ("acronym", "name"), describe=lambda f: f.full_name))
        register(
            Suggestable(
                "contact",
                Contact,
                ("name", "institution__acronym", "institution__name"),
                ("name",),
                describe=lambda c: f"{c.name} — {c.institution}" if c.institution_id else c.name,
                related=("institution",),
            )
        )
