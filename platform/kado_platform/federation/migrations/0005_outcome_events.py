import django.db.models.deletion
from django.db import migrations, models

from kado_platform.federation.sql import FUNCTIONS

# The regions that exist get their past moves now; the triggers keep them from then on.
BACKFILL = r"""
DO $$
DECLARE
    v_schema text;
    v_workers bigint[];
BEGIN
    FOR v_schema IN SELECT schema_name FROM public.regions_region LOOP
        IF to_regclass(format('%I.workforce_workerstatuschange', v_schema)) IS NOT NULL THEN
            EXECUTE format('SELECT ARRAY(SELECT id FROM %I.workforce_worker)', v_schema)
               INTO v_workers;
            PERFORM public.kado_index_outcomes(v_schema, v_workers);
        END IF;
    END LOOP;
END
$$;
"""


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
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
