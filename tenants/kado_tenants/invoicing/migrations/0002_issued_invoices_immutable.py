from django.db import migrations

from kado_tenants.invoicing.sql import DROP_TRIGGERS, FUNCTIONS, TRIGGERS


class Migration(migrations.Migration):
    """Issued invoices cannot be changed or deleted, whoever writes to the database."""

    dependencies = [("invoicing", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTIONS + TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]
