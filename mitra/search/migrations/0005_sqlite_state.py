"""SQLite: search_state, one row holding a token that every change of the entries' analysed text (and a rebuild)
replaces with a random one, so that search can use again the words of a query it read from search_fts_vocab while
the index is unchanged (issue 17). No-op on PostgreSQL."""

from django.db import migrations

from mitra.search.backends import SQLITE_STATE_CREATE, SQLITE_STATE_DROP


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_STATE_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_STATE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_postgres_words"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
