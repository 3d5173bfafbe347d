"""The LAKIP (Laporan Kinerja) of a year, after the 2017 report's structure, as a report model.

Tables are built from the year's figures (figures.py); narratives come from the year's Narrative records, with
figure references resolved from the same figures, so a number appears once in the data and identically wherever
the report shows it.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mitra.cooperation.indicators import development_breakdown
from mitra.cooperation.models import Scope
from mitra.core import formatting
from mitra.performance.models import ActivityTarget, OutputUnit

from . import action_plans, charts, narrative
from .evaluator import EvaluatorSections
from .figures import YearData, _slug, year_data
from .model import (
    MONEY,
    NUMBER,
    PCT,
    RATIO,
    TEXT,
    Cell,
    Chart,
    Fig,
    Paragraph,
    Report,
    Section,
    Styled,
    Table,
    runs,
)
from .models import Narrative, NarrativeKey
from .progress import BUILDING, READING, Progress, step

BUREAU = "Biro Kerjasama Luar Negeri"
# Table 6 lists every cooperation development of the year up to this many (the 2017 report lists 28); above it the
# table counts them by scope and links the full list (thousands of rows would fill a hundred pages of the PDF).
TABLE_6_FULL_MAX = 60
AGENCY = "Badan Pengawas Obat dan Makanan"


def narratives(year: int) -> dict[str, str]:
    return dict(Narrative.objects.filter(year=year).values_list("key", "text"))


def _f(figs: dict[str, Fig], name: str) -> Cell:
    fig = figs.get(name)
    return Cell(fig, fig.kind) if fig else Cell(None)


def _text(value: object, bold: bool = False, url: str = "") -> Cell:
    return Cell("" if value is None else str(value), bold=bold, url=url)


def _volume(value: Decimal | None, unit: str) -> str:
    return f"{formatting.number(value, 0 if value is None or value == value.to_integral_value() else 2)} {unit}"


class LakipBuilder:
    def __init__(self, data: YearData, texts: dict[str, str], language: str):
        self.d = data
        self.f = data.figures
        self.texts = texts
        self.language = language
        self.table_no = 0
        self.figure_no = 0

    # --- helpers -----------------------------------------------------------------------------------------------

    def prose(self, key: str) -> list[Paragraph]:
        return narrative.parse(self.texts.get(key, ""), self.f)

    def table(
        self,
        key: str,
        caption: str,
        header: list[str],
        rows: list[list[Cell]],
        widths: list[float],
        numbered: bool = True,
    ) -> Table:
        """Tables of chapters II and III are numbered as in the 2017 report (Table 1 Renstra … Table 6)."""
        if not numbered or key.startswith("appendix"):
            return Table(key, caption, header, rows, widths)
        self.table_no += 1
        return Table(
            key, _("Table %(n)s. %(caption)s") % {"n": self.table_no, "caption": caption}, header, rows, widths
        )

    def chart(self, key: str, caption: str, draw, width_cm: float = 16) -> Chart:  # type: ignore[no-untyped-def]
        self.figure_no += 1
        return Chart(key, _("Figure %(n)s. %(caption)s") % {"n": self.figure_no, "caption": caption}, draw, width_cm)

    def fmt_pct(self, value: Decimal) -> str:
        return formatting.percent(value, 2, self.language)

    # --- the report --------------------------------------------------------------------------------------------

    def build(self) -> Report:
        y = self.d.year
        sections = [
            self.foreword(),
            self.summary(),
            self.chapter_one(),
            self.chapter_two(),
            self.chapter_three(),
            self.chapter_four(),
            *self.appendices(),
        ]
        if self.d.cascade is not None:  # the units' action plans, after the analysis of the key indicator
            action_plans.insert_after(sections, "analysis", action_plans.lakip_section(self.d.cascade, self.f))
        EvaluatorSections(self).extend(sections)
        return Report(
            kind="lakip",
            title=_("Performance Report (LAKIP) %(year)s") % {"year": y},
            subtitle=BUREAU,
            year=y,
            language=self.language,
            organisation=AGENCY,
            sections=sections,
            figures=self.f,
            toc_title=_("Table of contents"),
            meta={"narratives": self.texts},
            place="Jakarta",  # the cover's place and year, as under the foreword
            date=str(y + 1),
        )

    def foreword(self) -> Section:
        s = Section("foreword", _("Foreword"), numbered_title=False, page_break=True)
        s.add(*self.prose(NarrativeKey.FOREWORD))
        head = self.d.pk.first_party_name if self.d.pk else ""
        position = self.d.pk.first_party_position if self.d.pk else ""
        s.add(Paragraph([f"Jakarta, {self.d.year + 1}"], "signature"))
        s.add(Paragraph([position], "signature"), Paragraph([Styled(head, bold=True)], "signature"))
        return s

    def summary(self) -> Section:
        s = Section("summary", _("Executive summary"), numbered_title=False, page_break=True)
        s.add(*self.prose(NarrativeKey.SUMMARY))
        f = self.f
        rows = [
            [
                _text(_("Key indicator achievement")),
                _f(f, "indicator.iku.achievement_pct"),
                _f(f, "indicator.iku.category"),
            ],
            [_text(_("Budget absorption")), _f(f, "budget.absorption_pct"), _text("")],
            # The SAKIP achievement's category comes from the band table, as in Table 5; the score's grade (BB) is
            # another quantity, shown in its own row.
            [_text(_("SAKIP achievement")), _f(f, "sakip.achievement_pct"), _f(f, "sakip.category")],
            [_text(_("SAKIP score and grade")), _f(f, "sakip.score"), _f(f, "sakip.grade")],
        ]
        s.add(
            self.table(
                "key-figures",
                _("Key figures of %(year)s") % {"year": self.d.year},
                [_("Figure"), _("Value"), _("Category or grade")],
                rows,
                [3, 1.5, 1.5],
                numbered=False,
            )
        )
        return s

    def chapter_one(self) -> Section:
        s = Section("chapter-1", _("Chapter I. Introduction"), page_break=True)
        s.add(*self.prose(NarrativeKey.INTRODUCTION))
        s.sub("purpose", _("1.1 Purpose and objectives")).add(*self.prose(NarrativeKey.PURPOSE))
        s.sub("duties", _("1.2 Duties and functions")).add(*self.prose(NarrativeKey.DUTIES))
        staff = s.sub("staff", _("1.3 Staff profile"))
        staff.add(*self.prose(NarrativeKey.STAFF))
        profile = self.d.staff
        rows: list[list[Cell]] = []
        for key in ("education", "age", "grade", "position"):
            b = profile.breakdowns[key]
            for value, label, _count in b.rows:
                name = f"staff.{key}.{_slug(value or 'none').replace('+', 'plus').replace('<', 'under')}"
                rows.append([_text(b.title), _text(label), _f(self.f, name)])
        rows.append([_text(_("Total"), bold=True), _text(""), _f(self.f, "staff.total")])
        staff.add(
            self.table(
                "staff",
                _("Staff by education, age, grade and position"),
                [_("By"), _("Group"), _("People")],
                rows,
                [2, 3, 1],
                numbered=False,
            )
        )
        panels = [(b.title, [(label, count) for _v, label, count in b.rows]) for b in profile.breakdowns.values()]
        staff.add(
            self.chart("staff-chart", _("Staff by education, age, grade and position"), charts.breakdown_chart(panels))
        )
        s.sub("potential", _("1.4 Potential and problems")).add(*self.prose(NarrativeKey.POTENTIAL))
        return s

    def chapter_two(self) -> Section:
        s = Section("chapter-2", _("Chapter II. Performance planning"), page_break=True)
        renstra = s.sub("renstra", _("Strategic plan"))
        renstra.add(*self.prose(NarrativeKey.PLANNING))
        renstra.add(self.renstra_table("table-1"))
        pk = s.sub("pk", _("Performance agreement"))
        pk.add(*self.prose(NarrativeKey.AGREEMENT))
        rows = []
        if self.d.pk:
            for line in self.d.pk.lines.all():
                st = line.indicator.strategic_target or line.indicator.activity_target
                rows.append(
                    [
                        _text(st.text if st else ""),
                        _text(line.indicator.name),
                        Cell(
                            Fig(
                                f"pk.{_slug(line.indicator.code)}.target_label",
                                line.target_label or formatting.number(line.target),
                                TEXT,
                            )
                        ),
                        _f(self.f, "pk.budget") if line.budget else _text(""),
                    ]
                )
        pk.add(
            self.table(
                "table-2",
                _("Performance agreement %(year)s") % {"year": self.d.year},
                [_("Strategic / activity target"), _("Key performance indicator"), _("Target"), _("Budget")],
                rows,
                [3, 3, 1.5, 1.8],
            )
        )
        pk.add(self.programme_table())
        return s

    def renstra_table(self, key: str) -> Table:
        detail = self.d.plan_detail or {"indicators": [], "funding": {}, "targets": []}
        plan = self.d.plan
        years = list(range(plan.start_year, plan.end_year + 1)) if plan else []
        rows = []
        for indicator, targets in detail["indicators"]:
            st = indicator.strategic_target
            code = _slug(indicator.code)
            # The report year's column is the indicator's target figure (Tables 2, 3 and 5 print the same one).
            rows.append(
                [_text(st.text if st else ""), _text(indicator.name)]
                + [
                    _f(self.f, f"indicator.{code}.target")
                    if y == self.d.year and f"indicator.{code}.target" in self.f
                    else Cell(Fig(f"renstra.{code}.target_{y}", targets[y].target if y in targets else None, NUMBER))
                    for y in years
                ]
            )
        rows.append(
            [_text(_("Funding framework (Rp)"), bold=True), _text("")]
            + [Cell(self.f[f"renstra.funding_{y}"]) if f"renstra.funding_{y}" in self.f else Cell(None) for y in years]
        )
        return self.table(
            key,
            _("Performance targets %(period)s") % {"period": self.f.get("renstra.period", Fig("", "")).value},
            [_("Strategic target"), _("Indicator"), *[str(y) for y in years]],
            rows,
            [3, 3, *[1.4] * len(years)],
        )

    def programme_table(self) -> Table:
        results = {r.indicator.pk: r for r in self.d.measurement.indicators}
        rows: list[list[Cell]] = []
        targets = ActivityTarget.objects.filter(year=self.d.year).prefetch_related("indicators").order_by("order")
        for at in targets:
            inds = [i for i in at.indicators.all() if i.pk in results]
            first = True
            for i in sorted(inds, key=lambda i: (i.order, i.code)):
                rows.append(
                    [
                        _text(at.text if first else ""),
                        _text(i.name),
                        _f(self.f, f"indicator.{_slug(i.code)}.target_label")
                        if f"indicator.{_slug(i.code)}.target_label" in self.f
                        else _f(self.f, f"indicator.{_slug(i.code)}.target"),
                        _text("\n".join(at.programme_list) if first else ""),
                    ]
                )
                first = False
        return self.table(
            "table-3",
            _("Programme of activities %(year)s") % {"year": self.d.year},
            [_("Activity target"), _("Indicator"), _("Target"), _("Programmes / activities")],
            rows,
            [3, 3, 1.5, 3.5],
        )

    def chapter_three(self) -> Section:
        s = Section("chapter-3", _("Chapter III. Performance accountability"), page_break=True)
        a = s.sub("achievement", _("A. Organisational performance"))
        a.add(*self.prose(NarrativeKey.ACHIEVEMENT))
        bands = sorted(self.d.measurement.settings.bands, key=lambda b: b.min_pct, reverse=True)
        a.add(
            self.table(
                "table-4",
                _("Achievement categories"),
                [_("Achievement from"), _("Category")],
                [[Cell(b.min_pct, PCT), _text(b.label)] for b in bands],
                [2, 3],
            )
        )
        rows = []
        for r in self.d.measurement.indicators:
            code = _slug(r.indicator.code)
            at = r.indicator.strategic_target or r.indicator.activity_target
            url = reverse("performance:indicator", args=[self.d.year, r.indicator.pk])
            rows.append(
                [
                    _text(at.text if at else ""),
                    _text(r.indicator.name, url=url),
                    _f(self.f, f"indicator.{code}.target"),
                    _f(self.f, f"indicator.{code}.realized"),
                    _f(self.f, f"indicator.{code}.achievement_pct"),
                    _f(self.f, f"indicator.{code}.category"),
                ]
            )
        if "sakip.score" not in self.d.quantities.values():  # no indicator measures the SAKIP score: its own row
            rows.append(
                [
                    _text(""),
                    _text(_("SAKIP score")),
                    _f(self.f, "sakip.target"),
                    _f(self.f, "sakip.score"),
                    _f(self.f, "sakip.achievement_pct"),
                    _f(self.f, "sakip.category"),
                ]
            )
        a.add(
            self.table(
                "table-5",
                _("Performance achievement %(year)s") % {"year": self.d.year},
                [
                    _("Strategic / activity target"),
                    _("Indicator"),
                    _("Target"),
                    _("Realisation"),
                    _("Achievement"),
                    _("Category"),
                ],
                rows,
                [3, 3, 1.2, 1.2, 1.3, 1.3],
            )
        )
        analysis = s.sub("analysis", _("Analysis of the key indicator"))
        analysis.add(*self.prose(NarrativeKey.ANALYSIS))
        analysis.add(*self.developments_table())
        activities = s.sub("activities", _("Activities"))
        activities.add(*self.prose(NarrativeKey.ACTIVITIES))
        activities.add(*self.reconciliations())
        eff = s.sub("efficiency", _("Efficiency"))
        eff.add(*self.prose(NarrativeKey.EFFICIENCY))
        rows = []
        for fig in self.d.measurement.subs:
            n = fig.sub.number
            rows.append(
                [
                    Cell(n, NUMBER),
                    _text(fig.sub.name, url=reverse("performance:sub-activity", args=[fig.sub.pk])),
                    _f(self.f, f"sub.{n}.input_pct"),
                    _f(self.f, f"sub.{n}.output_pct"),
                    _f(self.f, f"sub.{n}.efficiency_index"),
                    _f(self.f, f"sub.{n}.efficiency_level"),
                    _text(_("efficient") if fig.efficient else _("not efficient") if fig.efficient is False else "–"),
                ]
            )
        eff.add(
            self.table(
                "table-7",
                _("Efficiency per sub-activity"),
                ["No", _("Sub-activity"), _("Input %"), _("Output %"), "IE", "TE", _("Assessment")],
                rows,
                [0.6, 5, 1.2, 1.2, 1, 1, 1.5],
            )
        )
        b = s.sub("budget", _("B. Budget realisation"))
        b.add(*self.prose(NarrativeKey.BUDGET))
        rows = [
            [
                _text(f"{o.output.code}. {o.output.name}"),
                _f(self.f, f"output.{o.output.code}.ceiling"),
                _f(self.f, f"output.{o.output.code}.realized"),
                _f(self.f, f"output.{o.output.code}.absorption_pct"),
            ]
            for o in self.d.measurement.outputs
        ]
        rows.append(
            [
                _text(_("Total"), bold=True),
                _f(self.f, "budget.ceiling"),
                _f(self.f, "budget.realized"),
                _f(self.f, "budget.absorption_pct"),
            ]
        )
        b.add(
            self.table(
                "table-8",
                _("Budget realisation per output"),
                [_("Output"), _("Ceiling"), _("Realised"), _("Absorption")],
                rows,
                [5, 2, 2, 1.3],
            )
        )
        rows = [
            [
                _text(_("Quarter %(q)s") % {"q": q["quarter"]}),
                _f(self.f, f"q{q['quarter']}.physical_plan_pct"),
                _f(self.f, f"q{q['quarter']}.physical_pct"),
                _f(self.f, f"q{q['quarter']}.financial_plan_pct"),
                _f(self.f, f"q{q['quarter']}.financial_pct"),
            ]
            for q in self.d.quarters
        ]
        b.add(
            self.table(
                "table-9",
                _("Physical and financial realisation per quarter (cumulative)"),
                [_("Quarter"), _("Physical plan"), _("Physical"), _("Financial plan"), _("Financial")],
                rows,
                [2, 1.5, 1.5, 1.5, 1.5],
            )
        )
        labels = {"quarter": _("Q%(q)s"), "plan": _("Plan"), "realised": _("Realisation"), "fmt": self.fmt_pct}
        b.add(
            self.chart(
                "physical-chart",
                _("Physical realisation per quarter (cumulative)"),
                charts.quarter_chart(self.d.quarters, labels, "physical"),
                14,
            )
        )
        b.add(
            self.chart(
                "financial-chart",
                _("Financial realisation per quarter (cumulative)"),
                charts.quarter_chart(self.d.quarters, labels, "financial"),
                14,
            )
        )
        c = s.sub("comparison", _("C. Comparison with earlier years"))
        c.add(*self.prose(NarrativeKey.COMPARISON))
        history = [h for h in self.d.measurement.settings.history if h.year <= self.d.year]
        rows = []
        series = []
        for h in history:
            absorption = (
                self.f["budget.absorption_pct"]
                if h.year == self.d.year
                else Fig(f"history.{h.year}.absorption_pct", h.reported_absorption_pct, PCT)
            )
            score = self.f.get(f"sakip.score_{h.year}", Fig("", h.sakip_score, NUMBER))
            grade = (
                self.f["sakip.grade"]
                if h.year == self.d.year
                else Fig(f"history.{h.year}.grade", _grade(h.sakip_score), "text")
            )
            rows.append([_text(str(h.year)), Cell(score), Cell(grade), Cell(absorption)])
            series.append((str(h.year), h.sakip_score, absorption.value))
        c.add(
            self.table(
                "table-10",
                _("Comparison with earlier years"),
                [_("Year"), _("SAKIP score"), _("Grade"), _("Budget absorption")],
                rows,
                [1, 1.5, 1, 1.5],
            )
        )
        c.add(
            self.chart(
                "history-chart",
                _("SAKIP score and budget absorption by year"),
                charts.history_chart(
                    series,
                    {"score": _("SAKIP score"), "absorption": _("Budget absorption (%)"), "fmt": self.fmt_number},
                ),
                14,
            )
        )
        return s

    def reconciliations(self) -> list[Paragraph]:
        """Where the sub-activities' reported output and the registry's records of the same kind differ, the report
        says so, with both figures and the difference (the consistency check requires it)."""
        out = []
        for r in self.d.reconciliations:
            if r.difference == 0:
                continue
            numbers = [str(n) for n in r.subs]
            subs = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} {_('and')} {numbers[-1]}"
            if len(numbers) == 1:
                reported = _("Sub-activity %(subs)s reports %(reported)s %(what)s in its quarterly realisation; ")
            else:
                reported = _("Sub-activities %(subs)s report %(reported)s %(what)s in their quarterly realisation; ")
            template = reported + (
                _(
                    "the registry holds %(recorded)s %(what)s dated %(year)s, which the performance indicators "
                    "count. The difference, %(difference)s, is output reported without a record in the registry."
                )
                if r.difference > 0
                else _(
                    "the registry holds %(recorded)s %(what)s dated %(year)s, which the performance indicators "
                    "count. The realisation leaves out %(difference)s of the registry's records."
                )
            )
            p = f"records.{r.key}"
            out.append(
                Paragraph(
                    runs(
                        template,
                        subs=subs,
                        what=str(r.label),
                        year=self.f["year"],
                        reported=self.f[f"{p}.reported"],
                        recorded=self.f[f"{p}.recorded"],
                        difference=self.f[f"{p}.difference"],
                    )
                )
            )
        return out

    def fmt_number(self, value: Decimal) -> str:
        return formatting.number(value, 2, self.language)

    def chapter_four(self) -> Section:
        s = Section("chapter-4", _("Chapter IV. Closing"), page_break=True)
        s.sub("conclusions", _("IV.1 Conclusions")).add(*self.prose(NarrativeKey.CONCLUSIONS))
        s.sub("next-steps", _("IV.2 Next steps")).add(*self.prose(NarrativeKey.NEXT_STEPS))
        return s

    def developments_table(self) -> list[Table | Paragraph]:
        """Table 6: every cooperation development of the year with its marks, as in the 2017 report (28 rows);
        when the year has more than TABLE_6_FULL_MAX, a summary by scope instead, with the full list linked (the
        key indicator's page in the registry lists them all, a page at a time)."""
        dev = self.d.developments
        caption = _("Cooperation developments %(year)s") % {"year": self.d.year}
        total = [
            _f(self.f, "developments.with_position"),
            _f(self.f, "developments.with_participation"),
        ]
        if dev.count > TABLE_6_FULL_MAX:
            return self.developments_summary(caption, total)
        yes = "✓"
        rows = [
            [
                Cell(i, NUMBER),
                _text(str(row.record), url=row.record.get_absolute_url()),
                _text(yes if row.marks.get("position") else ""),
                _text(yes if row.marks.get("participation") else ""),
            ]
            for i, row in enumerate(dev.rows, 1)
        ]
        rows.append([_text(""), _text(_("Total"), bold=True), *total])
        return [
            self.table(
                "table-6",
                caption,
                ["No", _("Cooperation"), _("Position paper"), _("Active participation")],
                rows,
                [0.6, 6, 1.5, 1.5],
            )
        ]

    def developments_summary(self, caption: str, total: list[Cell]) -> list[Table | Paragraph]:
        scopes = dict(Scope.choices)
        count = self.f["developments.count"]
        rows = [
            [_text(scopes.get(scope, scope)), Cell(n, NUMBER), Cell(position, NUMBER), Cell(participation, NUMBER)]
            for scope, n, position, participation in development_breakdown(self.d.year, self.d.development_tally)
        ]
        rows.append([_text(_("Total"), bold=True, url=count.url), _f(self.f, "developments.count"), *total])
        return [
            self.table(
                "table-6",
                caption,
                [_("Scope"), _("Cooperations"), _("Position paper"), _("Active participation")],
                rows,
                [4, 1.8, 1.8, 1.8],
            ),
            Paragraph(
                runs(
                    _(
                        "The year has %(n)s cooperation developments, too many to list here: the table counts them "
                        "by scope. The full list, with the position papers and meetings of each, is the key "
                        "indicator's page in Mitra (%(path)s)."
                    ),
                    n=count,
                    path=count.url,
                )
            ),
        ]

    def appendices(self) -> list[Section]:
        y = self.d.year
        a1 = Section(
            "appendix-1",
            _("Appendix 1. Strategic plan %(period)s") % {"period": self.f.get("renstra.period", Fig("", "")).value},
            numbered_title=False,
            page_break=True,
        )
        a1.add(self.renstra_table("appendix-1"))
        iku = [r for r in self.d.measurement.indicators if r.indicator.code == "iku"]
        iku_name = iku[0].indicator.name if iku else ""
        st = iku[0].indicator.strategic_target.text if iku and iku[0].indicator.strategic_target else ""
        a2 = Section(
            "appendix-2",
            _("Appendix 2. Annual performance plan %(year)s") % {"year": y},
            numbered_title=False,
            page_break=True,
        )
        a2.add(
            self.table(
                "appendix-2",
                _("Annual performance plan (RKT) %(year)s") % {"year": y},
                [_("Strategic target"), _("Indicator"), _("Target")],
                [[_text(st), _text(iku_name), _f(self.f, "indicator.iku.target")]],
                [4, 4, 1.2],
            )
        )
        a2.add(Paragraph([_("Budget of the activity: "), self.f["budget.ceiling"]]))
        a3 = Section(
            "appendix-3",
            _("Appendix 3. Performance agreement %(year)s") % {"year": y},
            numbered_title=False,
            page_break=True,
        )
        a3.add(
            self.table(
                "appendix-3",
                _("Performance agreement (PK) %(year)s") % {"year": y},
                [_("Strategic target"), _("Indicator"), _("Target")],
                [[_text(st), _text(iku_name), _f(self.f, "indicator.iku.target")]],
                [4, 4, 1.2],
            )
        )
        a3.add(Paragraph([_("Budget: "), self.f["budget.ceiling"]]))
        if self.d.pk:
            a3.add(
                Paragraph(
                    [
                        _("Superior: %(name)s, %(position)s")
                        % {"name": self.d.pk.second_party_name, "position": self.d.pk.second_party_position}
                    ]
                )
            )
            a3.add(
                Paragraph(
                    [
                        _("Head of unit: %(name)s, %(position)s")
                        % {"name": self.d.pk.first_party_name, "position": self.d.pk.first_party_position}
                    ]
                )
            )
        a4 = Section(
            "appendix-4",
            _("Appendix 4. Performance measurement %(year)s") % {"year": y},
            numbered_title=False,
            page_break=True,
        )
        a4.add(
            self.table(
                "appendix-4-iku",
                _("Performance measurement %(year)s") % {"year": y},
                [_("Strategic target"), _("Indicator"), _("Target"), _("Realisation"), "%"],
                [
                    [
                        _text(st),
                        _text(iku_name),
                        _f(self.f, "indicator.iku.target"),
                        _f(self.f, "indicator.iku.realized"),
                        _f(self.f, "indicator.iku.achievement_pct"),
                    ]
                ],
                [3, 3, 1, 1, 1],
            )
        )
        a4.add(Paragraph([_("Budget of the activity: "), self.f["budget.ceiling"]]))
        a4.add(Paragraph([_("Budget absorbed: "), self.f["budget.realized"]]))
        rows: list[list[Cell]] = []
        first = self.d.measurement.outputs[0].output.activity if self.d.measurement.outputs else None
        rows.append(
            [
                _text(""),
                _text(first.name if first else "", bold=True),
                _text(""),
                _f(self.f, "budget.ceiling"),
                _f(self.f, "budget.realized"),
                _f(self.f, "budget.absorption_pct"),
            ]
        )
        units = dict(OutputUnit.choices)
        for o in self.d.measurement.outputs:
            code = o.output.code
            rows.append(
                [
                    _text(""),
                    _text(f"{code}. {o.output.name}", bold=True),
                    _text(""),
                    _f(self.f, f"output.{code}.ceiling"),
                    _f(self.f, f"output.{code}.realized"),
                    _f(self.f, f"output.{code}.absorption_pct"),
                ]
            )
            for sf in o.subs:
                n = sf.sub.number
                unit = str(units.get(sf.sub.output_unit, sf.sub.output_unit))
                rows.append(
                    [
                        Cell(n, NUMBER),
                        _text(sf.sub.name),
                        _text(_("Input: budget")),
                        _f(self.f, f"sub.{n}.ceiling"),
                        _f(self.f, f"sub.{n}.realized"),
                        _f(self.f, f"sub.{n}.input_pct"),
                    ]
                )
                rows.append(
                    [
                        _text(""),
                        _text(""),
                        _text(_("Output (%(unit)s): %(d)s") % {"unit": unit, "d": sf.sub.output_description}),
                        _f(self.f, f"sub.{n}.output_target"),
                        _f(self.f, f"sub.{n}.output_realized"),
                        _f(self.f, f"sub.{n}.output_pct"),
                    ]
                )
        a4.add(
            self.table(
                "appendix-4",
                _("Performance measurement of activities %(year)s") % {"year": y},
                ["No", _("Programme / activity / sub-activity"), _("Indicator"), _("Target"), _("Realisation"), "%"],
                rows,
                [0.6, 4, 3.2, 2, 2, 1.1],
            )
        )
        return [a1, a2, a3, a4]


def _grade(score: Decimal | None) -> str | None:
    from mitra.performance import metrics

    return metrics.sakip_grade(score)


def build_lakip(
    year: int, language: str = "id", data: YearData | None = None, progress: Progress | None = None
) -> Report:
    with translation.override(language):
        if data is None:
            step(progress, READING)
            data = year_data(year)
        step(progress, BUILDING)
        return LakipBuilder(data, narratives(year), language).build()


__all__ = ["MONEY", "RATIO", "build_lakip", "narratives"]
