from django.db import migrations, models

from kado_platform.federation.sql import FUNCTIONS

# The regions that exist get their workers' first starts now; the triggers keep them
# from then on. The other kinds' rows are recomputed to the same values.
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
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
