import django.db.models.deletion
from django.db import migrations, models

from kado_platform.federation.sql import FUNCTIONS, OUTCOMES_BACKFILL


class Migration(migrations.Migration):
    """Every employed/returned move in the read model; FUNCTIONS again, since the workers'
    function and the rebuild now write them."""

    dependencies = [
        ("federation", "0004_money_index"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutcomeEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("change_id", models.BigIntegerField()),
                ("worker_id", models.BigIntegerField()),
                ("kind", models.CharField(max_length=10)),
                ("happened_on", models.DateField()),
                ("fiscal_year", models.SmallIntegerField()),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="regions.region",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["fiscal_year", "kind", "region"],
                        name="federation__fiscal__fb0303_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region", "change_id"), name="outcome_event_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(OUTCOMES_BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
