"""The 2017 LAKIP from the demo data, opened back from every format and checked against appendix 4."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from mitra.reports import consistency, generate, narrative
from mitra.reports.figures import year_data
from mitra.reports.lakip import LakipBuilder, build_lakip, narratives
from mitra.reports.model import Fig
from mitra.reports.models import Narrative
from mitra.reports.services import narrative_save, narratives_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def measurement(demo):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("measurement", "--year", "2017", stdout=out)
    return json.loads(out.getvalue())


def _rp(n: int) -> str:
    return "Rp " + f"{n:,}".replace(",", ".")


def _pct(s: str) -> str:
    return s.replace(".", ",") + " %"


@pytest.fixture
def report(demo):  # type: ignore[no-untyped-def]
    return build_lakip(2017, "id")


def test_every_table_of_the_original_is_there(report):
    keys = {t.key for t in report.tables()}
    assert {
        "table-1",
        "table-2",
        "table-3",
        "table-5",
        "table-6",
        "appendix-1",
        "appendix-2",
        "appendix-3",
        "appendix-4",
    } <= keys
    captions = {t.key: t.caption for t in report.tables()}
    for n in (1, 2, 3, 5, 6):
        assert captions[f"table-{n}"].startswith(f"Table {n}.") or captions[f"table-{n}"].startswith(f"Tabel {n}.")
    sections = [s.key for _level, s in report.walk()]
    for key in (
        "foreword",
        "summary",
        "chapter-1",
        "staff",
        "chapter-2",
        "chapter-3",
        "analysis",
        "activities",
        "efficiency",
        "budget",
        "comparison",
        "chapter-4",
        "conclusions",
        "next-steps",
        "appendix-4",
    ):
        assert key in sections
    assert len(report.charts()) >= 4  # staff, physical, financial, history


def test_same_figure_same_value_everywhere_and_no_errors(report):
    data = year_data(2017)
    findings = consistency.check(report, data, narratives(2017))
    assert consistency.errors(findings) == [], findings
    values: dict[str, set[str]] = {}
    for _where, fig in report.used_figures():
        values.setdefault(fig.name, set()).add(repr(fig.value))
    assert all(len(v) == 1 for v in values.values())
    # The original's contradictions cannot come back: one IKU target, one SAKIP achievement.
    assert report.figures["indicator.iku.target"].value == Decimal(31)
    assert report.figures["sakip.achievement_pct"].text("id") == "89,68 %"


def test_consistency_check_catches_the_originals_mistakes(demo):
    data = year_data(2017)
    texts = narratives(2017) | {
        "conclusions": "Laporan Akuntabilitas Kinerja Tahun 2016 menyajikan capaian {{ budget.absorbtion }}.",
        "summary": "Capaian yang masih cukup (87,30%).",
    }
    report = LakipBuilder(data, texts, "id").build()
    findings = consistency.check(report, data, texts)
    messages = " ".join(f.message for f in consistency.errors(findings))
    assert "budget.absorbtion" in messages
    assert "2016" in messages
    assert any("typed" in f.message or "diketik" in f.message for f in findings)


def test_narrative_markup_is_safe_and_resolves_figures():
    figs = {"budget.absorption_pct": Fig("budget.absorption_pct", Decimal("93.8597"), "pct")}
    paras = narrative.parse("<script>x</script> **{{ budget.absorption_pct }}**\n\n- item [^note]", figs)
    assert paras[0].runs[0] == "<script>x</script> "
    assert paras[0].runs[1] is figs["budget.absorption_pct"]
    assert paras[1].style == "bullet"
    assert [e.line for e in narrative.validate("a\n{{ nope }}", figs)] == [2]
    from mitra.reports.renderers.html import HtmlRenderer

    html = HtmlRenderer(build_stub(paras)).blocks(paras)
    assert "<script>" not in html and "&lt;script&gt;" in html


def build_stub(paras):  # type: ignore[no-untyped-def]
    from mitra.reports.model import Report

    return Report("lakip", "t", "s", 2017, "id", "o", [], {})


def test_pdf_has_appendix_4_figures(demo, measurement):
    pdf = generate.generate("lakip", 2017, "pdf", use_cache=False).content
    reader = PdfReader(io.BytesIO(pdf))
    # Numbers are bound to their units with no-break spaces (renderers/layout.py).
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")
    assert len(reader.pages) > 10
    assert reader.pages[-1].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    assert _rp(5239601000) in text and _rp(4917869245) in text and "93,86 %" in text
    for sub in measurement["sub_activities"]:
        assert _rp(sub["ceiling"]) in text, sub["number"]
        assert _rp(sub["realized"]) in text, sub["number"]
        assert _pct(sub["input_pct"]) in text, sub["number"]
    assert "87,30" not in text and "89,67" not in text and "2,541" not in text


def test_docx_has_headings_tables_toc_and_page_numbers(demo, measurement):
    doc = Document(io.BytesIO(generate.generate("lakip", 2017, "docx", use_cache=False).content))
    headings = [p.text for p in doc.paragraphs if getattr(p.style, "name", "").startswith("Heading")]
    assert any("IV" in h for h in headings) and len(headings) > 20
    xml = doc.element.xml
    assert "TOC \\o" in xml
    assert "PAGE" in doc.sections[0].footer._element.xml
    cells = {c.text.replace("\xa0", " ") for t in doc.tables for row in t.rows for c in row.cells}
    assert {_rp(5239601000), _rp(4917869245), "93,86 %"} <= cells
    for sub in measurement["sub_activities"]:
        assert _rp(sub["ceiling"]) in cells and _pct(sub["output_pct"]) in cells


def test_xlsx_has_one_sheet_per_table_with_numbers(demo, measurement):
    wb = load_workbook(io.BytesIO(generate.generate("lakip", 2017, "xlsx", use_cache=False).content))
    assert {"table-1", "table-2", "table-3", "table-5", "table-6", "appendix-4"} <= set(wb.sheetnames)
    ws = wb["appendix-4"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 5239601000 in values and 4917869245 in values
    for sub in measurement["sub_activities"]:
        assert sub["ceiling"] in values and sub["realized"] in values
    pct = next(c for row in ws.iter_rows() for c in row if c.number_format == "0.00%")
    assert isinstance(pct.value, float)
    money = next(c for row in ws.iter_rows() for c in row if c.value == 5239601000)
    assert "Rp" in money.number_format


def test_english_on_request(demo):
    with translation.override("en"):
        report = build_lakip(2017, "en")
    assert report.figures["budget.ceiling"].text("en") == "Rp 5,239,601,000"
    assert report.figures["budget.absorption_pct"].text("en") == "93.86%"


@pytest.mark.parametrize("unit", [None, "ksln-bm"])
def test_monitoring_report_in_four_formats(demo, unit):
    for fmt in ("html", "xlsx", "docx", "pdf"):
        result = generate.generate("monitoring", 2017, fmt, quarter=4, unit=unit, use_cache=False)
        assert len(result.content) > 1000
    wb = load_workbook(io.BytesIO(generate.generate("monitoring", 2017, "xlsx", quarter=4, unit=unit).content))
    assert {"units", "sub-activities"} <= set(wb.sheetnames)


def _readable(fmt: str, content: bytes) -> object:
    """What a file says, without what differs between two makings of it (the times in DOCX's and XLSX's metadata)."""
    if fmt == "docx":
        doc = Document(io.BytesIO(content))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        images = sorted(p.blob for p in doc.part.package.parts if p.partname.startswith("/word/media/"))
        return [p.text for p in doc.paragraphs], cells, images
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(content))
        return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()] for ws in wb}
    return content


@pytest.fixture
def builds(monkeypatch):  # type: ignore[no-untyped-def]
    """The report models built (generate.build's calls)."""
    made: list[tuple] = []
    real = generate.build

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(generate, "build", counted)
    return made


def test_the_formats_are_rendered_from_one_model_and_say_what_each_alone_says(demo, builds):
    # DOCX first: its charts (PNG) are drawn on the model before the HTML's (SVG) are drawn on the same model.
    together = generate.generate_formats("lakip", 2017, ("docx", "html", "xlsx"), "en", use_cache=False)
    assert len(builds) == 1 and list(together) == ["docx", "html", "xlsx"]
    for fmt, result in together.items():
        alone = generate.generate("lakip", 2017, fmt, "en", use_cache=False)
        assert _readable(fmt, result.content) == _readable(fmt, alone.content), fmt
        assert result.filename == alone.filename and result.content_type == alone.content_type
    assert len(builds) == 4


def test_only_the_formats_not_cached_are_made_and_from_one_model(demo, builds, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    xlsx = generate.generate("lakip", 2017, "xlsx")
    assert len(builds) == 1
    files = generate.generate_formats("lakip", 2017, ("xlsx", "html"))
    assert len(builds) == 2
    assert files["xlsx"].cached and files["xlsx"].content == xlsx.content and not files["html"].cached
    again = generate.generate_formats("lakip", 2017, ("html", "xlsx"))
    assert len(builds) == 2 and all(f.cached for f in again.values())
    assert again["html"].content == files["html"].content
    with pytest.raises(ValueError, match="pdfx"):
        generate.generate_formats("lakip", 2017, ("html", "pdfx"))


def test_cache_is_reused_until_data_changes(demo, user_of, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    first = generate.generate("lakip", 2017, "xlsx")
    assert not first.cached and generate.generate("lakip", 2017, "xlsx").cached
    narrative_save(actor=user_of("admin"), year=2017, key="purpose", text="Baru {{ year }}.", expected_version=None)
    assert not generate.generate("lakip", 2017, "xlsx").cached


def test_narratives_service_checks_permission_and_names(demo, user_of):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        narrative_save(actor=user_of("staf.bilateral"), year=2018, key="summary", text="x", expected_version=None)
    with pytest.raises(ValidationError):
        narrative_save(
            actor=user_of("admin"), year=2018, key="summary", text="{{ nope }}", expected_version=None, known={"year"}
        )
    assert (
        narratives_copy(actor=user_of("admin"), from_year=2017, to_year=2018)
        == Narrative.objects.filter(year=2017).count()
    )


def test_command_writes_each_format(demo, tmp_path):
    for fmt in ("docx", "pdf", "xlsx", "html"):
        out = tmp_path / f"lakip.{fmt}"
        call_command("lakip", "--year", "2017", "--format", fmt, "-o", str(out), stderr=io.StringIO())
        assert out.stat().st_size > 1000


def test_pages(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    reader = client_for("pembaca")
    page = reader.get("/laporan/2017/")
    assert page.status_code == 200 and b"lakip-pdf" in page.content
    preview = reader.get("/laporan/2017/lakip/")
    assert preview.status_code == 200
    assert b'data-fig="budget.absorption_pct" href="/kinerja/2017/pengukuran/"' in preview.content
    assert b"style=" not in preview.content.split(b'data-testid="report-preview"')[1].split(b"</div>")[0]
    # Not in the cache yet: a background job (test_jobs.py); once made, the button downloads the file itself.
    assert reader.get("/laporan/2017/lakip.xlsx")["Location"].startswith("/laporan/tugas/")
    generate.generate("lakip", 2017, "xlsx")
    assert reader.get("/laporan/2017/lakip.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    assert reader.get("/laporan/2017/narasi/summary/").status_code == 403
    admin = client_for("admin")
    form = admin.get("/laporan/2017/narasi/summary/")
    assert b"budget.absorption_pct" in form.content
    bad = admin.post("/laporan/2017/narasi/summary/", {"text": "{{ budget.absorbtion }}"})
    assert bad.status_code == 200 and b"budget.absorbtion" in bad.content
    generate.generate("monitoring", 2017, "pdf", "id", 4)
    assert admin.get("/laporan/2017/monitoring/4/biro.pdf").status_code == 200


def test_quarter_figures_are_the_selectors_decimals_and_previous_year_is_the_calendar_year_before(demo):
    from mitra.performance import selectors as perf
    from mitra.performance.models import PerformanceYear

    figures = year_data(2017).figures
    by_quarter = perf.monitoring(2017, 4).by_quarter
    for q in by_quarter:
        fig = figures[f"q{q['quarter']}.financial_pct"]
        assert fig.value == q["financial"] and (fig.value is None or isinstance(fig.value, Decimal))
    assert any(
        figures[f"q{n}.physical_pct"].value != figures[f"q{n}.physical_pct"].value.quantize(Decimal("0.01"))
        for n in (1, 2, 3, 4)
        if figures[f"q{n}.physical_pct"].value is not None
    )  # never rounded on the way
    assert figures["previous_year"].value == "2016" and figures["sakip.previous_score"].value == Decimal("69.84")
    PerformanceYear.objects.filter(year=2016).delete()
    figures = year_data(2017).figures
    assert figures["previous_year"].value == "2016" and figures["sakip.previous_score"].value is None
