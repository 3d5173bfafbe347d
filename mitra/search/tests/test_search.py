"""Search over a corpus whose hits are known: records and files made here by factories (made-up words, so the
demo, which stays loaded, never matches); the demo's own acronyms are checked once. Runs unchanged on
SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mitra.cooperation import services as registry
from mitra.cooperation.models import Agreement, Cooperation
from mitra.cooperation.tests.factories import CooperationFactory
from mitra.core.models import User
from mitra.core.tests.factories import AdminFactory, ReaderFactory, UnitFactory, UserFactory, logged_in
from mitra.documents import services as documents
from mitra.documents.tests.files import docx_bytes, pdf_bytes
from mitra.partners.models import Country
from mitra.partners.tests.factories import InstitutionFactory
from mitra.search import registry as search_registry
from mitra.search import selectors, text
from mitra.search.models import SearchEntry
from mitra.search.registry import DOCUMENT_KIND
from mitra.search.selectors import search

pytestmark = pytest.mark.django_db


def ids(result, kind=None):
    return {
        (h.kind, h.title.replace("<mark>", "").replace("</mark>", ""))
        for h in result.hits
        if not kind or h.kind == kind
    }


@pytest.fixture
def reader() -> User:
    return ReaderFactory.create()


@pytest.fixture
def corpus():
    """A cooperation with a Korean partner, an agreement with a number, and a Word file of its text."""
    admin = AdminFactory.create()
    unit = UnitFactory.create()
    mfds = InstitutionFactory.create(
        name="Korea Food Safety Agency (uji)", acronym="KZFSA", country=Country.objects.get(code="KR")
    )
    coop = registry.create(
        actor=admin,
        model=Cooperation,
        data={
            "title": "Rencana bekerjasama pengawasan kosmetik Zanzibaria",
            "scope": "bilateral",
            "responsible_unit": unit,
            "partners": [mfds],
        },
    )
    agreement = registry.create(
        actor=admin,
        model=Agreement,
        data={
            "cooperation": coop,
            "kind": "mou",
            "number": "HK.07.01/2017/4725",
            "title": "Nota Kesepahaman Zanzibaria",
            "title_en": "Memorandum of Understanding Zanzibaria",
            "responsible_unit": unit,
            "date_signed": "2017-05-05",
        },
    )
    file = SimpleUploadedFile(
        "laporan-zanzibaria.docx",
        docx_bytes("Laporan pertemuan.", "Kedua pihak menegaskan perjanjian tentang pelabelan halal produk obat."),
    )
    document = documents.attach(actor=admin, record=agreement, uploaded_file=file, category="outcome_report")
    return {"admin": admin, "cooperation": coop, "agreement": agreement, "document": document, "partner": mfds}


# --- text analysis ------------------------------------------------------------------------------------------


def test_compounds_and_affixes_share_terms():
    assert list(text.terms("kerjasama")) == list(text.terms("kerja sama")) == list(text.terms("bekerjasama"))
    assert list(text.terms("perjanjian")) == list(text.terms("dijanjikan")) == ["janji"]


def test_codes_are_one_exact_term_and_acronyms_are_not_stemmed():
    assert "hk070120174725" in list(text.terms("Nomor HK.07.01/2017/4725 tanggal"))
    parsed = text.parse_query("HK.07.01/2017/4725 PPWG agreements")
    assert [(t.text, t.prefix) for t in parsed.terms] == [
        ("hk070120174725", False),
        ("ppwg", False),
        ("agreements", True),
    ]


@pytest.mark.parametrize("raw", ["", "   ", "!!! ??? ...", '"', "*", "-", "()", "^:", "😀😀"])
def test_queries_without_words_are_empty(raw):
    assert text.parse_query(raw).is_empty


def test_long_queries_are_cut():
    parsed = text.parse_query(" ".join(f"kata{i}" for i in range(500)))
    assert parsed.truncated and len(parsed.terms) == text.MAX_QUERY_TERMS


# --- the corpus ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["kerjasama Zanzibaria", "kerja sama Zanzibaria", "bekerjasama zanzibaria"])
def test_compound_spellings_find_each_other(corpus, reader, query):
    result = search(query, user=reader)
    assert ("cooperation.cooperation", "Rencana bekerjasama pengawasan kosmetik Zanzibaria") in ids(result)


def test_morphology_finds_the_attached_file_and_shows_its_record(corpus, reader):
    result = search("dijanjikan halal", user=UserFactory.create())
    [hit] = result.hits
    assert hit.kind == DOCUMENT_KIND
    assert hit.url == corpus["agreement"].get_absolute_url()
    assert hit.parent_title == "Nota Kesepahaman Zanzibaria"
    assert "<mark>perjanjian</mark>" in hit.snippet and "<mark>halal</mark>" in hit.snippet


def test_agreement_number_matches_exactly(corpus, reader):
    result = search("HK.07.01/2017/4725", user=reader)
    assert [h.kind for h in result.hits] == ["cooperation.agreement"]
    assert search("HK.07.01/2017/4726", user=reader).total == 0


def test_english_title_and_prefix(corpus, reader):
    result = search("memorandum understanding zanzibaria", user=reader)
    assert ("cooperation.agreement", "Nota Kesepahaman Zanzibaria") in ids(result)


@pytest.mark.parametrize(
    "acronym,kind,title",
    [
        ("PPWG", "partners.forum", "ACCSQ Pharmaceutical Product Working Group (PPWG)"),
        ("MFDS", "partners.institution", "Ministry of Food and Drug Safety (MFDS)"),
        ("TBT", "partners.forum", "WTO Committee on Technical Barriers to Trade (TBT)"),
    ],
)
def test_acronyms_in_the_demo(user_of, acronym, kind, title):
    result = search(acronym, user=user_of("pembaca"), limit=50)
    assert (kind, title) in ids(result)


def test_facets_and_filters(corpus, reader):
    user = reader
    result = search("zanzibaria", user=user)
    kinds = {v.value: v.count for v in result.facets["kind"]}
    # The file is named after the partner too (laporan-zanzibaria.docx).
    assert kinds == {"cooperation.cooperation": 1, "cooperation.agreement": 1, DOCUMENT_KIND: 1}
    mfds = corpus["partner"]
    assert [v.label for v in result.facets["partner"]] == ["KZFSA"]
    assert [v.value for v in result.facets["country"]] == ["KR"]
    assert {v.value for v in result.facets["year"]} == {2017} or result.facets["year"]
    only = search(
        "zanzibaria", user=user, filters={"kind": "cooperation.agreement", "partner": mfds.pk, "country": "kr"}
    )
    assert [h.kind for h in only.hits] == ["cooperation.agreement"]
    assert search("zanzibaria", user=user, filters={"country": "JP"}).total == 0
    assert search("halal dijanjikan", user=user, filters={"partner": mfds.pk}).total == 1


def test_soft_delete_and_file_removal_leave_the_index(corpus, reader):
    admin, user = corpus["admin"], reader
    documents.remove(actor=admin, document=corpus["document"], reason="salah berkas")
    assert search("dijanjikan halal", user=user).total == 0
    registry.delete(actor=admin, instance=corpus["agreement"], expected_version=None, reason="uji")
    assert search("HK.07.01/2017/4725", user=user).total == 0
    assert search("zanzibaria", user=user).total == 1  # the cooperation


def test_deleting_a_record_hides_its_files(corpus, reader):
    registry.delete(actor=corpus["admin"], instance=corpus["agreement"], expected_version=None, reason="uji")
    assert search("dijanjikan halal", user=reader).total == 0


def test_edits_and_partner_changes_are_followed(corpus, reader):
    admin, user = corpus["admin"], reader
    coop = Cooperation.objects.get(pk=corpus["cooperation"].pk)
    registry.update(actor=admin, instance=coop, data={"title": "Rencana kerja Quokkaland"}, expected_version=None)
    assert search("quokkaland", user=user).total == 1
    coop.refresh_from_db()
    registry.update(
        actor=admin,
        instance=coop,
        data={"partners": [InstitutionFactory.create(acronym="JQPMA", country=Country.objects.get(code="JP"))]},
        expected_version=None,
    )
    assert [v.label for v in search("quokkaland", user=user).facets["partner"]] == ["JQPMA"]


def test_pdf_attachment_is_found():
    admin = AdminFactory.create()
    coop = CooperationFactory.create()
    file = SimpleUploadedFile("notulen.pdf", pdf_bytes("Notulen sosialisasi Wombatia tentang registrasi obat"))
    documents.attach(actor=admin, record=coop, uploaded_file=file, category="other")
    [hit] = search("wombatia registrasi", user=admin).hits
    assert hit.kind == DOCUMENT_KIND and hit.url == coop.get_absolute_url()


def test_rebuild_gives_the_same_index(corpus, reader):
    before = sorted(SearchEntry.objects.values_list("record_type", "record_id", "fingerprint"))
    call_command("search", "rebuild", stdout=io.StringIO())
    after = sorted(SearchEntry.objects.values_list("record_type", "record_id", "fingerprint"))
    assert after == before
    assert search("dijanjikan halal", user=reader).total == 1


def test_restricted_kinds_are_narrowed(corpus, reader, monkeypatch):
    spec = search_registry.for_key("cooperation.agreement")
    assert spec is not None
    restricted = dataclasses.replace(spec, visible_to=lambda user: Agreement.objects.none())
    monkeypatch.setitem(search_registry._REGISTRY, spec.key, restricted)
    result = search("zanzibaria halal dijanjikan HK", user=reader)
    assert result.total == 0
    assert search("zanzibaria", user=reader).total == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.text(max_size=300)
    | st.text(alphabet=st.sampled_from(list("\"*()^:-+NEAR OR AND NOT{}[]~'\\%_")), max_size=60)
)
def test_any_string_is_answered(reader, query):
    result = search(query, user=reader, limit=5)
    assert result.total >= 0


# --- the page -----------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("search:results") + "?q=MFDS")
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "!!!"},
        {"q": '"kerja" AND NEAR(x y) -z* ^a:b'},
        {"q": "x" * 5000},
        {"q": "مرحبا 中文 😀"},
        {"q": "MFDS", "year": "abc", "unit": "-1", "country": "Korea", "page": "0", "kind": "nope"},
        {"q": "MFDS", "page": "999"},
        {"q": "\x00"},
    ],
)
def test_bad_input_gets_a_clear_page(reader, params):
    response = logged_in(reader).get(reverse("search:results"), params)
    assert response.status_code == 200


def test_results_page_shows_hits_facets_and_the_box(corpus):
    response = logged_in(UserFactory.create()).get(reverse("search:results"), {"q": "dijanjikan halal"})
    html = response.content.decode()
    assert "Nota Kesepahaman Zanzibaria" in html and "<mark>halal</mark>" in html
    assert 'data-testid="search-box"' in html and 'data-testid="facet-kind"' in html
    assert "style=" not in html.split("<main", 1)[1]


# session, user, the words of the prefix terms (SQLite: search_fts_vocab), the first matches (selectors.CANDIDATES),
# hits, entries, six facets, their labels, the user
# menu's unit, session save (3).
# The words of the prefix terms are read on SQLite only (PostgreSQL's tsquery takes the prefixes as they are).
SEARCH_PAGE_QUERIES = 12 if connection.vendor == "sqlite" else 11  # the six facets in one query, labels in one


def test_query_count_is_pinned_and_does_not_grow():
    unit = UnitFactory.create()
    admin = AdminFactory.create(unit=unit)  # with a unit, as the user menu shows it
    client = logged_in(admin)
    url = reverse("search:results") + "?q=kerjasama"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(25):
        registry.create(
            actor=admin,
            model=Cooperation,
            data={"title": f"Kerjasama uji {i}", "scope": "bilateral", "responsible_unit": unit},
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == SEARCH_PAGE_QUERIES, "\n".join(q["sql"][:120] for q in small)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_selector_is_usable_by_the_api(corpus, reader):
    result = selectors.search("zanzibaria", filters=None, user=reader, limit=1, offset=1)
    assert result.total == 3 and len(result.hits) == 1


def test_the_demo_mark_of_a_trip_stays_out_of_its_text_and_title(demo):
    from mitra.search.services import describe
    from mitra.travel.models import TravelRequest

    trip = TravelRequest.objects.filter(notes__startswith="[demo-perjalanan").order_by("pk").first()
    assert trip is not None
    spec = search_registry.for_model(TravelRequest)
    assert spec is not None
    described = describe(spec, trip)
    body = " ".join(described.body_parts)
    assert "Ilustratif" in body and "[demo-" not in body
    # The title gives the departure as people write dates, not 2017-05-03.
    assert str(trip.departure_date.year) in described.title and trip.departure_date.isoformat() not in described.title


def test_a_kinds_weight_orders_equally_good_hits_and_travel_weighs_less(reader, monkeypatch):
    from mitra.cooperation.tests.factories import AgreementFactory

    cooperation = CooperationFactory.create(title="Xyloquentia pengawasan")
    agreement = AgreementFactory.create(title="Xyloquentia pengawasan", cooperation=cooperation)
    agreement_kind = search_registry.for_key("cooperation.agreement")
    assert agreement_kind is not None
    registered = search_registry._REGISTRY
    monkeypatch.setitem(registered, "cooperation.agreement", dataclasses.replace(agreement_kind, weight=0.01))
    first = search("xyloquentia", user=reader).hits
    assert [(h.kind, h.url) for h in first[:2]] == [
        ("cooperation.cooperation", cooperation.get_absolute_url()),
        ("cooperation.agreement", agreement.get_absolute_url()),
    ]
    monkeypatch.setitem(registered, "cooperation.agreement", dataclasses.replace(agreement_kind, weight=100.0))
    second = search("xyloquentia", user=reader).hits
    assert [h.kind for h in second[:2]] == ["cooperation.agreement", "cooperation.cooperation"]
    # Travel requests, numerous and wordy, come after registry records that match a general word as well.
    travel = search_registry.for_key("travel.travelrequest")
    assert travel is not None and travel.weight < 1
