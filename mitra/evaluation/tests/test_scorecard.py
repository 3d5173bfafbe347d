"""The unit scorecard: set up through the service (every error listed, nothing written), computed from the
indicators' achievements, shown on its page in a pinned number of queries, and the 2017 demo's structure."""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.models import AuditEntry
from mitra.core.tests.factories import AdminFactory, LeadershipFactory, UnitFactory, UserFactory, logged_in
from mitra.evaluation import selectors, services
from mitra.evaluation.demo import SCORECARD_2017
from mitra.evaluation.models import Scorecard, ScorecardItem
from mitra.performance.models import IndicatorTarget

pytestmark = pytest.mark.django_db

BANDS = [
    {"min_index": 100, "score": 4, "label": "Baik"},
    {"min_index": 80, "score": 3, "label": "Cukup"},
    {"min_index": 0, "score": 1, "label": "Kurang"},
]
# Entered 2017 indicators of the demo: hcm-kinerja 100 of 80 (125 %), hcm-pelatihan 100 of 100, iso 1 of 1.
CONFIG: dict[str, Any] = {
    "cap_pct": 110,
    "bands": BANDS,
    "perspectives": [
        {"code": "a", "name": "Pembelajaran", "weight": 3, "indicators": ["hcm-kinerja", {"code": "iso", "weight": 3}]},
        {"code": "b", "name": "Kosong", "weight": 1, "indicators": []},
    ],
}


def test_a_scorecard_is_set_up_and_computed_from_the_indicators():
    unit, admin = UnitFactory.create(), AdminFactory.create()
    with pytest.raises(PermissionDenied):
        services.configure_scorecard(actor=UserFactory.create(unit=unit), unit=unit, year=2017, config=CONFIG)
    card = services.configure_scorecard(actor=admin, unit=unit, year=2017, config=CONFIG)
    data = selectors.scorecard_data(card)
    first, empty = data.perspectives
    assert [(r.item.indicator.code, r.achievement_pct, r.index, r.score) for r in first.rows] == [
        ("hcm-kinerja", Decimal(125), Decimal(110), Decimal(4)),
        ("iso", Decimal(100), Decimal(100), Decimal(4)),
    ]
    assert first.score == 4 and first.label == "Baik"
    assert empty.rows == [] and empty.score is None  # no figure: left out of the unit's score
    assert data.score == 4 and data.label == "Baik"
    # Changed: a new revision with its reason; the first stays as it was, so its score can still be shown.
    again = copy.deepcopy(CONFIG)
    again["perspectives"][0]["indicators"] = ["iso"]
    leadership = LeadershipFactory.create()
    with pytest.raises(ValidationError) as no_reason:
        services.configure_scorecard(actor=leadership, unit=unit, year=2017, config=again)
    assert set(no_reason.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError):  # someone else's revision 1 is what the editor must have seen
        services.configure_scorecard(
            actor=leadership, unit=unit, year=2017, config=again, reason="Ubah", expected_revision=0
        )
    second = services.configure_scorecard(
        actor=leadership, unit=unit, year=2017, config=again, reason="Bobot direvisi", expected_revision=1
    )
    assert (second.revision, second.reason) == (2, "Bobot direvisi") and second.pk != card.pk
    assert list(
        ScorecardItem.objects.filter(perspective__scorecard=second).values_list("indicator__code", flat=True)
    ) == ["iso"]
    assert ScorecardItem.objects.filter(perspective__scorecard=card).count() == 2  # revision 1 unchanged
    assert selectors.scorecard_data(card).score == 4
    assert AuditEntry.objects.filter(record_type="evaluation.scorecard", record_id=str(second.pk)).exists()
    # The same configuration again adds nothing.
    assert services.configure_scorecard(actor=admin, unit=unit, year=2017, config=again).pk == second.pk
    assert [c.pk for c in selectors.scorecards() if c.unit_id == unit.pk] == [second.pk]


def test_a_realisation_below_the_bands_and_a_missing_one_count_as_the_configuration_says():
    unit, admin = UnitFactory.create(), AdminFactory.create()
    target = IndicatorTarget.objects.get(indicator__code="hcm-pelatihan", year=2017)
    IndicatorTarget.objects.filter(pk=target.pk).update(realised=Decimal(50))  # 50 % of 100
    card = services.configure_scorecard(
        actor=admin,
        unit=unit,
        year=2017,
        config={
            "bands": BANDS,
            "perspectives": [{"code": "x", "name": "X", "weight": 1, "indicators": ["hcm-pelatihan"]}],
        },
    )
    row = selectors.scorecard_data(card).perspectives[0].rows[0]
    assert (row.achievement_pct, row.index, row.score) == (Decimal(50), Decimal(50), Decimal(1))  # not capped
    IndicatorTarget.objects.filter(pk=target.pk).update(realised=None)
    data = selectors.scorecard_data(card)
    assert data.perspectives[0].rows[0].score is None and data.score is None


