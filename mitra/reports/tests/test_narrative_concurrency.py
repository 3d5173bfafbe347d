"""Two people writing a narrative section at once (issue 15 item 4): the second save of a section that someone
else saved meanwhile, a first save included, is refused and shows the other text; nothing is silently replaced."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse

from mitra.core import services as core_services
from mitra.core.models import User
from mitra.core.tests.factories import AdminFactory, HeadFactory, UnitFactory, logged_in
from mitra.core.tests.formdata import page_form, posted
from mitra.reports.models import Narrative
from mitra.reports.services import StaleEditError, narrative_save

pytestmark = pytest.mark.django_db

# A year of its own, far from the demo's (2015–2017): the section starts without text.
SECTION: dict[str, Any] = {"year": 2031, "key": "summary"}


@pytest.fixture
def admin() -> User:
    return AdminFactory.create()


@pytest.fixture
def head() -> User:
    """The head of a division of the bureau: writes the bureau's narratives."""
    return HeadFactory.create(unit=UnitFactory.create())


def test_six_first_saves_of_an_empty_section_give_one_text_and_five_stale_refusals(admin, head):
    assert not Narrative.objects.filter(**SECTION).exists()  # the section has no text yet
    url = reverse("reports:narrative", args=[SECTION["year"], SECTION["key"]])
    clients = [logged_in(admin), logged_in(head)] * 3
    forms = [page_form(client.get(url)) for client in clients]  # all six open the empty section
    assert {form["expected_version"].value() for form in forms} == {0}
    answers = [
        client.post(url, posted(form, text=f"Teks ke-{i}"))
        for i, (client, form) in enumerate(zip(clients, forms, strict=True))
    ]
    assert [a.status_code for a in answers] == [302, 200, 200, 200, 200, 200]
    assert Narrative.objects.get(**SECTION).text == "Teks ke-0"
    for answer in answers[1:]:
        page = answer.content.decode()
        assert 'data-testid="stale-edit"' in page and "Teks ke-0" in page  # the other text is shown
    # Having seen it, the second editor may replace it knowingly: the form now carries the current version.
    again = clients[1].post(url, posted(page_form(answers[1])))
    assert again.status_code == 302 and Narrative.objects.get(**SECTION).text == "Teks ke-1"


def test_a_first_save_is_refused_when_the_section_was_written_meanwhile(admin, head):
    narrative_save(actor=admin, **SECTION, text="Pertama", expected_version=0)
    with pytest.raises(StaleEditError) as stale:
        narrative_save(actor=head, **SECTION, text="Kedua", expected_version=0)
    assert [(c.field, c.after) for c in stale.value.changes if c.field == "text"] == [("text", "Pertama")]
    assert Narrative.objects.get(**SECTION).text == "Pertama"


def test_a_row_that_appears_while_inserting_is_a_stale_edit_not_an_error(admin, head, monkeypatch):
    """The race itself: the lookup found nothing, another save inserted the row before this insert."""
    narrative_save(actor=admin, **SECTION, text="Pertama", expected_version=0)
    real = core_services._locked_row
    calls = []

    def missed_once(model, lookup):
        calls.append(lookup)
        return None if len(calls) == 1 else real(model, lookup)

    monkeypatch.setattr(core_services, "_locked_row", missed_once)
    with pytest.raises(StaleEditError):
        narrative_save(actor=head, **SECTION, text="Kedua", expected_version=0)
    assert len(calls) == 2 and Narrative.objects.get(**SECTION).text == "Pertama"


def test_an_odd_version_in_the_narrative_form_is_a_form_error(admin):
    url = reverse("reports:narrative", args=[SECTION["year"], SECTION["key"]])
    client = logged_in(admin)
    narrative_save(actor=admin, **SECTION, text="Sebelumnya", expected_version=0)
    before = Narrative.objects.get(**SECTION).text
    for version in ("-9223372036854775807", str(2**31), "x"):
        response = client.post(url, {"text": "Baru", "expected_version": version})
        assert response.status_code == 200
    assert Narrative.objects.get(**SECTION).text == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
def test_six_parallel_first_saves_on_postgresql_one_success_five_stale():
    key: dict[str, Any] = {"year": 2031, "key": "foreword"}
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def save(i: int) -> None:
        try:
            barrier.wait()
            narrative_save(actor=None, system=True, **key, text=f"Teks {i}", expected_version=0)
            result = "saved"
        except StaleEditError:
            result = "stale"
        except Exception as error:  # reported by the assertion below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["saved"] + ["stale"] * 5
    assert Narrative.objects.filter(**key).count() == 1
