from django.db import migrations

from kado_tenants.payouts.sql import DROP_TRIGGERS, FUNCTIONS, TRIGGERS


class Migration(migrations.Migration):
    """Approved statements, notices and transfer records refuse changes in the database."""

    dependencies = [("payouts", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTIONS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]
