"""A read-only view of the SQLite full-text index's vocabulary (search_fts_vocab), used by search to expand a
prefix term into the index's words that begin with it and to read how many entries hold each (issue 17).
Nothing writes to it: FTS5 reads it from search_fts. No-op on PostgreSQL."""

from django.db import migrations

from mitra.search.backends import SQLITE_VOCAB_CREATE, SQLITE_VOCAB_DROP


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_VOCAB_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_VOCAB_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_facet_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
