"""SQLite: the words of a query's prefix terms (and their document counts) are read from FTS5's vocabulary again
only when the index changed since they were read (search_state's token, migration 0005); a change rolled back
restores the token the words were read under (issue 17)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from mitra.cooperation import services as registry
from mitra.cooperation.models import Cooperation
from mitra.core.tests.factories import AdminFactory, ReaderFactory, UnitFactory
from mitra.search import backends, services
from mitra.search.selectors import search
from mitra.search.text import parse_query

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the words are read from FTS5's vocabulary on SQLite"),
]

QUERY = parse_query("zanzib")


def words() -> dict[str, int]:
    vocabulary = backends.SQLiteBackend._vocabulary(QUERY)
    assert vocabulary is not None
    return vocabulary[0]["zanzib"]


def add(title: str) -> None:
    registry.create(
        actor=AdminFactory.create(),
        model=Cooperation,
        data={"title": title, "scope": "bilateral", "responsible_unit": UnitFactory.create()},
    )


def test_the_words_read_are_used_again_until_an_entry_changes():
    add("Kerjasama Zanzibaria")
    assert set(words()) == {"zanzibaria"}
    # What was read is used while the index is unchanged (a word put there shows it) ...
    [(_token, known)] = [v for k, v in backends._VOCABULARIES.items() if k[1] == (("zanzib", True),)]
    known["zanzib"]["zanzibfake"] = 7
    assert words()["zanzibfake"] == 7
    # ... and read again once an entry changed.
    add("Kerjasama Zanzibarium")
    assert set(words()) == {"zanzibaria", "zanzibarium"}


def test_a_change_rolled_back_leaves_the_words_as_they_were():
    add("Kerjasama Zanzibaria")
    assert set(words()) == {"zanzibaria"}
    with transaction.atomic():
        add("Kerjasama Zanzibarium")
        assert set(words()) == {"zanzibaria", "zanzibarium"}
        transaction.set_rollback(True)
    assert set(words()) == {"zanzibaria"}
    [hit] = search("zanzib", user=ReaderFactory.create()).hits
    assert "Zanzibaria" in hit.title


def test_a_rebuild_changes_the_token_and_keeps_its_triggers():
    add("Kerjasama Zanzibaria")
    assert set(words()) == {"zanzibaria"}

    def token() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("SELECT token FROM search_state")
            return bytes(cursor.fetchone()[0])

    before = token()
    services.rebuild()
    after = token()
    assert after != before
    add("Kerjasama Zanzibarium")  # the triggers are back after the rebuild
    assert token() != after
    assert set(words()) == {"zanzibaria", "zanzibarium"}


def test_only_the_latest_queries_words_are_kept(monkeypatch):
    monkeypatch.setattr(backends, "VOCABULARIES_KEPT", 2)
    monkeypatch.setattr(backends, "_VOCABULARIES", {})
    for prefix in ("zanzib", "kosme", "pengaw"):
        backends.SQLiteBackend._vocabulary(parse_query(prefix))
    assert [key[1] for key in backends._VOCABULARIES] == [(("kosme", True),), (("pengaw", True),)]
