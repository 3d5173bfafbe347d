from django.db import migrations


def load_sectors(apps, schema_editor):
    from mitra.cooperation.reference import load_sectors as load

    load(apps.get_model("cooperation", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]
    operations = [migrations.RunPython(load_sectors, migrations.RunPython.noop)]
