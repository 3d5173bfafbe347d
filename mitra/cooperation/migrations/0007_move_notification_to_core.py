# Notifications move to core (issue 13): the table and its read marks are renamed to core's names, keeping every
# row; core.0004_notification then takes the model over in the migration state without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0006_agreement_duration_range"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # Renames cooperation_notification and cooperation_notification_read_by to core_notification and
            # core_notification_read_by (AlterModelTable renames the auto-created many-to-many table too).
            database_operations=[migrations.AlterModelTable(name="notification", table="core_notification")],
            state_operations=[migrations.DeleteModel(name="Notification")],
        ),
    ]
