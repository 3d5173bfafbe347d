"""PostgreSQL: the table search_word of the distinct words (lexemes) of the index's vectors, filled from the entries
and kept by statement triggers on search_searchentry; search expands a prefix term into the words beginning with it,
which the GIN index reads much faster than a prefix (issue 17). No-op on SQLite (FTS5's vocabulary, migration 0003)."""

from django.db import migrations

from mitra.search.backends import POSTGRES_WORDS_CREATE, POSTGRES_WORDS_DROP


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_WORDS_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_WORDS_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_fts_vocabulary"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
