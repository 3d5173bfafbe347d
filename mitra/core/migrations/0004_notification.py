# Notifications move here from cooperation (issue 13). cooperation.0007 already renamed the tables, so this only
# records the model in core's migration state; existing rows stay as they are.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_key_id"),
        ("cooperation", "0007_move_notification_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("message", models.CharField(max_length=500, verbose_name="message")),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("due_date", models.DateField(blank=True, null=True, verbose_name="date concerned")),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="created at"
                            ),
                        ),
                        ("emailed_to", models.TextField(blank=True)),
                        (
                            "read_by",
                            models.ManyToManyField(
                                blank=True, related_name="read_notifications", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="core.organisationunit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
        ),
    ]
