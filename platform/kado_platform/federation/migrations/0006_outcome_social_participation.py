from django.db import migrations, models

from kado_platform.federation.sql import FUNCTIONS


class Migration(migrations.Migration):
    """Other social participation becomes an outcome: the kind column is widened to hold
    `social_participation`, and FUNCTIONS are installed again, since kado_index_outcomes
    now records those moves too (no backfill: no region could have made one before)."""

    dependencies = [
        ("federation", "0005_outcome_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outcomeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("employed", "Moved to employment"),
                    ("social_participation", "Other social participation"),
                    ("returned", "Returned to KADO"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunSQL(FUNCTIONS, reverse_sql=migrations.RunSQL.noop),
    ]
