from django.db import migrations

from kado_platform.federation.sql import DROP_TRIGGERS, TRIGGERS


class Migration(migrations.Migration):
    """Every region keeps the federation's read model current, in its own transactions."""

    dependencies = [
        ("orders", "0001_initial"),
        ("clients", "0001_initial"),
        ("workforce", "0001_initial"),
        ("federation", "0002_index_functions"),
    ]

    operations = [
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]
