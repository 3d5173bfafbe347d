from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "mitra.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation registry")

    def ready(self) -> None:
        # The partner pages show the registry's records of a partner; partners is below the registry, so we tell it.
        from mitra.partners.activity import Activity, provide

        from . import selectors
        from .models import Meeting

        provide(
            Activity(
                institution_profile=selectors.institution_profile,
                forum_profile=selectors.forum_profile,
                country_profile=selectors.country_profile,
                meetings_in=selectors.meetings_in,
                meeting_model=Meeting,
            )
        )

        # Registry records take attachments: read by every signed-in user, changed by the responsible unit.
        from mitra.documents.access import Attachable, register

        for name in (
            "cooperation",
            "agreement",
            "agreementstep",
            "deliverable",
            "positionpaper",
            "study",
            "meeting",
            "delegationmember",
            "followup",
            "outreachevent",
            "publication",
            "agendaitem",
        ):
            register(f"cooperation.{name}", Attachable("cooperation.edit_record"))

        from mitra.core import work as core_work

        from . import work

        core_work.register("cooperation.follow_ups", work.follow_ups_due, area="follow_ups", heading=_("Follow-ups"))
        core_work.register("cooperation.agreements", work.agreements_ending, area="agreements", heading=_("Agreements"))
        core_work.register(
            "cooperation.deliverables", work.deliverables_due, area="deliverables", heading=_("Deliverables")
        )
        core_work.register("cooperation.reminders", work.reminders, area="reminders", heading=_("Reminders"))
        core_work.register(
            "cooperation.assignments", work.assignments_open, area="assignments", heading=_("Agenda items to answer")
        )
        core_work.register(
            "cooperation.meeting_reports",
            work.meeting_reports_due,
            area="meeting_reports",
            heading=_("Meeting reports"),
        )

        # Record forms type cooperations, agreements, position papers, studies and meetings with suggestions (a
        # bounded datalist) instead of a select of every row: these tables grow with every year of history.
        from mitra.core import formatting
        from mitra.core.suggest import Suggestable
        from mitra.core.suggest import register as register_typed

        from .models import Agreement, Cooperation, PositionPaper, Study

        register_typed(Suggestable("cooperation", Cooperation, ("title", "title_en"), ("title",)))
        register_typed(
            Suggestable(
                "agreement",
                Agreement,
                ("title", "title_en", "number"),
                ("-date_signed",),
                describe=lambda a: f"{a.title} — {a.number}" if a.number else a.title,
            )
        )
        register_typed(
            Suggestable(
                "positionpaper",
                PositionPaper,
                ("title",),
                ("-year", "title"),
                describe=lambda p: f"{p.title} ({p.year})",
            )
        )
        register_typed(Suggestable("study", Study, ("title", "topic"), ("-year", "title")))
        register_typed(
            Suggestable(
                "meeting",
                Meeting,
                ("title", "city", "forum__acronym"),
                ("-start_date",),
                describe=lambda m: f"{m.title} — {formatting.date(m.start_date)}{', ' + m.city if m.city else ''}",
            )
        )

        from mitra.tasks import schedule

        schedule.register("reminders", "mitra.cooperation.tasks.send_reminders", daily=True)
