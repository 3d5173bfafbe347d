"""Accessibility and small screens: axe-core finds no serious or critical violation on the main pages, no page
scrolls sideways on a 390 px phone (wide tables scroll inside their own box), and the top menu fits one row at
1366 px."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize

from e2e.conftest import log_in

AXE = Axe()
# axe-core's own scale: minor < moderate < serious < critical. The pages must have none of the last two.
BLOCKING = {"serious", "critical"}
# Rated minor by axe, but a screen reader announces an empty column header as nothing at all.
ALSO_BLOCKING = {"empty-table-header"}
PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}


def main_pages() -> list[str]:
    """The pages a working day goes through: home, every registry list and one record of each kind, a country
    profile, the performance year, quarter and measurement pages, reports, travel, search and the organisation."""
    from mitra.cooperation.models import (
        Agreement,
        Cooperation,
        FollowUp,
        Meeting,
        OutreachEvent,
        PositionPaper,
        Publication,
        Study,
    )
    from mitra.partners.models import Contact, Forum, Institution
    from mitra.performance.models import QuarterEntry, QuarterReport
    from mitra.travel.models import TravelRequest, TravelStep

    pages = ["/", "/organisasi/", "/organisasi/pegawai/", "/mitra/negara/", "/mitra/negara/JP/"]
    registry = [
        ("/mitra/instansi/", Institution),
        ("/mitra/forum/", Forum),
        ("/mitra/kontak/", Contact),
        ("/kerjasama/daftar/", Cooperation),
        ("/kerjasama/perjanjian/", Agreement),
        ("/kerjasama/posisi/", PositionPaper),
        ("/kerjasama/kajian/", Study),
        ("/kerjasama/pertemuan/", Meeting),
        ("/kerjasama/tindak-lanjut/", FollowUp),
        ("/kerjasama/sosialisasi/", OutreachEvent),
        ("/kerjasama/publikasi/", Publication),
    ]
    for prefix, model in registry:
        record = model.objects.order_by("pk").first()
        pages += [prefix, f"{prefix}baru/"] + ([f"{prefix}{record.pk}/"] if record else [])
    pages += ["/kerjasama/", "/kerjasama/indikator/"]
    drafts = QuarterReport.objects.select_related("unit").filter(year=2017, quarter=4, status="draft")
    report = drafts.order_by("pk").first()
    entry = QuarterEntry.objects.filter(quarter=4).order_by("-pk").first()
    pages += [
        "/kinerja/",
        "/kinerja/2017/",
        "/kinerja/2017/pengukuran/",
        "/kinerja/2017/monitoring/",
        "/kinerja/2017/triwulan/",
    ]
    if report:
        pages.append(f"/kinerja/2017/triwulan/4/{report.unit.code}/")
    if entry:
        pages.append(f"/kinerja/entri/{entry.pk}/ubah/")
    pages += ["/laporan/", "/laporan/2017/", "/laporan/2017/lakip/"]
    trip = TravelRequest.objects.filter(steps__isnull=False).order_by("pk").first()
    step = TravelStep.objects.order_by("pk").first()
    pages += ["/perjalanan/", "/perjalanan/baru/", "/perjalanan/kalender/", "/perjalanan/tepat-waktu/2017/"]
    if trip:
        pages.append(f"/perjalanan/{trip.pk}/")
    if step:
        pages.append(f"/perjalanan/langkah/{step.pk}/")
    pages += ["/cari/?q=kerjasama", "/cari/?q=Jepang"]
    pages += later_pages()
    return pages


def later_pages() -> list[str]:
    """The pages added since: forum preparation, the performance tree and unit PKs, the SAKIP evaluation (worksheet,
    evaluator's report, unit scorecards)."""
    from django.urls import reverse

    from mitra.cooperation.models import AgendaItem
    from mitra.evaluation.models import Recommendation, Scorecard
    from mitra.performance.models import ActionPlan, UnitAgreement

    pages = [
        reverse("cooperation:agendaitem-list"),
        "/kinerja/2017/kaskade/",
        "/evaluasi/2017/",
        "/evaluasi/lhe/2017/",
        "/evaluasi/kartu-kinerja/",
    ]
    item = AgendaItem.objects.order_by("pk").first()
    agreement = UnitAgreement.objects.order_by("pk").first()
    plan = ActionPlan.objects.select_related("unit_indicator").order_by("pk").first()
    recommendation = Recommendation.objects.order_by("pk").first()
    scorecard = Scorecard.objects.select_related("unit").order_by("pk").first()
    if item:
        pages.append(item.get_absolute_url())
    if agreement:
        pages.append(reverse("performance:agreement", args=[agreement.pk]))
    if plan:
        pages.append(reverse("performance:unit-plan", args=[2017, plan.unit_indicator_id]))
    if recommendation:
        pages.append(reverse("evaluation:recommendation", args=[recommendation.pk]))
    if scorecard:
        pages.append(reverse("evaluation:scorecard", args=[scorecard.year, scorecard.unit.code]))
    return pages


def serious_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) x{len(v['nodes'])}: "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING
    ]


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_main_pages_have_no_serious_axe_violation_and_fit_a_phone(browser: Browser, site: str) -> None:
    paths = main_pages()
    assert len(paths) > 40
    problems: list[str] = []
    for viewport in (LAPTOP, PHONE):
        context = browser.new_context(locale="id-ID", viewport=viewport)
        context.set_default_timeout(20_000)
        page = context.new_page()
        log_in(page, site, "admin")
        for path in paths:
            response = page.goto(site + path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            if viewport is LAPTOP:
                problems += serious_violations(page)
            else:
                width = page_width(page)
                if width > PHONE["width"]:
                    problems.append(f"{path}: {width} px wide at {PHONE['width']} px")
        context.close()
    assert not problems, "\n".join(problems)


def test_phone_pages_of_a_requester_pass_axe(browser: Browser, site: str) -> None:
    # Another role, another menu, and the collapsed navigation of a phone.
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    page = context.new_page()
    log_in(page, site, "staf.bilateral")
    problems: list[str] = []
    for path in ["/", "/kinerja/2017/pengukuran/", "/perjalanan/", "/kerjasama/daftar/", "/laporan/2017/"]:
        page.goto(site + path)
        problems += serious_violations(page)
    context.close()
    assert not problems, "\n".join(problems)


def test_the_menu_fits_one_row_at_1366(browser: Browser, site: str) -> None:
    context = browser.new_context(locale="id-ID", viewport=LAPTOP)
    page = context.new_page()
    for username in ("admin", "kepala.biro", "staf.bilateral"):
        log_in(page, site, username)
        height = page.locator("nav.mitra-navbar").evaluate("el => el.getBoundingClientRect().height")
        # One row of links is about 56 px high; two rows are over 90.
        assert height < 70, f"{username}: the menu is {height} px high at 1366 px"
        page.locator("#user-menu").click()
        page.get_by_test_id("logout").click()
    context.close()
