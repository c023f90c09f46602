from django.db import migrations, models

from kado_platform.federation.sql import FUNCTIONS, OUTCOMES_BACKFILL


class Migration(migrations.Migration):
    """The first challenge becomes an outcome: `started`, a worker's first move to active.
    FUNCTIONS are installed again, since kado_index_outcomes now records it, and every
    region's past starts are back-filled."""

    dependencies = [
        ("federation", "0006_outcome_social_participation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outcomeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("started", "Started working"),
                    ("employed", "Moved to employment"),
                    ("social_participation", "Other social participation"),
                    ("returned", "Returned to KADO"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunSQL(FUNCTIONS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(OUTCOMES_BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