@pytest.mark.parametrize(
    "change,message",
    [
        ({"bands": []}, "Berikan rentang"),
        ({"bands": BANDS[:2]}, "indeks 0"),
        ({"cap_pct": "x"}, "masukkan angka"),
        ({"perspectives": [{"code": "a", "name": "A", "weight": 1, "indicators": ["tidak-ada"]}]}, "tidak-ada"),
        ({"perspectives": [{"code": "a", "name": "A", "weight": 0, "indicators": []}]}, "lebih dari 0"),
        ({"perspectives": [{"code": "a", "name": "A", "weight": -1, "indicators": []}]}, "0 sampai 9999"),
        ({"perspectives": []}, "paling sedikit satu perspektif"),
        ({"bands": [BANDS[0], BANDS[1] | {"score": 5}, BANDS[2]]}, "skor yang lebih tinggi"),
    ],
)
def test_a_bad_configuration_is_refused_with_its_error_and_nothing_is_written(change, message):
    unit = UnitFactory.create()
    with pytest.raises(ValidationError) as refused:
        services.configure_scorecard(actor=None, unit=unit, year=2017, config=CONFIG | change, system=True)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert not Scorecard.objects.filter(unit=unit).exists()


def test_the_demo_scorecard_shows_the_2017_structure_on_its_page(client_for):
    page = client_for("staf.bilateral").get(reverse("evaluation:scorecard", args=[2017, "ksln"]))
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("stakeholder", "proses", "pembelajaran", "akuntabilitas"):
        assert f'data-testid="perspective-{code}"' in html
    card = Scorecard.objects.get(unit__code="ksln", year=2017)
    assert card.is_illustrative and "3,94" in card.notes
    data = selectors.scorecard_data(card)
    assert [p.perspective.weight for p in data.perspectives] == [47, 30, 17, 6]
    accountability = data.perspectives[3]
    assert accountability.score == 3 and accountability.label == "Cukup"  # 71,74 of the target 80, as the report
    assert data.score == metrics_mean(data)
    assert (
        reverse("evaluation:scorecard", args=[2017, "ksln"])
        in client_for("staf.bilateral").get(reverse("evaluation:scorecards")).content.decode()
    )
    out = io.StringIO()
    call_command("scorecard", "--unit", "ksln", "--year", "2017", stdout=out)
    result = json.loads(out.getvalue())
    assert [p["code"] for p in result["perspectives"]] == ["stakeholder", "proses", "pembelajaran", "akuntabilitas"]
    assert result["score"] == float(round(data.score, 2))  # type: ignore[arg-type]
    assert len(SCORECARD_2017["perspectives"]) == 4  # type: ignore[arg-type]


def metrics_mean(data: selectors.ScorecardData) -> Decimal | None:
    from mitra.performance import metrics

    return metrics.weighted_mean((p.perspective.weight, p.score) for p in data.perspectives)


def test_the_page_query_count_is_pinned_and_does_not_grow_with_the_indicators():
    unit, admin = UnitFactory.create(), AdminFactory.create()
    entered = ["hcm-kinerja", "hcm-pelatihan", "iso"]
    small = {"bands": BANDS, "perspectives": [{"code": "a", "name": "A", "weight": 1, "indicators": entered[:1]}]}
    services.configure_scorecard(actor=admin, unit=unit, year=2017, config=small)
    # Measured with an earlier revision beside the shown one (its score is shown too), before and after growing.
    services.configure_scorecard(actor=admin, unit=unit, year=2017, config=small | {"cap_pct": 150}, reason="Batas")
    client = logged_in(admin)
    url = reverse("evaluation:scorecard", args=[2017, unit.code])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    large = {
        "bands": BANDS,
        "perspectives": [
            {"code": "a", "name": "A", "weight": 1, "indicators": entered},
            {"code": "b", "name": "B", "weight": 1, "indicators": entered},
        ],
    }
    services.configure_scorecard(actor=admin, unit=unit, year=2017, config=large, reason="Lebih banyak indikator")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # 10 for the shown revision, 1 for the list of revisions, 3 for the earlier revision's score.
    assert len(few.captured_queries) == 14, "\n".join(q["sql"] for q in few.captured_queries)
    assert len(many.captured_queries) == len(few.captured_queries)


def _page_data(context: Any) -> dict[str, Any]:
    """What the configuration page posts when saved as it is shown."""
    data: dict[str, Any] = {}
    forms = [context["form"]]
    for formset in (context["band_forms"], context["perspective_forms"]):
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = str(value)
    return data


def _rows(prefix: str, rows: list[dict[str, str]], total: int = 4) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


GOOD_BANDS = [
    {"min_index": "100", "score": "4", "label": "Baik"},
    {"min_index": "80", "score": "3", "label": "Cukup"},
    {"min_index": "0", "score": "1", "label": "Kurang"},
]
GOOD_PERSPECTIVES = [
    {"code": "a", "name": "Pembelajaran", "weight": "60", "indicators": "hcm-kinerja\niso = 3"},
    {"code": "b", "name": "Proses", "weight": "40", "indicators": "hcm-pelatihan"},
]


