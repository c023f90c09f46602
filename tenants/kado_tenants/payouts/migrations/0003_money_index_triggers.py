from django.db import migrations

from kado_platform.federation.sql import DROP_TRANSFER_TRIGGERS, TRANSFER_TRIGGERS


class Migration(migrations.Migration):
    """The region's money reaches the federation's read model in its own transactions;
    what the region already holds is indexed once, here."""

    dependencies = [
        ("payouts", "0002_immutability_triggers"),
        ("federation", "0004_money_index"),
    ]

    operations = [
        migrations.RunSQL(TRANSFER_TRIGGERS, reverse_sql=DROP_TRANSFER_TRIGGERS),
        migrations.RunSQL(
            "SELECT public.kado_index_money_rebuild(current_schema())",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
