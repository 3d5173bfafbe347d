from django.db import migrations


def forwards(apps, schema_editor):
    from mitra.travel.reference import ensure_step_kinds

    ensure_step_kinds(apps.get_model("travel", "StepKind"))


class Migration(migrations.Migration):
    dependencies = [("travel", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
