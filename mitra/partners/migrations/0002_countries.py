"""ISO 3166-1 countries with Indonesian and English names."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from mitra.partners.reference import load_countries as load

    load(apps.get_model("partners", "Country"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
