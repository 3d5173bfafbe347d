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
from mitra.core.tests.factories import AdminFactory, LeadershipFactory, UnitFactory, logged_in
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
        services.configure_scorecard(actor=LeadershipFactory.create(), unit=unit, year=2017, config=CONFIG)
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
    # Set up again: replaced, not added to; every change audited.
    again = copy.deepcopy(CONFIG)
    again["perspectives"][0]["indicators"] = ["iso"]
    assert services.configure_scorecard(actor=admin, unit=unit, year=2017, config=again).pk == card.pk
    assert list(
        ScorecardItem.objects.filter(perspective__scorecard=card).values_list("indicator__code", flat=True)
    ) == ["iso"]
    assert AuditEntry.objects.filter(record_type="evaluation.scorecarditem", action="delete").count() == 2


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
    services.configure_scorecard(actor=admin, unit=unit, year=2017, config=large)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few.captured_queries) == 10, "\n".join(q["sql"] for q in few.captured_queries)
    assert len(many.captured_queries) == len(few.captured_queries)