def test_the_configuration_page_checks_each_field_and_keeps_the_earlier_revision():
    unit, leadership = UnitFactory.create(), LeadershipFactory.create()
    client = logged_in(leadership)
    create = reverse("evaluation:scorecard-create") + "?tahun=2017"
    assert logged_in(UserFactory.create()).get(create).status_code == 403
    assert client.get(create).status_code == 200
    main = {"unit": str(unit.pk), "cap_pct": "110", "notes": "", "reason": "", "expected_revision": "0"}

    bad_bands = [
        {"min_index": "100", "score": "4", "label": "Baik"},
        {"min_index": "100", "score": "5", "label": "Lagi"},  # the same index again
        {"min_index": "80", "score": "4", "label": "Cukup"},  # not lower than the band above it
    ]
    bad_perspectives = [
        {"code": "a", "name": "A", "weight": "60", "indicators": "tidak-ada\niso = x"},
        {"code": "a", "name": "B", "weight": "30", "indicators": ""},  # the same code; weights 90
    ]
    refused = client.post(create, main | _rows("band", bad_bands) | _rows("perspective", bad_perspectives))
    assert refused.status_code == 200
    bands, perspectives = refused.context["band_forms"], refused.context["perspective_forms"]
    assert set(bands.forms[1].errors) == {"min_index"}
    assert "indeks 0" in str(bands.forms[0].errors["min_index"])  # no band from 0
    assert set(perspectives.forms[0].errors) == {"indicators"}
    assert "tidak-ada" in str(perspectives.forms[0].errors) and "iso = x" in str(perspectives.forms[0].errors)
    fixed = [bad_perspectives[0] | {"indicators": "iso"}, bad_perspectives[1] | {"code": "b"}]
    sum_refused = client.post(create, main | _rows("band", GOOD_BANDS) | _rows("perspective", fixed))
    assert "100" in str(sum_refused.context["perspective_forms"].forms[1].errors["weight"])
    order_refused = client.post(
        create,
        main
        | _rows("band", [*GOOD_BANDS[:1], GOOD_BANDS[1] | {"score": "4"}, GOOD_BANDS[2]])
        | _rows("perspective", GOOD_PERSPECTIVES),
    )
    assert set(order_refused.context["band_forms"].forms[0].errors) == {"score"}
    capped = client.post(
        create, main | {"cap_pct": "90"} | _rows("band", GOOD_BANDS) | _rows("perspective", GOOD_PERSPECTIVES)
    )
    assert set(capped.context["form"].errors) == {"cap_pct"}
    assert not Scorecard.objects.filter(unit=unit).exists()

    saved = client.post(create, main | _rows("band", GOOD_BANDS) | _rows("perspective", GOOD_PERSPECTIVES))
    card = Scorecard.objects.get(unit=unit, year=2017)
    assert saved.status_code == 302 and saved["Location"] == reverse("evaluation:scorecard", args=[2017, unit.code])
    assert card.revision == 1 and card.created_by == leadership and card.cap_pct == 110
    assert [(p.code, p.weight) for p in card.perspectives.order_by("order")] == [("a", 60), ("b", 40)]
    first_score = selectors.scorecard_data(card).score

    # Change it: the form comes filled with revision 1; a change needs its reason and becomes revision 2.
    edit = reverse("evaluation:scorecard-configure", args=[2017, unit.code])
    data = _page_data(client.get(edit).context)
    assert data["perspective-0-indicators"] == "hcm-kinerja\niso = 3"
    data["perspective-1-indicators"] = "hcm-pelatihan\nhcm-kinerja"
    data["cap_pct"] = "100"
    no_reason = client.post(edit, data)
    assert set(no_reason.context["form"].errors) == {"reason"}
    assert client.post(edit, data | {"reason": "Batas indeks diturunkan"}).status_code == 302
    latest = Scorecard.objects.get(unit=unit, year=2017, revision=2)
    assert latest.cap_pct == 100 and latest.reason == "Batas indeks diturunkan"
    card.refresh_from_db()
    assert card.cap_pct == 110 and selectors.scorecard_data(card).score == first_score  # revision 1 as it was
    # A form loaded at revision 1 saved now is refused: nothing is overwritten silently.
    stale = client.post(edit, data | {"reason": "Lagi", "cap_pct": "105"})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert Scorecard.objects.filter(unit=unit, year=2017).count() == 2

    page = client.get(reverse("evaluation:scorecard", args=[2017, unit.code])).content.decode()
    assert 'data-testid="earlier-score"' in page and 'data-testid="scorecard-revisions"' in page
    assert 'data-testid="configure-scorecard"' in page
    old = client.get(reverse("evaluation:scorecard", args=[2017, unit.code]) + "?revisi=1")
    assert old.context["card"] == card and not old.context["is_latest"]
    reader_page = logged_in(UserFactory.create()).get(reverse("evaluation:scorecard", args=[2017, unit.code]))
    assert 'data-testid="configure-scorecard"' not in reader_page.content.decode()
